"""Reads for the review desks: the county queue and its quota, experts' assignments, rankings.

Every list starts from ``application_list`` (or the acting expert's own rows), so the
review pages see no more than the admin and the API would show the same user.
"""

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from enterprises.models import Region

from .. import access
from ..access import application_list
from ..models import Application, Call, ReviewAssignment
from ..workflow import HOLDS_QUOTA_PLACE, IN_COUNTY_QUEUE, RANKED, UNDER_EXPERT_REVIEW, Status

TWO_PLACES = Decimal("0.01")


# --- County officers -----------------------------------------------------------


def county_queue(*, user) -> QuerySet[Application]:
    """Submitted and resubmitted applications from the officer's regions, oldest first."""
    return (
        Application.objects.filter(access.county_applications(user), status__in=IN_COUNTY_QUEUE)
        .select_related("enterprise", "region", "call__programme")
        .order_by("call__closes_on", "call__code", "submitted_at", "id")
    )


def county_application_get(*, user, pk) -> Application | None:
    """One filed application of the officer's regions, or None."""
    return (
        Application.objects.filter(access.county_applications(user))
        .select_related("enterprise", "region", "call__programme")
        .filter(pk=pk)
        .first()
    )


@dataclass
class QuotaUsage:
    call: Call
    region: Region | None
    used: int
    quota: int | None

    @property
    def full(self) -> bool:
        return self.quota is not None and self.used >= self.quota

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.used, 0)


def quota_usage(*, applications) -> list[QuotaUsage]:
    """Quota use for every (call, region) pair among ``applications``, in two queries."""
    pairs = {(app.call_id, app.region_id): app for app in applications}
    if not pairs:
        return []
    counts = (
        Application.objects.filter(
            HOLDS_QUOTA_PLACE,
            call_id__in={call_id for call_id, _ in pairs},
            region_id__in={region_id for _, region_id in pairs},
        )
        .values("call_id", "region_id")
        .annotate(used=Count("pk", distinct=True))
        .order_by()
    )
    used = {(row["call_id"], row["region_id"]): row["used"] for row in counts}
    return [
        QuotaUsage(
            call=app.call,
            region=app.region,
            used=used.get(pair, 0),
            quota=app.call.recommendation_quota,
        )
        for pair, app in sorted(
            pairs.items(), key=lambda item: (item[1].call.code, item[0][1] or 0)
        )
    ]


# --- Experts ----------------------------------------------------------------------


def expert_assignments(*, user) -> QuerySet[ReviewAssignment]:
    """The expert's own assignments, newest first; nobody else's."""
    return (
        ReviewAssignment.objects.filter(access.own_assignment_scope(user))
        .select_related("application__enterprise", "application__call__programme")
        .order_by("-assigned_at", "-id")
    )


def expert_assignment_get(*, user, pk) -> ReviewAssignment | None:
    return expert_assignments(user=user).filter(pk=pk).first()


def assignment_has_conflict(assignment: ReviewAssignment) -> bool:
    """A closed assignment without a no-conflict declaration is a declared conflict.

    ``ReviewAssignment`` has no column of its own for a declared conflict; the
    service closes the assignment (``submitted_at``) without declaring "no
    conflict", and keeps the expert's reason in ``comment``.
    """
    return assignment.submitted_at is not None and assignment.no_conflict_declared_at is None


def assignment_file_open(assignment: ReviewAssignment) -> bool:
    """The file opens once the expert has declared no conflict of interest."""
    return assignment.no_conflict_declared_at is not None


def assignment_state(assignment: ReviewAssignment) -> str:
    """One word for templates: pending, conflict, open (sheet in progress) or submitted."""
    if assignment_has_conflict(assignment):
        return "conflict"
    if assignment.no_conflict_declared_at is None:
        return "pending"
    if assignment.submitted_at is None:
        return "open"
    return "submitted"


# --- Bureau staff ---------------------------------------------------------------


def desk_calls(*, user) -> QuerySet[Call]:
    """Calls with applications, for staff, each with counts of its applications by stage."""
    if not access.may(user, "use_bureau_desk"):
        return Call.objects.none()
    applications = application_list(user=user).values("pk")
    in_scope = Q(applications__in=applications)
    return (
        Call.objects.filter(applications__in=applications)
        .distinct()
        .select_related("programme")
        .annotate(
            application_count=Count("applications", filter=in_scope, distinct=True),
            in_review_count=Count(
                "applications",
                filter=in_scope & Q(applications__status=Status.IN_REVIEW),
                distinct=True,
            ),
            in_notice_count=Count(
                "applications",
                filter=in_scope & Q(applications__status=Status.IN_PUBLIC_NOTICE),
                distinct=True,
            ),
        )
        .order_by("-year", "programme__name", "code")
    )


def desk_call_get(*, user, pk) -> Call | None:
    if not access.may(user, "use_bureau_desk"):
        return None
    return Call.objects.select_related("programme").filter(pk=pk).first()


def desk_application_get(*, user, pk) -> Application | None:
    if not access.may(user, "use_bureau_desk"):
        return None
    return (
        application_list(user=user)
        .select_related("enterprise", "region", "call__programme")
        .filter(pk=pk)
        .first()
    )


def assignable_applications(*, user, call: Call) -> QuerySet[Application]:
    """The call's applications an expert may be assigned to now: accepted or in review."""
    return (
        application_list(user=user)
        .filter(call=call, status__in=UNDER_EXPERT_REVIEW)
        .select_related("enterprise")
        .order_by("enterprise__name", "id")
    )


@dataclass
class RankingRow:
    application: Application
    scores: list[Decimal]
    assigned: int
    conflicts: int

    @property
    def sheets(self) -> int:
        return len(self.scores)

    @property
    def average(self) -> Decimal | None:
        if not self.scores:
            return None
        return (sum(self.scores) / len(self.scores)).quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def spread(self) -> Decimal | None:
        """Highest minus lowest score: how far the experts disagree."""
        if not self.scores:
            return None
        return max(self.scores) - min(self.scores)

    @property
    def std_dev(self) -> Decimal | None:
        """Population standard deviation of the submitted scores."""
        if not self.scores:
            return None
        return Decimal(str(statistics.pstdev(self.scores))).quantize(TWO_PLACES, ROUND_HALF_UP)


def call_ranking(*, user, call: Call) -> list[RankingRow]:
    """The call's applications under review or decided, best average score first.

    Only submitted score sheets count; an application without one sorts last.
    Declared conflicts are counted apart so staff can assign someone else.
    """
    applications = list(
        application_list(user=user)
        .filter(call=call, status__in=RANKED)
        .select_related("enterprise", "region")
        .prefetch_related(
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("expert"))
        )
    )
    rows = []
    for application in applications:
        assignments = list(application.assignments.all())
        rows.append(
            RankingRow(
                application=application,
                scores=[
                    a.total_score
                    for a in assignments
                    if a.submitted_at is not None
                    and a.no_conflict_declared_at is not None
                    and a.total_score is not None
                ],
                assigned=sum(1 for a in assignments if not assignment_has_conflict(a)),
                conflicts=sum(1 for a in assignments if assignment_has_conflict(a)),
            )
        )
    rows.sort(
        key=lambda row: (
            row.average is None,
            -(row.average or 0),
            row.application.enterprise.name,
            row.application.pk,
        )
    )
    return rows
