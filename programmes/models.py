"""Programmes, their calls, applications with one typed detail per kind, and outcomes."""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise, Region

from .workflow import MOVES, Move, Status

MONEY = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Kind(models.TextChoices):
    PRODUCT = "product", _("Product recognition")
    PROJECT = "project", _("Project funding")
    DESIGNATION = "designation", _("Enterprise designation")


#: The application's relation to the typed detail record of each kind.
DETAIL_RELATIONS = {
    Kind.PRODUCT: "product_detail",
    Kind.PROJECT: "project_detail",
    Kind.DESIGNATION: "designation_detail",
}


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County")


class Source(models.TextChoices):
    PORTAL = "portal", _("Filed through the portal")
    ADMIN = "admin", _("Entered by bureau staff")
    IMPORT = "import", _("Imported from a published results list")
    ARTICLE = "article", _("Documented in a published article")


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Programme(models.Model):
    """A scheme the bureau runs or recommends to, of one of three kinds."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    authority = models.CharField(_("authority"), max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("The area the programme covers."),
    )
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(_("eligibility"), blank=True)
    required_documents = models.TextField(_("required documents"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["kind", "level", "code"]
        indexes = [models.Index(fields=["kind", "level"], name="programme_kind_level")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class RewardRuleManager(models.Manager):
    def get_by_natural_key(self, programme_code, tier):
        return self.get(programme__code=programme_code, tier=tier)


class RewardRule(models.Model):
    """A level or tier of a programme and the amount it brings, in yuan."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="reward_rules",
    )
    tier = models.CharField(_("level or tier"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), validators=NON_NEGATIVE, **MONEY)
    policy = models.CharField(_("policy"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    objects = RewardRuleManager()

    class Meta:
        verbose_name = _("reward rule")
        verbose_name_plural = _("reward rules")
        ordering = ["programme", "amount"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "tier"], name="reward_rule_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="reward_rule_amount_gte_0"),
        ]

    def __str__(self):
        return f"{self.programme} — {self.label}"

    def natural_key(self):
        return (*self.programme.natural_key(), self.tier)

    natural_key.dependencies = ["programmes.programme"]


class CallQuerySet(models.QuerySet):
    def open_on(self, day):
        """Calls taking applications on ``day``: opens_on ≤ day ≤ closes_on (``Call.is_open``)."""
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class CallManager(models.Manager.from_queryset(CallQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Call(models.Model):
    """One round (batch) of a programme, and what was announced when it closed."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    public_notice_days = models.PositiveSmallIntegerField(_("public notice days"), default=5)
    recommendation_quota = models.PositiveSmallIntegerField(
        _("recommendation quota per county"), null=True, blank=True
    )
    announced_on = models.DateField(_("results announced on"), null=True, blank=True)
    announced_count = models.PositiveIntegerField(_("number selected"), null=True, blank=True)
    announced_amount = models.DecimalField(
        _("total funds announced (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    announcement = models.TextField(_("announcement"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    objects = CallManager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-year", "programme", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="call_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["programme", "year"], name="call_programme_year")]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.code,)

    def is_open(self, on):
        """Whether the call takes applications on ``on`` (``CallQuerySet.open_on``)."""
        return bool(self.opens_on and self.closes_on and self.opens_on <= on <= self.closes_on)


class AnnouncedFigure(models.Model):
    """A figure a bureau announced: how many were selected, for how much, and where.

    Held beside the records so that what was announced can be set against what
    the system holds (for example 15 Jiaxing first-batch materials in 2023).
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="figures"
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="figures",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("year"))
    tier = models.CharField(_("level or tier"), max_length=40, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    rank = models.PositiveSmallIntegerField(_("rank in the province"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        verbose_name = _("announced figure")
        verbose_name_plural = _("announced figures")
        ordering = ["-year", "programme", "region", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "region", "tier", "source"],
                name="announced_figure_unique",
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=False) | Q(amount__isnull=False) | Q(rank__isnull=False),
                name="announced_figure_has_value",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year} {self.region or ''} {self.tier}".strip()


class ScoreCriterion(models.Model):
    """One line of a programme's expert score sheet."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("score criterion")
        verbose_name_plural = _("score criteria")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="criterion_unique"),
        ]

    def __str__(self):
        return self.name


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


class ApplicationQuerySet(models.QuerySet):
    def counted(self, count: int):
        """This queryset, answering ``count()`` with ``count``, a number already known
        (``programmes.tally``), instead of counting the rows again.

        Only this copy knows it: filtering, ordering or slicing makes a new queryset,
        which counts for itself.
        """
        clone = self._chain()
        clone._known_count = count
        return clone

    @property
    def known_count(self) -> int | None:
        """The number given to ``counted``, while the rows are not read; else None."""
        return getattr(self, "_known_count", None) if self._result_cache is None else None

    def count(self):
        known = self.known_count
        return known if known is not None else super().count()


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
    requested_amount = models.DecimalField(
        _("requested amount (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    awarded_amount = models.DecimalField(
        _("awarded amount (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
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

    objects = ApplicationQuerySet.as_manager()

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
            # A round's queue, newest first: a programme's calls are few, so a list of a
            # programme's applications in one status reads each call's entries from this
            # index alone and sorts only those (the awaiting-check queue of the largest
            # programme: 13 → 1 ms at a million applications, where its (call, status)
            # predecessor read every matching row from the table for its date).
            models.Index(
                fields=["call", "status", "-created_at", "-id"],
                name="application_call_queue",
            ),
            # Status and kind filters. On PostgreSQL the call rides along (INCLUDE), so
            # that the admin index counts its open work from this index alone (250 → 30 ms
            # at a million); SQLite, which has no such columns, keeps (status, kind): as a
            # key column the call made its planner prefer this index, and sort, for lists
            # filtered by status and programme.
            models.Index(
                fields=["status", "kind"], include=["call"], name="application_status_kind_call"
            ),
            models.Index(fields=["region", "status"], name="application_region_status"),
            models.Index(fields=["enterprise", "status"], name="application_enterprise_status"),
            models.Index(fields=["-created_at", "-id"], name="application_created"),
            # Lists are ordered newest first: a filter and the order in one index, so a
            # page is read in order instead of sorting every matching row.
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
        if not self.kind and self.call_id:
            self.kind = self.call.programme.kind
        if self.region_id is None and self.enterprise_id:
            self.region_id = self.enterprise.region_id
        super().save(*args, **kwargs)

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
    first_sold_on = models.DateField(_("first commercial sale"), null=True, blank=True)

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
    total_investment = models.DecimalField(
        _("total investment (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    starts_on = models.DateField(_("project starts"), null=True, blank=True)
    ends_on = models.DateField(_("project ends"), null=True, blank=True)

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
        _("level sought"), max_length=20, choices=Level.choices, blank=True
    )
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)
    rd_spending = models.DecimalField(
        _("R&D spending (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    equipment_value = models.DecimalField(
        _("R&D equipment value (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    municipal_recognised_on = models.DateField(
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
    transition = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["application", "at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="event_application_at")]

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


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


class ReviewAssignment(models.Model):
    """An expert asked to score an application; the file opens after a conflict declaration."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    no_conflict_declared_at = models.DateTimeField(
        _("no conflict of interest declared"), null=True, blank=True
    )
    total_score = models.DecimalField(
        _("weighted score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("score sheet submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="assignment_unique"),
            models.CheckConstraint(
                condition=Q(total_score__isnull=True) | Q(total_score__gte=0, total_score__lte=100),
                name="assignment_score_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.expert} — {self.application}"


class ReviewScore(models.Model):
    """The score given on one criterion (0–100) of a score sheet."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(ScoreCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="score_0_to_100"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class Designation(models.Model):
    """The title a granted designation application confers, and its validity."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="designation",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["-designated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="designation_valid_until_after_from",
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="designation_valid_until")]

    def __str__(self):
        return f"{self.application.headline} ({self.get_level_display()})"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    BASIC_PASS = "basic_pass", _("Basic pass (warning)")
    FAIL = "fail", _("Fail (revocation)")


def grade_for_score(score: Decimal) -> str:
    """National evaluation grades: ≥90 excellent, ≥65 good, ≥60 basic pass, else fail."""
    if score >= 90:
        return Grade.EXCELLENT
    if score >= 65:
        return Grade.GOOD
    if score >= 60:
        return Grade.BASIC_PASS
    return Grade.FAIL


class Evaluation(models.Model):
    """A periodic evaluation of a designation; the grade follows from the score."""

    designation = models.ForeignKey(
        Designation,
        verbose_name=_("designation"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2023–2024."))
    evaluated_on = models.DateField(_("evaluated on"))
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, editable=False)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["designation", "-evaluated_on"]
        constraints = [
            models.UniqueConstraint(fields=["designation", "period"], name="evaluation_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="evaluation_score_0_to_100"
            ),
        ]

    def __str__(self):
        return f"{self.designation} {self.period}: {self.get_grade_display()}"

    def save(self, *args, **kwargs):
        self.grade = grade_for_score(self.score)
        super().save(*args, **kwargs)


class Disbursement(models.Model):
    """A payment of awarded funds."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    amount = models.DecimalField(_("amount (yuan)"), validators=NON_NEGATIVE, **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["application", "paid_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.amount}"


class Notification(models.Model):
    """An in-app notice to a user; the same text also goes out by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.message[:60]


class Objection(models.Model):
    """An objection lodged by anyone against an application in public notice."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("phone or email"), max_length=100)
    text = models.TextField(_("objection"))
    lodged_at = models.DateTimeField(_("lodged"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-lodged_at"]

    def __str__(self):
        return f"{self.application}: {self.name}"


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
        return f"{self.resource} {self.file_name} ({self.at:%Y-%m-%d %H:%M})"


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

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
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


class AuditEntry(models.Model):
    """An append-only record of who did what to which object, and when.

    Written by services (decisions, status changes, imports, exports) and by the
    access checks (refused access). Nobody edits or deletes one: admin shows
    them read-only and the API exposes none.
    """

    class Action(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        DECISION = "decision", _("Decision")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        ACCESS_REFUSED = "access_refused", _("Access refused")
        LOGIN_LOCKED = "login_locked", _("Login locked out")
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
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are never deleted.")
