"""Outcomes: designations with their evaluations, and disbursements of awarded funds.

Each is added through its service (``designation_record``, ``evaluation_record``,
``disbursement_record``), so the checks and workflow consequences — a failed
evaluation revokes the designation — happen here exactly as anywhere else.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HistoryReadOnlyMixin, ServiceAddMixin
from core.paginators import EstimatedCountPaginator

from .. import access
from ..access import designation_list, disbursement_list, evaluation_list
from ..models import Designation, Disbursement, Evaluation
from ..services import designation_record, disbursement_record, evaluation_record
from .desk import DeskAdminMixin, ReadOnlyTabularInline

APPLICATION_SEARCH = [
    "application__title",
    "application__enterprise__name",
    "application__enterprise__unified_social_credit_code",
]


class EvaluationInline(ReadOnlyTabularInline):
    """Evaluations are recorded on their own page, where the service applies the grade."""

    model = Evaluation
    fields = ["period", "evaluated_on", "score", "grade", "recorded_by", "comment"]
    show_change_link = True

    def get_queryset(self, request):
        return evaluation_list(user=request.user).select_related("recorded_by")


@admin.register(Designation)
class DesignationAdmin(ServiceAddMixin, HistoryReadOnlyMixin, DeskAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "platform",
        "enterprise",
        "level",
        "certificate_number",
        "designated_on",
        "valid_until",
        "status",
    ]
    list_filter = [
        "level",
        "application__programme",
        "application__status",
        "application__year",
    ]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_select_related = [
        "application__enterprise",
        "application__designation_detail",
        "application__product_detail",
        "application__project_detail",
    ]
    search_fields = [
        *APPLICATION_SEARCH,
        "application__designation_detail__platform_name",
        "certificate_number",
    ]
    autocomplete_fields = ["application"]
    inlines = [EvaluationInline]
    fields = [
        "application",
        "level",
        "certificate_number",
        "designated_on",
        "valid_from",
        "valid_until",
        "note",
    ]

    def scoped_queryset(self, request):
        # str() of a designation names its platform: keep autocomplete and lists to one query.
        return designation_list(user=request.user).select_related(
            "application__designation_detail",
            "application__product_detail",
            "application__project_detail",
        )

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_application(request.user, obj.application)

    def has_add_permission(self, request):
        return access.may(request.user, "record_outcomes")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "record_outcomes")

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "record_outcomes")
        return access.can_delete_designation(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["application"]

    def create_through_service(self, request, data):
        return designation_record(
            application=data["application"],
            actor=request.user,
            level=data["level"],
            certificate_number=data.get("certificate_number", ""),
            designated_on=data.get("designated_on"),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            note=data.get("note", ""),
        )

    @admin.display(description=_("platform"), ordering="application__title")
    def platform(self, obj):
        return obj.application.headline

    @admin.display(description=_("enterprise"), ordering="application__enterprise__name")
    def enterprise(self, obj):
        return obj.application.enterprise

    @admin.display(description=_("status"), ordering="application__status")
    def status(self, obj):
        return obj.application.get_status_display()


@admin.register(Evaluation)
class EvaluationAdmin(ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    """Score, period and date are fixed once recorded: the grade has had its consequences."""

    list_display = ["designation", "period", "evaluated_on", "score", "grade", "recorded_by"]
    list_filter = ["grade", "designation__level", "period"]
    list_select_related = [
        "designation__application__designation_detail",
        "designation__application__product_detail",
        "designation__application__project_detail",
        "recorded_by",
    ]
    search_fields = [
        "designation__application__enterprise__name",
        "designation__application__designation_detail__platform_name",
        "designation__certificate_number",
        "period",
    ]
    autocomplete_fields = ["designation"]
    fields = ["designation", "period", "evaluated_on", "score", "grade", "comment", "recorded_by"]

    def scoped_queryset(self, request):
        return evaluation_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_application(request.user, obj.designation.application)

    def has_add_permission(self, request):
        return access.may(request.user, "record_outcomes")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "record_outcomes")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["grade", "recorded_by"]
        return ["designation", "period", "evaluated_on", "score", "grade", "recorded_by"]

    def create_through_service(self, request, data):
        return evaluation_record(
            designation=data["designation"],
            actor=request.user,
            period=data["period"],
            evaluated_on=data["evaluated_on"],
            score=data["score"],
            comment=data.get("comment", ""),
        )


@admin.register(Disbursement)
class DisbursementAdmin(ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    """Payments are added through ``disbursement_record`` and never edited afterwards."""

    list_display = ["application", "enterprise", "amount", "paid_on", "reference", "recorded_by"]
    list_filter = ["application__programme", "application__year"]
    list_select_related = ["application__enterprise", "recorded_by"]
    search_fields = [*APPLICATION_SEARCH, "reference"]
    autocomplete_fields = ["application"]
    fields = ["application", "amount", "paid_on", "reference", "recorded_by", "recorded_at"]

    def scoped_queryset(self, request):
        return disbursement_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_application(request.user, obj.application)

    def has_add_permission(self, request):
        return access.may(request.user, "record_outcomes")

    def get_readonly_fields(self, request, obj=None):
        return ["recorded_by", "recorded_at"]

    def create_through_service(self, request, data):
        return disbursement_record(
            application=data["application"],
            actor=request.user,
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data.get("reference", ""),
        )

    @admin.display(description=_("enterprise"), ordering="application__enterprise__name")
    def enterprise(self, obj):
        return obj.application.enterprise
