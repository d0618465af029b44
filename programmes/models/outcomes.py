"""What a decision leads to: designations and their evaluations, disbursements."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import DateField, MoneyField

from .applications import Application
from .catalogue import MONEY, NON_NEGATIVE, Level


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
    designated_on = DateField(_("designated on"), null=True, blank=True)
    valid_from = DateField(_("valid from"), null=True, blank=True)
    valid_until = DateField(_("valid until"), null=True, blank=True)
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
    evaluated_on = DateField(_("evaluated on"))
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
    amount = MoneyField(_("amount (yuan)"), validators=NON_NEGATIVE, **MONEY)
    paid_on = DateField(_("paid on"))
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
