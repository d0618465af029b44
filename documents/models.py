"""Official documents: who issues them, how they are numbered, and the issued records.

An issued ``Document`` never changes and is never deleted: a correction is a new
document that ``supersedes`` it (``services.document_reissue``).
"""

import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Region
from programmes.models import Application, Call

SEAL_EXTENSIONS = ("png", "jpg", "jpeg")
SEAL_MAX_BYTES = 2 * 1024 * 1024


class Kind(models.TextChoices):
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    RESULTS_ANNOUNCEMENT = "results_announcement", _("Results announcement")
    COUNTY_LETTER = "county_letter", _("County recommendation letter")
    COUNTY_SUMMARY = "county_summary", _("County summary table")
    APPROVAL_NOTICE = "approval_notice", _("Approval or funding notice")
    CERTIFICATE = "certificate", _("Designation certificate")
    WARNING_NOTICE = "warning_notice", _("Warning notice")
    REVOCATION_NOTICE = "revocation_notice", _("Revocation notice")
    ACCEPTANCE_OPINION = "acceptance_opinion", _("Acceptance opinion")
    CLAW_BACK_NOTICE = "claw_back_notice", _("Claw-back notice")
    COMPENSATION_NOTICE = "compensation_notice", _("Insurance compensation notice")


#: Published to everybody: the notice and the announcement of a round.
PUBLIC_KINDS = frozenset({Kind.PUBLIC_NOTICE, Kind.RESULTS_ANNOUNCEMENT})
#: What a county sends the bureau for a call.
COUNTY_KINDS = frozenset({Kind.COUNTY_LETTER, Kind.COUNTY_SUMMARY})
#: Issued by a step after the decision (``documents.aftercare``): each concerns one record
#: of ``aftercare`` (an obligation, a claw-back, a claim) and is addressed to the enterprise
#: of the application that record belongs to.
AFTERCARE_KINDS = frozenset(
    {Kind.ACCEPTANCE_OPINION, Kind.CLAW_BACK_NOTICE, Kind.COMPENSATION_NOTICE}
)
#: Addressed to one application's enterprise.
APPLICATION_KINDS = (
    frozenset({Kind.APPROVAL_NOTICE, Kind.CERTIFICATE, Kind.WARNING_NOTICE, Kind.REVOCATION_NOTICE})
    | AFTERCARE_KINDS
)


