"""Two approvals at the same instant on PostgreSQL: the quota row's lock keeps the year's
awards within the quota (``award_under_lock``). SQLite serialises writers and is skipped."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from aftercare.models import InsuranceClaim
from aftercare.services import (
    claim_file,
    claim_move,
    qualification_move,
    qualification_request,
    quota_set,
)
from core.exceptions import Refused
from tests import factories

from .conftest import pdf

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are meaningful on PostgreSQL only"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(*jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001  (the outcome is the error)
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def recommended_claim(enterprise, applicant, officer, staff, n):
    product = factories.ApplicationFactory(
        enterprise=enterprise, call__programme__kind="product", status="granted"
    )
    product.product_detail.tier = "provincial_first"
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
    claim = claim_file(
        qualification=qualification,
        actor=applicant,
        year=2026,
        premium_paid=Decimal("100000"),
        requested_amount=Decimal("80000"),
        policy=pdf(),
        payment_proof=pdf("proof.pdf"),
    )
    claim_move(claim=claim, actor=applicant, step="submit")
    claim_move(claim=claim, actor=officer, step="recommend")
    return claim


@pytest.mark.parametrize("rounds", range(3))
def test_two_approvals_at_once_never_together_pass_the_quota(
    enterprise, applicant, officer, staff, rounds
):
    quota_set(
        actor=staff,
        year=2026,
        amount=Decimal("100000"),
        claims_close_on=date(2099, 12, 31),
        shortfall_rule="in_order",
    )
    first, second = (recommended_claim(enterprise, applicant, officer, staff, n) for n in (1, 2))
    third = recommended_claim(enterprise, applicant, officer, staff, 3)

    outcomes = race(
        *(
            (lambda claim=claim: claim_move(claim=claim, actor=staff, step="approve"))
            for claim in (first, second, third)
        )
    )

    awarded = [
        claim.awarded_amount
        for claim in InsuranceClaim.objects.filter(status="approved").order_by("pk")
    ]
    # 3 × 80,000 asked of 100,000: one gets 80,000, one the 20,000 left, one is refused.
    assert sorted(awarded) == [Decimal("20000.00"), Decimal("80000.00")]
    assert sum(awarded) == Decimal("100000.00")
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Refused)
    assert "quota of 100,000.00 yuan is spent" in refused[0].messages[0]
