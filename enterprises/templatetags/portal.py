"""Template helpers for the portal's header: the user's roles and unread notices."""

from django import template

from enterprises import roles
from programmes.selectors.applicant import unread_notification_count

register = template.Library()


@register.simple_tag
def portal_roles(user):
    """Which of the four roles ``user`` holds, for choosing navigation links."""
    return {
        "staff": roles.is_bureau_staff(user),
        "county": roles.is_county_officer(user),
        "expert": roles.is_expert(user),
        "applicant": roles.is_applicant(user),
    }


@register.simple_tag
def unread_notices(user):
    return unread_notification_count(user=user)
