"""The moves of aftercare's records, declared once (``core.flows``): states, steps, who
makes each (answered by ``aftercare.access.may_make_step``), comments and guards.

Actors: ``staff`` (the bureau), ``county`` (the officer covering the project's region),
``applicant`` (a member of the project's enterprise).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.flows import Flow, Step

from .models import ClawBack, InsuranceClaim, InsuranceQualification, Obligation
from .money import yuan

MAY = "aftercare.access.may_make_step"
STAFF, COUNTY, APPLICANT = "staff", "county", "applicant"

# --- Obligations ---------------------------------------------------------------------------

OS = Obligation.Status
REPORTED = (
    Obligation.Kind.PROGRESS_REPORT,
    Obligation.Kind.ACCEPTANCE,
    Obligation.Kind.EVALUATION_REPORT,
)


def has_report(obligation, context) -> list[str]:
    if obligation.kind not in REPORTED:
        return [_("An inspection is recorded by the bureau or the county, not reported.")]
    if not obligation.report.strip():
        return [_("Write the report before submitting it.")]
    if obligation.kind == Obligation.Kind.ACCEPTANCE and not (
        obligation.self_assessment.strip() and obligation.self_score is not None
    ):
        return [_("The final acceptance needs the performance self-assessment and its score.")]
    return []


def has_findings(obligation, context) -> list[str]:
    if obligation.kind != Obligation.Kind.INSPECTION:
        return [_("Only an on-site inspection has findings to record.")]
    if not obligation.findings.strip() or obligation.inspected_on is None:
        return [_("Record the day of the inspection and its findings.")]
    return []


def stamp_submitted(obligation, context) -> None:
    obligation.submitted_at = context.now or timezone.now()


def stamp_decided(obligation, context) -> None:
    obligation.decided_at = context.now or timezone.now()


OBLIGATION_FLOW = Flow(
    name="obligation",
    model=Obligation,
    may=MAY,
    steps=[
        Step(
            "submit",
            gettext_lazy("Submit"),
            (OS.DUE, OS.RETURNED),
            OS.SUBMITTED,
            (APPLICANT,),
            guards=(has_report,),
            effects=(stamp_submitted,),
        ),
        Step(
            "accept",
            gettext_lazy("Accept"),
            (OS.SUBMITTED,),
            OS.ACCEPTED,
            (STAFF,),
            decision=True,
            effects=(stamp_decided,),
        ),
        Step(
            "return",
            gettext_lazy("Return for revision"),
            (OS.SUBMITTED,),
            OS.RETURNED,
            (STAFF, COUNTY),
            comment_required=True,
        ),
        Step(
            "fail",
            gettext_lazy("Not accepted"),
            (OS.SUBMITTED,),
            OS.FAILED,
            (STAFF,),
            comment_required=True,
            decision=True,
            effects=(stamp_decided,),
        ),
        Step(
            "record_inspection",
            gettext_lazy("Record the inspection"),
            (OS.DUE,),
            OS.DONE,
            (STAFF, COUNTY),
            guards=(has_findings,),
            effects=(stamp_decided,),
        ),
    ],
)

#: Obligations still waiting for the enterprise or the inspector.
OPEN_OBLIGATIONS = (OS.DUE, OS.RETURNED)

# --- Claw-backs ----------------------------------------------------------------------------

C = ClawBack.Status


def repaid_in_full(claw_back, context) -> list[str]:
    if claw_back.outstanding > 0:
        return [
            _("%(outstanding)s yuan of %(amount)s yuan is still to be repaid.")
            % {"outstanding": yuan(claw_back.outstanding), "amount": yuan(claw_back.amount)}
        ]
    return []


CLAW_BACK_FLOW = Flow(
    name="claw_back",
    model=ClawBack,
    may=MAY,
    steps=[
        Step(
            "order",
            gettext_lazy("Order the claw-back"),
            (C.DRAFT,),
            C.ORDERED,
            (STAFF,),
            comment_required=True,
            decision=True,
        ),
        Step(
            "settle",
            gettext_lazy("Mark as repaid"),
            (C.ORDERED,),
            C.SETTLED,
            (STAFF,),
            guards=(repaid_in_full,),
        ),
        Step(
            "waive",
            gettext_lazy("Waive the rest"),
            (C.ORDERED,),
            C.WAIVED,
            (STAFF,),
            comment_required=True,
            decision=True,
        ),
    ],
)

# --- Insurance qualification ---------------------------------------------------------------

Q_ = InsuranceQualification.Status


def within_three_years(qualification, context) -> list[str]:
    from .services.insurance import qualification_problems

    return qualification_problems(qualification)


QUALIFICATION_FLOW = Flow(
    name="insurance_qualification",
    model=InsuranceQualification,
    may=MAY,
    steps=[
        Step(
            "qualify",
            gettext_lazy("Qualify"),
            (Q_.REQUESTED,),
            Q_.QUALIFIED,
            (STAFF,),
            decision=True,
            guards=(within_three_years,),
        ),
        Step(
            "refuse",
            gettext_lazy("Refuse"),
            (Q_.REQUESTED,),
            Q_.REFUSED,
            (STAFF,),
            comment_required=True,
            decision=True,
        ),
        Step(
            "revoke",
            gettext_lazy("Revoke"),
            (Q_.QUALIFIED,),
            Q_.REVOKED,
            (STAFF,),
            comment_required=True,
            decision=True,
        ),
    ],
)

# --- Insurance claims ----------------------------------------------------------------------

S = InsuranceClaim.Status


def claim_complete(claim, context) -> list[str]:
    from .services.insurance import claim_filing_problems

    return claim_filing_problems(claim, today=context.today)


def quota_allows(claim, context) -> list[str]:
    from .services.insurance import quota_problems

    return quota_problems(claim, today=context.today)


def fix_award(claim, context) -> None:
    from .services.insurance import award_under_lock

    award_under_lock(claim, today=context.today)


def payment_recorded(claim, context) -> list[str]:
    if claim.paid_amount is None or claim.paid_on is None:
        return [_("Record the amount paid and the day of payment.")]
    return []


CLAIM_FLOW = Flow(
    name="insurance_claim",
    model=InsuranceClaim,
    may=MAY,
    steps=[
        Step(
            "submit",
            gettext_lazy("Submit"),
            (S.DRAFT, S.RETURNED),
            S.SUBMITTED,
            (APPLICANT,),
            guards=(claim_complete,),
        ),
        Step("recommend", gettext_lazy("Recommend"), (S.SUBMITTED,), S.RECOMMENDED, (COUNTY,)),
        Step(
            "return",
            gettext_lazy("Return for revision"),
            (S.SUBMITTED, S.RECOMMENDED),
            S.RETURNED,
            (COUNTY, STAFF),
            comment_required=True,
        ),
        Step(
            "approve",
            gettext_lazy("Approve"),
            (S.RECOMMENDED,),
            S.APPROVED,
            (STAFF,),
            decision=True,
            guards=(quota_allows,),
            effects=(fix_award,),
        ),
        Step(
            "reject",
            gettext_lazy("Reject"),
            (S.SUBMITTED, S.RECOMMENDED),
            S.REJECTED,
            (STAFF,),
            comment_required=True,
            decision=True,
        ),
        Step(
            "disburse",
            gettext_lazy("Record the payment"),
            (S.APPROVED,),
            S.DISBURSED,
            (STAFF,),
            guards=(payment_recorded,),
        ),
    ],
)

#: Claims that count against the year's quota once awarded.
AWARDED = (S.APPROVED, S.DISBURSED)
#: Claims the year's demand is made of (for the pro rata share).
DEMANDING = (S.SUBMITTED, S.RECOMMENDED, S.APPROVED, S.DISBURSED)

FLOWS = {
    flow.name: flow for flow in (OBLIGATION_FLOW, CLAW_BACK_FLOW, QUALIFICATION_FLOW, CLAIM_FLOW)
}
