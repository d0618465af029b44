"""After the decision: a funded project's obligations and claw-backs, and a first-batch
product's insurance qualification, yearly quota and compensation claims.

Money is in yuan to the fen (``core.fields.MoneyField``); each model's states are
declared in ``aftercare.flows`` and changed only by ``Flow.move``.
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import DateField, MoneyField
from programmes.models import Application, Designation, Evaluation

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


# --- Monitoring of a funded project ------------------------------------------------------


class Obligation(models.Model):
    """Something a funded project or a designation owes the bureau by a date: a progress
    report, the final acceptance (验收) with its performance self-assessment, an on-site
    inspection with its findings, or the report a designation's periodic evaluation needs."""

    class Kind(models.TextChoices):
        PROGRESS_REPORT = "progress_report", _("Progress report")
        ACCEPTANCE = "acceptance", _("Final acceptance")
        INSPECTION = "inspection", _("On-site inspection")
        EVALUATION_REPORT = "evaluation_report", _("Evaluation report")

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")
        FAILED = "failed", _("Not accepted")
        DONE = "done", _("Inspected")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    designation = models.ForeignKey(
        Designation,
        verbose_name=_("designation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
        help_text=_("For an evaluation report: the designation evaluated."),
    )
    evaluation = models.OneToOneField(
        Evaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report",
        help_text=_("The periodic evaluation this report was for, once recorded."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    due_on = DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DUE
    )
    report = models.TextField(_("report"), blank=True)
    self_assessment = models.TextField(_("performance self-assessment"), blank=True)
    self_score = models.DecimalField(
        _("self-assessed score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    inspected_on = DateField(_("inspected on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="evaluation_report") | Q(designation__isnull=False),
                name="obligation_evaluation_report_has_designation",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="obligation_status_due"),
            models.Index(fields=["kind", "status"], name="obligation_kind_status"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()}, {self.due_on})"

    @property
    def subject_application(self) -> Application:
        return self.application


class ClawBack(models.Model):
    """Disbursed money the bureau orders back (追回), with its reason, and the repayments
    that settle it.

    A claw-back is written as ``draft`` and ordered by its flow's ``order`` step in the same
    transaction (``claw_back_order``), so that the order is on its timeline and issues its
    notice like every other step; no claw-back stays a draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being ordered")
        ORDERED = "ordered", _("Ordered")
        SETTLED = "settled", _("Repaid in full")
        WAIVED = "waived", _("Waived")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="claw_backs",
    )
    amount = MoneyField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
    reason = models.TextField(_("reason"))
    ordered_on = DateField(_("ordered on"))
    due_on = DateField(_("repay by"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ORDERED
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("claw-back")
        verbose_name_plural = _("claw-backs")
        ordering = ["-ordered_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="clawback_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("ordered_on")), name="clawback_due_after_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="clawback_status_due")]

    def __str__(self):
        return _("Claw-back of %(amount)s yuan from “%(title)s”") % {
            "amount": self.amount,
            "title": self.application.title,
        }

    @property
    def subject_application(self) -> Application:
        return self.application

    @property
    def repaid(self) -> Decimal:
        total = self.repayments.aggregate(total=models.Sum("amount"))["total"]
        return total or Decimal("0.00")

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid


class Repayment(models.Model):
    """Money returned against a claw-back; together never more than it orders back."""

    claw_back = models.ForeignKey(
        ClawBack,
        verbose_name=_("claw-back"),
        on_delete=models.PROTECT,
        related_name="repayments",
    )
    amount = MoneyField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
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
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["claw_back", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.claw_back_id}: {self.amount} ({self.paid_on})"


# --- First-batch insurance compensation ---------------------------------------------------


class InsuranceQualification(models.Model):
    """A recognised first-batch product's qualification for premium compensation: reviewed
    by the bureau, valid for at most three years."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        QUALIFIED = "qualified", _("Qualified")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    application = models.ForeignKey(
        Application,
        verbose_name=_("recognised product"),
        on_delete=models.PROTECT,
        related_name="insurance_qualifications",
    )
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=100)
    valid_from = DateField(_("valid from"))
    valid_until = DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("insurance qualification")
        verbose_name_plural = _("insurance qualifications")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="qualification_valid_until_after_from",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="qualification_valid")]

    def __str__(self):
        return f"{self.application.headline} ({self.valid_from.year}–{self.valid_until.year})"

    @property
    def subject_application(self) -> Application:
        return self.application

    def covers_year(self, year: int) -> bool:
        return self.valid_from.year <= year <= self.valid_until.year


