"""First-batch insurance compensation: qualification, claims, awards within the quota."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from aftercare.models import InsuranceClaim, InsuranceQualification
from aftercare.services import (
    claim_disburse,
    claim_file,
    claim_move,
    qualification_move,
    qualification_request,
    quota_set,
)
from aftercare.services.insurance import claim_cap, pro_rata_share
from core.exceptions import Refused
from core.models import FlowEvent
from tests import factories

from .conftest import pdf

pytestmark = pytest.mark.django_db


def file_claim(qualification, actor, premium="100000", requested="80000", year=2026, files=True):
    return claim_file(
        qualification=qualification,
        actor=actor,
        year=year,
        premium_paid=Decimal(premium),
        requested_amount=Decimal(requested),
        policy=pdf("保单.pdf") if files else None,
        payment_proof=pdf("保费发票.pdf") if files else None,
    )


def through_county(claim, applicant, officer):
    claim_move(claim=claim, actor=applicant, step="submit")
    claim_move(claim=claim, actor=officer, step="recommend")
    return claim


def test_a_claim_runs_from_qualification_to_disbursement(
    qualification, quota_2026, applicant, officer, staff
):
    assert qualification.status == InsuranceQualification.Status.QUALIFIED
    claim = file_claim(qualification, applicant, premium="125000.55", requested="100000.44")
    through_county(claim, applicant, officer)
    claim_move(claim=claim, actor=staff, step="approve")
    assert claim.awarded_amount == Decimal("100000.44")
    claim_disburse(claim=claim, actor=staff, amount=Decimal("100000.44"), paid_on=date(2026, 12, 1))
    assert claim.status == InsuranceClaim.Status.DISBURSED
    steps = list(FlowEvent.objects.filter(flow="insurance_claim").values_list("step", flat=True))
    assert steps == ["submit", "recommend", "approve", "disburse"]


def test_a_qualification_is_valid_for_at_most_three_years(first_batch_product, applicant):
    with pytest.raises(Refused, match="at most three years"):
        qualification_request(
            application=first_batch_product,
            actor=applicant,
            insurer="人保财险",
            policy_number="P-1",
            valid_from=date(2026, 1, 1),
            valid_until=date(2029, 1, 1),
        )
    assert not InsuranceQualification.objects.exists()


def test_only_a_recognised_first_batch_product_is_qualified(enterprise, applicant):
    ordinary = factories.ApplicationFactory(
        enterprise=enterprise, call__programme__kind="product", status="granted"
    )
    ordinary.product_detail.tier = "new"
    ordinary.product_detail.save()
    with pytest.raises(Refused, match="first-batch product"):
        qualification_request(
            application=ordinary,
            actor=applicant,
            insurer="人保财险",
            policy_number="P-1",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        )


def test_another_enterprise_cannot_ask_for_the_qualification(first_batch_product, other_applicant):
    with pytest.raises(Refused):
        qualification_request(
            application=first_batch_product,
            actor=other_applicant,
            insurer="人保财险",
            policy_number="P-1",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        )


def test_a_claim_above_80_percent_of_the_premium_is_refused_with_the_figures(
    qualification, quota_2026, applicant
):
    with pytest.raises(ValidationError) as refused:
        file_claim(qualification, applicant, premium="100000", requested="80000.01")
    assert refused.value.message_dict["requested_amount"] == [
        "A claim of 80,000.01 yuan is more than 80 % of the premium paid (100,000.00 yuan): "
        "at most 80,000.00 yuan may be claimed."
    ]
    assert not InsuranceClaim.objects.exists()


def test_the_cap_is_cut_down_to_the_fen():
    assert claim_cap(Decimal("0.03")) == Decimal("0.02")
    assert claim_cap(Decimal("125000.55")) == Decimal("100000.44")


def test_a_claim_without_its_policy_and_payment_proof_is_not_submitted(
    qualification, quota_2026, applicant
):
    claim = file_claim(qualification, applicant, files=False)
    with pytest.raises(Refused, match="Attach the insurance policy and the proof"):
        claim_move(claim=claim, actor=applicant, step="submit")
    claim.refresh_from_db()
    assert claim.status == InsuranceClaim.Status.DRAFT


def test_the_policy_must_be_a_real_pdf(qualification, quota_2026, applicant):
    fake = SimpleUploadedFile("保单.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        claim_file(
            qualification=qualification,
            actor=applicant,
            year=2026,
            premium_paid=Decimal("1000"),
            requested_amount=Decimal("800"),
            policy=fake,
        )
    assert "not a real PDF" in refused.value.message_dict["policy_file"][0]
    assert not InsuranceClaim.objects.exists()


def test_a_year_the_qualification_does_not_cover_cannot_be_claimed(qualification, staff, applicant):
    quota_set(actor=staff, year=2030, amount=Decimal("1000"), claims_close_on=date(2099, 1, 1))
    claim = file_claim(qualification, applicant, premium="1000", requested="800", year=2030)
    with pytest.raises(Refused, match="does not cover 2030"):
        claim_move(claim=claim, actor=applicant, step="submit")


def test_only_the_county_covering_the_enterprise_recommends(
    qualification, quota_2026, applicant, other_officer
):
    claim = file_claim(qualification, applicant)
    claim_move(claim=claim, actor=applicant, step="submit")
    with pytest.raises(Refused, match="You may not"):
        claim_move(claim=claim, actor=other_officer, step="recommend")


def test_in_order_the_last_approval_gets_what_is_left_and_then_none(
    enterprise, staff, applicant, officer, quota_2026
):
    claims = []
    for n in range(3):
        product = factories.ApplicationFactory(
            enterprise=enterprise, call__programme__kind="product", status="granted"
        )
        product.product_detail.tier = "domestic_first"
        product.product_detail.save()
        qualification = qualification_request(
            application=product,
            actor=applicant,
            insurer="人保财险",
            policy_number=f"P-{n}",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        )
        qualification_move(qualification=qualification, actor=staff, step="qualify")
        claim = file_claim(qualification, applicant, premium="750000", requested="600000")
        claims.append(through_county(claim, applicant, officer))
    claim_move(claim=claims[0], actor=staff, step="approve")
    claim_move(claim=claims[1], actor=staff, step="approve")
    assert [c.awarded_amount for c in claims[:2]] == [Decimal("600000"), Decimal("400000")]
    with pytest.raises(Refused) as refused:
        claim_move(claim=claims[2], actor=staff, step="approve")
    assert refused.value.messages == [
        "The 2026 quota of 1,000,000.00 yuan is spent: 1,000,000.00 yuan has been awarded."
    ]
    claims[2].refresh_from_db()
    assert claims[2].status == InsuranceClaim.Status.RECOMMENDED
    assert claims[2].awarded_amount is None


def test_pro_rata_shares_the_quota_once_the_claiming_period_closes(
    enterprise, staff, applicant, officer
):
    quota = quota_set(
        actor=staff,
        year=2026,
        amount=Decimal("100000"),
        claims_close_on=date(2099, 12, 31),
        shortfall_rule="pro_rata",
    )
    claims = []
    for n, requested in enumerate(["80000", "80000", "40000"]):
        product = factories.ApplicationFactory(
            enterprise=enterprise, call__programme__kind="product", status="granted"
        )
        product.product_detail.tier = "international_first"
        product.product_detail.save()
        qualification = qualification_request(
            application=product,
            actor=applicant,
            insurer="人保财险",
            policy_number=f"P-{n}",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        )
        qualification_move(qualification=qualification, actor=staff, step="qualify")
        claim = file_claim(qualification, applicant, premium="100000", requested=requested)
        claims.append(through_county(claim, applicant, officer))
    with pytest.raises(Refused, match="approved once the claiming period has closed"):
        claim_move(claim=claims[0], actor=staff, step="approve")
    quota.claims_close_on = date(2026, 1, 1)
    quota.save()
    for claim in claims:
        claim_move(claim=claim, actor=staff, step="approve")
    # 200,000 asked of 100,000: each gets half.
    assert [c.awarded_amount for c in claims] == [
        Decimal("40000.00"),
        Decimal("40000.00"),
        Decimal("20000.00"),
    ]
    assert claims[0].award_note.startswith("pro rata")


def test_pro_rata_rounds_each_share_down_to_the_fen_and_never_passes_the_quota():
    shares = [pro_rata_share(Decimal("1"), Decimal("1"), Decimal("3")) for _ in range(3)]
    assert shares == [Decimal("0.33")] * 3
    assert sum(shares) <= Decimal("1")
    assert pro_rata_share(Decimal("500"), Decimal("1000"), Decimal("900")) == Decimal("500")


def test_a_payment_above_the_award_is_refused_with_the_figures(
    qualification, quota_2026, applicant, officer, staff
):
    claim = through_county(file_claim(qualification, applicant), applicant, officer)
    claim_move(claim=claim, actor=staff, step="approve")
    with pytest.raises(Refused) as refused:
        claim_disburse(claim=claim, actor=staff, amount=Decimal("80000.01"))
    assert refused.value.messages == [
        "Paying 80,000.01 yuan would exceed the award of 80,000.00 yuan. Nothing was recorded."
    ]
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount) == (InsuranceClaim.Status.APPROVED, None)


def test_a_quota_is_never_set_below_what_is_awarded(
    qualification, quota_2026, applicant, officer, staff
):
    claim = through_county(file_claim(qualification, applicant), applicant, officer)
    claim_move(claim=claim, actor=staff, step="approve")
    with pytest.raises(Refused, match="awarded 80,000.00 yuan already"):
        quota_set(actor=staff, year=2026, amount=Decimal("50000"), claims_close_on=date(2099, 1, 1))
    quota_2026.refresh_from_db()
    assert quota_2026.amount == Decimal("1000000")


def test_one_claim_per_product_and_year(qualification, quota_2026, applicant):
    file_claim(qualification, applicant)
    with pytest.raises(ValidationError):
        file_claim(qualification, applicant)
    assert InsuranceClaim.objects.count() == 1
