"""Reminders of deadlines, sent once each: calls closing, notices ending, designations expiring,
evaluations due, expert reviews due.

``reminders_due`` works out who should hear what on a given day;
``reminders_send`` sends those not sent before (an in-app notice and an email,
queued for the mail worker) and logs each in ``ReminderLog``, whose unique
constraint on (kind, subject, recipient, due date) keeps a reminder from going out
twice, even when two runs overlap. ``python manage.py send_reminders`` calls it
daily from cron.

Who hears what:

- a call closes within ``CALL_CLOSING_DAYS``: bureau staff, and the approved
  members of every enterprise with a draft in that call;
- a public notice (opened by the ``open_public_notice`` move, lasting the call's
  ``public_notice_days``) ends within ``NOTICE_ENDING_DAYS`` or has ended while
  the applications still wait in notice: bureau staff, once per call and end date;
- a designation's ``valid_until`` falls within ``DESIGNATION_EXPIRING_DAYS``:
  the enterprise's members and bureau staff (staff also hear of designations
  whose validity has passed while they are still marked granted);
- a designation was last evaluated ``EVALUATION_INTERVAL_YEARS`` or more ago,
  or never and designated that long ago: bureau staff;
- an expert's review (``ReviewAssignment.due_on``) is due within ``REVIEW_DUE_DAYS``
  and its score sheet is not in: the expert; and once more when the day has passed.

Apps built on programmes add their own reminders with ``register_reminders`` (called in
their ``AppConfig.ready()``): each source is worked out in every language like these, and
logged and sent the same way.

"Bureau staff" are the active members of the Bureau staff group; superusers
outside it are IT accounts and get no reminders. Each recipient reads their reminder
in their own language (``core.profiles``; the site's for those who never chose).

These are system reads, not a user's list, so they query the models directly
instead of going through the per-user selectors.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.notifications import Notice, notify
from core.profiles import choices_of
from enterprises.models import Membership
from enterprises.services import portal_url

from .. import access
from ..models import (
    Application,
    ApplicationEvent,
    Call,
    Designation,
    Evaluation,
    ReminderLog,
    ReviewAssignment,
)
from ..workflow import HOLDING, UNDER_EXPERT_REVIEW, Status

CALL_CLOSING_DAYS = 7
NOTICE_ENDING_DAYS = 2
DESIGNATION_EXPIRING_DAYS = 90
EVALUATION_INTERVAL_YEARS = 2
REVIEW_DUE_DAYS = 3

Kind = ReminderLog.Kind

#: Reminders of the apps above programmes: ``source(today, staff) -> list[Reminder]``.
_sources: list = []
#: The kinds those sources send, and their labels.
_kinds: dict[str, object] = {}


def register_reminders(source, *, kinds: dict[str, object]) -> None:
    """Add ``source``'s reminders to every run; ``kinds`` names the kinds it sends."""
    if source not in _sources:
        _sources.append(source)
    _kinds.update(kinds)


def reminder_kinds() -> list[tuple[str, object]]:
    """Every kind a run may send, with its label: programmes' own, then the registered."""
    return [*Kind.choices, *_kinds.items()]


@dataclass(frozen=True)
class Reminder:
    kind: str
    object_key: str
    due_on: date
    recipient: object
    subject: str
    message: str
    link: str = ""

    @property
    def identity(self) -> tuple:
        return (self.kind, self.object_key, self.recipient.pk, self.due_on)


@dataclass
class ReminderRun:
    """What a run did: reminders sent (or, in a dry run, that would be) and skipped."""

    today: date
    dry_run: bool
    sent: list[Reminder] = field(default_factory=list)
    already_sent: int = 0


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _link(name: str, *args) -> str:
    try:
        return portal_url(reverse(name, args=args))
    except NoReverseMatch:  # pragma: no cover - the page belongs to another part of the site
        return ""


def bureau_staff() -> list:
    return list(access.bureau_staff().order_by("username"))


