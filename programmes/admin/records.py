"""Review assignments, objections, and the audit records nobody edits by hand:
timeline events, import records and notifications."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAddMixin
from core.models import ImportRecord, Notification
from core.paginators import EstimatedCountPaginator

from .. import access
from ..access import (
    assignment_list,
    event_list,
    import_record_list,
    notification_list,
    objection_list,
)
from ..models import ApplicationEvent, Objection, ReviewAssignment
from ..services import expert_assign
from ..workflow import MOVES
from .desk import OTHER_EVENTS, DeskAdminMixin, event_label

APPLICATION_SEARCH = [
    "application__title",
    "application__enterprise__name",
    "application__enterprise__unified_social_credit_code",
]


class ReadOnlyAdmin(DeskAdminMixin, admin.ModelAdmin):
    """Every field shown, none editable; rows are added by services only."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    """Staff assign experts through ``expert_assign``; experts fill score sheets on review pages."""

    list_display = [
        "application",
        "expert",
        "assigned_at",
        "no_conflict_declared_at",
        "total_score",
        "submitted_at",
    ]
    list_filter = [
        "application__programme",
        "application__year",
        ("submitted_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["application", "expert"]
    search_fields = [*APPLICATION_SEARCH, "expert__username", "expert__last_name"]
    autocomplete_fields = ["application"]
    fields = [
        "application",
        "expert",
        "assigned_at",
        "no_conflict_declared_at",
        "total_score",
        "comment",
        "submitted_at",
    ]

    def scoped_queryset(self, request):
        return assignment_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "view_assignments")
        return access.can_view_assignment(request.user, obj)

    def has_add_permission(self, request):
        return access.may(request.user, "assign_experts")

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "assign_experts")
        return access.can_unassign_expert(request.user, obj)

    def delete_refused_message(self, request, obj):
        return _("The score sheet of “%(assignment)s” is in; the assignment stays.") % {
            "assignment": obj
        }

    def get_readonly_fields(self, request, obj=None):
        filled_by_the_expert = [
            "assigned_at",
            "no_conflict_declared_at",
            "total_score",
            "comment",
            "submitted_at",
        ]
        if obj is None:
            return filled_by_the_expert
        return ["application", "expert", *filled_by_the_expert]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            kwargs["queryset"] = access.experts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_through_service(self, request, data):
        return expert_assign(
            application=data["application"], expert=data["expert"], actor=request.user
        )


@admin.register(Objection)
class ObjectionAdmin(DeskAdminMixin, admin.ModelAdmin):
    """Objections come from the public notice; staff record the resolution.

    The workflow moves (register an objection, resolve it) are made on the
    application itself.
    """

    list_display = ["application", "name", "lodged_at", "handled_at", "handled_by"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["application", "handled_by"]
    search_fields = [*APPLICATION_SEARCH, "name", "text"]
    autocomplete_fields = ["application"]
    fields = [
        "application",
        "name",
        "contact",
        "text",
        "lodged_at",
        "resolution",
        "handled_at",
        "handled_by",
    ]

    def scoped_queryset(self, request):
        return objection_list(user=request.user)

    def has_module_permission(self, request):
        return access.may(request.user, "handle_objections")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "handle_objections")

    def has_add_permission(self, request):
        # An objection that arrives by letter or phone is entered by staff.
        return access.may(request.user, "handle_objections")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "handle_objections")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["lodged_at", "handled_at", "handled_by"]
        return ["application", "name", "contact", "text", "lodged_at", "handled_at", "handled_by"]


class MoveListFilter(admin.SimpleListFilter):
    """The workflow's moves as choices: a plain "move" filter would run
    SELECT DISTINCT over every timeline event (the largest table) on each page view."""

    title = _("action")
    parameter_name = "move"

    def lookups(self, request, model_admin):
        return [
            *((move.name, move.label) for move in MOVES.values()),
            *OTHER_EVENTS.items(),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(move=self.value())
        return queryset


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    """The timelines of all applications in view: written by services, never edited."""

    list_display = ["at", "application", "actor", "action", "from_status", "to_status"]
    list_filter = ["to_status", MoveListFilter]
    list_select_related = ["application", "actor"]
    search_fields = [*APPLICATION_SEARCH, "comment"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def scoped_queryset(self, request):
        return event_list(user=request.user)

    def get_fields(self, request, obj=None):
        return ["application", "actor", "at", "action", "from_status", "to_status", "comment"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page is named by the entry's words, not by ``str(event)`` and its codes
        # (``templates/admin/programmes/applicationevent/change_form.html``).
        if obj is not None:
            move = event_label(obj.move)
            source, target = obj.get_from_status_display(), obj.get_to_status_display()
            context["subtitle"] = f"{obj.application} — {move}: {source} → {target}"
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("action"), ordering="move")
    def action(self, obj):
        return event_label(obj.move)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_application(request.user, obj.application)


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "user",
        "resource",
        "file_name",
        "dry_run",
        "created_rows",
        "updated_rows",
        "rejected_rows",
        "committed",
        "via",
    ]
    list_filter = ["resource", "dry_run", "committed", "via"]
    list_select_related = ["user"]
    search_fields = ["file_name", "resource", "user__username"]

    def scoped_queryset(self, request):
        return import_record_list(user=request.user)

    def has_module_permission(self, request):
        return access.may(request.user, "view_audit_records")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "view_audit_records")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "short_message", "link", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "message"]
    show_full_result_count = False

    def scoped_queryset(self, request):
        return notification_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_notification(request.user, obj)

    @admin.display(description=_("message"))
    def short_message(self, obj):
        return str(obj)
