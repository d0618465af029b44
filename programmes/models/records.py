"""The reminders ``send_reminders`` sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def reminder_kind_choices():
    """Every kind a run may send, by its label: programmes' own and those the apps above
    register with their reminders (``services.reminders.register_reminders``), so that the
    log shows and filters aftercare's by their labels too. Read when asked, after the
    apps have registered theirs."""
    from ..services.reminders import reminder_kinds

    return reminder_kinds()


class ReminderLog(models.Model):
    """A reminder that went out: one row per kind, subject, recipient and due date.

    The unique constraint is what makes ``send_reminders`` safe to run daily (or
    twice at once): a reminder already logged is never sent again.
    """

    class Kind(models.TextChoices):
        CALL_CLOSING = "call_closing", _("Call closing soon")
        NOTICE_ENDING = "notice_ending", _("Public notice ending")
        DESIGNATION_EXPIRING = "designation_expiring", _("Designation expiring")
        EVALUATION_DUE = "evaluation_due", _("Evaluation due")
        REVIEW_DUE = "review_due", _("Expert review due")

    kind = models.CharField(_("kind"), max_length=30, choices=reminder_kind_choices)
    object_key = models.CharField(
        _("about"), max_length=100, help_text=_("What the reminder is about, e.g. call:12.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    due_on = models.DateField(_("due on"))
    message = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient", "due_on"], name="reminder_once"
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="reminder_due_on")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_key} → {self.recipient} ({self.due_on})"
