"""Telling an enterprise's members what happened to their application.

The in-app notice and the email are rendered from translatable templates in
``templates/emails/`` (``status_changed_notice.txt``, ``status_changed_subject.txt``,
``status_changed.txt``) and sent through ``core.notifications.notify``, which
renders them in each member's own language.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from core.notifications import Notice, notify
from enterprises.access import enterprise_members
from enterprises.services import portal_url

from ..models import Application
from ..selectors.applicant import applicant_status_name


def _render(template: str, context: dict) -> str:
    return render_to_string(f"emails/{template}", context).strip()


def notify_members(*, application: Application, comment: str = "") -> None:
    """Tell each approved member of the enterprise, in-app and by email."""
    link = reverse("programmes:application-detail", args=[application.pk])

    def notice() -> Notice:
        context = {
            "application": application,
            "enterprise": application.enterprise,
            "call": application.call,
            "status_name": applicant_status_name(application.status),
            "comment": comment,
            "link": portal_url(link),
        }
        return Notice(
            subject=" ".join(_render("status_changed_subject.txt", context).split()),
            body=_render("status_changed.txt", context) + "\n",
            message=" ".join(_render("status_changed_notice.txt", context).split()),
            link=link,
        )

    notify(users=enterprise_members(application.enterprise_id), notice=notice)
