"""Monitoring a funded project: its obligations (reports, acceptance, inspections) and the
claw-back of disbursed money with its repayments."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import Refused
from core.models import AuditEntry
from programmes.models import Application, Designation
from programmes.services.outcomes import evaluation_record
from programmes.workflow import HOLDING

from .. import access
from ..flows import CLAW_BACK_FLOW, OBLIGATION_FLOW
from ..models import ClawBack, Obligation, Repayment
from ..money import yuan

ZERO = Decimal("0.00")
Kind = Obligation.Kind


def _require(user, capability: str) -> None:
    if not access.may(user, capability):
        raise Refused(_("You may not do this."))


def disbursed_total(application: Application) -> Decimal:
    total = application.disbursements.aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def clawed_back_total(application: Application) -> Decimal:
    """What the claw-backs of ``application`` take back: the whole amount of those ordered
    or settled, and what was repaid of those waived."""
    ordered = (
        application.claw_backs.exclude(status=ClawBack.Status.WAIVED).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    waived_repaid = (
        Repayment.objects.filter(
            claw_back__application=application, claw_back__status=ClawBack.Status.WAIVED
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return ordered + waived_repaid


def is_funded(application: Application) -> bool:
    """A funded project: granted (still held), with money disbursed."""
    return application.status in HOLDING and application.disbursements.exists()


def obligation_schedule(
    *,
    application: Application,
    actor,
    kind: str,
    title: str,
    due_on: date,
    designation: Designation | None = None,
) -> Obligation:
    """Put an obligation on a project's schedule (staff)."""
    _require(actor, "manage_monitoring")
    if kind == Kind.EVALUATION_REPORT:
        if designation is None:
            raise ValidationError(
                {"designation": _("An evaluation report names the designation evaluated.")}
            )
        application = designation.application
        if application.status not in HOLDING:
            raise Refused(_("Only a designation still held is evaluated."))
    elif not is_funded(application):
        raise Refused(
            _(
                "“%(title)s” is not a funded project: obligations follow a grant with money "
                "disbursed."
            ),
            params={"title": application.title},
        )
    obligation = Obligation(
        application=application,
        designation=designation if kind == Kind.EVALUATION_REPORT else None,
        kind=kind,
        title=title,
        due_on=due_on,
        created_by=actor,
    )
    with transaction.atomic():
        obligation.full_clean()
        obligation.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=obligation,
            detail=f"scheduled {kind} due {due_on}",
        )
    return obligation


def obligation_report(
    *,
    obligation: Obligation,
    actor,
    report: str,
    self_assessment: str = "",
    self_score: Decimal | None = None,
    submit: bool = True,
) -> Obligation:
    """The enterprise writes its report (and for the acceptance its self-assessment), and
    submits it; a refused submission keeps nothing of the report either."""
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if not access.can_report_on(actor, locked):
            raise Refused(_("This report is not yours to write now."))
        locked.report = report
        locked.self_assessment = self_assessment
        locked.self_score = self_score
        locked.full_clean()
        locked.save()
        audit_record(action=AuditEntry.Action.RECORD, actor=actor, obj=locked, detail="report")
        if submit:
            OBLIGATION_FLOW.move(locked, "submit", actor=actor)
    obligation.refresh_from_db()
    return obligation


def obligation_record_inspection(
    *, obligation: Obligation, actor, inspected_on: date, findings: str
) -> Obligation:
    """The inspector's day and findings, and the inspection marked done."""
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if not access.can_inspect(actor, locked):
            raise Refused(_("You may not record this inspection."))
        locked.inspected_on = inspected_on
        locked.findings = findings
        locked.full_clean()
        locked.save()
        OBLIGATION_FLOW.move(locked, "record_inspection", actor=actor)
    obligation.refresh_from_db()
    return obligation