def _members_by_enterprise(enterprise_ids) -> dict[int, list]:
    members = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            enterprise_id__in=set(enterprise_ids),
            status=Membership.Status.APPROVED,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__username")
    )
    for membership in memberships:
        members[membership.enterprise_id].append(membership.user)
    return members


def _calls_closing(today: date, staff: list) -> list[Reminder]:
    calls = list(
        Call.objects.filter(
            closes_on__gte=today, closes_on__lte=today + timedelta(days=CALL_CLOSING_DAYS)
        ).order_by("closes_on", "code")
    )
    drafts = defaultdict(lambda: defaultdict(list))  # call → enterprise → drafts
    for application in Application.objects.filter(call__in=calls, status=Status.DRAFT).order_by(
        "title"
    ):
        drafts[application.call_id][application.enterprise_id].append(application)
    members = _members_by_enterprise(
        enterprise_id for by_enterprise in drafts.values() for enterprise_id in by_enterprise
    )
    subject = _("Programme Desk: a call closes soon")
    reminders = []
    for call in calls:
        key, closes = f"call:{call.pk}", _day(call.closes_on)
        draft_count = sum(len(items) for items in drafts[call.pk].values())
        message = ngettext(
            "The call “%(call)s” closes on %(date)s; %(count)s application is still a draft.",
            "The call “%(call)s” closes on %(date)s; %(count)s applications are still drafts.",
            draft_count,
        ) % {"call": call.title, "date": closes, "count": draft_count}
        reminders += [
            Reminder(Kind.CALL_CLOSING, key, call.closes_on, user, subject, message)
            for user in staff
        ]
        for enterprise_id, applications in drafts[call.pk].items():
            message = ngettext(
                "The call “%(call)s” closes on %(date)s. Your draft %(titles)s has not been "
                "submitted yet.",
                "The call “%(call)s” closes on %(date)s. Your drafts %(titles)s have not been "
                "submitted yet.",
                len(applications),
            ) % {
                "call": call.title,
                "date": closes,
                "titles": pgettext("list separator", ", ").join(
                    f"“{item.title}”" for item in applications
                ),
            }
            only = applications[0] if len(applications) == 1 else None
            link = (
                _link("programmes:application-detail", only.pk)
                if only
                else _link("programmes:home")
            )
            reminders += [
                Reminder(
                    Kind.CALL_CLOSING,
                    key,
                    call.closes_on,
                    user,
                    subject,
                    message,
                    link=link,
                )
                for user in members[enterprise_id]
            ]
    return reminders


def _notices_ending(today: date, staff: list) -> list[Reminder]:
    opened = (
        ApplicationEvent.objects.filter(
            application=OuterRef("pk"), to_status=Status.IN_PUBLIC_NOTICE
        )
        .order_by("-at")
        .values("at")[:1]
    )
    in_notice = (
        Application.objects.filter(status=Status.IN_PUBLIC_NOTICE)
        .annotate(notice_opened=Subquery(opened))
        .select_related("call__programme")
        .order_by("call__code", "pk")
    )
    ending = defaultdict(list)  # (call, end) → applications
    for application in in_notice:
        if application.notice_opened is None:
            continue  # no record of when the notice opened: nothing to count from
        # The last day it runs (a notice in working days ends at that day's midnight).
        ends_at = application.call.notice_ends_at(application.notice_opened)
        ends_on = timezone.localdate(ends_at - timedelta(microseconds=1))
        if ends_on <= today + timedelta(days=NOTICE_ENDING_DAYS):
            ending[(application.call, ends_on)].append(application)
    subject = _("Programme Desk: a public notice ends")
    reminders = []
    for (call, ends_on), applications in ending.items():
        values = {"call": call.title, "date": _day(ends_on), "count": len(applications)}
        if ends_on >= today:
            message = ngettext(
                "The public notice of %(count)s application in “%(call)s” ends on %(date)s: "
                "grant it or record an objection.",
                "The public notice of %(count)s applications in “%(call)s” ends on %(date)s: "
                "grant them or record objections.",
                len(applications),
            )
        else:
            message = ngettext(
                "The public notice of %(count)s application in “%(call)s” ended on %(date)s "
                "and it is still waiting in notice.",
                "The public notice of %(count)s applications in “%(call)s” ended on %(date)s "
                "and they are still waiting in notice.",
                len(applications),
            )
        reminders += [
            Reminder(
                Kind.NOTICE_ENDING,
                f"call:{call.pk}",
                ends_on,
                user,
                subject,
                message % values,
                link=_link("review:desk-call", call.pk),
            )
            for user in staff
        ]
    return reminders


