"""Reads for the inbox, the first page after sign-in: what waits for the person, per role.

Every list starts from the scoped rows of ``programmes.access`` (``application_list``,
``county_applications``, ``own_assignment_scope``, ``member_applications``,
``objection_list``), so the inbox never shows a row the person could not open. Each
entry names the page where its action is taken.

- Bureau staff (``bureau_inbox``): the applications waiting for the bureau, by programme
  and call, each kind of work counted, the oldest first.
- County officers (``county_inbox``): the county's queue, each call's quota used and
  left per county (also with an empty queue), the past recommendations and their outcome.
- Experts (``expert_inbox``): their assignments, with the day each review is due.
- Applicants (``applicant_inbox``): the next step of each application, with its deadline.

Post-award obligations are aftercare's: it adds its section (the overdue obligations, the
claims waiting) through ``programmes.hooks.register_panel``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.access import jurisdiction_region_ids
from enterprises.models import Region

from .. import access
from ..models import Application, ApplicationEvent, Call, ReviewAssignment
from ..workflow import (
    HOLDS_QUOTA_PLACE,
    IN_COUNTY_QUEUE,
    OPEN,
    UNDER_EXPERT_REVIEW,
    Status,
)
from .applicant import applicant_application_list, applicant_status_name, open_call_list
from .public import notice_opened_at
from .reviews import assignment_state, county_queue

#: Entries listed per kind of work; the rest are counted and reached through the call.
ENTRIES_PER_TASK = 50
#: Past recommendations listed on a county officer's inbox, the newest first.
PAST_RECOMMENDATIONS = 30


def since_entered() -> Subquery:
    """When the application entered its current state: its latest timeline entry."""
    return Subquery(
        ApplicationEvent.objects.filter(application=OuterRef("pk"))
        .order_by("-at", "-id")
        .values("at")[:1]
    )


@dataclass(frozen=True)
class Task:
    """One kind of work: what the person does, and the page where it is done."""

    key: str
    label: str
    page: str  # "application" (the application's desk page) or "call" (the call's)


@dataclass
class Entry:
    application: Application
    since: datetime | None
    url: str
    deadline: date | datetime | None = None
    note: str = ""
    state: str = ""
    assignment: ReviewAssignment | None = None


@dataclass
class TaskWork:
    task: Task
    count: int = 0
    entries: list[Entry] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.entries), 0)


@dataclass
class CallWork:
    call: Call
    tasks: list[TaskWork] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(work.count for work in self.tasks)

    @property
    def oldest(self) -> datetime | None:
        times = [entry.since for work in self.tasks for entry in work.entries if entry.since]
        return min(times) if times else None


@dataclass
class ProgrammeWork:
    programme: object
    calls: list[CallWork] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(call.total for call in self.calls)


@dataclass
class BureauInbox:
    programmes: list[ProgrammeWork]
    totals: list[TaskWork]  # every task, its count over all calls (entries empty)

    @property
    def total(self) -> int:
        return sum(work.count for work in self.totals)


# --- Bureau staff -------------------------------------------------------------------

BUREAU_TASKS = (
    Task("recommended", _("Recommended by the county: accept or return"), "application"),
    Task("accepted", _("Accepted: assign experts and start the review"), "call"),
    Task("sheets_in", _("Every score sheet is in: complete the review"), "application"),
    Task("reviewed", _("Reviewed: approve or reject"), "application"),
    Task("approved", _("Approved: open the public notice"), "application"),
    Task("notice_ended", _("Public notice ended: grant"), "application"),
    Task("objections", _("Objections lodged: read them and decide"), "application"),
    Task("objection", _("Objection under review: resolve or reject"), "application"),
)
TASKS = {task.key: task for task in BUREAU_TASKS}


def _sheets_in() -> Q:
    """In review, with a score sheet submitted and none still open."""
    sheets = ReviewAssignment.objects.filter(application=OuterRef("pk"))
    return (
        Q(status=Status.IN_REVIEW)
        & Exists(sheets.filter(submitted_at__isnull=False, no_conflict_declared_at__isnull=False))
        & ~Exists(sheets.filter(submitted_at__isnull=True))
    )


def _bureau_querysets(user) -> dict[str, QuerySet]:
    """The applications behind each task but the ended notices (worked out in Python)."""
    scoped = access.application_list(user=user)
    unhandled = access.objection_list(user=user).filter(handled_at__isnull=True)
    return {
        "recommended": scoped.filter(status=Status.RECOMMENDED),
        "accepted": scoped.filter(status=Status.ACCEPTED),
        "sheets_in": scoped.filter(_sheets_in()),
        "reviewed": scoped.filter(status=Status.REVIEWED),
        "approved": scoped.filter(status=Status.APPROVED),
        "objections": scoped.filter(
            status=Status.IN_PUBLIC_NOTICE,
            pk__in=unhandled.values("application_id"),
        ),
        "objection": scoped.filter(status=Status.OBJECTION),
    }


def _entry_url(task: Task, application: Application, call_id: int) -> str:
    if task.page == "call":
        return reverse("review:desk-call", args=[call_id]) + "#assign"
    return reverse("review:desk-application", args=[application.pk])


def bureau_inbox(*, user, call: Call | None = None, now: datetime | None = None) -> BureauInbox:
    """Everything waiting for the bureau (of one ``call``, when given), by programme and
    call, each task counted and its entries the oldest first.

    A few queries whatever the size: per task one count by call and one page of its
    oldest entries (``ENTRIES_PER_TASK``; all of them for one call); the applications
    in public notice are read once, their notice's end worked out as the workflow's
    guard does.
    """
    if not access.may(user, "use_bureau_desk"):
        return BureauInbox(programmes=[], totals=[])
    now = now or timezone.now()
    # One call's page lists all of its entries; the inbox the oldest of each task.
    limit = ENTRIES_PER_TASK if call is None else None
    querysets = _bureau_querysets(user)
    counts: dict[str, dict[int, int]] = {}
    entries: dict[str, list[Application]] = {}
    for key, queryset in querysets.items():
        if call is not None:
            queryset = queryset.filter(call=call)
        counts[key] = dict(queryset.values_list("call_id").annotate(count=Count("pk")).order_by())
        entries[key] = list(
            queryset.annotate(since=since_entered())
            .select_related("enterprise", "region", "call__programme")
            .order_by("since", "pk")[:limit]
        )
    in_notice = access.application_list(user=user).filter(status=Status.IN_PUBLIC_NOTICE)
    if call is not None:
        in_notice = in_notice.filter(call=call)
    ended = []
    for application in in_notice.annotate(
        since=since_entered(), notice_opened_at=notice_opened_at()
    ).select_related("enterprise", "region", "call__programme"):
        ends_at = application.call.notice_ends_at(application.notice_opened_at)
        if ends_at is not None and ends_at <= now:
            application.since = ends_at
            ended.append(application)
    ended.sort(key=lambda application: (application.since, application.pk))
    counts["notice_ended"] = defaultdict(int)
    for application in ended:
        counts["notice_ended"][application.call_id] += 1
    entries["notice_ended"] = ended[:limit]

    calls: dict[int, CallWork] = {}
    call_ids = {call_id for by_call in counts.values() for call_id in by_call}
    call_rows = Call.objects.select_related("programme").in_bulk(call_ids)
    for task in BUREAU_TASKS:
        for call_id, count in counts[task.key].items():
            work = calls.setdefault(call_id, CallWork(call=call_rows[call_id]))
            work.tasks.append(TaskWork(task=task, count=count))
    for task in BUREAU_TASKS:
        for application in entries[task.key]:
            work = next(w for w in calls[application.call_id].tasks if w.task.key == task.key)
            work.entries.append(
                Entry(
                    application=application,
                    since=application.since,
                    url=_entry_url(task, application, application.call_id),
                )
            )
    by_programme: dict[int, ProgrammeWork] = {}
    for work in sorted(
        calls.values(), key=lambda w: (w.oldest is None, w.oldest or now, w.call.code)
    ):
        programme = work.call.programme
        by_programme.setdefault(programme.pk, ProgrammeWork(programme=programme)).calls.append(work)
    totals = [TaskWork(task=task, count=sum(counts[task.key].values())) for task in BUREAU_TASKS]
    return BureauInbox(programmes=list(by_programme.values()), totals=totals)


def desk_call_waiting(*, user, call: Call) -> list[TaskWork]:
    """What waits for the bureau in one call, task by task (the call's desk page)."""
    inbox = bureau_inbox(user=user, call=call)
    for programme in inbox.programmes:
        for work in programme.calls:
            return work.tasks
    return []


# --- County officers ------------------------------------------------------------------


@dataclass
class QuotaRow:
    call: Call
    region: Region
    used: int
    waiting: int

    @property
    def quota(self) -> int | None:
        return self.call.recommendation_quota

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.used, 0)


