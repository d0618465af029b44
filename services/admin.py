"""The services in admin: staff keep cases, problems, financing, platforms, events, plans
and announced figures; county officers read their county's cases, problems and
financing. A problem's status moves only through its workflow (the portal's problem
page), never by editing it here. Service cases and events import and export as
spreadsheets (``services.resources``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from core import admin as core_admin
from core.admin import TreeListFilter
from core.sheets.admin import SheetImportExportMixin
from enterprises.access import may as desk_may

from . import access
from .models import (
    AnnouncedFigure,
    Event,
    EventPresentation,
    Financing,
    Plan,
    PlanActual,
    PlanTarget,
    Platform,
    Problem,
    ProblemAction,
    ServiceCase,
    Settlement,
)
from .resources import EventResource, ServiceCaseResource


def _may(user, capability: str) -> bool:
    if capability in access.CAPABILITIES:
        return access.may(user, capability)
    return desk_may(user, capability)


class RegionTreeFilter(TreeListFilter):
    title = gettext_lazy("region")
    field_name = "region"


class EnterpriseRegionFilter(admin.SimpleListFilter):
    """The enterprise's county, among the regions the user's rows are in."""

    title = gettext_lazy("county")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        regions = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list("enterprise__region__pk", "enterprise__region__name")
            .distinct()
        )
        return sorted((str(pk), name) for pk, name in regions if pk)

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(enterprise__region_id=value)
        return queryset


class ServicesAdmin(core_admin.DeskAdminMixin, admin.ModelAdmin):
    """Staff write; whoever the list shows rows to reads them."""

    may = staticmethod(_may)

    def has_module_permission(self, request):
        return access.may(request.user, "use_services_desk")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "use_services_desk")

    def has_add_permission(self, request):
        return access.may(request.user, "manage_services")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "manage_services")

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_services")


class StaffInline(core_admin.DeskInlineMixin, admin.TabularInline):
    may = staticmethod(_may)
    extra = 0

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "use_services_desk")

    def has_add_permission(self, request, obj=None):
        return access.may(request.user, "manage_services")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "manage_services")

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_services")


class ProblemInline(StaffInline):
    model = Problem
    fields = ["category", "title", "department", "due_on", "status"]
    readonly_fields = ["status"]
    show_change_link = True

    def get_queryset(self, request):
        return access.problem_list(user=request.user)

    def has_add_permission(self, request, obj=None):
        return False


class FinancingInline(StaffInline):
    model = Financing
    fields = ["kind", "lender", "insurer", "amount", "arranged_on"]
    show_change_link = True

    def get_queryset(self, request):
        return access.financing_list(user=request.user)

    def has_add_permission(self, request, obj=None):
        return False


class ServicesImportExportMixin(SheetImportExportMixin):
    """Import (staff) and export (whoever reads the list) of one kind of sheet."""

    can_import = staticmethod(access.can_import)


@admin.register(ServiceCase)
class ServiceCaseAdmin(ServicesImportExportMixin, ServicesAdmin):
    resource_classes = [ServiceCaseResource]
    list_display = ["held_on", "kind", "enterprise", "department", "conducted_by", "plan"]
    list_filter = ["kind", EnterpriseRegionFilter, "plan", "held_on"]
    search_fields = ["enterprise__name", "department", "conducted_by", "place", "summary"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["enterprise", "programme"]
    raw_id_fields = ["officer"]
    inlines = [ProblemInline, FinancingInline]

    def scoped_queryset(self, request):
        return access.case_list(user=request.user)


class ProblemActionInline(StaffInline):
    model = ProblemAction
    fields = ["taken_on", "text", "by"]
    raw_id_fields = ["by"]


@admin.register(Problem)
class ProblemAdmin(ServicesAdmin):
    list_display = ["title", "enterprise", "category", "status", "department", "owner", "due_on"]
    list_filter = ["status", "category", EnterpriseRegionFilter, "due_on"]
    search_fields = ["title", "enterprise__name", "department", "description"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["case", "owner"]
    readonly_fields = ["status", "resolution", "resolved_on", "confirmed_on", "raised_by"]
    inlines = [ProblemActionInline]

    def scoped_queryset(self, request):
        return access.problem_list(user=request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.raised_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Financing)
class FinancingAdmin(ServicesAdmin):
    list_display = ["enterprise", "kind", "amount", "lender", "insurer", "arranged_on"]
    list_filter = ["kind", EnterpriseRegionFilter]
    search_fields = ["enterprise__name", "lender", "insurer", "arranged_by"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["case"]

    def scoped_queryset(self, request):
        return access.financing_list(user=request.user)


class SettlementInline(StaffInline):
    model = Settlement
    fields = ["enterprise", "settled_on", "left_on", "technological"]
    autocomplete_fields = ["enterprise"]


@admin.register(Platform)
class PlatformAdmin(ServicesAdmin):
    list_display = ["name", "kind", "region", "announced_settled", "target_projects"]
    list_filter = ["kind", RegionTreeFilter]
    search_fields = ["name", "operator"]
    autocomplete_fields = ["region"]
    inlines = [SettlementInline]

    def scoped_queryset(self, request):
        return access.platform_list(user=request.user)


class PresentationInline(StaffInline):
    model = EventPresentation
    fields = ["enterprise", "products"]
    autocomplete_fields = ["enterprise"]


@admin.register(Event)
class EventAdmin(ServicesImportExportMixin, ServicesAdmin):
    resource_classes = [EventResource]
    list_display = ["held_on", "kind", "title", "region", "organiser", "deals_signed"]
    list_filter = ["kind", RegionTreeFilter, "held_on"]
    search_fields = ["title", "organiser", "place"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["region"]
    inlines = [PresentationInline]

    def scoped_queryset(self, request):
        return access.event_list(user=request.user)


class PlanTargetInline(StaffInline):
    model = PlanTarget
    fields = ["code", "label", "unit", "baseline", "comparison", "target", "deadline"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(ServicesAdmin):
    list_display = ["title", "authority", "region", "starts_on", "ends_on"]
    list_filter = [RegionTreeFilter]
    search_fields = ["title", "authority", "code"]
    autocomplete_fields = ["region"]
    inlines = [PlanTargetInline]

    def scoped_queryset(self, request):
        return access.plan_list(user=request.user)


class PlanActualInline(StaffInline):
    model = PlanActual
    fields = ["on", "value", "source"]


@admin.register(PlanTarget)
class PlanTargetAdmin(ServicesAdmin):
    list_display = ["label", "plan", "unit", "target", "deadline", "counted_from"]
    list_filter = ["plan", "counted_from"]
    search_fields = ["label", "code", "plan__title"]
    inlines = [PlanActualInline]

    def scoped_queryset(self, request):
        return access.plan_target_list(user=request.user)


@admin.register(AnnouncedFigure)
class AnnouncedFigureAdmin(ServicesAdmin):
    list_display = ["measure", "region", "year", "value", "more_than", "announced_by"]
    list_filter = ["measure", "year", RegionTreeFilter]
    search_fields = ["source", "announced_by", "note"]
    autocomplete_fields = ["region"]

    def scoped_queryset(self, request):
        return access.announced_figure_list(user=request.user)
