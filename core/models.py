"""Records every app writes: the audit trail, the spreadsheet imports, the notices
people receive, the emails queued for them and the steps of the declared flows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """Audit of one spreadsheet import: who, which file, and what it did."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resource = models.CharField(_("resource"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("dry run"), default=False)
    created_rows = models.PositiveIntegerField(_("rows created"), default=0)
    updated_rows = models.PositiveIntegerField(_("rows updated"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rows rejected"), default=0)
    committed = models.BooleanField(_("written to the database"), default=False)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    via = models.CharField(_("via"), max_length=20, default="admin")

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        ordering = ["-at"]

    def __str__(self):
        at = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{self.resource} {self.file_name} ({at})"


class AuditEntry(models.Model):
    """An append-only record of who did what to which object, and when.

    Written by services (decisions, status changes, imports, exports) and by the
    access checks (refused access). Nobody edits or deletes one: admin shows
    them read-only and the API exposes none.
    """

    class Action(models.TextChoices):
        MOVE = "move", _("Status change")
        DECISION = "decision", _("Decision")
        RECORD = "record", _("Record written")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        ACCESS_REFUSED = "access_refused", _("Access refused")
        LOGIN_LOCKED = "login_locked", _("Login locked out")
        TOKEN = "token", _("API token issued or revoked")
        OTHER = "other", _("Other")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_entry_object"),
            models.Index(fields=["action", "at"], name="audit_entry_action_at"),
        ]

    def __str__(self):
        at = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{at} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are never deleted.")


class Notification(models.Model):
    """An in-app notice to a person, written by ``core.notifications.notify`` (which also
    sends it by email); ``link`` is the page it is about."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self):
        return self.message[:60]


class OutgoingEmail(models.Model):
    """One email to one address, from the moment it is queued (in the transaction of what
    it tells of) until it is sent or has failed for good. ``core.mail`` sends it; the row
    keeps the whole message, so sending depends on nothing else."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("recipient address"))
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_email_status")]
        constraints = [
            # Sent exactly when there is a time it was sent.
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="outgoing_email_sent_at_when_sent",
            ),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject[:60]}"


class Profile(models.Model):
    """What a person chose for themselves: the language they read (set by the language
    switch while signed in) and whether they are told of new work in-app and by email.

    One row per user, made when first needed (``core.profiles``); a user without one
    reads the site's language and hears of new work both ways.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the pages, notices and emails; empty: the site's."),
    )
    new_work_in_app = models.BooleanField(
        _("notices of new work in Programme Desk"),
        default=True,
        help_text=_("An entry under Notifications when work arrives for you."),
    )
    new_work_by_email = models.BooleanField(
        _("emails about new work"),
        default=True,
        help_text=_("An email to your address when work arrives for you."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class FlowEvent(models.Model):
    """One step made on a record of a declared flow (``core.flows``): its timeline."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    flow = models.CharField(_("workflow"), max_length=50)
    step = models.CharField(_("step"), max_length=50)
    from_status = models.CharField(_("from"), max_length=30)
    to_status = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.flow}.{self.step}: {self.from_status} → {self.to_status}"
