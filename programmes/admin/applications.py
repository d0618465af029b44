"""Applications: the bureau's main list, and one page per application with its
typed detail, timeline, attachments, reviews, payments, history and workflow."""

from decimal import Decimal

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR
from django.db.models import Prefetch, Q, Sum
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import DeskChangeList, HistoryReadOnlyMixin, ServiceAddMixin, TreeListFilter
from core.paginators import EstimatedCountPaginator

from .. import access, tally
from ..access import (
    application_list,
    assignment_list,
    attachment_list,
    disbursement_list,
    event_list,
)
from ..admin_import import ApplicationImportExportMixin
from ..models import (
    Application,
    ApplicationEvent,
    Attachment,
    Call,
    DesignationDetail,
    Disbursement,
    Kind,
    ProductDetail,
    ProjectDetail,
    ReviewAssignment,
    Source,
)
from ..services import application_create
from ..translation import language_columns
from ..workflow import HOLDING, UNDER_EXPERT_REVIEW, Status
from .desk import DeskAdminMixin, DeskInlineMixin, ReadOnlyTabularInline, event_label
from .workflow import WorkflowAdminMixin

# --- The typed detail of each kind -------------------------------------------------


class DetailInline(DeskInlineMixin, admin.StackedInline):
    """The one detail record of the application's kind; editable where the application is."""

    extra = 1
    max_num = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return obj is not None and access.can_edit_application(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class ProductDetailInline(DetailInline):
    model = ProductDetail
    fields = [
        "product_name",
        "tier",
        "technology_readiness_level",
        "first_sold_on",
        "key_indicators",
        "intellectual_property",
    ]


class ProjectDetailInline(DetailInline):
    model = ProjectDetail
    fields = ["project_name", "category", "total_investment", "starts_on", "ends_on"]


class DesignationDetailInline(DetailInline):
    model = DesignationDetail
    fields = [
        "platform_name",
        "level_sought",
        "rd_staff",
        "rd_spending",
        "equipment_value",
        "municipal_recognised_on",
    ]


DETAIL_INLINES = {
    Kind.PRODUCT: ProductDetailInline,
    Kind.PROJECT: ProjectDetailInline,
    Kind.DESIGNATION: DesignationDetailInline,
}


# --- What happened to it -------------------------------------------------------------


class TimelineInline(ReadOnlyTabularInline):
    """The application's timeline, oldest first, as the services wrote it."""

    model = ApplicationEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "comment"]
    verbose_name_plural = _("timeline")
    template = "admin/programmes/application/timeline_inline.html"

    def get_queryset(self, request):
        return event_list(user=request.user).select_related("actor").order_by("at", "id")

    @admin.display(description=_("action"))
    def action(self, obj):
        return event_label(obj.move)


class AttachmentInline(ReadOnlyTabularInline):
    model = Attachment
    fields = ["document_type", "download", "size", "uploaded_by", "uploaded_at"]

    def get_queryset(self, request):
        return attachment_list(user=request.user).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("programmes:attachment-download", args=[obj.pk]),
            obj.original_name,
        )


class ReviewAssignmentInline(ReadOnlyTabularInline):
    model = ReviewAssignment
    fields = ["expert", "assigned_at", "no_conflict_declared_at", "total_score", "submitted_at"]
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "view_assignments")

    def get_queryset(self, request):
        # The row prints str(assignment), which names the expert and the application.
        return assignment_list(user=request.user).select_related("expert", "application")


class DisbursementInline(ReadOnlyTabularInline):
    """Payments are recorded through the disbursement page (and its service), not here."""

    model = Disbursement
    fields = ["paid_on", "amount", "reference", "recorded_by", "recorded_at"]
    show_change_link = True

    def get_queryset(self, request):
        return disbursement_list(user=request.user).select_related("recorded_by")


# --- The application ---------------------------------------------------------------------


def clipped(value):
    """A list cell's text cut to its column by CSS, the whole of it in ``title``."""
    return format_html('<span class="desk-clip" title="{}">{}</span>', value, value)


