"""Programmes, their reward rules and score sheets, their calls and the figures announced."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from core.fields import DateField, MoneyField, PercentageField
from core.managers import CodeNaturalKeyManager
from enterprises.models import Region

from ..notice_period import notice_end

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


class LevelSought(models.TextChoices):
    """The level a designation application seeks: the levels, and a key provincial
    platform (a provincial key enterprise research institute), which Jiaxing rewards
    apart from a provincial one. Its designation is at the provincial level
    (``designation_level``)."""

    NATIONAL = "national", _("National")
    PROVINCIAL_KEY = "provincial_key", _("Provincial (key)")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County")

    @classmethod
    def designation_level(cls, level_sought: str) -> str:
        """The designation's level (``Level``) for a level sought."""
        return Level.PROVINCIAL if level_sought == cls.PROVINCIAL_KEY else level_sought


class NoticeUnit(models.TextChoices):
    """What a programme's public notice period counts (``programmes.notice_period``)."""

    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")


class Source(models.TextChoices):
    PORTAL = "portal", _("Filed through the portal")
    ADMIN = "admin", _("Entered by bureau staff")
    IMPORT = "import", _("Imported from a published results list")
    ARTICLE = "article", _("Documented in a published article")


def require_one_language(instance, field: str) -> None:
    """A translated text (programmes/translation.py) must be given in one language at least."""
    columns = [build_localized_fieldname(field, code) for code, _name in settings.LANGUAGES]
    if not any(getattr(instance, column) for column in columns):
        raise ValidationError(
            {column: _("Give it in Chinese or in English (or both).") for column in columns}
        )


class Programme(models.Model):
    """A scheme the bureau runs or recommends to, of one of three kinds.

    Its name, authority and rules are kept in Chinese and in English
    (``programmes/translation.py``), as are a call's title and announcement and a reward
    rule's label and policy.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
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
    notice_period = models.PositiveSmallIntegerField(
        _("public notice period"),
        default=5,
        db_default=5,
        help_text=_(
            "The shortest public notice (公示) of the programme's calls, in the unit beside: "
            "a call's notice may be longer, never shorter."
        ),
    )
    notice_unit = models.CharField(
        _("counted in"),
        max_length=20,
        choices=NoticeUnit.choices,
        default=NoticeUnit.WORKING_DAYS,
        db_default=NoticeUnit.WORKING_DAYS,
        help_text=_(
            "Working days skip China's public holidays and count its adjusted working days."
        ),
    )

    objects = CodeNaturalKeyManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["kind", "level", "code"]
        indexes = [models.Index(fields=["kind", "level"], name="programme_kind_level")]

    def __str__(self):
        return self.name

    def clean(self):
        require_one_language(self, "name")

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
    amount = MoneyField(_("amount (yuan)"), validators=NON_NEGATIVE, **MONEY)
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

    def clean(self):
        require_one_language(self, "label")

    def natural_key(self):
        return (*self.programme.natural_key(), self.tier)

    natural_key.dependencies = ["programmes.programme"]


class CallQuerySet(models.QuerySet):
    def open_on(self, day):
        """Calls taking applications on ``day``: opens_on ≤ day ≤ closes_on (``Call.is_open``)."""
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Call(models.Model):
    """One round (batch) of a programme, and what was announced when it closed."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = DateField(_("opens on"), null=True, blank=True)
    closes_on = DateField(_("closes on"), null=True, blank=True)
    budget = MoneyField(_("budget (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY)
    public_notice_days = models.PositiveSmallIntegerField(
        _("public notice days"),
        default=5,
        help_text=_(
            "Counted as the programme counts its notice period (calendar or working days), "
            "and at least that period."
        ),
    )
    recommendation_quota = models.PositiveSmallIntegerField(
        _("recommendation quota per county"), null=True, blank=True
    )
    announced_on = DateField(_("results announced on"), null=True, blank=True)
    announced_count = models.PositiveIntegerField(_("number selected"), null=True, blank=True)
    announced_amount = MoneyField(
        _("total funds announced (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    announcement = models.TextField(_("announcement"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    objects = CodeNaturalKeyManager.from_queryset(CallQuerySet)()

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

    def clean(self):
        require_one_language(self, "title")
        problem = self.notice_period_problem()
        if problem:
            raise ValidationError({"public_notice_days": problem})

    @property
    def notice_in_working_days(self) -> bool:
        return self.programme.notice_unit == NoticeUnit.WORKING_DAYS

    def notice_period_problem(self) -> str | None:
        """Why the call's notice is shorter than its programme's period, or None."""
        if self.programme_id is None:
            return None
        programme = self.programme
        if self.public_notice_days >= programme.notice_period:
            return None
        return _(
            "The public notice of %(programme)s runs at least %(minimum)s %(unit)s; "
            "%(days)s is shorter."
        ) % {
            "programme": programme,
            "minimum": programme.notice_period,
            "unit": programme.get_notice_unit_display(),
            "days": self.public_notice_days,
        }

    def notice_ends_at(self, opened_at):
        """When a notice of this call opened at ``opened_at`` ends (None: not opened).
        Raises ``notice_period.NoWorkingDayData`` for a year without working-day data."""
        if opened_at is None:
            return None
        return notice_end(
            opened_at=opened_at,
            days=self.public_notice_days,
            working_days=self.notice_in_working_days,
        )

    def natural_key(self):
        return (self.code,)

    def is_open(self, on):
        """Whether the call takes applications on ``on`` (``CallQuerySet.open_on``)."""
        return bool(self.opens_on and self.closes_on and self.opens_on <= on <= self.closes_on)


#: What an announced figure counts when its tier is not a level or a product tier.
FIGURE_MEASURES = {
    "output_value": _("Output value of new products"),
    "output_value_above_size": _("Output value of new products, enterprises above designated size"),
    "release_conferences": _("Release conferences for new products and technologies"),
}


def figure_tier_label(tier: str) -> str:
    """An announced figure's tier in words: a level, a product tier or what it measures."""
    from .applications import ProductTier  # here: that module imports this one

    labels = {**dict(Level.choices), **dict(ProductTier.choices), **FIGURE_MEASURES}
    return str(labels.get(tier, tier))


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
    amount = MoneyField(_("amount (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY)
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
        tier = figure_tier_label(self.tier) if self.tier else ""
        return f"{self.programme} {self.year} {self.region or ''} {tier}".strip()


class ScoreCriterion(models.Model):
    """One line of a programme's expert score sheet."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    weight = PercentageField(
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
