"""Template helpers for the portal's header: the desks the user may open, unread notices."""

from django import template

from .. import access
from ..selectors.applicant import unread_notification_count

register = template.Library()


@register.simple_tag
def portal_roles(user):
    """Which of the portal's desks ``user`` may open, for choosing navigation links."""
    return {
        "staff": access.may(user, "use_bureau_desk"),
        "county": access.may(user, "use_county_desk"),
        "expert": access.may(user, "use_expert_desk"),
        "applicant": access.may(user, "use_applicant_pages"),
    }


@register.simple_tag
def unread_notices(user):
    return unread_notification_count(user=user)