class ApplicationChangeList(DeskChangeList):
    """The list reads only the columns it shows, and each row's typed detail (the
    product, project or platform name) by one query per kind."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.only(*PAGE_FIELDS).prefetch_related(*DETAIL_PREFETCHES)


YEAR_FILTER = "year"


#: The filters whose values are words (a status, a kind, a level); the others are numbers.
WORD_LOOKUPS = {"status__exact", "kind__exact", "programme__level__exact"}


def is_lookup_value(name: str, value: str) -> bool:
    """A value the tally can be asked for, not anything typed into the address."""
    return value.isidentifier() if name in WORD_LOOKUPS else value.isdigit()


#: The admin's filters the tally answers, and the tally lookup each becomes
#: (``programmes.tally``): the call and what the call belongs to, the status, the kind.
TALLY_LOOKUPS = {
    "status__exact": "status__exact",
    "kind__exact": "kind__exact",
    "call__id__exact": "call__id__exact",
    YEAR_FILTER: "call__year__exact",
    "programme__id__exact": "call__programme__id__exact",
    "programme__level__exact": "call__programme__level__exact",
}


#: What the list's columns read (and the row's kind, to fetch its detail), and no more:
#: an application also holds notes and more dates, and its enterprise, call and
#: programme many more columns; reading only these reads the page's rows a third faster.
#: A column that reads another field costs a query per row, which
#: tests/scale/test_query_counts.py catches.
PAGE_FIELDS = (
    "kind",
    "title",
    "status",
    "submitted_at",
    "enterprise__name",
    *language_columns("call__title"),
    "region__name",
)


class YearListFilter(admin.SimpleListFilter):
    """The years of the calls: a few rows to read, not SELECT DISTINCT over every
    application on each page view."""

    title = _("year")
    parameter_name = YEAR_FILTER

    def lookups(self, request, model_admin):
        years = Call.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(_("A year is written in digits."))
        return queryset.filter(year=value)


class CallListFilter(admin.RelatedFieldListFilter):
    """The calls of the programme and year chosen in the other filters; every call otherwise.

    Once a programme is chosen its eight or so rounds are what is left to pick from,
    not every round of every programme (72 links at the benchmark's size, growing
    by a dozen a year, each rendered on every page view).
    """

    # The query parameters of the programme and year filters' own links.
    NARROWED_BY = {"programme__id__exact": "programme_id", YEAR_FILTER: "year"}

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        narrowed = {
            column: request.GET[parameter]
            for parameter, column in self.NARROWED_BY.items()
            if request.GET.get(parameter, "").isdigit()
        }
        if not narrowed:
            return field.get_choices(include_blank=False, ordering=ordering)
        # The chosen call stays listed (and highlighted) even if it is of another programme.
        chosen = [value for value in self.lookup_val or [] if value.isdigit()]
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to=Q(**narrowed) | Q(pk__in=chosen),
        )


class RegionTreeFilter(TreeListFilter):
    """The region at filing, down the tree: a city lists its counties' applications too."""

    title = _("region")
    field_name = "region"


# Only the name each column shows: the detail's other fields are long texts.
DETAIL_PREFETCHES = [
    Prefetch(name, model.objects.only("id", "application_id", field))
    for name, model, field in (
        ("product_detail", ProductDetail, "product_name"),
        ("project_detail", ProjectDetail, "project_name"),
        ("designation_detail", DesignationDetail, "platform_name"),
    )
]