@dataclass
class CountyInbox:
    queue: list[Entry]
    quotas: list[QuotaRow]
    recommended: list[Application]


def _county_regions(user) -> list[Region]:
    """The county-level regions an officer covers: where a quota is counted."""
    return [
        region
        for region in Region.objects.filter(pk__in=jurisdiction_region_ids(user)).order_by("code")
        if region.county_level
    ]


def county_quotas(*, user, today: date | None = None) -> list[QuotaRow]:
    """Each call's places used and left in each of the officer's counties: the calls that
    take applications now, and those with filings of the officer's counties still open."""
    if not access.may(user, "use_county_desk"):
        return []
    today = today or timezone.localdate()
    regions = _county_regions(user)
    if not regions:
        return []
    county = Application.objects.filter(access.county_applications(user))
    active_calls = set(
        county.filter(status__in=OPEN).values_list("call_id", flat=True).distinct()
    ) | set(Call.objects.open_on(today).values_list("pk", flat=True))
    calls = list(
        Call.objects.filter(pk__in=active_calls)
        .select_related("programme")
        .order_by("closes_on", "code")
    )
    region_ids = [region.pk for region in regions]
    used = {
        (row["call_id"], row["region_id"]): row["used"]
        for row in Application.objects.filter(
            HOLDS_QUOTA_PLACE, call__in=calls, region_id__in=region_ids
        )
        .values("call_id", "region_id")
        .annotate(used=Count("pk", distinct=True))
        .order_by()
    }
    waiting = {
        (row["call_id"], row["region_id"]): row["waiting"]
        for row in county.filter(status__in=IN_COUNTY_QUEUE, call__in=calls)
        .values("call_id", "region_id")
        .annotate(waiting=Count("pk"))
        .order_by()
    }
    return [
        QuotaRow(
            call=call,
            region=region,
            used=used.get((call.pk, region.pk), 0),
            waiting=waiting.get((call.pk, region.pk), 0),
        )
        for call in calls
        for region in regions
    ]


