"""First-batch insurance compensation: the qualification (valid at most three years), the
year's quota and its shortfall rule, the claims and their awards.

The award of a claim is fixed when the bureau approves it, under a lock on the year's
quota row, so that no two approvals, however close, together pass the quota:

- at most ``share_cap`` (80 %) of the premium paid is claimed (checked at filing);
- ``in_order``: each approved claim receives what it claims, or what is left of the quota;
- ``pro_rata``: claims are approved once the claiming period has closed; when the year's
  claims together ask for more than the quota, each receives its claim × quota ÷ the
  claims' total. Every award is cut down to the fen (0.01 yuan, ``ROUND_DOWN``), so the
  awards never add up to more than the quota; the fen left over by the cuts (fewer fen
  than there are claims) stays unspent in the quota. No award is ever more than what is
  left of the quota.
"""

from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import Refused
from core.models import AuditEntry
from core.values import FEN
from programmes.models import Application, Kind, ProductTier
from programmes.services.attachments import attachment_check, safe_original_name
from programmes.services.reminders import add_years
from programmes.workflow import HOLDING

from .. import access
from ..flows import AWARDED, CLAIM_FLOW, DEMANDING, QUALIFICATION_FLOW
from ..models import InsuranceClaim, InsuranceQualification, InsuranceQuota
from ..money import yuan

ZERO = Decimal("0.00")
MAX_YEARS = 3
FIRST_BATCH = (
    ProductTier.INTERNATIONAL_FIRST,
    ProductTier.DOMESTIC_FIRST,
    ProductTier.PROVINCIAL_FIRST,
)
Status = InsuranceClaim.Status


def fen(value: Decimal) -> Decimal:
    """Down to the fen: an award is never rounded up."""
    return Decimal(value).quantize(FEN, rounding=ROUND_DOWN)


def claim_cap(premium_paid: Decimal, share_cap: Decimal = Decimal("0.8")) -> Decimal:
    """The most a claim may ask for a premium: ``share_cap`` of it, to the fen below."""
    return fen(Decimal(premium_paid) * Decimal(share_cap))


def last_valid_day(valid_from: date) -> date:
    return add_years(valid_from, MAX_YEARS) - timedelta(days=1)


# --- Qualification -----------------------------------------------------------------------


def qualification_problems(qualification: InsuranceQualification) -> list[str]:
    """Why the product cannot be qualified as recorded (none: it can)."""
    application = qualification.application
    detail = getattr(application, "product_detail", None)
    if (
        application.kind != Kind.PRODUCT
        or application.status not in HOLDING
        or detail is None
        or detail.tier not in FIRST_BATCH
    ):
        return [_("Only a recognised first-batch product holds an insurance qualification.")]
    if qualification.valid_until > last_valid_day(qualification.valid_from):
        return [
            _(
                "A qualification is valid for at most three years: from %(start)s, until "
                "%(last)s at the latest, not %(until)s."
            )
            % {
                "start": qualification.valid_from,
                "last": last_valid_day(qualification.valid_from),
                "until": qualification.valid_until,
            }
        ]
    return []


def qualification_request(
    *,
    application: Application,
    actor,
    insurer: str,
    policy_number: str,
    valid_from: date,
    valid_until: date,
) -> InsuranceQualification:
    """Ask for the product's insurance qualification, for the bureau to review."""
    if not (
        access.may(actor, "file_insurance_claims")
        and access.can_request_qualification(actor, application)
    ):
        raise Refused(_("You may not ask for a qualification of this product."))
    qualification = InsuranceQualification(
        application=application,
        insurer=insurer,
        policy_number=policy_number,
        valid_from=valid_from,
        valid_until=valid_until,
        requested_by=actor,
    )
    qualification.full_clean()
    problems = qualification_problems(qualification)
    if problems:
        raise Refused(problems)
    with transaction.atomic():
        qualification.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=qualification,
            detail=f"requested {valid_from} – {valid_until}",
        )
    return qualification


def qualification_move(
    *, qualification: InsuranceQualification, actor, step: str, comment: str = ""
) -> InsuranceQualification:
    return QUALIFICATION_FLOW.move(qualification, step, actor=actor, comment=comment)


# --- Quota -----------------------------------------------------------------------------------