def obligation_decide(
    *,
    obligation: Obligation,
    actor,
    step: str,
    comment: str = "",
    expected_status: str | None = None,
    score: Decimal | None = None,
    period: str = "",
) -> Obligation:
    """Accept, return or fail a submitted report. Accepting an evaluation report with a
    ``score`` records the designation's evaluation (``programmes``) and links it."""
    with transaction.atomic():
        OBLIGATION_FLOW.move(
            obligation, step, actor=actor, comment=comment, expected_status=expected_status
        )
        if step == "accept" and obligation.kind == Kind.EVALUATION_REPORT and score is not None:
            evaluation = evaluation_record(
                designation=obligation.designation,
                actor=actor,
                period=period or str(obligation.due_on.year),
                evaluated_on=timezone.localdate(),
                score=score,
                comment=comment,
            )
            Obligation.objects.filter(pk=obligation.pk).update(evaluation=evaluation)
    obligation.refresh_from_db()
    return obligation


def claw_back_order(
    *,
    application: Application,
    actor,
    amount: Decimal,
    reason: str,
    due_on: date,
    ordered_on: date | None = None,
) -> ClawBack:
    """Order disbursed money back; never more than was disbursed and not yet ordered back.

    The claw-back is recorded and ordered (its flow's ``order`` step, with the reason as
    the step's comment) in one transaction: a refused step keeps nothing."""
    _require(actor, "manage_monitoring")
    ordered_on = ordered_on or timezone.localdate()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        disbursed = disbursed_total(locked)
        already = clawed_back_total(locked)
        available = disbursed - already
        if Decimal(amount) > available:
            raise Refused(
                _(
                    "Ordering back %(amount)s yuan would exceed what may be clawed back: "
                    "%(disbursed)s yuan disbursed, %(already)s yuan already ordered back, "
                    "at most %(available)s yuan. Nothing was recorded."
                ),
                params={
                    "amount": yuan(amount),
                    "disbursed": yuan(disbursed),
                    "already": yuan(already),
                    "available": yuan(available),
                },
            )
        claw_back = ClawBack(
            application=locked,
            amount=amount,
            reason=reason,
            ordered_on=ordered_on,
            due_on=due_on,
            ordered_by=actor,
            status=ClawBack.Status.DRAFT,
        )
        claw_back.full_clean()
        claw_back.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=claw_back,
            detail=f"ordered back {claw_back.amount} by {due_on}: {reason}",
        )
        # The order itself is the flow's step: on the timeline with its reason, audited,
        # and issuing the claw-back notice (``Flow.after_move``).
        CLAW_BACK_FLOW.move(claw_back, "order", actor=actor, comment=reason)
    return claw_back


def repayment_record(
    *, claw_back: ClawBack, actor, amount: Decimal, paid_on: date, reference: str = ""
) -> Repayment:
    """Money returned; never more than is owed. Repaid in full, the claw-back is settled."""
    _require(actor, "manage_monitoring")
    with transaction.atomic():
        locked = ClawBack.objects.select_for_update().get(pk=claw_back.pk)
        if locked.status != ClawBack.Status.ORDERED:
            raise Refused(
                _("This claw-back is “%(status)s”: no repayment is owed."),
                params={"status": locked.get_status_display()},
            )
        owed = locked.outstanding
        if Decimal(amount) > owed:
            raise Refused(
                _(
                    "A repayment of %(amount)s yuan is more than is owed: %(owed)s yuan of "
                    "%(total)s yuan (%(repaid)s yuan repaid). Nothing was recorded."
                ),
                params={
                    "amount": yuan(amount),
                    "owed": yuan(owed),
                    "total": yuan(locked.amount),
                    "repaid": yuan(locked.repaid),
                },
            )
        repayment = Repayment(
            claw_back=locked,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            recorded_by=actor,
        )
        repayment.full_clean()
        repayment.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=repayment,
            detail=f"repaid {repayment.amount} on {paid_on}",
        )
        if locked.outstanding == 0:
            CLAW_BACK_FLOW.move(locked, "settle", actor=actor)
    claw_back.refresh_from_db()
    return repayment


def claw_back_move(*, claw_back: ClawBack, actor, step: str, comment: str = "") -> ClawBack:
    return CLAW_BACK_FLOW.move(claw_back, step, actor=actor, comment=comment)