def county_recommendations(*, user, limit: int = PAST_RECOMMENDATIONS) -> list[Application]:
    """The applications the officer's counties recommended, newest recommendation first,
    each with where it stands now (its outcome)."""
    if not access.may(user, "use_county_desk"):
        return []
    return list(
        Application.objects.filter(access.county_applications(user), events__move="recommend")
        .annotate(recommended_at=Max("events__at", filter=Q(events__move="recommend")))
        .select_related("enterprise", "region", "call__programme")
        .order_by("-recommended_at", "-pk")[:limit]
    )


def county_inbox(*, user, today: date | None = None) -> CountyInbox:
    if not access.may(user, "use_county_desk"):
        return CountyInbox(queue=[], quotas=[], recommended=[])
    queue = [
        Entry(
            application=application,
            since=application.submitted_at,
            url=reverse("review:county-application", args=[application.pk]),
        )
        for application in county_queue(user=user).order_by("submitted_at", "pk")
    ]
    return CountyInbox(
        queue=queue,
        quotas=county_quotas(user=user, today=today),
        recommended=county_recommendations(user=user),
    )


# --- Experts ------------------------------------------------------------------------------


@dataclass
class ExpertInbox:
    to_do: list[Entry]
    done: list[Entry]


EXPERT_STEPS = {
    "pending": _("Declare whether you have a conflict of interest"),
    "open": _("Score the application and submit the score sheet"),
    "submitted": _("Score sheet submitted"),
    "conflict": _("Conflict of interest declared"),
}