def quota_set(
    *,
    actor,
    year: int,
    amount: Decimal,
    claims_close_on: date,
    shortfall_rule: str = InsuranceQuota.Rule.PRO_RATA,
    share_cap: Decimal = Decimal("0.8"),
) -> InsuranceQuota:
    """Set a year's quota; never below what its claims have been awarded already."""
    if not access.may(actor, "manage_insurance_quotas"):
        raise Refused(_("You may not do this."))
    with transaction.atomic():
        quota = InsuranceQuota.objects.select_for_update().filter(year=year).first()
        quota = quota or InsuranceQuota(year=year)
        awarded = awarded_total(year)
        if Decimal(amount) < awarded:
            raise Refused(
                _(
                    "The %(year)s quota cannot be %(amount)s yuan: its claims have been "
                    "awarded %(awarded)s yuan already."
                ),
                params={"year": year, "amount": yuan(amount), "awarded": yuan(awarded)},
            )
        quota.amount = amount
        quota.claims_close_on = claims_close_on
        quota.shortfall_rule = shortfall_rule
        quota.share_cap = share_cap
        quota.full_clean()
        quota.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=quota,
            detail=f"quota {year}: {quota.amount} ({shortfall_rule}, {share_cap})",
        )
    return quota


def awarded_total(year: int, *, exclude_pk=None) -> Decimal:
    claims = InsuranceClaim.objects.filter(year=year, status__in=AWARDED)
    if exclude_pk is not None:
        claims = claims.exclude(pk=exclude_pk)
    return claims.aggregate(total=Sum("awarded_amount"))["total"] or ZERO


def demand_total(year: int) -> Decimal:
    claims = InsuranceClaim.objects.filter(year=year, status__in=DEMANDING)
    return claims.aggregate(total=Sum("requested_amount"))["total"] or ZERO


def pro_rata_share(requested: Decimal, quota: Decimal, demand: Decimal) -> Decimal:
    """A claim's share of a quota its year's claims ask too much of, to the fen below."""
    if demand <= quota:
        return Decimal(requested)
    return fen(Decimal(requested) * Decimal(quota) / Decimal(demand))


# --- Claims ----------------------------------------------------------------------------------


def _quota_of(year: int) -> InsuranceQuota | None:
    return InsuranceQuota.objects.filter(year=year).first()


def claim_filing_problems(claim: InsuranceClaim, *, today: date) -> list[str]:
    """Why the claim cannot be submitted now (none: it can)."""
    qualification = claim.qualification
    if qualification.status != InsuranceQualification.Status.QUALIFIED:
        return [_("The product's insurance qualification is not in force.")]
    if not qualification.covers_year(claim.year):
        return [
            _("The qualification (%(start)s to %(end)s) does not cover %(year)s.")
            % {
                "start": qualification.valid_from,
                "end": qualification.valid_until,
                "year": claim.year,
            }
        ]
    quota = _quota_of(claim.year)
    if quota is None:
        return [_("The bureau has not set the %(year)s quota yet.") % {"year": claim.year}]
    if today > quota.claims_close_on:
        return [
            _("Claims for %(year)s closed on %(date)s.")
            % {"year": claim.year, "date": quota.claims_close_on}
        ]
    missing = []
    if not claim.policy_file:
        missing.append(_("the insurance policy"))
    if not claim.payment_proof:
        missing.append(_("the proof of premium payment"))
    if missing:
        return [_("Attach %(files)s.") % {"files": _(" and ").join(str(m) for m in missing)}]
    cap = claim_cap(claim.premium_paid, quota.share_cap)
    if claim.requested_amount > cap:
        return [_cap_message(claim.requested_amount, claim.premium_paid, quota.share_cap, cap)]
    return []


def _cap_message(requested, premium, share, cap) -> str:
    return _(
        "A claim of %(requested)s yuan is more than %(share)s %% of the premium paid "
        "(%(premium)s yuan): at most %(cap)s yuan may be claimed."
    ) % {
        "requested": yuan(requested),
        "share": format((Decimal(share) * 100).normalize(), "f"),
        "premium": yuan(premium),
        "cap": yuan(cap),
    }


def _checked_upload(upload, field: str):
    if upload is None:
        return None
    try:
        attachment_check(upload)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return upload


def claim_file(
    *,
    qualification: InsuranceQualification,
    actor,
    year: int,
    premium_paid: Decimal,
    requested_amount: Decimal,
    policy=None,
    payment_proof=None,
    claim: InsuranceClaim | None = None,
) -> InsuranceClaim:
    """Write a claim (a new draft, or ``claim`` while it is with the enterprise), with the
    policy and the payment proof checked as attachments are. Nothing is written when the
    amount is above 80 % of the premium or a file is refused."""
    if not (
        access.may(actor, "file_insurance_claims")
        and access.can_request_qualification(actor, qualification.application)
    ):
        raise Refused(_("You may not claim for this product."))
    if claim is not None and not access.can_edit_claim(actor, claim):
        raise Refused(_("This claim is not yours to change now."))
    quota = _quota_of(year)
    share = quota.share_cap if quota else Decimal("0.8")
    cap = claim_cap(premium_paid, share)
    if Decimal(requested_amount) > cap:
        raise ValidationError(
            {"requested_amount": _cap_message(requested_amount, premium_paid, share, cap)}
        )
    _checked_upload(policy, "policy_file")
    _checked_upload(payment_proof, "payment_proof")
    claim = claim or InsuranceClaim(qualification=qualification, filed_by=actor)
    claim.year = year
    claim.premium_paid = premium_paid
    claim.requested_amount = requested_amount
    with transaction.atomic():
        if policy is not None:
            claim.policy_file_name = safe_original_name(policy.name)
            claim.policy_file.save(policy.name, policy, save=False)
        if payment_proof is not None:
            claim.payment_proof_name = safe_original_name(payment_proof.name)
            claim.payment_proof.save(payment_proof.name, payment_proof, save=False)
        claim.full_clean()
        claim.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=claim,
            detail=f"claim {year}: {claim.requested_amount} of premium {claim.premium_paid}",
        )
    return claim


