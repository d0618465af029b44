"""The API's obligations and insurance claims: scoped lists, steps, refusals in one shape."""

from datetime import date
from decimal import Decimal

import pytest

from aftercare.models import InsuranceClaim, Obligation
from aftercare.services import obligation_schedule

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def obligation(funded_project, staff):
    return obligation_schedule(
        application=funded_project,
        actor=staff,
        kind=Obligation.Kind.PROGRESS_REPORT,
        title="2026 年中进度报告",
        due_on=date(2026, 6, 30),
    )


def test_an_applicant_lists_its_obligations_and_another_enterprise_sees_none(
    obligation, applicant, other_applicant, api_client_for
):
    own = api_client_for(applicant).get("/api/v1/obligations/")
    assert [row["id"] for row in own.json()["results"]] == [obligation.pk]
    other = api_client_for(other_applicant, name="other")
    assert other.get("/api/v1/obligations/").json()["results"] == []
    assert other.get(f"/api/v1/obligations/{obligation.pk}/").status_code == 404


def test_the_officer_sees_its_county_only(obligation, officer, other_officer, api_client_for):
    assert api_client_for(officer).get(f"/api/v1/obligations/{obligation.pk}/").status_code == 200
    assert (
        api_client_for(other_officer, name="o").get(f"/api/v1/obligations/{obligation.pk}/")
    ).status_code == 404


def test_overdue_obligations_are_filtered(obligation, staff, api_client_for):
    answer = api_client_for(staff).get("/api/v1/obligations/?overdue=true").json()
    assert [(row["id"], row["overdue"]) for row in answer["results"]] == [(obligation.pk, True)]


def test_a_report_is_submitted_and_accepted_through_the_steps(
    obligation, applicant, staff, api_client_for
):
    client = api_client_for(applicant)
    offered = client.get(f"/api/v1/obligations/{obligation.pk}/steps/").json()
    assert offered["steps"] == []
    assert [step["name"] for step in offered["held_back"]] == ["submit"]
    answer = client.post(
        f"/api/v1/obligations/{obligation.pk}/steps/",
        {"step": "submit", "report": "完成设备安装。", "expected_status": "due"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "submitted"
    refused = client.post(
        f"/api/v1/obligations/{obligation.pk}/steps/", {"step": "accept"}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["message"] == "You may not “Accept” this."
    accepted = api_client_for(staff).post(
        f"/api/v1/obligations/{obligation.pk}/steps/", {"step": "accept"}, format="json"
    )
    assert accepted.json()["status"] == "accepted"


def test_a_claim_is_filed_with_its_files_and_an_excessive_one_is_refused(
    qualification, quota_2026, applicant, officer, staff, api_client_for
):
    client = api_client_for(applicant)
    too_much = client.post(
        "/api/v1/insurance-claims/",
        {
            "qualification": qualification.pk,
            "year": 2026,
            "premium_paid": "10000",
            "requested_amount": "9000",
        },
        format="multipart",
    )
    assert too_much.status_code == 400
    assert too_much.json()["fields"]["requested_amount"] == [
        "A claim of 9,000.00 yuan is more than 80 % of the premium paid (10,000.00 yuan): "
        "at most 8,000.00 yuan may be claimed."
    ]
    assert not InsuranceClaim.objects.exists()
    filed = client.post(
        "/api/v1/insurance-claims/",
        {
            "qualification": qualification.pk,
            "year": 2026,
            "premium_paid": "10000",
            "requested_amount": "8000",
            "policy_file": pdf("保单.pdf"),
            "payment_proof": pdf("发票.pdf"),
        },
        format="multipart",
    )
    assert filed.status_code == 201, filed.json()
    claim_id = filed.json()["id"]
    steps = f"/api/v1/insurance-claims/{claim_id}/steps/"
    assert client.post(steps, {"step": "submit"}, format="json").json()["status"] == "submitted"
    officer_client = api_client_for(officer)
    assert officer_client.post(steps, {"step": "recommend"}, format="json").status_code == 200
    staff_client = api_client_for(staff)
    approved = staff_client.post(steps, {"step": "approve"}, format="json").json()
    assert approved["awarded_amount"] == "8000.00"
    over = staff_client.post(
        steps, {"step": "disburse", "amount": "8000.01", "paid_on": "2026-12-01"}, format="json"
    )
    assert over.status_code == 409
    assert "exceed the award of 8,000.00 yuan" in over.json()["message"]
    paid = staff_client.post(
        steps, {"step": "disburse", "amount": "8000", "paid_on": "2026-12-01"}, format="json"
    )
    assert paid.json()["status"] == "disbursed"
    assert Decimal(paid.json()["paid_amount"]) == Decimal("8000")


def test_another_enterprise_cannot_claim_on_a_qualification_it_cannot_see(
    qualification, quota_2026, other_applicant, api_client_for
):
    answer = api_client_for(other_applicant).post(
        "/api/v1/insurance-claims/",
        {
            "qualification": qualification.pk,
            "year": 2026,
            "premium_paid": "10000",
            "requested_amount": "8000",
        },
        format="multipart",
    )
    assert answer.status_code == 404
    assert not InsuranceClaim.objects.exists()