def expert_inbox(*, user, today: date | None = None) -> ExpertInbox:
    """The expert's assignments: those still to do, the earliest due first, then the
    ones declared or scored."""
    if not access.may(user, "use_expert_desk"):
        return ExpertInbox(to_do=[], done=[])
    assignments = (
        ReviewAssignment.objects.filter(access.own_assignment_scope(user))
        .select_related("application__enterprise", "application__call__programme")
        .order_by("due_on", "assigned_at", "pk")
    )
    to_do, done = [], []
    for assignment in assignments:
        state = assignment_state(assignment)
        entry = Entry(
            application=assignment.application,
            since=assignment.assigned_at,
            url=reverse("review:expert-assignment", args=[assignment.pk]),
            deadline=assignment.due_on,
            note=str(EXPERT_STEPS[state]),
            state=state,
            assignment=assignment,
        )
        open_work = state in {"pending", "open"}
        if open_work and assignment.application.status in UNDER_EXPERT_REVIEW:
            to_do.append(entry)
        else:
            done.append(entry)
    done.sort(key=lambda entry: entry.since, reverse=True)
    return ExpertInbox(to_do=to_do, done=done)


# --- Applicants ---------------------------------------------------------------------------


@dataclass
class ApplicantInbox:
    to_do: list[Entry]
    waiting: list[Entry]
    open_calls: int


def applicant_inbox(*, user, today: date | None = None) -> ApplicantInbox:
    """The next step of each of the user's applications: drafts to submit before their
    call closes and returned ones to revise first, then those waiting for someone else."""
    if not access.may(user, "use_applicant_pages"):
        return ApplicantInbox(to_do=[], waiting=[], open_calls=0)
    today = today or timezone.localdate()
    applications = applicant_application_list(user=user).filter(
        Q(status__in=(Status.DRAFT, Status.RETURNED)) | Q(status__in=OPEN)
    )
    to_do, waiting = [], []
    for application in applications.annotate(since=since_entered()).order_by(
        "call__closes_on", "created_at", "pk"
    ):
        url = reverse("programmes:application-detail", args=[application.pk])
        if application.status == Status.DRAFT:
            if application.call.is_open(today):
                to_do.append(
                    Entry(
                        application=application,
                        since=application.created_at,
                        url=url,
                        deadline=application.call.closes_on,
                        note=str(_("Complete it and submit it before the call closes")),
                    )
                )
            else:
                waiting.append(
                    Entry(
                        application=application,
                        since=application.created_at,
                        url=url,
                        note=str(_("The call takes no applications now; this draft waits.")),
                    )
                )
        elif application.status == Status.RETURNED:
            to_do.append(
                Entry(
                    application=application,
                    since=application.since,
                    url=url,
                    note=str(_("Revise it as the comment asks and submit it again")),
                )
            )
        else:
            waiting.append(
                Entry(
                    application=application,
                    since=application.since,
                    url=url,
                    note=str(applicant_status_name(application.status)),
                )
            )
    return ApplicantInbox(to_do=to_do, waiting=waiting, open_calls=open_call_list(on=today).count())
