"""The portal's aftercare pages: each person's scope, the report, the claim and its steps."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftercare.models import InsuranceClaim, Obligation
from aftercare.services import obligation_schedule

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_report(funded_project, staff):
    return obligation_schedule(
        application=funded_project,
        actor=staff,
        kind=Obligation.Kind.ACCEPTANCE,
        title="项目验收",
        due_on=timezone.localdate() - timedelta(days=3),
    )


def test_the_applicant_submits_the_acceptance_with_its_self_assessment(
    client, applicant, overdue_report
):
    client.force_login(applicant)
    page = client.get("/aftercare/")
    assert "项目验收" in page.content.decode()
    url = f"/aftercare/obligations/{overdue_report.pk}/"
    refused = client.post(url, {"action": "report", "report": "已完成。"}, follow=True)
    assert "self-assessment" in refused.content.decode()
    overdue_report.refresh_from_db()
    assert overdue_report.status == Obligation.Status.DUE
    client.post(
        url,
        {
            "action": "report",
            "report": "已完成。",
            "self_assessment": "达到全部绩效目标。",
            "self_score": "90",
        },
    )
    overdue_report.refresh_from_db()
    assert overdue_report.status == Obligation.Status.SUBMITTED


def test_another_enterprise_gets_404_for_the_obligation(client, other_applicant, overdue_report):
    client.force_login(other_applicant)
    assert client.get(f"/aftercare/obligations/{overdue_report.pk}/").status_code == 404
    assert "项目验收" not in client.get("/aftercare/").content.decode()


def test_staff_see_overdue_obligations_first(client, staff, overdue_report):
    client.force_login(staff)
    page = client.get("/aftercare/").content.decode()
    overdue_section = page.split('id="overdue"')[1].split("</section>")[0]
    assert "项目验收" in overdue_section


def test_a_claim_is_filed_submitted_and_recommended_in_the_portal(
    client, applicant, officer, other_officer, qualification, quota_2026
):
    client.force_login(applicant)
    refused = client.post(
        f"/aftercare/qualifications/{qualification.pk}/claim/",
        {
            "year": 2026,
            "premium_paid": "50000",
            "requested_amount": "45000",
            "policy_file": pdf(),
            "payment_proof": pdf("proof.pdf"),
        },
    )
    assert "at most 40,000.00 yuan may be claimed" in refused.content.decode()
    assert not InsuranceClaim.objects.exists()
    client.post(
        f"/aftercare/qualifications/{qualification.pk}/claim/",
        {
            "year": 2026,
            "premium_paid": "50000",
            "requested_amount": "40000",
            "policy_file": pdf(),
            "payment_proof": pdf("proof.pdf"),
        },
    )
    claim = InsuranceClaim.objects.get()
    client.post(f"/aftercare/claims/{claim.pk}/", {"step": "submit", "expected_status": "draft"})
    claim.refresh_from_db()
    assert claim.status == InsuranceClaim.Status.SUBMITTED
    client.force_login(other_officer)
    assert client.get(f"/aftercare/claims/{claim.pk}/").status_code == 404
    client.force_login(officer)
    page = client.get(f"/aftercare/claims/{claim.pk}/").content.decode()
    assert "Recommend" in page
    client.post(f"/aftercare/claims/{claim.pk}/", {"step": "recommend"})
    claim.refresh_from_db()
    assert claim.status == InsuranceClaim.Status.RECOMMENDED
    assert claim.requested_amount == Decimal("40000")


def test_an_officer_records_an_inspection(client, officer, funded_project, staff):
    inspection = obligation_schedule(
        application=funded_project,
        actor=staff,
        kind=Obligation.Kind.INSPECTION,
        title="现场检查",
        due_on=date(2026, 6, 1),
    )
    client.force_login(officer)
    client.post(
        f"/aftercare/obligations/{inspection.pk}/",
        {"action": "inspect", "inspected_on": "2026-05-20", "findings": "与申报一致。"},
    )
    inspection.refresh_from_db()
    assert (inspection.status, inspection.findings) == (Obligation.Status.DONE, "与申报一致。")
