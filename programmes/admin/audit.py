"""The audit trail, the reminders log and the mail queue in admin: bureau staff read
them; nobody adds, changes or deletes an entry. Staff may queue a failed email again."""

import re

from django.apps import apps
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.mail import email_queue_again
from core.models import AuditEntry, OutgoingEmail

from .. import access
from ..access import audit_entry_list, outgoing_email_list, reminder_log_list
from ..models import ReminderLog
from .desk import event_label, status_label
from .records import ReadOnlyAdmin

#: A status change as ``application_move`` records it: "submit: draft → submitted".
MOVE_DETAIL = re.compile(r"(?P<move>\w+): (?P<source>\w+) → (?P<target>\w+)")


def readable_detail(detail: str) -> str:
    """An entry's detail as the reader says it: a move and statuses by their labels
    ("Submit: Draft → Submitted"). The entry keeps what was written."""
    match = MOVE_DETAIL.fullmatch(detail)
    if match is None:
        return detail
    move, source, target = match["move"], match["source"], match["target"]
    return f"{event_label(move)}: {status_label(source)} → {status_label(target)}"


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
        "object_kind",
        "object_id",
        "object_repr",
        "what",
        "ip_address",
    ]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["object_repr", "object_id", "detail", "actor__username"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = [
        "at",
        "actor",
        "action",
        "object_kind",
        "object_id",
        "object_repr",
        "what",
        "ip_address",
    ]

    def scoped_queryset(self, request):
        return audit_entry_list(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=gettext_lazy("object type"), ordering="object_type")
    def object_kind(self, obj):
        """The kind of record by its name ("Application"), not its label in code."""
        try:
            return apps.get_model(obj.object_type)._meta.verbose_name.capitalize()
        except (LookupError, ValueError):
            return obj.object_type

    @admin.display(description=gettext_lazy("detail"))
    def what(self, obj):
        return readable_detail(obj.detail)


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


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(AuditorsOnlyAdmin):
    """Every email the site sent or means to send (``core.mail``): waiting, being sent,
    sent, or failed with the mail server's last answer. Staff queue failed ones again."""

    list_display = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    show_full_result_count = False
    actions = ["queue_again"]

    def scoped_queryset(self, request):
        return outgoing_email_list(user=request.user)

    def get_actions(self, request):
        # AuditorsOnlyAdmin offers none; this one, to those it names (``permissions``).
        return admin.ModelAdmin.get_actions(self, request)

    def has_queue_again_permission(self, request):
        return access.may(request.user, "queue_email_again")

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.action(
        description=gettext_lazy("Queue the selected emails again"),
        permissions=["queue_again"],
    )
    def queue_again(self, request, queryset):
        selected = list(queryset)
        queued = email_queue_again(emails=selected, actor=request.user, request=request)
        if queued:
            self.message_user(
                request,
                ngettext("%(count)s email queued again.", "%(count)s emails queued again.", queued)
                % {"count": queued},
                messages.SUCCESS,
            )
        if queued < len(selected):
            self.message_user(
                request,
                _(
                    "Only failed emails, and those cut off while being sent, can be queued "
                    "again; the others were left as they are."
                ),
                messages.WARNING,
            )