@admin.register(Application)
class ApplicationAdmin(
    ApplicationImportExportMixin,
    WorkflowAdminMixin,
    ServiceAddMixin,
    HistoryReadOnlyMixin,
    DeskAdminMixin,
    SimpleHistoryAdmin,
):
    """Status is never a form field: it changes through the workflow buttons and actions only.

    Adding: staff choose the call (the kind follows from its programme) and the
    enterprise; ``application_create`` makes the draft with an empty detail
    record of that kind, and the page reopens on it to fill the details in.
    """

    # Columns that fit beside the navigation and the filters at 1280 px, whoever looks:
    # the table lays out to the width it has (``static/css/admin_desk.css``), long titles,
    # calls and names end in an ellipsis with the whole text in their ``title``, and the
    # status, call and region come first after the title. Amounts, the programme (the call
    # names it) and the decision are on the application's page and in the export.
    list_display = [
        "title_cell",
        "status",
        "call_cell",
        "region_cell",
        "enterprise_cell",
        "submitted_at",
    ]
    # Every choice list reads a small table (programmes, calls, regions), never the
    # applications: RelatedOnlyFieldListFilter would run SELECT DISTINCT over all of them
    # on every page view. Each filter has an index (see ``Application.Meta.indexes``).
    list_filter = [
        "status",
        "kind",
        "programme",
        "programme__level",
        YearListFilter,
        ("call", CallListFilter),
        RegionTreeFilter,
        "source",
    ]
    # The typed details are prefetched (``ApplicationChangeList``), not joined: three more
    # LEFT JOINs would make the planner weigh an eight-table join on every page view.
    list_select_related = ["enterprise", "call", "region"]
    search_fields = [
        "title",
        "enterprise__name",
        "enterprise__unified_social_credit_code",
        "product_detail__product_name",
        "project_detail__project_name",
        "designation_detail__platform_name",
    ]
    search_help_text = _(
        "Title, enterprise name or credit code, product, project or platform name."
    )
    autocomplete_fields = ["enterprise", "call", "region"]
    show_full_result_count = False
    # Facet counts cost one aggregate per filter over the whole table.
    show_facets = admin.ShowFacets.NEVER
    # No COUNT(*) of a million rows for the unfiltered list on PostgreSQL.
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ["-created_at", "-id"]

    add_fieldsets = [
        (None, {"fields": ["call", "enterprise", "title", "requested_amount", "source_note"]}),
    ]
    fieldsets = [
        (None, {"fields": ["title", "enterprise", "call", "kind", "status", "region"]}),
        (_("Dates"), {"fields": ["submitted_at", "decided_at"]}),
        (_("Money"), {"fields": ["requested_amount", "awarded_amount", "paid_amount"]}),
        (_("Origin"), {"fields": ["source", "source_note", "created_by", "created_at"]}),
    ]
    change_readonly_fields = [
        "enterprise",
        "call",
        "kind",
        "status",
        "submitted_at",
        "decided_at",
        "paid_amount",
        "source",
        "created_by",
        "created_at",
    ]

    # --- Rows and permissions ---------------------------------------------------------
    def get_changelist(self, request, **kwargs):
        return ApplicationChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, count=self.tallied_count(request)
        )

    def tallied_count(self, request) -> int | None:
        """The list's count from the tally (``programmes.tally``) when it can say: for a
        user who sees every application, nothing searched, and only filters the tally
        answers, each with one value. None: the rows are counted."""
        if access.application_scope(request.user) is not None or request.GET.get(SEARCH_VAR):
            return None
        lookups = {}
        for name, values in request.GET.lists():
            if name in IGNORED_PARAMS or name == PAGE_VAR:
                continue
            if (
                name not in TALLY_LOOKUPS
                or len(values) != 1
                or not is_lookup_value(name, values[0])
            ):
                return None
            lookups[TALLY_LOOKUPS[name]] = values[0]
        return tally.count(lookups)

    def scoped_queryset(self, request):
        return application_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_application(request.user, obj)

    def has_add_permission(self, request):
        return access.may(request.user, "add_application")

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "add_application")
        return access.can_edit_application(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "add_application")
        return access.can_delete_application(request.user, obj)

    def delete_refused_message(self, request, obj):
        return _(
            "“%(application)s” cannot be deleted: it has a timeline or decisions, "
            "which stay on record. Withdraw or reject it instead."
        ) % {"application": obj}

    # --- The page -----------------------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.change_readonly_fields

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        detail = DETAIL_INLINES.get(obj.kind)
        return [
            *([detail] if detail else []),
            TimelineInline,
            AttachmentInline,
            ReviewAssignmentInline,
            DisbursementInline,
        ]

    def create_through_service(self, request, data):
        return application_create(
            enterprise=data["enterprise"],
            call=data["call"],
            actor=request.user,
            title=data["title"],
            requested_amount=data.get("requested_amount"),
            source=Source.ADMIN,
            source_note=data.get("source_note", ""),
        )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST or "_popup" in request.POST:
            return response
        # The detail record of the call's kind waits to be filled in on the change page.
        return HttpResponseRedirect(self._admin_url("change", obj.pk))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["outcome_links"] = self._outcome_links(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _outcome_links(self, request, obj):
        """Where staff record what follows from this application, each through its service."""
        if not access.may(request.user, "record_outcomes"):
            return []
        site = self.admin_site.name
        links = []
        if obj.status in UNDER_EXPERT_REVIEW:
            links.append(
                (
                    _("Assign an expert"),
                    f"{reverse(f'{site}:programmes_reviewassignment_add')}?application={obj.pk}",
                )
            )
        if obj.status == Status.GRANTED and obj.awarded_amount:
            links.append(
                (
                    _("Record a disbursement"),
                    f"{reverse(f'{site}:programmes_disbursement_add')}?application={obj.pk}",
                )
            )
        if (
            obj.kind == Kind.DESIGNATION
            and obj.status in HOLDING
            and not hasattr(obj, "designation")
        ):
            links.append(
                (
                    _("Record the designation"),
                    f"{reverse(f'{site}:programmes_designation_add')}?application={obj.pk}",
                )
            )
        return links

    # --- Columns ----------------------------------------------------------------------------
    @admin.display(description=_("title"), ordering="title")
    def title_cell(self, obj):
        """The title, cut to the column with the whole of it in ``title``, and below it the
        product, project or platform when it says something else."""
        subject = getattr(obj.detail, "subject", "")
        return format_html(
            '<span class="desk-clip" title="{}">{}</span>{}',
            obj.title,
            obj.title,
            format_html('<span class="desk-subject">{}</span>', subject)
            if subject and subject != obj.title
            else "",
        )

    @admin.display(description=_("call"), ordering="call")
    def call_cell(self, obj):
        return clipped(obj.call)

    @admin.display(description=_("region"), ordering="region")
    def region_cell(self, obj):
        return clipped(obj.region) if obj.region_id else "—"

    @admin.display(description=_("enterprise"), ordering="enterprise__name")
    def enterprise_cell(self, obj):
        return clipped(obj.enterprise)

    @admin.display(description=_("funds paid (yuan)"))
    def paid_amount(self, obj):
        total = obj.disbursements.aggregate(total=Sum("amount"))["total"]
        return total if total is not None else Decimal("0")