def _designation_name(designation: Designation) -> str:
    application = designation.application
    detail = getattr(application, "designation_detail", None)
    return (detail.platform_name if detail else "") or application.title


def _designations_expiring(today: date, staff: list) -> list[Reminder]:
    designations = list(
        Designation.objects.filter(
            valid_until__lte=today + timedelta(days=DESIGNATION_EXPIRING_DAYS),
            application__status__in=HOLDING,
        )
        .select_related("application__enterprise", "application__designation_detail")
        .order_by("valid_until", "pk")
    )
    members = _members_by_enterprise(d.application.enterprise_id for d in designations)
    subject = _("Programme Desk: a designation expires")
    reminders = []
    for designation in designations:
        application = designation.application
        values = {
            "name": _designation_name(designation),
            "enterprise": application.enterprise.name,
            "date": _day(designation.valid_until),
        }
        key = f"designation:{designation.pk}"
        if designation.valid_until >= today:
            staff_message = (
                _("The designation “%(name)s” of %(enterprise)s expires on %(date)s.") % values
            )
            member_message = (
                _(
                    "Your designation “%(name)s” expires on %(date)s. If you mean to keep it, "
                    "prepare the renewal in time."
                )
                % values
            )
            recipients = [(user, staff_message) for user in staff] + [
                (user, member_message) for user in members[application.enterprise_id]
            ]
        else:
            staff_message = (
                _(
                    "The designation “%(name)s” of %(enterprise)s expired on %(date)s but is "
                    "still recorded as held."
                )
                % values
            )
            recipients = [(user, staff_message) for user in staff]
        reminders += [
            Reminder(
                Kind.DESIGNATION_EXPIRING,
                key,
                designation.valid_until,
                user,
                subject,
                message,
            )
            for user, message in recipients
        ]
    return reminders


def _evaluations_due(today: date, staff: list) -> list[Reminder]:
    last = (
        Evaluation.objects.filter(designation=OuterRef("pk"))
        .order_by("-evaluated_on")
        .values("evaluated_on")[:1]
    )
    cutoff = add_years(today, -EVALUATION_INTERVAL_YEARS)
    designations = (
        Designation.objects.filter(application__status__in=HOLDING)
        .annotate(
            last_evaluated=Subquery(last),
            basis=Coalesce(Subquery(last), "designated_on", "valid_from"),
        )
        .filter(basis__lte=cutoff)
        .select_related("application__enterprise", "application__designation_detail")
        .order_by("basis", "pk")
    )
    subject = _("Programme Desk: an evaluation is due")
    reminders = []
    for designation in designations:
        due_on = add_years(designation.basis, EVALUATION_INTERVAL_YEARS)
        values = {
            "name": _designation_name(designation),
            "enterprise": designation.application.enterprise.name,
            "last": _day(designation.basis),
            "due": _day(due_on),
        }
        if designation.last_evaluated:
            message = _(
                "The designation “%(name)s” of %(enterprise)s was last evaluated on %(last)s; "
                "its next evaluation was due on %(due)s."
            )
        else:
            message = _(
                "The designation “%(name)s” of %(enterprise)s has not been evaluated since it "
                "was designated on %(last)s; its first evaluation was due on %(due)s."
            )
        reminders += [
            Reminder(
                Kind.EVALUATION_DUE,
                f"designation:{designation.pk}",
                due_on,
                user,
                subject,
                message % values,
            )
            for user in staff
        ]
    return reminders


