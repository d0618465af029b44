"""The audit trail and the reminders log in admin: bureau staff read them; nobody adds,
changes or deletes an entry."""

from django.contrib import admin

from core.models import AuditEntry

from .. import access
from ..access import audit_entry_list, reminder_log_list
from ..models import ReminderLog
from .records import ReadOnlyAdmin


class AuditorsOnlyAdmin(ReadOnlyAdmin):
    """Bureau staff read; nobody adds, changes or deletes a row through admin."""

    def has_module_permission(self, request):
        return access.may(request.user, "view_audit_records")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "view_audit_records")

    # Said again here, so that no subclass or mixin can grant them by accident.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditorsOnlyAdmin):
    list_display = [
        "at",
        "action",
        "actor",
        "object_type",
        "object_id",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["object_repr", "object_id", "detail", "actor__username"]
    date_hierarchy = "at"
    show_full_result_count = False

    def scoped_queryset(self, request):
        return audit_entry_list(user=request.user)


@admin.register(ReminderLog)
class ReminderLogAdmin(AuditorsOnlyAdmin):
    """What ``send_reminders`` sent, to whom and when: bureau staff read it."""

    list_display = ["sent_at", "kind", "recipient", "object_key", "due_on"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["object_key", "message", "recipient__username"]
    show_full_result_count = False

    def scoped_queryset(self, request):
        return reminder_log_list(user=request.user)