def quota_problems(claim: InsuranceClaim, *, today: date) -> list[str]:
    """Why the year's quota lets no award be made now (none: it may)."""
    quota = _quota_of(claim.year)
    if quota is None:
        return [_("The bureau has not set the %(year)s quota yet.") % {"year": claim.year}]
    if quota.shortfall_rule == InsuranceQuota.Rule.PRO_RATA and today <= quota.claims_close_on:
        return [
            _(
                "The %(year)s quota is shared pro rata: claims are approved once the "
                "claiming period has closed on %(date)s."
            )
            % {"year": claim.year, "date": quota.claims_close_on}
        ]
    awarded = awarded_total(claim.year, exclude_pk=claim.pk)
    if awarded >= quota.amount:
        return [_spent_message(quota, awarded)]
    return []


def _spent_message(quota, awarded) -> str:
    return _(
        "The %(year)s quota of %(quota)s yuan is spent: %(awarded)s yuan has been awarded."
    ) % {"year": quota.year, "quota": yuan(quota.amount), "awarded": yuan(awarded)}


def award_under_lock(claim: InsuranceClaim, *, today: date) -> None:
    """Fix the claim's award from the quota, holding the quota row until the step commits.

    Raises ``Refused`` (nothing written) when nothing is left to award."""
    quota = InsuranceQuota.objects.select_for_update().get(year=claim.year)
    awarded = awarded_total(claim.year, exclude_pk=claim.pk)
    left = quota.amount - awarded
    if left <= 0:
        raise Refused(_spent_message(quota, awarded))
    if quota.shortfall_rule == InsuranceQuota.Rule.PRO_RATA:
        demand = demand_total(claim.year)
        share = pro_rata_share(claim.requested_amount, quota.amount, demand)
        note = _("pro rata: %(requested)s × %(quota)s ÷ %(demand)s, to the fen below") % {
            "requested": yuan(claim.requested_amount),
            "quota": yuan(quota.amount),
            "demand": yuan(demand),
        }
        if demand <= quota.amount:
            note = _("claimed in full: the year's claims ask %(demand)s of %(quota)s") % {
                "demand": yuan(demand),
                "quota": yuan(quota.amount),
            }
    else:
        share = claim.requested_amount
        note = _("in the order approved")
    award = min(share, left)
    if award < share:
        note = _("what was left of the quota: %(left)s of %(quota)s") % {
            "left": yuan(left),
            "quota": yuan(quota.amount),
        }
    claim.awarded_amount = award
    claim.award_note = str(note)[:300]


def claim_move(
    *,
    claim: InsuranceClaim,
    actor,
    step: str,
    comment: str = "",
    expected_status: str | None = None,
) -> InsuranceClaim:
    """Submit, recommend, return, approve (fixing the award) or reject a claim."""
    return CLAIM_FLOW.move(
        claim, step, actor=actor, comment=comment, expected_status=expected_status
    )


def claim_disburse(
    *,
    claim: InsuranceClaim,
    actor,
    amount: Decimal,
    paid_on: date | None = None,
    reference: str = "",
) -> InsuranceClaim:
    """Pay an approved claim: never more than its award; nothing written when refused."""
    paid_on = paid_on or timezone.localdate()
    with transaction.atomic():
        locked = InsuranceClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.status == Status.APPROVED and Decimal(amount) > locked.awarded_amount:
            raise Refused(
                _(
                    "Paying %(amount)s yuan would exceed the award of %(award)s yuan. "
                    "Nothing was recorded."
                ),
                params={"amount": yuan(amount), "award": yuan(locked.awarded_amount)},
            )
        if Decimal(amount) <= 0:
            raise ValidationError({"paid_amount": _("The amount paid must be above zero.")})
        locked.paid_amount = amount
        locked.paid_on = paid_on
        locked.payment_reference = reference
        locked.full_clean()
        locked.save()
        CLAIM_FLOW.move(locked, "disburse", actor=actor)
    claim.refresh_from_db()
    return claim
