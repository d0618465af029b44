"""A programme's eligibility rules: which check (``programmes.eligibility``) with which
parameters, checked when an application is filed."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import MoneyField, PercentageField

from ..eligibility import CHECKS, PARAMETER_FIELDS, Check
from .applications import Attachment
from .catalogue import MONEY, Level, LevelSought, Programme


class EligibilityRuleManager(models.Manager):
    def get_by_natural_key(self, programme_code, code):
        return self.get(programme__code=programme_code, code=code)


class EligibilityRule(models.Model):
    """One rule of a programme: a declared check and its parameters.

    Only the parameters the check reads are filled in (``clean`` refuses the others),
    so that a rule says exactly what it checks. Its label and note are kept in Chinese
    and English (``programmes/translation.py``); without a label the applicant reads
    the check's own sentence with the parameters in it (``title``).
    """

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="eligibility_rules",
    )
    code = models.SlugField(_("code"), max_length=60)
    kind = models.CharField(_("check"), max_length=40, choices=Check.choices)
    label = models.CharField(
        _("label"),
        max_length=255,
        blank=True,
        help_text=_("What applicants read; blank: the check's own sentence."),
    )
    minimum = models.PositiveSmallIntegerField(
        _("minimum level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    maximum = models.PositiveSmallIntegerField(
        _("maximum level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    percentage = PercentageField(
        _("share of the investment (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    amount = MoneyField(
        _("amount (yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        **MONEY,
    )
    years = models.PositiveSmallIntegerField(
        _("years"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    level = models.CharField(
        _("level sought"), max_length=20, choices=LevelSought.choices, blank=True
    )
    required_level = models.CharField(
        _("level required first"), max_length=20, choices=Level.choices, blank=True
    )
    document_type = models.CharField(
        _("document type"), max_length=30, choices=Attachment.DocumentType.choices, blank=True
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Where the rule comes from, and what is not confirmed about it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = EligibilityRuleManager()

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["programme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="eligibility_rule_unique"),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(maximum__gte=F("minimum")),
                name="eligibility_rule_range",
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.title}"

    def natural_key(self):
        return (*self.programme.natural_key(), self.code)

    natural_key.dependencies = ["programmes.programme"]

    def clean(self):
        spec = CHECKS.get(self.kind)
        if spec is None:
            return
        errors = {}
        for name in PARAMETER_FIELDS:
            value = getattr(self, name)
            given = value not in (None, "")
            if name in spec.parameters and not given:
                errors[name] = _("This check needs it.")
            elif name not in spec.parameters and given:
                errors[name] = _("This check does not use it: leave it empty.")
        if "minimum" in spec.parameters and not errors and self.maximum < self.minimum:
            errors["maximum"] = _("The maximum cannot be below the minimum.")
        if (
            "required_level" in spec.parameters
            and not errors
            and LevelSought.designation_level(self.level) == self.required_level
        ):
            errors["required_level"] = _("Name a level other than the one sought.")
        if self.programme_id and self.programme.kind not in spec.kinds:
            errors["kind"] = _(
                "This check does not apply to a programme of the kind “%(kind)s”."
            ) % {"kind": self.programme.get_kind_display()}
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        """The rule as applicants and refusals name it, in the reader's language."""
        return self.label or CHECKS[self.kind].describe(self)
