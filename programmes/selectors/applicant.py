"""Reads for the applicant portal: open calls, the user's own applications, notices.

Also the applicant-facing names of the workflow's states: an enterprise reads
"Being checked by your county" where the bureau reads "Submitted".
"""

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Notification
from enterprises.access import member_enterprise_ids
from enterprises.models import Enterprise

from ..access import acted_for_county, application_list
from ..models import Application, ApplicationEvent, Attachment, Call
from ..workflow import MOVES, Actor, Status

# What each state means for the enterprise that filed. Keys are the workflow's states;
# a state added to the workflow without a name here falls back to its own label.
APPLICANT_STATUS_NAMES = {
    Status.DRAFT: _("Draft — not sent yet"),
    Status.SUBMITTED: _("Being checked by your county"),
    Status.RETURNED: _("Returned to you for revision"),
    Status.RESUBMITTED: _("Revised; being checked again by your county"),
    Status.RECOMMENDED: _("Recommended by your county; with the bureau for its formal check"),
    Status.ACCEPTED: _("Accepted by the bureau; waiting for expert review"),
    Status.IN_REVIEW: _("Being reviewed by experts"),
    Status.REVIEWED: _("Expert review finished; waiting for the bureau's decision"),
    Status.APPROVED: _("Approved; the public notice follows"),
    Status.IN_PUBLIC_NOTICE: _("In public notice"),
    Status.OBJECTION: _("An objection is being examined"),
    Status.GRANTED: _("Granted"),
    Status.REJECTED: _("Not successful"),
    Status.WITHDRAWN: _("Withdrawn by your enterprise"),
    Status.WARNED: _("Warned after evaluation"),
    Status.REVOKED: _("Revoked"),
    Status.EXPIRED: _("Expired"),
}

# Applicant-facing names of who acted on a timeline entry.
ACTOR_NAMES = {
    "enterprise": _("Your enterprise"),
    "county": _("County bureau"),
    "bureau": _("Municipal bureau"),
    "system": _("Programme Desk"),
}


def applicant_status_name(status: str) -> str:
    name = APPLICANT_STATUS_NAMES.get(status)
    if name is None:
        return Status(status).label if status in Status.values else status
    return name


def today() -> date:
    return timezone.localdate()


def open_call_list(*, on: date | None = None) -> QuerySet[Call]:
    """Calls taking applications on ``on`` (today): opens_on ≤ day ≤ closes_on."""
    on = on or today()
    return (
        Call.objects.open_on(on)
        .filter(programme__is_active=True)
        .select_related("programme")
        .order_by("closes_on", "title")
    )


def applicant_enterprise_list(*, user) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may file for: approved memberships only."""
    return Enterprise.objects.filter(pk__in=member_enterprise_ids(user)).order_by("name")


def applicant_application_list(*, user) -> QuerySet[Application]:
    """Applications of the enterprises ``user`` acts for, and no others.

    Built on ``application_list`` so that the general scope applies, then narrowed
    to membership: staff or officers who open "My applications" see only what
    their own enterprises filed.
    """
    return (
        application_list(user=user)
        .filter(enterprise_id__in=member_enterprise_ids(user))
        .select_related("enterprise", "call", "call__programme")
    )


def applicant_application_get(*, user, pk) -> Application | None:
    return (
        applicant_application_list(user=user)
        .select_related("product_detail", "project_detail", "designation_detail")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ApplicationEvent.objects.select_related("actor").order_by("at", "id"),
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
        )
        .filter(pk=pk)
        .first()
    )


def _actor_kind(event: ApplicationEvent, application: Application) -> str:
    move = MOVES.get(event.move)
    if event.actor is None or move is None:
        return "system"
    if move.actors == (Actor.APPLICANT,):
        return "enterprise"
    if acted_for_county(event.actor):
        return "county"
    return "bureau"


def applicant_timeline(*, application: Application) -> list[dict]:
    """The timeline as the enterprise reads it: when, who (by role), new state, comment."""
    entries = [
        {
            "at": application.created_at,
            "who": ACTOR_NAMES["enterprise"],
            "status": Status.DRAFT,
            "status_name": _("Draft created"),
            "comment": "",
            "from_bureau": False,
        }
    ]
    for event in application.events.all():
        kind = _actor_kind(event, application)
        entries.append(
            {
                "at": event.at,
                "who": ACTOR_NAMES[kind],
                "status": event.to_status,
                "status_name": applicant_status_name(event.to_status),
                "comment": event.comment,
                "from_bureau": kind in {"county", "bureau"},
            }
        )
    return entries


def return_comment(*, application: Application) -> ApplicationEvent | None:
    """The event that last returned the application for revision, with its comment."""
    events = [event for event in application.events.all() if event.to_status == Status.RETURNED]
    return events[-1] if events else None


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_notification_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