class InsuranceQuota(models.Model):
    """The compensation a year's claims may receive together, and the rule that shares it
    when the claims ask for more."""

    class Rule(models.TextChoices):
        PRO_RATA = "pro_rata", _("Pro rata, once the claiming period has closed")
        IN_ORDER = "in_order", _("In the order approved, until the quota is spent")

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = MoneyField(_("quota (yuan)"), validators=POSITIVE, **MONEY)
    claims_close_on = DateField(
        _("claims close on"), help_text=_("The last day a claim for this year may be submitted.")
    )
    shortfall_rule = models.CharField(
        _("when the quota runs short"),
        max_length=20,
        choices=Rule.choices,
        default=Rule.PRO_RATA,
    )
    share_cap = models.DecimalField(
        _("share of the premium compensated"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.8000"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("0.8"))],
        help_text=_("At most 80 percent of the premium actually paid."),
    )

    class Meta:
        verbose_name = _("insurance quota")
        verbose_name_plural = _("insurance quotas")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="quota_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(share_cap__gt=0, share_cap__lte=Decimal("0.8")),
                name="quota_share_cap_at_most_80_percent",
            ),
        ]

    def __str__(self):
        return _("Insurance compensation quota %(year)s") % {"year": self.year}


def claim_file_path(instance, filename):
    """A generated name: the uploader's file name is not kept in the path."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"insurance/{instance.qualification_id}/{instance.year}/{uuid.uuid4().hex}{suffix}"


class InsuranceClaim(models.Model):
    """One year's compensation claim against the premium actually paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        RECOMMENDED = "recommended", _("Recommended by the county")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DISBURSED = "disbursed", _("Disbursed")

    qualification = models.ForeignKey(
        InsuranceQualification,
        verbose_name=_("insurance qualification"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    premium_paid = MoneyField(_("premium paid (yuan)"), validators=POSITIVE, **MONEY)
    requested_amount = MoneyField(_("amount claimed (yuan)"), validators=POSITIVE, **MONEY)
    awarded_amount = MoneyField(
        _("amount awarded (yuan)"), null=True, blank=True, editable=False, **MONEY
    )
    award_note = models.CharField(_("how the award was set"), max_length=300, blank=True)
    policy_file = models.FileField(_("insurance policy"), upload_to=claim_file_path, blank=True)
    policy_file_name = models.CharField(_("policy file name"), max_length=255, blank=True)
    payment_proof = models.FileField(
        _("proof of premium payment"), upload_to=claim_file_path, blank=True
    )
    payment_proof_name = models.CharField(_("payment proof file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    paid_amount = MoneyField(_("amount paid (yuan)"), null=True, blank=True, **MONEY)
    paid_on = DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("insurance claim")
        verbose_name_plural = _("insurance claims")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "year"],
                condition=~Q(status="rejected"),
                name="claim_one_per_qualification_year",
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__lte=F("premium_paid") * Decimal("0.8")),
                name="claim_at_most_80_percent_of_premium",
            ),
            models.CheckConstraint(
                condition=Q(awarded_amount__isnull=True)
                | Q(awarded_amount__lte=F("requested_amount")),
                name="claim_award_at_most_requested",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__lte=F("awarded_amount")),
                name="claim_paid_at_most_awarded",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="claim_year_status")]

    def __str__(self):
        return f"{self.qualification.application.headline} {self.year}"

    @property
    def subject_application(self) -> Application:
        return self.qualification.application
