"""The staff dashboard: figures by programme, level, status, region and year, with charts.

Staff only. Every table on the page downloads as an xlsx workbook with the same
filters. The figures come from ``programmes.selectors.statistics``.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.audit import audit_export
from core.exports import neutralise_cell
from enterprises.models import Region

from .. import access
from ..charts import Series, bar_chart, format_number, share_bar
from ..hooks import panels
from ..selectors.statistics import (
    Breakdown,
    DashboardFilters,
    DashboardStatistics,
    dashboard_statistics,
    dashboard_years,
)


def staff_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.may(request.user, "view_dashboard"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # County-level units are indented under their city (regions sort by code).
        return obj.name if not obj.county_level else f"\u3000{obj.name}"


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    region = RegionChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code"),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All regions"),
        help_text=gettext_lazy("A city includes its counties, districts and zones."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, str(year)) for year in dashboard_years()
        ]

    def filters(self) -> DashboardFilters:
        """The valid filters; an invalid one is ignored (the form shows why)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return DashboardFilters(year=data.get("year"), region=data.get("region"))


@dataclass
class Table:
    """One table of the page, as shown and as exported."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None
    charts: list[SafeString] = field(default_factory=list)
    money_columns: frozenset[int] = frozenset()
    # Columns the page shows (all when None); the xlsx file always has every column.
    page_columns: tuple[int, ...] | None = None

    def _shown(self, row):
        return row if self.page_columns is None else [row[index] for index in self.page_columns]

    @property
    def display_headers(self):
        return self._shown(self.headers)

    @property
    def display_rows(self):
        return [self._display(self._shown(row)) for row in self.rows]

    @property
    def display_footer(self):
        return self._display(self._shown(self.footer)) if self.footer else None

    @staticmethod
    def _display(row):
        return [
            (format_number(cell), True) if isinstance(cell, int | Decimal) else (cell or "", False)
            for cell in row
        ]


# Per dimension: section title, first column, and the titles of its two bar charts.
BREAKDOWN_TITLES = {
    "programme": (
        gettext_lazy("By programme"),
        gettext_lazy("Programme"),
        gettext_lazy("Applications and selections by programme"),
        gettext_lazy("Funds requested and awarded by programme (yuan)"),
    ),
    "level": (
        gettext_lazy("By level"),
        gettext_lazy("Level"),
        gettext_lazy("Applications and selections by level"),
        gettext_lazy("Funds requested and awarded by level (yuan)"),
    ),
    "status": (
        gettext_lazy("By status"),
        gettext_lazy("Status"),
        gettext_lazy("Applications by status"),
        "",
    ),
    "region": (
        gettext_lazy("By region"),
        gettext_lazy("Region"),
        gettext_lazy("Applications and selections by region"),
        gettext_lazy("Funds requested and awarded by region (yuan)"),
    ),
    "year": (
        gettext_lazy("By year"),
        gettext_lazy("Year"),
        gettext_lazy("Applications and selections by year"),
        gettext_lazy("Funds requested and awarded by year (yuan)"),
    ),
}


def _breakdown_table(breakdown: Breakdown) -> Table:
    title, column, counts_title, funds_title = BREAKDOWN_TITLES[breakdown.dimension]
    total = breakdown.total
    table = Table(
        key=breakdown.dimension,
        title=str(title),
        headers=[
            str(column),
            _("Applications"),
            _("Selected"),
            _("Requested (yuan)"),
            _("Awarded (yuan)"),
        ],
        rows=[
            [row.label, row.applications, row.selected, row.requested, row.awarded]
            for row in breakdown.rows
        ],
        footer=[total.label, total.applications, total.selected, total.requested, total.awarded],
        money_columns=frozenset({3, 4}),
    )
    labels = [row.label for row in breakdown.rows]
    chart_id = f"chart-{breakdown.dimension}"
    if breakdown.dimension == "status":
        table.charts.append(
            share_bar(
                chart_id=chart_id,
                title=str(counts_title),
                labels=labels,
                values=[row.applications for row in breakdown.rows],
            )
        )
        return table
    table.charts.append(
        bar_chart(
            chart_id=chart_id,
            title=str(counts_title),
            labels=labels,
            series=[
                Series(_("Applications"), [row.applications for row in breakdown.rows]),
                Series(_("Selected"), [row.selected for row in breakdown.rows]),
            ],
        )
    )
    if any(row.requested or row.awarded for row in breakdown.rows):
        table.charts.append(
            bar_chart(
                chart_id=f"{chart_id}-funds",
                title=str(funds_title),
                labels=labels,
                series=[
                    Series(_("Requested (yuan)"), [row.requested for row in breakdown.rows]),
                    Series(_("Awarded (yuan)"), [row.awarded for row in breakdown.rows]),
                ],
            )
        )
    return table


def _announced_table(statistics: DashboardStatistics) -> Table:
    rows = statistics.announced
    table = Table(
        key="announced",
        title=_("Announced and recorded"),
        headers=[
            _("Year"),
            _("Programme"),
            _("Call"),
            _("Region"),
            _("Level or tier"),
            _("Announced"),
            _("Recorded"),
            _("Comparison"),
            _("Announced amount (yuan)"),
            _("Recorded amount (yuan)"),
            _("Rank in the province"),
            _("Source"),
        ],
        rows=[
            [
                str(row.year),
                row.programme,
                row.call,
                row.region,
                row.tier,
                row.announced_count,
                row.recorded_count,
                _("%(announced)s announced / %(recorded)s recorded")
                % {
                    "announced": format_number(row.announced_count),
                    "recorded": format_number(row.recorded_count),
                }
                if row.announced_count is not None
                else "",
                row.announced_amount,
                # Recorded funds only beside announced funds; a count alone has none to match.
                row.recorded_amount if row.announced_amount is not None else None,
                row.rank,
                row.source,
            ]
            for row in rows
        ],
        money_columns=frozenset({8, 9}),
        # The page puts the two counts into one "15 announced / 3 recorded" column.
        page_columns=(0, 1, 2, 3, 4, 7, 8, 9, 10, 11),
    )
    counted = [row for row in rows if row.announced_count is not None]
    table.charts.append(
        bar_chart(
            chart_id="chart-announced",
            title=_("Announced selections against records"),
            labels=[row.label for row in counted],
            series=[
                Series(_("Announced"), [row.announced_count for row in counted]),
                Series(_("Recorded"), [row.recorded_count for row in counted]),
            ],
        )
    )
    funded = [row for row in rows if row.announced_amount is not None]
    if funded:
        table.charts.append(
            bar_chart(
                chart_id="chart-announced-funds",
                title=_("Announced funds against records (yuan)"),
                labels=[row.label for row in funded],
                series=[
                    Series(_("Announced amount (yuan)"), [row.announced_amount for row in funded]),
                    Series(_("Recorded amount (yuan)"), [row.recorded_amount for row in funded]),
                ],
            )
        )
    return table


def dashboard_tables(statistics: DashboardStatistics) -> list[Table]:
    return [
        _announced_table(statistics),
        *(
            _breakdown_table(breakdown)
            for breakdown in (
                statistics.by_programme,
                statistics.by_region,
                statistics.by_year,
                statistics.by_level,
                statistics.by_status,
            )
        ),
    ]


def _filters_summary(filters: DashboardFilters) -> str:
    return _("Year: %(year)s; region: %(region)s") % {
        "year": filters.year or _("all years"),
        "region": filters.region.name if filters.region else _("all regions"),
    }


@staff_only
def index(request):
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters() if request.GET else DashboardFilters()
    statistics = dashboard_statistics(user=request.user, filters=filters)
    return render(
        request,
        "portal/dashboard/index.html",
        {
            "form": form,
            "filters": filters,
            "filters_summary": _filters_summary(filters),
            "tables": dashboard_tables(statistics),
            "query": request.GET.urlencode(),
            # The apps above programmes add theirs (aftercare: obligations, insurance claims).
            "panels": panels("dashboard", request.user, timezone.localdate()),
        },
    )


def workbook_for(table: Table, *, filters: DashboardFilters) -> bytes:
    """The table as an xlsx file; text cells are neutralised so no formula runs."""
    workbook = Workbook()
    sheet = workbook.active
    # Sheet names: at most 31 characters, none of []:*?/\
    sheet.title = "".join(char for char in table.title if char not in "[]:*?/\\")[:31]
    sheet.append([neutralise_cell(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([neutralise_cell(_filters_summary(filters))])
    sheet.append([])
    sheet.append([neutralise_cell(header) for header in table.headers])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    body = [*table.rows, table.footer] if table.footer else table.rows
    for row in body:
        sheet.append([neutralise_cell(cell) if cell != "" else None for cell in row])
        for column in table.money_columns:
            sheet.cell(row=sheet.max_row, column=column + 1).number_format = "#,##0.00"
    if table.footer:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 2)
    sheet.freeze_panes = "A5"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@staff_only
def export(request, table):
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters() if request.GET else DashboardFilters()
    statistics = dashboard_statistics(user=request.user, filters=filters)
    chosen = next((item for item in dashboard_tables(statistics) if item.key == table), None)
    if chosen is None:
        raise Http404
    parts = [
        "programme-desk",
        table,
        str(filters.year or "all-years"),
        filters.region.code if filters.region else "all-regions",
    ]
    audit_export(
        actor=request.user,
        what=f"dashboard:{table}",
        rows=len(chosen.rows),
        via="dashboard",
        request=request,
    )
    response = HttpResponse(
        workbook_for(chosen, filters=filters),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{"-".join(parts)}.xlsx"'
    return response
