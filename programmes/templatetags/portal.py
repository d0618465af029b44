"""Template helpers for the portal: the desks the user may open, unread notices, and the
``next`` that brings a person back to where they came from (their inbox)."""

from django import template
from django.contrib import admin
from django.utils.html import format_html

from core import navigation

from .. import access
from ..selectors.applicant import unread_notification_count
from ..services.attachments import PREVIEWABLE_CONTENT_TYPES

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


@register.simple_tag(takes_context=True)
def may_open_admin(context) -> bool:
    """Whether the admin lets this request in: asked of the admin site itself."""
    request = context.get("request")
    return request is not None and admin.site.has_permission(request)


@register.simple_tag
def unread_notices(user):
    return unread_notification_count(user=user)


@register.simple_tag(takes_context=True)
def back_to(context) -> str:
    """The checked ``next`` of this request ("" when none): where an action returns."""
    request = context.get("request")
    return navigation.safe_next(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def next_field(context) -> str:
    """A hidden ``next`` field carrying this request's checked ``next``, if any."""
    request = context.get("request")
    next_url = navigation.safe_next(request) if request is not None else ""
    if not next_url:
        return ""
    return format_html('<input type="hidden" name="next" value="{}">', next_url)


@register.filter
def with_next(url, next_url):
    """``url`` carrying ``next_url`` as its ``next``: ``{{ url|with_next:request.path }}``."""
    return navigation.with_next(str(url), str(next_url or ""))


@register.filter
def previewable(attachment) -> bool:
    """Whether ``attachment`` is offered a "Preview" link (a PDF or an image)."""
    return attachment.content_type in PREVIEWABLE_CONTENT_TYPES