def seal_path(instance, filename):
    """A new name for every upload: a document re-rendered later finds the seal it bore."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"seals/{uuid.uuid4().hex}{suffix}"


def validate_seal_size(upload):
    if upload.size > SEAL_MAX_BYTES:
        raise ValidationError(
            _("The seal image may be at most %(limit)s MB."),
            params={"limit": SEAL_MAX_BYTES // (1024 * 1024)},
        )


class IssuingBody(models.Model):
    """The authority a document is issued in the name of: its header, number prefix,
    signature and seal. The default one is the bureau; a county may have its own."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    header = models.CharField(
        _("document header"),
        max_length=100,
        help_text=_("Printed in red at the top of each document, e.g. 嘉兴市经济和信息化局文件."),
    )
    header_en = models.CharField(_("English document header"), max_length=200, blank=True)
    prefix = models.CharField(
        _("number prefix"),
        max_length=20,
        unique=True,
        help_text=_("The issuing body's abbreviation in document numbers, e.g. 嘉经信."),
    )
    signature = models.CharField(
        _("signature"), max_length=200, help_text=_("The name signed above the date.")
    )
    signature_en = models.CharField(_("English signature"), max_length=255, blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=255,
        blank=True,
        help_text=_(
            "Printed on public notices: whom to call, e.g. 联系人：王某 电话：0573-82000000."
        ),
    )
    seal = models.ImageField(
        _("seal image"),
        upload_to=seal_path,
        blank=True,
        validators=[FileExtensionValidator(SEAL_EXTENSIONS), validate_seal_size],
        help_text=_("PNG or JPEG, on a transparent or white background; printed over the date."),
    )
    region = models.OneToOneField(
        Region,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issuing_body",
        help_text=_("For a county's own body: its recommendation letters are issued under it."),
    )
    is_default = models.BooleanField(
        _("the bureau"),
        default=False,
        help_text=_(
            "The body every other document is issued by. Without one, no document is issued."
        ),
    )

    class Meta:
        verbose_name = _("issuing body")
        verbose_name_plural = _("issuing bodies")
        ordering = ["-is_default", "prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="issuing_body_one_default"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix})"


class DocumentCounter(models.Model):
    """The last sequence number given under a prefix in a year. Locked while a number is
    taken, so numbers are unique and, since a rolled-back issue rolls it back too,
    without gaps."""

    prefix = models.CharField(_("number prefix"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="document_counter_unique"),
        ]

    def __str__(self):
        return f"{self.prefix}〔{self.year}〕{self.last}"


def new_verification_code() -> str:
    """144 random bits, URL-safe: not guessable, not derived from the number."""
    return secrets.token_urlsafe(18)


def document_path(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"documents/{instance.year}/{uuid.uuid4().hex}{suffix}"


class IssuedDocumentError(ValidationError):
    """An attempt to change or delete an issued document."""


class DocumentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise IssuedDocumentError(_("An issued document never changes; issue a correction."))

    def delete(self):
        raise IssuedDocumentError(_("An issued document is never deleted; issue a correction."))

    def current(self):
        """Those no later document supersedes."""
        return self.filter(superseded_by__isnull=True)


class Document(models.Model):
    """One issued document: its number, its subject, its PDF and how to verify it."""

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=60, unique=True)
    prefix = models.CharField(_("number prefix"), max_length=20, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    issuing_body = models.ForeignKey(
        IssuingBody,
        verbose_name=_("issuing body"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("date"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    pdf = models.FileField(_("PDF"), upload_to=document_path, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, unique=True)
    sheet = models.FileField(_("spreadsheet"), upload_to=document_path, max_length=255, blank=True)
    sheet_sha256 = models.CharField(_("SHA-256 of the spreadsheet"), max_length=64, blank=True)
    code = models.CharField(
        _("verification code"), max_length=64, unique=True, default=new_verification_code
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    # The superseded document's PDF marked as superseded, made when this one replaced it:
    # what its download serves from then on. Held here, as the old row never changes.
    superseded_copy = models.FileField(
        _("marked copy of the superseded document"),
        upload_to=document_path,
        max_length=255,
        blank=True,
    )
    superseded_copy_sha256 = models.CharField(
        _("SHA-256 of the marked copy"), max_length=64, blank=True
    )
    reason = models.TextField(_("reason for the correction"), blank=True)
    # What the document says, in each language, as issued: the English version and the
    # marked copy are set from it, never from records that may have changed since.
    content = models.JSONField(_("content"), default=dict, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year", "sequence"], name="document_number_unique"
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="document_sequence_gte_1"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="document_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["kind", "-issued_at"], name="document_kind_issued"),
            models.Index(fields=["year", "-issued_at"], name="document_year_issued"),
            models.Index(fields=["call", "kind"], name="document_call_kind"),
            models.Index(fields=["region", "kind"], name="document_region_kind"),
            models.Index(fields=["application", "kind"], name="document_application_kind"),
            models.Index(fields=["enterprise", "-issued_at"], name="document_enterprise_issued"),
            # A file dropped on the verification page is looked up by its digest.
            models.Index(fields=["superseded_copy_sha256"], name="document_marked_copy_sha"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedDocumentError(_("An issued document never changes; issue a correction."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:verify", args=[self.code])

    def delete(self, *args, **kwargs):
        raise IssuedDocumentError(_("An issued document is never deleted; issue a correction."))

    @property
    def successor(self):
        """The document that supersedes this one, or None."""
        try:
            return self.superseded_by
        except Document.DoesNotExist:
            return None
