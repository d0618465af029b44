"""Applications: the workflow's state machine, one typed detail per kind, the timeline
and the attachments."""

import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core.fields import DateField, MoneyField
from enterprises.models import Enterprise, Region

from ..workflow import MOVES, Move, Status
from .catalogue import (
    DETAIL_RELATIONS,
    MONEY,
    NON_NEGATIVE,
    Call,
    Kind,
    LevelSought,
    Programme,
    Source,
)


def _workflow_method(move: Move):
    def method(self):
        """Moves the status only; ``programmes.services.workflow.application_move`` checks
        the move's declaration first and does the rest."""

    method.__name__ = move.name
    method.__qualname__ = f"Application.{move.name}"
    return transition(
        field="status", source=list(move.sources), target=move.target, custom={"move": move}
    )(method)


# The moves of ``workflow.MOVES`` as django-fsm-2 methods: the status field is protected,
# and only these change it.
WorkflowMethods = type(
    "WorkflowMethods", (), {name: _workflow_method(move) for name, move in MOVES.items()}
)


class Application(FSMModelMixin, WorkflowMethods, models.Model):
    """An enterprise's application to a call; its kind's details live in a typed record."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    # Copied from the call (``take_call_facts``), so that the lists filtered by
    # programme, year or kind read the applications' own indexes.
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
        editable=False,
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, editable=False)
    title = models.CharField(_("title"), max_length=255)
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region at filing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    requested_amount = MoneyField(
        _("requested amount (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    awarded_amount = MoneyField(
        _("awarded amount (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    no_serious_violation_declared = models.BooleanField(
        _("no serious violation declared"),
        default=False,
        help_text=_("Declared by the applicant, for the years the programme's rules name."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.PORTAL
    )
    source_note = models.CharField(_("source note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("import_application", _("Can import applications and results lists from sheets"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "call", "title"], name="application_unique_title_per_call"
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=True) | Q(requested_amount__gte=0),
                name="application_requested_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(awarded_amount__isnull=True) | Q(awarded_amount__gte=0),
                name="application_awarded_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="application_kind_valid"
            ),
        ]
        indexes = [
            # Lists are ordered newest first: each filter the admin and the API offer
            # shares an index with that order, so a page is read in order from the index
            # instead of sorting every matching row. A round's queue (call and status):
            models.Index(
                fields=["call", "status", "-created_at", "-id"],
                name="application_call_queue",
            ),
            # A programme's applications, all or in one status, and a year's.
            models.Index(
                fields=["programme", "status", "-created_at", "-id"],
                name="application_programme_queue",
            ),
            models.Index(
                fields=["programme", "-created_at", "-id"], name="application_programme_created"
            ),
            models.Index(fields=["year", "-created_at", "-id"], name="application_year_created"),
            # The published results of a programme's year (the public results page).
            models.Index(fields=["programme", "year", "status"], name="application_programme_year"),
            # Status and kind filters. On PostgreSQL the call rides along (INCLUDE), so
            # that the open work by call is counted from this index alone; SQLite, which
            # has no such columns, keeps (status, kind).
            models.Index(
                fields=["status", "kind"], include=["call"], name="application_status_kind_call"
            ),
            models.Index(fields=["region", "status"], name="application_region_status"),
            models.Index(fields=["enterprise", "status"], name="application_enterprise_status"),
            models.Index(fields=["-created_at", "-id"], name="application_created"),
            models.Index(
                fields=["status", "-created_at", "-id"], name="application_status_created"
            ),
            models.Index(fields=["call", "-created_at", "-id"], name="application_call_created"),
            models.Index(
                fields=["source", "-created_at", "-id"], name="application_source_created"
            ),
            # Range filters of the API (dates and amounts).
            models.Index(fields=["submitted_at"], name="application_submitted"),
            models.Index(fields=["decided_at"], name="application_decided"),
            models.Index(fields=["requested_amount"], name="application_requested"),
            models.Index(fields=["awarded_amount"], name="application_awarded"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.call_id and (self._state.adding or not self.programme_id):
            self.take_call_facts(self.call)
        if self.region_id is None and self.enterprise_id:
            self.region_id = self.enterprise.region_id
        super().save(*args, **kwargs)

    def take_call_facts(self, call: Call) -> None:
        """Copy what the application shares with its call: programme, year and kind.

        ``save`` does it for a new application; whoever creates applications in bulk
        calls it, and ``services.catalogue.call_save`` keeps the copies in step when a
        call's programme or year is corrected.
        """
        self.programme_id = call.programme_id
        self.year = call.year
        self.kind = call.programme.kind

    @property
    def detail(self):
        """The typed detail record of this application's kind, or None."""
        attribute = DETAIL_RELATIONS.get(self.kind)
        return getattr(self, attribute, None) if attribute else None

    @property
    def headline(self):
        """The product, project or platform name: what the application is about."""
        detail = self.detail
        return getattr(detail, "subject", "") or self.title

    @property
    def version(self) -> str:
        """Names this state of the application; it changes with every save (the API's
        ``ETag``). A decision sent with the version it was based on is refused once
        the application has moved on (``services.workflow.application_move``)."""
        stamp = f"{self.pk}:{self.status}:{self.updated_at.isoformat() if self.updated_at else ''}"
        return hashlib.sha256(stamp.encode()).hexdigest()[:24]


