"""Reads of the audit trail: the bureau audits; nobody else reads it."""

from django.db.models import QuerySet

from ..admin_permissions import can_view_audit_records
from ..models import AuditEntry, ReminderLog


def audit_entry_list(*, user) -> QuerySet[AuditEntry]:
    if can_view_audit_records(user):
        return AuditEntry.objects.select_related("actor")
    return AuditEntry.objects.none()


def reminder_log_list(*, user) -> QuerySet[ReminderLog]:
    """The reminders ``send_reminders`` sent: read by the bureau, like the audit trail."""
    if can_view_audit_records(user):
        return ReminderLog.objects.select_related("recipient")
    return ReminderLog.objects.none()
