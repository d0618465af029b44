"""The documents the steps after the decision issue, where a bureau issues one:

- the acceptance opinion (验收意见) when the bureau accepts a project's final acceptance
  or finds that it does not pass;
- the claw-back notice (追回通知) when the bureau orders disbursed money back, with the
  reason, the amount and the day to repay by;
- the insurance compensation notice when a first-batch product's claim is paid.

Each is issued by a receiver of the step's flow (``core.flows.Flow.after_move``), inside
the step's transaction: a document that fails undoes the step. Like the workflow's
documents (``documents.issuing``), nothing is issued until the bureau has an issuing body.
Each is addressed to the enterprise of the application the record belongs to, so it is
found, and scoped, as that application's other documents are.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.flows import CLAIM_FLOW, CLAW_BACK_FLOW, OBLIGATION_FLOW
from aftercare.models import Obligation
from aftercare.services.monitoring import disbursed_total
from core.flows import MadeStep

from .compose import (
    COMPOSERS,
    Subject,
    _application_names,
    _application_subject,
    _labels,
    _row_facts,
    day_text,
    money_text,
)
from .models import IssuingBody, Kind
from .services import document_issue

#: The obligation's steps that decide a final acceptance, and so issue its opinion.
ACCEPTANCE_DECISIONS = frozenset({"accept", "fail"})


# --- What each says -------------------------------------------------------------------------


def _facts(application, extra: list[list[str]], *, keys=("subject",)) -> dict:
    labels = _labels()
    facts = _row_facts(application)
    rows = [[labels[key], facts[key]] for key in keys]
    return {"columns": [], "rows": [row for row in rows + extra if row[1]], "facts": True}


def _acceptance_opinion(subject: Subject, body: IssuingBody) -> dict:
    obligation = subject.record
    application = subject.application
    names = _application_names(application)
    passed = obligation.status == Obligation.Status.ACCEPTED
    submitted = (
        day_text(timezone.localdate(obligation.submitted_at)) if obligation.submitted_at else ""
    )
    paragraphs = [
        _(
            "The bureau has examined the final acceptance report of your project "
            "“%(subject)s” under “%(programme)s”, submitted on %(submitted)s, with its "
            "performance self-assessment."
        )
        % {**names, "submitted": submitted},
        _("The project passes acceptance.")
        if passed
        else _("The project does not pass acceptance."),
    ]
    if subject.comment:
        paragraphs.append(_("Opinion: %(opinion)s") % {"opinion": subject.comment})
    if not passed:
        paragraphs.append(
            _(
                "The bureau may order back the funds disbursed for the project; a claw-back "
                "is notified separately."
            )
        )
    return {
        "title": _("Acceptance opinion on “%(subject)s” of %(enterprise)s") % names,
        "addressee": _("%(enterprise)s:") % names,
        "paragraphs": paragraphs,
        "table": _facts(
            application,
            [
                [
                    _("Self-assessed score"),
                    "" if obligation.self_score is None else str(obligation.self_score),
                ],
                [_("Acceptance result"), _("Passed") if passed else _("Not passed")],
            ],
        ),
        "subject": _application_subject(application),
    }


def _claw_back_notice(subject: Subject, body: IssuingBody) -> dict:
    claw_back = subject.record
    application = subject.application
    names = _application_names(application)
    return {
        "title": _("Notice of the claw-back of funds from “%(subject)s” of %(enterprise)s") % names,
        "addressee": _("%(enterprise)s:") % names,
        "paragraphs": [
            _(
                "Of the award to your project “%(subject)s” under “%(programme)s”, "
                "%(disbursed)s has been disbursed. The bureau orders %(amount)s of it back."
            )
            % {
                **names,
                "disbursed": money_text(disbursed_total(application)),
                "amount": money_text(claw_back.amount),
            },
            _("Reason: %(reason)s") % {"reason": claw_back.reason},
            _("Repay %(amount)s to the bureau by %(due)s, quoting the number of this notice.")
            % {"amount": money_text(claw_back.amount), "due": day_text(claw_back.due_on)},
        ],
        # What it orders is in the text; a table would push the signature to a second page.
        "table": None,
        "subject": _application_subject(application),
    }


def _compensation_notice(subject: Subject, body: IssuingBody) -> dict:
    claim = subject.record
    qualification = claim.qualification
    application = subject.application
    names = {**_application_names(application), "year": claim.year}
    return {
        "title": _(
            "Notice of the %(year)s first-batch insurance compensation for “%(subject)s” of "
            "%(enterprise)s"
        )
        % names,
        "addressee": _("%(enterprise)s:") % names,
        "paragraphs": [
            _(
                "Your claim for %(year)s against the premium of %(premium)s paid for the "
                "insurance of “%(subject)s” (policy %(policy)s, %(insurer)s) has been "
                "recommended by the county and approved by the bureau."
            )
            % {
                **names,
                "premium": money_text(claim.premium_paid),
                "policy": qualification.policy_number,
                "insurer": qualification.insurer,
            },
            (
                _(
                    "Compensation of %(awarded)s is awarded; %(paid)s was paid on %(paid_on)s "
                    "(payment reference %(reference)s)."
                )
                if claim.payment_reference
                else _("Compensation of %(awarded)s is awarded; %(paid)s was paid on %(paid_on)s.")
            )
            % {
                "awarded": money_text(claim.awarded_amount),
                "paid": money_text(claim.paid_amount),
                "paid_on": day_text(claim.paid_on),
                "reference": claim.payment_reference,
            },
            _(
                "The compensation is for the premium of the product's first-batch insurance "
                "and for nothing else."
            ),
        ],
        # The figures are in the text; a table would push the signature to a second page.
        "table": None,
        "subject": _application_subject(application),
    }


# --- When each is issued --------------------------------------------------------------------


def _issue(made: MadeStep, kind: str) -> None:
    if not IssuingBody.objects.filter(is_default=True).exists():
        return
    record = made.record
    document_issue(
        subject=Subject(
            kind=kind,
            on=timezone.localdate(made.context.now),
            application=record.subject_application,
            comment=made.context.comment or "",
            record=record,
        ),
        actor=made.context.actor,
        now=made.context.now,
    )


def issue_acceptance_opinion(made: MadeStep) -> None:
    if made.step.name in ACCEPTANCE_DECISIONS and made.record.kind == Obligation.Kind.ACCEPTANCE:
        _issue(made, Kind.ACCEPTANCE_OPINION)


def issue_claw_back_notice(made: MadeStep) -> None:
    if made.step.name == "order":
        _issue(made, Kind.CLAW_BACK_NOTICE)


def issue_compensation_notice(made: MadeStep) -> None:
    if made.step.name == "disburse":
        _issue(made, Kind.COMPENSATION_NOTICE)


def register() -> None:
    """What each kind says, and the steps that issue them (``DocumentsConfig.ready``)."""
    COMPOSERS.update(
        {
            Kind.ACCEPTANCE_OPINION: _acceptance_opinion,
            Kind.CLAW_BACK_NOTICE: _claw_back_notice,
            Kind.COMPENSATION_NOTICE: _compensation_notice,
        }
    )
    OBLIGATION_FLOW.after_move(issue_acceptance_opinion)
    CLAW_BACK_FLOW.after_move(issue_claw_back_notice)
    CLAIM_FLOW.after_move(issue_compensation_notice)
