"""Figures for the staff dashboard: counts and amounts, and announced figures beside records.

Every figure is an SQL aggregate over ``application_list(user=...)``, so the
dashboard counts exactly the applications its user may see, in a fixed number
of queries however many rows there are.

"Selected" means the bureau granted the application at some point: it is
granted now, or was warned, revoked or expired afterwards. That is what an
announcement counts ("15 selected"), so it is what announced figures are set
against.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.utils.translation import gettext_lazy as _

from enterprises.models import Region

from ..models import AnnouncedFigure, Application, Call, Level, Programme, figure_tier_label
from ..workflow import SELECTED, Status
from . import application_list

ZERO = Decimal("0")


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is limited to; None means no limit."""

    year: int | None = None
    region: Region | None = None


@dataclass
class Row:
    """One line of a breakdown: a programme, level, status, region or year."""

    key: object
    label: str
    applications: int = 0
    selected: int = 0
    requested: Decimal = ZERO
    awarded: Decimal = ZERO


@dataclass
class Breakdown:
    dimension: str
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> Row:
        return Row(
            key=None,
            label=str(_("Total")),
            applications=sum(row.applications for row in self.rows),
            selected=sum(row.selected for row in self.rows),
            requested=sum((row.requested for row in self.rows), ZERO),
            awarded=sum((row.awarded for row in self.rows), ZERO),
        )


@dataclass
class AnnouncedRow:
    """What a bureau announced, and what the system holds for the same thing."""

    programme: str
    call: str
    year: int
    region: str
    tier: str
    announced_count: int | None
    recorded_count: int
    announced_amount: Decimal | None
    recorded_amount: Decimal
    rank: int | None
    source: str
    label: str = ""


@dataclass
class DashboardStatistics:
    filters: DashboardFilters
    by_programme: Breakdown
    by_level: Breakdown
    by_status: Breakdown
    by_region: Breakdown
    by_year: Breakdown
    announced: list[AnnouncedRow]


def dashboard_applications(*, user, filters: DashboardFilters) -> QuerySet[Application]:
    """The applications ``user`` may see, limited by year and region (a city with its counties)."""
    queryset = application_list(user=user)
    if filters.year is not None:
        queryset = queryset.filter(year=filters.year)
    if filters.region is not None:
        queryset = queryset.filter(region_id__in=filters.region.self_and_descendant_ids())
    return queryset


def _aggregate(queryset: QuerySet, key) -> list[dict]:
    return list(
        queryset.values(key=key)
        .annotate(
            applications=Count("id"),
            selected=Count("id", filter=Q(status__in=SELECTED)),
            requested=Sum("requested_amount"),
            awarded=Sum("awarded_amount"),
        )
        .order_by()
    )


def _rows(aggregates: list[dict], labels: dict) -> list[Row]:
    return [
        Row(
            key=item["key"],
            label=str(labels.get(item["key"], _("Not recorded"))),
            applications=item["applications"],
            selected=item["selected"],
            requested=item["requested"] or ZERO,
            awarded=item["awarded"] or ZERO,
        )
        for item in aggregates
    ]


def _ordered(rows: list[Row], order: list) -> list[Row]:
    position = {key: index for index, key in enumerate(order)}
    return sorted(rows, key=lambda row: (position.get(row.key, len(position)), row.label))


def breakdown_by_programme(queryset: QuerySet) -> Breakdown:
    aggregates = _aggregate(queryset, F("programme_id"))
    programmes = Programme.objects.filter(pk__in=[item["key"] for item in aggregates]).values_list(
        "pk", "name"
    )
    rows = _rows(aggregates, dict(programmes))
    return Breakdown("programme", sorted(rows, key=lambda row: (-row.applications, row.label)))


def breakdown_by_level(queryset: QuerySet) -> Breakdown:
    rows = _rows(_aggregate(queryset, F("programme__level")), dict(Level.choices))
    return Breakdown("level", _ordered(rows, Level.values))


def breakdown_by_status(queryset: QuerySet) -> Breakdown:
    rows = _rows(_aggregate(queryset, F("status")), dict(Status.choices))
    return Breakdown("status", _ordered(rows, Status.values))


def breakdown_by_region(queryset: QuerySet, *, within: Region | None) -> Breakdown:
    """By city across the province; by county-level unit once a region is chosen."""
    if within is None:
        key = Case(
            When(
                region__level__in=[Region.Level.PROVINCE, Region.Level.CITY],
                then=F("region_id"),
            ),
            default=F("region__parent_id"),
        )
    else:
        key = F("region_id")
    aggregates = _aggregate(queryset, key)
    regions = Region.objects.filter(pk__in=[item["key"] for item in aggregates]).values_list(
        "pk", "code", "name"
    )
    labels = {pk: name for pk, _code, name in regions}
    codes = {pk: code for pk, code, _name in regions}
    rows = _rows(aggregates, labels)
    # Regions in code order (a city's zones right after it); "not recorded" last.
    return Breakdown("region", sorted(rows, key=lambda row: codes.get(row.key, "~")))


