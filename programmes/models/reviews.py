"""Expert review: assignments and their scores; objections during the public notice."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import ContactField

from .applications import Application
from .catalogue import ScoreCriterion


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
    due_on = models.DateField(
        _("review due by"),
        null=True,
        blank=True,
        help_text=_("The day by which the expert submits the score sheet."),
    )
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


class Objection(models.Model):
    """An objection lodged by anyone against an application in public notice."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField(_("name"), max_length=100)
    contact = ContactField(_("phone or email"), max_length=100)
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
