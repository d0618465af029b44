"""What the services' records count, beside what was announced without records.

Every count reads the user's own lists (``services.access``); an announced figure is
never added to a count, only shown beside it. Used by the dashboard and the tests."""

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from enterprises.models import Region

from . import access
from .models import AnnouncedFigure, Event, PlanTarget, Problem, ServiceCase

Measure = AnnouncedFigure.Measure
DONE = (Problem.Status.RESOLVED, Problem.Status.CONFIRMED)


def _in_region(region, path: str) -> dict:
    return {f"{path}__in": region.self_and_descendant_ids()}


def on_record(*, user, measure: str, region: Region, year: int) -> int:
    """How many records of ``measure`` ``user`` sees in ``region`` (and below) in ``year``."""
    if measure == Measure.INSPECTIONS:
        rows = access.case_list(user=user).filter(
            held_on__year=year, **_in_region(region, "enterprise__region")
        )
    elif measure == Measure.PROBLEMS_SOLVED:
        rows = access.problem_list(user=user).filter(
            status__in=DONE, resolved_on__year=year, **_in_region(region, "enterprise__region")
        )
    else:
        rows = access.event_list(user=user).filter(
            kind=Event.Kind.RELEASE_CONFERENCE, held_on__year=year, **_in_region(region, "region")
        )
    return rows.count()


def figures_beside_records(*, user, region_code: str | None = None) -> list[dict]:
    """Each announced figure with the count of the records behind it."""
    figures = access.announced_figure_list(user=user)
    if region_code:
        figures = figures.filter(region__code=region_code)
    return [
        {
            "measure": figure.measure,
            "region": figure.region,
            "year": figure.year,
            "announced": figure,
            "on_record": on_record(
                user=user, measure=figure.measure, region=figure.region, year=figure.year
            ),
        }
        for figure in figures
    ]


