"""Telling an enterprise's members what happened to their application.

The in-app notice and the email are rendered from translatable templates in
``templates/emails/`` (``status_changed_notice.txt``, ``status_changed_subject.txt``,
``status_changed.txt``). They are rendered in the site's language
(``LANGUAGE_CODE``, Chinese for the bureau): a member's own choice of language
is not stored, and the actor who moved the application may use another one.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from enterprises.models import Membership
from enterprises.services import portal_url

from ..models import Application, Notification
from ..selectors.applicant import applicant_status_name


def _render(template: str, context: dict) -> str:
    return render_to_string(f"emails/{template}", context).strip()


def notify_members(*, application: Application, comment: str = "") -> None:
    """An in-app notice and an email to each approved member of the enterprise."""
    members = [
        membership.user
        for membership in Membership.objects.filter(
            enterprise_id=application.enterprise_id, status=Membership.Status.APPROVED
        ).select_related("user")
    ]
    if not members:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "enterprise": application.enterprise,
            "call": application.call,
            "status_name": applicant_status_name(application.status),
            "comment": comment,
            "link": portal_url(reverse("programmes:application-detail", args=[application.pk])),
        }
        message = " ".join(_render("status_changed_notice.txt", context).split())
        subject = " ".join(_render("status_changed_subject.txt", context).split())
        body = _render("status_changed.txt", context) + "\n"
    Notification.objects.bulk_create(
        [Notification(user=user, application=application, message=message) for user in members]
    )
    emails = [
        (subject, body, None, [user.email]) for user in members if user.email and user.is_active
    ]
    if emails:
        send_mass_mail(emails, fail_silently=True)
