"""The bureau's service to enterprises and its plans: service cases and the problems they
raise, financing arranged, innovation platforms, events, announced figures, and plans
with their targets.

Every figure an article gives without records behind it is an ``AnnouncedFigure`` (or a
platform's announced counts): the pages show it beside what the records count, never
instead of it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import DateField, MoneyField


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class NameManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class PlanTargetManager(models.Manager):
    def get_by_natural_key(self, plan_code, code):
        return self.get(plan__code=plan_code, code=code)


class Plan(models.Model):
    """A plan the bureau (or a city's bureau) is measured on, with its targets."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    region = models.ForeignKey(
        "enterprises.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    announced_on = DateField(_("announced on"), null=True, blank=True)
    starts_on = DateField(_("starts on"), null=True, blank=True)
    ends_on = DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="services_plan_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.code,)


class PlanTarget(models.Model):
    """One indicator of a plan: unit, baseline, target and deadline.

    Its progress is counted from the records when ``counted_from`` names what to count,
    and otherwise read from the actuals recorded over time (``PlanActual``)."""

    class Counted(models.TextChoices):
        RECORDED = "", _("recorded actuals")
        RELEASE_CONFERENCES = "release_conferences", _("release conferences on record")
        RELEASE_CONFERENCES_A_MONTH = (
            "release_conferences_a_month",
            _("release conferences a month on record"),
        )
        RESOLVED_PROBLEMS = "resolved_problems", _("problems resolved on record")
        SERVICE_CASES = "service_cases", _("service cases on record")

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("at least")
        MORE_THAN = "more_than", _("more than")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets"
    )
    code = models.SlugField(_("code"), max_length=80)
    label = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comparison = models.CharField(
        _("comparison"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    deadline = DateField(_("deadline"), null=True, blank=True)
    counted_from = models.CharField(
        _("progress counted from"),
        max_length=30,
        choices=Counted.choices,
        default=Counted.RECORDED,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)

    objects = PlanTargetManager()

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="services_target_unique_code"),
            models.CheckConstraint(condition=models.Q(target__gt=0), name="services_target_gt_0"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.label}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["services.plan"]


class PlanActual(models.Model):
    """A value of an indicator as recorded on a date (from a report or a count)."""

    target = models.ForeignKey(
        PlanTarget, verbose_name=_("plan target"), on_delete=models.CASCADE, related_name="actuals"
    )
    on = DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("plan actual")
        verbose_name_plural = _("plan actuals")
        ordering = ["target", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["target", "on"], name="services_actual_one_per_day"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="services_actual_gte_0"),
        ]

    def __str__(self):
        return f"{self.target.label}: {self.value} ({self.on})"