class ApplicationTally(models.Model):
    """How many applications each call holds in each status and kind, kept by PostgreSQL.

    Statement triggers on the applications table (migration 0011, PostgreSQL only)
    append a row for each call, status and kind that a statement changes, with the
    signed number of applications it added or removed there: the applications of a
    call in a status are the sum of its rows. Writers only append, so that two
    submissions to the same call never wait for each other's counter;
    ``programmes.tally.compact`` folds the rows into one per call, status and kind
    (``manage.py tally_applications``, daily from cron, and after generating data).

    Derived data: not backed up (the restored applications rebuild it) and never
    edited. On SQLite nothing maintains it and nothing reads it.
    """

    call = models.ForeignKey(
        Call,
        on_delete=models.DO_NOTHING,
        # A deleted call's rows sum to zero and are folded away; no constraint to trip over.
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    count = models.BigIntegerField()

    class Meta:
        verbose_name = _("application tally")
        verbose_name_plural = _("application tallies")
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["call", "status", "kind"], include=["count"], name="tally_call_status"
            )
        ]

    def __str__(self):
        return f"{self.call_id} {self.status} {self.kind}: {self.count:+d}"


class ProductTier(models.TextChoices):
    INTERNATIONAL_FIRST = "international_first", _("International first batch")
    DOMESTIC_FIRST = "domestic_first", _("Domestic first batch")
    PROVINCIAL_FIRST = "provincial_first", _("Provincial first batch")
    NATIONAL = "national", _("National level")
    PROVINCIAL = "provincial", _("Provincial level")
    MUNICIPAL = "municipal", _("Municipal level")
    # Jiaxing rewards provincial "new, quality and highly valuable" products with three
    # amounts "respectively" (fixtures/README.md): one tier per word, in that order.
    NEW = "new", _("“New” product")
    QUALITY = "quality", _("“Quality” product")
    HIGH_VALUE = "high_value", _("“Highly valuable” product")


class ProductDetail(models.Model):
    """Product recognition: the product, material or technology and its evidence."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="product_detail"
    )
    product_name = models.CharField(_("product name"), max_length=255, blank=True)
    tier = models.CharField(_("tier"), max_length=30, choices=ProductTier.choices, blank=True)
    technology_readiness_level = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    key_indicators = models.TextField(_("key indicators"), blank=True)
    intellectual_property = models.TextField(_("intellectual property"), blank=True)
    first_sold_on = DateField(_("first commercial sale"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product details")
        verbose_name_plural = _("product details")
        constraints = [
            models.CheckConstraint(
                condition=Q(technology_readiness_level__isnull=True)
                | Q(technology_readiness_level__gte=1, technology_readiness_level__lte=9),
                name="product_trl_1_to_9",
            ),
        ]
        indexes = [models.Index(fields=["product_name"], name="product_name")]

    def __str__(self):
        return self.product_name

    @property
    def subject(self):
        return self.product_name


class ProjectCategory(models.TextChoices):
    DIGITAL_UPGRADING = "digital_upgrading", _("Digital upgrading")
    PRODUCT_RD = "product_rd", _("Product research and development")
    QUALITY_UPGRADING = "quality_upgrading", _("Quality upgrading")
    BRAND_PROMOTION = "brand_promotion", _("Brand promotion")
    OTHER = "other", _("Other")


class ProjectDetail(models.Model):
    """Project funding: what the money is for and how much the project costs."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="project_detail"
    )
    project_name = models.CharField(_("project name"), max_length=255, blank=True)
    category = models.CharField(
        _("category"), max_length=30, choices=ProjectCategory.choices, blank=True
    )
    total_investment = MoneyField(
        _("total investment (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    starts_on = DateField(_("project starts"), null=True, blank=True)
    ends_on = DateField(_("project ends"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project details")
        verbose_name_plural = _("project details")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="project_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["project_name"], name="project_name")]

    def __str__(self):
        return self.project_name

    @property
    def subject(self):
        return self.project_name


class DesignationDetail(models.Model):
    """Enterprise designation: the platform to be designated and its means."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="designation_detail"
    )
    platform_name = models.CharField(_("platform name"), max_length=255, blank=True)
    level_sought = models.CharField(
        _("level sought"), max_length=20, choices=LevelSought.choices, blank=True
    )
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)
    rd_spending = MoneyField(
        _("R&D spending (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    equipment_value = MoneyField(
        _("R&D equipment value (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    municipal_recognised_on = DateField(
        _("municipal recognition date"),
        null=True,
        blank=True,
        help_text=_("A provincial applicant must already hold a municipal designation."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("designation details")
        verbose_name_plural = _("designation details")
        indexes = [models.Index(fields=["platform_name"], name="platform_name")]

    def __str__(self):
        return self.platform_name

    @property
    def subject(self):
        return self.platform_name


class ApplicationEvent(models.Model):
    """One entry of an application's timeline. Written by services only; never edited."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), db_index=True)
    move = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["application", "at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="event_application_at")]

    def __str__(self):
        change = f"{self.get_from_status_display()} → {self.get_to_status_display()}"
        return f"{self.application_id}: {change}"


def attachment_path(instance, filename):
    """A generated name: the uploader's file name is kept in ``original_name`` only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A private document of an application, handed out by a permission-checked view."""

    class DocumentType(models.TextChoices):
        APPLICATION_FORM = "application_form", _("Application form")
        TEST_REPORT = "test_report", _("Third-party test report")
        PATENT = "patent", _("Patent or IP proof")
        LICENCE = "licence", _("Licence")
        SALES_CONTRACT = "sales_contract", _("Sales contract")
        COMMITMENT = "commitment", _("Commitment letter")
        SELF_ASSESSMENT = "self_assessment", _("Performance self-assessment")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    document_type = models.CharField(
        _("document type"), max_length=30, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at"]

    def __str__(self):
        return self.original_name