def breakdown_by_year(queryset: QuerySet) -> Breakdown:
    aggregates = _aggregate(queryset, F("year"))
    rows = _rows(aggregates, {item["key"]: str(item["key"]) for item in aggregates})
    return Breakdown("year", sorted(rows, key=lambda row: row.key))


def _region_ancestors() -> dict[int, set[int]]:
    """Each region with the regions above it (one query; the tree is small)."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    ancestors = {}
    for pk in parents:
        chain, current = set(), pk
        while current is not None and current not in chain:
            chain.add(current)
            current = parents.get(current)
        ancestors[pk] = chain
    return ancestors


def announced_against_recorded(*, user, filters: DashboardFilters) -> list[AnnouncedRow]:
    """Announced figures (``AnnouncedFigure`` and a call's announcement) beside the records.

    A figure for a region counts the records of that region and everything below
    it; a figure with a tier counts only records of that product tier or
    designation level. A call's announcement covers the whole call. With a region
    chosen, only figures for that region or below it are shown: a provincial
    total set against one county's records would mislead.
    """
    figures = AnnouncedFigure.objects.select_related("programme__region", "call", "region")
    calls = Call.objects.select_related("programme").filter(
        Q(announced_count__isnull=False) | Q(announced_amount__isnull=False)
    )
    if filters.year is not None:
        figures = figures.filter(year=filters.year)
        calls = calls.filter(year=filters.year)
    if filters.region is not None:
        within = filters.region.self_and_descendant_ids()
        figures = figures.filter(region_id__in=within)
        calls = calls.filter(programme__region_id__in=within)
    figures, calls = list(figures), list(calls)
    if not figures and not calls:
        return []

    records = list(
        application_list(user=user)
        .filter(status__in=SELECTED)
        .filter(
            Q(
                programme_id__in={figure.programme_id for figure in figures},
                year__in={figure.year for figure in figures},
            )
            | Q(call_id__in=[call.pk for call in calls])
        )
        .values(
            "call_id",
            "region_id",
            "programme_id",
            "year",
            product_tier=F("product_detail__tier"),
            designation_level=F("designation__level"),
        )
        .annotate(count=Count("id"), amount=Sum("awarded_amount"))
        .order_by()
    )
    ancestors = _region_ancestors() if any(figure.region_id for figure in figures) else {}

    def totals(matches) -> tuple[int, Decimal]:
        chosen = [record for record in records if matches(record)]
        return (
            sum(record["count"] for record in chosen),
            sum((record["amount"] or ZERO for record in chosen), ZERO),
        )

    rows = []
    for figure in figures:

        def matches(record, figure=figure):
            return (
                record["programme_id"] == figure.programme_id
                and record["year"] == figure.year
                and (figure.call_id is None or record["call_id"] == figure.call_id)
                and (
                    figure.region_id is None
                    or figure.region_id in ancestors.get(record["region_id"], ())
                )
                and (
                    not figure.tier
                    or figure.tier in (record["product_tier"], record["designation_level"])
                )
            )

        count, amount = totals(matches)
        # A figure without a region covers the programme's whole area.
        area = figure.region or figure.programme.region
        region = area.name if area else str(_("Whole programme"))
        tier = figure_tier_label(figure.tier)
        subject = figure.call.title if figure.call else figure.programme.name
        rows.append(
            AnnouncedRow(
                programme=figure.programme.name,
                call=figure.call.title if figure.call else "",
                year=figure.year,
                region=region,
                tier=tier,
                announced_count=figure.count,
                recorded_count=count,
                announced_amount=figure.amount,
                recorded_amount=amount,
                rank=figure.rank,
                source=figure.source,
                label=" ".join(part for part in (str(figure.year), region, subject, tier) if part),
            )
        )
    for call in calls:
        count, amount = totals(lambda record, call=call: record["call_id"] == call.pk)
        rows.append(
            AnnouncedRow(
                programme=call.programme.name,
                call=call.title,
                year=call.year,
                region=str(_("Whole call")),
                tier="",
                announced_count=call.announced_count,
                recorded_count=count,
                announced_amount=call.announced_amount,
                recorded_amount=amount,
                rank=None,
                source=call.source,
                label=call.title,
            )
        )
    return sorted(rows, key=lambda row: (-row.year, row.programme, row.region, row.tier))


def dashboard_statistics(*, user, filters: DashboardFilters) -> DashboardStatistics:
    queryset = dashboard_applications(user=user, filters=filters)
    return DashboardStatistics(
        filters=filters,
        by_programme=breakdown_by_programme(queryset),
        by_level=breakdown_by_level(queryset),
        by_status=breakdown_by_status(queryset),
        by_region=breakdown_by_region(queryset, within=filters.region),
        by_year=breakdown_by_year(queryset),
        announced=announced_against_recorded(user=user, filters=filters),
    )


def dashboard_years() -> list[int]:
    """The years that have calls or announced figures, newest first."""
    years = set(Call.objects.values_list("year", flat=True).distinct()) | set(
        AnnouncedFigure.objects.values_list("year", flat=True).distinct()
    )
    return sorted(years, reverse=True)