def events_by_year(*, user) -> list[dict]:
    """Events on record by year and kind, with the release conferences announced for the
    same year beside them (summed over regions, each shown as announced)."""
    counts = Counter(
        {
            (row["year"], row["kind"]): row["n"]
            for row in access.event_list(user=user)
            .annotate(year=ExtractYear("held_on"))
            .values("year", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    announced: dict[int, list] = {}
    for figure in access.announced_figure_list(user=user).filter(
        measure=Measure.RELEASE_CONFERENCES
    ):
        announced.setdefault(figure.year, []).append(figure)
    years = sorted({year for year, _kind in counts} | set(announced), reverse=True)
    return [
        {
            "year": year,
            "release_conferences": counts[(year, Event.Kind.RELEASE_CONFERENCE)],
            "chain_docking": counts[(year, Event.Kind.CHAIN_DOCKING)],
            "announced": announced.get(year, []),
        }
        for year in years
    ]


def with_settled_counts(platforms):
    """``platforms`` with the enterprises settled now (``settled_on_record``) and the
    technological ones among them (``technological_on_record``), counted in the same
    query: the API's list reads them for every platform at once."""
    now = Q(settlements__left_on__isnull=True)
    return platforms.annotate(
        settled_on_record=Count("settlements", filter=now, distinct=True),
        technological_on_record=Count(
            "settlements", filter=now & Q(settlements__technological=True), distinct=True
        ),
    )


def platform_progress(platform) -> dict:
    """Settled enterprises on record (now, and technological) beside the announced counts,
    and the settlements since the target's start against the projects targeted."""
    settlements = platform.settlements.all()
    current = settlements.filter(left_on__isnull=True)
    since = (
        settlements.filter(settled_on__gte=platform.target_from)
        if platform.target_from
        else settlements
    )
    introduced = since.count()
    target = platform.target_projects
    return {
        "platform": platform,
        "settled_on_record": current.count(),
        "technological_on_record": current.filter(technological=True).count(),
        "announced_settled": platform.announced_settled,
        "announced_technological": platform.announced_technological,
        "introduced_on_record": introduced,
        "target": target,
        "percent": round(100 * introduced / target) if target else None,
    }


def _months_since(start: date, today: date) -> int:
    return max(1, (today.year - start.year) * 12 + today.month - start.month + 1)


def target_actual(target: PlanTarget, *, today: date | None = None) -> Decimal | None:
    """The target's actual: counted from the records where ``counted_from`` says so,
    otherwise the latest recorded actual; None when nothing backs one."""
    today = today or timezone.localdate()
    plan = target.plan
    counted = target.counted_from
    if counted == PlanTarget.Counted.RECORDED:
        latest = target.actuals.order_by("-on").first()
        return latest.value if latest else None
    start = plan.starts_on
    window = {"held_on__gte": start} if start else {}
    if counted in {
        PlanTarget.Counted.RELEASE_CONFERENCES,
        PlanTarget.Counted.RELEASE_CONFERENCES_A_MONTH,
    }:
        count = Event.objects.filter(
            kind=Event.Kind.RELEASE_CONFERENCE, **window, **_in_region(plan.region, "region")
        ).count()
        if counted == PlanTarget.Counted.RELEASE_CONFERENCES:
            return Decimal(count)
        if start is None or start > today:
            return None
        months = _months_since(start, min(today, plan.ends_on or today))
        return (Decimal(count) / months).quantize(Decimal("0.01"))
    if counted == PlanTarget.Counted.RESOLVED_PROBLEMS:
        rows = Problem.objects.filter(
            status__in=DONE, **_in_region(plan.region, "enterprise__region")
        )
        if start:
            rows = rows.filter(resolved_on__gte=start)
        return Decimal(rows.count())
    rows = plan.service_cases.all()
    return Decimal(rows.count())


def plan_progress(plan, *, today: date | None = None) -> list[dict]:
    """Each target of the plan with its actual and the share of the target reached."""
    rows = []
    for target in plan.targets.all():
        actual = target_actual(target, today=today)
        rows.append(
            {
                "target": target,
                "actual": actual,
                "counted": target.counted_from != PlanTarget.Counted.RECORDED,
                "percent": None
                if actual is None
                else min(999, round(100 * actual / target.target)),
            }
        )
    return rows


def cases_by(*, user, field: str) -> list[dict]:
    """Service cases counted by ``county``, ``kind`` or ``month`` (held), each with how
    many were visits, inspections and diagnoses."""
    key = {"county": "enterprise__region__name", "kind": "kind", "month": "month"}[field]
    rows = access.case_list(user=user).order_by()
    if field == "month":
        rows = rows.annotate(month=TruncMonth("held_on"))
    counted = (
        rows.values(key)
        .annotate(
            n=Count("pk"),
            **{kind: Count("pk", filter=Q(kind=kind)) for kind in ServiceCase.Kind.values},
        )
        .order_by(key)
    )
    labels = dict(ServiceCase.Kind.choices)
    return [
        {
            "key": labels.get(row[key], row[key]) if field == "kind" else row[key],
            "total": row["n"],
            **{kind: row[kind] for kind in ServiceCase.Kind.values},
        }
        for row in counted
    ]


def problem_totals(*, user, today: date | None = None) -> dict:
    """How many problems ``user`` sees: in all, waiting for the bureau's side, overdue
    among those, and done (resolved or confirmed); one query."""
    today = today or timezone.localdate()
    waiting = ~Q(status__in=DONE)
    return access.problem_list(user=user).aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(due_on__lt=today)),
        done=Count("pk", filter=Q(status__in=DONE)),
    )


def problems_by(*, user, field: str) -> list[dict]:
    """Problems counted by ``county``, ``category`` or ``month`` (raised), each with how
    many are done (resolved or confirmed) and how many overdue."""
    today = timezone.localdate()
    rows = access.problem_list(user=user).order_by()
    key = {
        "county": "enterprise__region__name",
        "category": "category",
        "month": "month",
    }[field]
    if field == "month":
        rows = rows.annotate(month=TruncMonth("raised_on"))
    counted = rows.values(key).annotate(n=Count("pk")).order_by(key)
    done = dict(rows.filter(status__in=DONE).values_list(key).annotate(n=Count("pk")))
    overdue = dict(
        rows.exclude(status__in=(*DONE,))
        .filter(due_on__lt=today)
        .values_list(key)
        .annotate(n=Count("pk"))
    )
    labels = dict(Problem.Category.choices)
    return [
        {
            "key": labels.get(row[key], row[key]) if field == "category" else row[key],
            "total": row["n"],
            "done": done.get(row[key], 0),
            "overdue": overdue.get(row[key], 0),
        }
        for row in counted
    ]