class AnnouncedFigure(models.Model):
    """A count an article announces for a region and year with no records behind it."""

    class Measure(models.TextChoices):
        INSPECTIONS = "inspections", _("inspections and visits")
        PROBLEMS_SOLVED = "problems_solved", _("problems solved")
        RELEASE_CONFERENCES = "release_conferences", _("release conferences")

    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    region = models.ForeignKey(
        "enterprises.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="service_figures",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.PositiveIntegerField(_("value"))
    more_than = models.BooleanField(
        _("more than"), default=False, help_text=_("The source says “over” the value.")
    )
    announced_by = models.CharField(_("announced by"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("announced service figure")
        verbose_name_plural = _("announced service figures")
        ordering = ["-year", "measure", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "region", "year"], name="services_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_measure_display()} {self.year}: {self.shown_value}"

    @property
    def shown_value(self) -> str:
        return _("over %(value)s") % {"value": self.value} if self.more_than else str(self.value)


class Event(models.Model):
    """A release conference for new products and technologies, or an industry-chain
    docking session, with what was presented and what followed."""

    class Kind(models.TextChoices):
        RELEASE_CONFERENCE = "release_conference", _("release conference")
        CHAIN_DOCKING = "chain_docking", _("industry-chain docking")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = DateField(_("held on"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    region = models.ForeignKey(
        "enterprises.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="service_events",
    )
    deals_signed = models.PositiveIntegerField(_("deals signed"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-held_on", "pk"]
        indexes = [models.Index(fields=["kind", "held_on"])]

    def __str__(self):
        return f"{self.title} ({self.held_on})"


class EventPresentation(models.Model):
    """An enterprise at an event, and the products or technologies it presented."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="presentations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="event_presentations",
    )
    products = models.TextField(_("products and technologies presented"), blank=True)

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"], name="services_presentation_once"
            )
        ]

    def __str__(self):
        return f"{self.enterprise} @ {self.event}"


class ServiceCase(models.Model):
    """One visit, inspection or diagnosis at an enterprise: who, when, where, and which
    programme, plan or event it serves."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("visit")
        INSPECTION = "inspection", _("inspection")
        DIAGNOSIS = "diagnosis", _("diagnosis")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="service_cases",
    )
    held_on = DateField(_("held on"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    department = models.CharField(_("department"), max_length=200)
    conducted_by = models.CharField(_("conducted by"), max_length=300)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer on record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_cases",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_cases",
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_cases",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("opened at event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("service case")
        verbose_name_plural = _("service cases")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"]), models.Index(fields=["kind", "held_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.enterprise} ({self.held_on})"

    def get_absolute_url(self):
        return reverse("services:case", args=[self.pk])


class Problem(models.Model):
    """A problem an enterprise has, raised at a case or by the enterprise itself, and
    carried to its confirmed resolution (``services.workflow``)."""

    class Category(models.TextChoices):
        PROJECT_APPLICATION = "project_application", _("project application")
        COLLEGE_DOCKING = "college_docking", _("college-enterprise docking")
        VENUE = "venue", _("venue")
        FINANCING = "financing", _("financing")
        TALENT = "talent", _("talent")
        ENERGY = "energy", _("energy")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ASSIGNED = "assigned", _("assigned")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        CONFIRMED = "confirmed", _("confirmed")
        REOPENED = "reopened", _("reopened")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="service_problems",
    )
    case = models.ForeignKey(
        ServiceCase,
        verbose_name=_("service case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False
    )
    department = models.CharField(_("owning department"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_problems",
    )
    due_on = DateField(_("due on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, editable=False)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True, editable=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_problems",
        editable=False,
    )
    raised_on = DateField(_("raised on"))

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-raised_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["category", "raised_on"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("services:problem", args=[self.pk])

    def clean(self):
        if self.case_id and self.enterprise_id and self.case.enterprise_id != self.enterprise_id:
            raise ValidationError(
                {"case": _("The case was held at another enterprise than this problem's.")}
            )


class ProblemAction(models.Model):
    """One step taken on a problem: what was done, on which day, by whom."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="actions"
    )
    taken_on = DateField(_("taken on"))
    text = models.TextField(_("step taken"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("step taken")
        verbose_name_plural = _("steps taken")
        ordering = ["taken_on", "pk"]

    def __str__(self):
        return f"{self.taken_on}: {self.text[:60]}"


class Financing(models.Model):
    """A loan, guarantee or insurance arranged for an enterprise."""

    class Kind(models.TextChoices):
        LOAN = "loan", _("loan")
        GUARANTEE = "guarantee", _("guarantee")
        INSURANCE = "insurance", _("insurance")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="financings",
    )
    arranged_by = models.CharField(_("arranged by"), max_length=200, blank=True)
    lender = models.CharField(_("lender"), max_length=200, blank=True)
    insurer = models.CharField(_("insurer"), max_length=200, blank=True)
    amount = MoneyField(_("amount (yuan)"))
    arranged_on = DateField(_("arranged on"), null=True, blank=True)
    starts_on = DateField(_("starts on"), null=True, blank=True)
    ends_on = DateField(_("ends on"), null=True, blank=True)
    case = models.ForeignKey(
        ServiceCase,
        verbose_name=_("service case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="financings",
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("financing")
        verbose_name_plural = _("financing")
        ordering = ["-arranged_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="services_financing_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="services_financing_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.enterprise}: {self.amount}"

    def clean(self):
        if self.case_id and self.enterprise_id and self.case.enterprise_id != self.enterprise_id:
            raise ValidationError(
                {"case": _("The case was held at another enterprise than this financing's.")}
            )


class Platform(models.Model):
    """An innovation platform: its type, operator, region, settled enterprises and target.

    ``announced_settled`` and ``announced_technological`` are the counts a source gives
    without naming the enterprises; the settlements on record are counted beside them."""

    class Kind(models.TextChoices):
        MAKER_SPACE = "maker_space", _("maker space")
        INCUBATOR = "incubator", _("incubator")
        ACCELERATOR = "accelerator", _("accelerator")
        INDUSTRIALISED_BASE = "industrialised_base", _("industrialised base")
        INTEGRATED = "integrated", _("integrated centre")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    region = models.ForeignKey(
        "enterprises.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="platforms",
    )
    opened_on = DateField(_("opened on"), null=True, blank=True)
    announced_settled = models.PositiveIntegerField(
        _("announced settled enterprises"), null=True, blank=True
    )
    announced_technological = models.PositiveIntegerField(
        _("announced technological enterprises"), null=True, blank=True
    )
    target_projects = models.PositiveIntegerField(_("target: projects"), null=True, blank=True)
    target_years = models.PositiveSmallIntegerField(
        _("target: within years"), null=True, blank=True
    )
    target_from = DateField(_("target counted from"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = NameManager()

    class Meta:
        verbose_name = _("innovation platform")
        verbose_name_plural = _("innovation platforms")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(announced_technological__isnull=True)
                | models.Q(announced_settled__isnull=True)
                | models.Q(announced_technological__lte=models.F("announced_settled")),
                name="services_platform_technological_within_settled",
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class Settlement(models.Model):
    """An enterprise settled in a platform, from a date (and until one, if it left)."""

    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), on_delete=models.CASCADE, related_name="settlements"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    settled_on = DateField(_("settled on"))
    left_on = DateField(_("left on"), null=True, blank=True)
    technological = models.BooleanField(_("technological enterprise"), default=False)

    class Meta:
        verbose_name = _("settled enterprise")
        verbose_name_plural = _("settled enterprises")
        ordering = ["platform", "settled_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "enterprise", "settled_on"], name="services_settlement_once"
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("settled_on")),
                name="services_settlement_leaves_after",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} @ {self.platform}"
