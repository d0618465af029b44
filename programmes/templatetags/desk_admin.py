"""Template tags for the admin index: the signed-in user's open work."""

from django import template

from ..selectors import open_work_by_programme

register = template.Library()


@register.simple_tag(takes_context=True)
def open_work(context):
    """Counts by status for each programme, of the applications open to the user."""
    request = context.get("request")
    if request is None:
        return []
    return open_work_by_programme(user=request.user)
