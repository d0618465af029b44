"""Outcomes: designations and their evaluations, and disbursement of awarded funds."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry

from ..models import Application, Designation, Disbursement, Evaluation, Grade, Kind
from ..workflow import HOLDING, Status
from .workflow import application_move


def designation_record(
    *,
    application: Application,
    actor,
    level: str,
    certificate_number: str = "",
    designated_on: date | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> Designation:
    """The title a granted designation confers."""
    if application.kind != Kind.DESIGNATION:
        raise ValidationError(_("Only designation applications lead to a designation."))
    if application.status not in HOLDING:
        raise ValidationError(_("A designation is recorded once the application is granted."))
    designation = Designation(
        application=application,
        level=level,
        certificate_number=certificate_number,
        designated_on=designated_on,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
    )
    with transaction.atomic():
        designation.full_clean()
        designation.save()
        audit_record(
            action=AuditEntry.Action.RECORD, actor=actor, obj=designation, detail="recorded"
        )
    return designation


def evaluation_record(
    *,
    designation: Designation,
    actor,
    period: str,
    evaluated_on: date,
    score: Decimal,
    comment: str = "",
) -> Evaluation:
    """Record an evaluation; a basic pass warns the designation and a fail revokes it."""
    with transaction.atomic():
        evaluation = Evaluation(
            designation=designation,
            period=period,
            evaluated_on=evaluated_on,
            score=Decimal(score),
            comment=comment,
            recorded_by=actor,
        )
        evaluation.full_clean(exclude=["grade"])
        evaluation.save()
        audit_record(
            action=AuditEntry.Action.RECORD, actor=actor, obj=evaluation, detail="recorded"
        )
        application = designation.application
        reason = _("Evaluation %(period)s: score %(score)s, %(grade)s.") % {
            "period": period,
            "score": evaluation.score,
            "grade": evaluation.get_grade_display(),
        }
        if evaluation.grade == Grade.FAIL:
            application_move(application=application, actor=actor, move="revoke", comment=reason)
        elif evaluation.grade == Grade.BASIC_PASS and application.status == Status.GRANTED:
            application_move(application=application, actor=actor, move="warn", comment=reason)
        elif (
            evaluation.grade in {Grade.EXCELLENT, Grade.GOOD}
            and application.status == Status.WARNED
        ):
            application_move(
                application=application, actor=actor, move="lift_warning", comment=reason
            )
    return evaluation


def disbursement_record(
    *, application: Application, actor, amount: Decimal, paid_on: date, reference: str = ""
) -> Disbursement:
    """A payment of awarded funds; the total paid never exceeds the award."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.GRANTED or locked.awarded_amount is None:
            raise ValidationError(_("Funds are paid only on a granted application with an award."))
        paid = sum(locked.disbursements.values_list("amount", flat=True), Decimal("0"))
        if paid + Decimal(amount) > locked.awarded_amount:
            raise ValidationError(
                _("Paying %(amount)s would exceed the award of %(award)s (already paid %(paid)s)."),
                params={"amount": amount, "award": locked.awarded_amount, "paid": paid},
            )
        disbursement = Disbursement(
            application=locked,
            amount=Decimal(amount),
            paid_on=paid_on,
            reference=reference,
            recorded_by=actor,
        )
        disbursement.full_clean()
        disbursement.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=disbursement,
            detail=f"paid {disbursement.amount} on {disbursement.paid_on}",
        )
    return disbursement