def _reviews_due(today: date) -> list[Reminder]:
    assignments = (
        ReviewAssignment.objects.filter(
            submitted_at__isnull=True,
            due_on__lte=today + timedelta(days=REVIEW_DUE_DAYS),
            application__status__in=UNDER_EXPERT_REVIEW,
            expert__is_active=True,
        )
        .select_related("expert", "application__call")
        .order_by("due_on", "pk")
    )
    subject = _("Programme Desk: a review is due")
    reminders = []
    for assignment in assignments:
        application = assignment.application
        values = {
            "title": application.title,
            "call": application.call.title,
            "date": _day(assignment.due_on),
        }
        key = f"assignment:{assignment.pk}"
        if assignment.due_on >= today:
            message = _("Your review of “%(title)s” (%(call)s) is due on %(date)s.") % values
        else:
            key += ":overdue"
            message = (
                _(
                    "Your review of “%(title)s” (%(call)s) was due on %(date)s: submit the "
                    "score sheet, or tell the bureau if you cannot."
                )
                % values
            )
        reminders.append(
            Reminder(
                Kind.REVIEW_DUE,
                key,
                assignment.due_on,
                assignment.expert,
                subject,
                message,
                link=_link("review:expert-assignment", assignment.pk),
            )
        )
    return reminders


def _reminders_in(language: str, today: date, staff: list) -> list[Reminder]:
    with translation.override(language):
        return [
            *_calls_closing(today, staff),
            *_notices_ending(today, staff),
            *_designations_expiring(today, staff),
            *_evaluations_due(today, staff),
            *_reviews_due(today),
            *(reminder for source in _sources for reminder in source(today, staff)),
        ]


def reminders_due(*, today: date) -> list[Reminder]:
    """Every reminder that applies on ``today``, sent before or not, each written in its
    recipient's language.

    The reminders are worked out once per language of the site, in the same order each
    time; each recipient's is taken from the pass in their language.
    """
    staff = bureau_staff()
    languages = [code for code, _name in settings.LANGUAGES]
    passes = {language: _reminders_in(language, today, staff) for language in languages}
    first = passes[languages[0]]
    if not first:
        return []
    language_of = {
        pk: chosen.language
        for pk, chosen in choices_of([reminder.recipient for reminder in first]).items()
    }
    return [
        passes.get(language_of[reminder.recipient.pk], first)[index]
        for index, reminder in enumerate(first)
    ]


def _notice(reminder: Reminder) -> Notice:
    body = reminder.message
    if reminder.link:
        body += "\n\n" + reminder.link
    return Notice(
        subject=reminder.subject,
        body=body + "\n",
        message=reminder.message,
        link=urlsplit(reminder.link).path,
    )


def reminders_send(*, today: date, dry_run: bool = False) -> ReminderRun:
    """Send each due reminder not sent before: an in-app notice and, with an address, an email.

    Each reminder is logged, noticed and its email queued in one transaction, so none
    is logged without its email or emailed without its log. The mail worker sends the
    email, and tries again while the mail server is down (``core.mail``). A reminder
    another run logged meanwhile hits the unique constraint and is skipped. A dry
    run writes and sends nothing.
    """
    run = ReminderRun(today=today, dry_run=dry_run)
    candidates = reminders_due(today=today)
    logged = set(
        ReminderLog.objects.filter(
            object_key__in={reminder.object_key for reminder in candidates},
            due_on__in={reminder.due_on for reminder in candidates},
        ).values_list("kind", "object_key", "recipient_id", "due_on")
    )
    fresh = [reminder for reminder in candidates if reminder.identity not in logged]
    run.already_sent = len(candidates) - len(fresh)
    if dry_run:
        run.sent = fresh
        return run
    for reminder in fresh:
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    kind=reminder.kind,
                    object_key=reminder.object_key,
                    recipient=reminder.recipient,
                    due_on=reminder.due_on,
                    message=reminder.message,
                )
                notify(users=[reminder.recipient], notice=_notice(reminder))
        except IntegrityError:
            run.already_sent += 1
        else:
            run.sent.append(reminder)
    return run
