"""The documents the steps after the decision issue: the acceptance opinion, the claw-back
notice and the insurance compensation notice, each numbered, addressed to its project's
enterprise and found where that application's other documents are."""

from datetime import date
from decimal import Decimal

import pytest

from aftercare.models import ClawBack, InsuranceClaim, Obligation
from aftercare.services import (
    claim_disburse,
    claim_file,
    claim_move,
    claw_back_order,
    obligation_decide,
    obligation_report,
    obligation_schedule,
)
from core.exceptions import Refused
from core.models import FlowEvent
from documents.access import document_list
from documents.models import Document, Kind
from documents.services import document_reissue
from tests.aftercare import conftest as aftercare

from .conftest import read_pdf
from .test_rendering import pages, red_share

pytestmark = pytest.mark.django_db

# The funded project and the qualified first-batch product of aftercare's own tests.
funded_project = aftercare.funded_project
first_batch_product = aftercare.first_batch_product
qualification = aftercare.qualification
quota_2026 = aftercare.quota_2026
pdf = aftercare.pdf


def submitted_acceptance(project, staff, applicant) -> Obligation:
    obligation = obligation_schedule(
        application=project,
        actor=staff,
        kind=Obligation.Kind.ACCEPTANCE,
        title="项目验收",
        due_on=date(2026, 12, 31),
    )
    return obligation_report(
        obligation=obligation,
        actor=applicant,
        report="项目已按计划完成，新增数字化织机 40 台。",
        self_assessment="绩效目标全部完成。",
        self_score=Decimal("92.5"),
    )


def test_accepting_the_final_acceptance_issues_the_acceptance_opinion(
    bureau, funded_project, staff, applicant, other_applicant, client, tmp_path
):
    obligation = submitted_acceptance(funded_project, staff, applicant)

    obligation_decide(obligation=obligation, actor=staff, step="accept", comment="资料齐全。")

    document = Document.objects.get(kind=Kind.ACCEPTANCE_OPINION)
    year = document.issued_on.year
    assert document.number == f"嘉经信〔{year}〕1号"
    assert document.application == funded_project
    assert document.enterprise == funded_project.enterprise
    assert document.issued_by == staff
    assert document.content["record"] == ["aftercare.obligation", obligation.pk]
    assert funded_project.headline in document.title
    assert document.title.endswith("项目验收的意见")
    data = document.pdf.read()
    assert len(pages(data, tmp_path, "acceptance-opinion")) == 1
    text = read_pdf(data)
    assert document.number in text
    assert funded_project.enterprise.name in text
    assert "资料齐全" in text
    # Found, and scoped, as the application's other documents are.
    assert list(document_list(user=applicant)) == [document]
    assert not document_list(user=other_applicant).exists()
    client.force_login(applicant)
    page = client.get(f"/aftercare/obligations/{obligation.pk}/").content.decode()
    assert document.number in page


def test_an_acceptance_not_passed_says_so_with_the_opinion(
    bureau, funded_project, staff, applicant
):
    obligation = submitted_acceptance(funded_project, staff, applicant)

    obligation_decide(obligation=obligation, actor=staff, step="fail", comment="绩效目标未完成。")

    document = Document.objects.get(kind=Kind.ACCEPTANCE_OPINION)
    paragraphs = " ".join(document.content["zh-hans"]["paragraphs"])
    assert "绩效目标未完成。" in paragraphs
    english = " ".join(document.content["en"]["paragraphs"])
    assert "does not pass acceptance" in english
    assert "Opinion: 绩效目标未完成。" in english


def test_a_progress_report_accepted_issues_no_document(bureau, funded_project, staff, applicant):
    obligation = obligation_schedule(
        application=funded_project,
        actor=staff,
        kind=Obligation.Kind.PROGRESS_REPORT,
        title="进度报告",
        due_on=date(2026, 9, 30),
    )
    obligation_report(obligation=obligation, actor=applicant, report="土建完成 60%。")

    obligation_decide(obligation=obligation, actor=staff, step="accept")

    assert not Document.objects.exists()


def test_a_document_that_fails_undoes_the_step(
    bureau, funded_project, staff, applicant, monkeypatch
):
    obligation = submitted_acceptance(funded_project, staff, applicant)

    def broken(*args, **kwargs):
        raise RuntimeError("the PDF could not be set")

    monkeypatch.setattr("documents.services.render_pdf", broken)
    with pytest.raises(RuntimeError):
        obligation_decide(obligation=obligation, actor=staff, step="accept")

    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.SUBMITTED
    assert not FlowEvent.objects.filter(flow="obligation", step="accept").exists()
    assert not Document.objects.exists()


def test_ordering_a_claw_back_issues_the_claw_back_notice_with_its_reason(
    bureau, funded_project, staff, api_client_for, applicant, tmp_path
):
    claw_back = claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("120000.50"),
        reason="验收未通过，按协议追回部分资金。",
        due_on=date(2027, 3, 31),
    )

    assert claw_back.status == ClawBack.Status.ORDERED
    event = FlowEvent.objects.get(flow="claw_back", step="order")
    assert (event.from_status, event.to_status, event.actor) == ("draft", "ordered", staff)
    assert event.comment == "验收未通过，按协议追回部分资金。"
    document = Document.objects.get(kind=Kind.CLAW_BACK_NOTICE)
    assert document.application == funded_project
    assert document.content["record"] == ["aftercare.clawback", claw_back.pk]
    data = document.pdf.read()
    # One page (artifacts/documents/claw-back-notice.png): the red header on top, the seal
    # over the date below it.
    (page,) = pages(data, tmp_path, "claw-back-notice")
    width, height = page.size
    assert red_share(page, (0, 0, width, height // 5)) > 0.01
    assert red_share(page, (width // 3, height // 5, width, height)) > 0.004
    text = read_pdf(data)
    assert f"/verify/{document.code}/" in text
    for expected in (
        document.number,
        funded_project.enterprise.name,
        "120,000.50",
        "300,000.00",  # disbursed
        "验收未通过，按协议追回部分资金。",
        "2027年3月31日",
    ):
        assert expected in text
    # The applicant finds it in the API and on the application's page.
    rows = api_client_for(applicant).get("/api/v1/documents/?kind=claw_back_notice").json()
    assert [row["number"] for row in rows["results"]] == [document.number]

    # A correction is set from the claw-back again.
    corrected = document_reissue(document=document, actor=staff, reason="更正还款期限。")
    assert corrected.content["record"] == ["aftercare.clawback", claw_back.pk]
    assert corrected.supersedes == document


def test_a_claw_back_refused_issues_nothing(bureau, funded_project, staff):
    with pytest.raises(Refused, match="300,000.00"):
        claw_back_order(
            application=funded_project,
            actor=staff,
            amount=Decimal("300000.01"),
            reason="超额",
            due_on=date(2027, 3, 31),
        )

    assert not ClawBack.objects.exists()
    assert not Document.objects.exists()
    assert not FlowEvent.objects.filter(flow="claw_back").exists()


def test_paying_a_claim_issues_the_compensation_notice(
    bureau, qualification, quota_2026, staff, applicant, officer, client, tmp_path
):
    claim = claim_file(
        qualification=qualification,
        actor=applicant,
        year=2026,
        premium_paid=Decimal("250000"),
        requested_amount=Decimal("200000"),
        policy=pdf(),
        payment_proof=pdf("proof.pdf"),
    )
    claim_move(claim=claim, actor=applicant, step="submit")
    claim_move(claim=claim, actor=officer, step="recommend")
    claim_move(claim=claim, actor=staff, step="approve")
    assert not Document.objects.exists()

    claim_disburse(
        claim=claim,
        actor=staff,
        amount=Decimal("200000"),
        paid_on=date(2026, 11, 20),
        reference="ZF-2026-0088",
    )

    assert claim.status == InsuranceClaim.Status.DISBURSED
    document = Document.objects.get(kind=Kind.COMPENSATION_NOTICE)
    assert document.application == qualification.application
    assert document.content["record"] == ["aftercare.insuranceclaim", claim.pk]
    data = document.pdf.read()
    assert len(pages(data, tmp_path, "compensation-notice")) == 1
    text = read_pdf(data)
    for expected in ("PQAA2026330400000001", "2026年11月20日", "ZF-2026-0088", "200,000.00"):
        assert expected in text
    # On the product's application page and on My account.
    client.force_login(applicant)
    page = client.get(f"/applications/{qualification.application.pk}/").content.decode()
    assert document.number in page
    assert document.number in client.get("/account/").content.decode()
    assert document.number in client.get(f"/aftercare/claims/{claim.pk}/").content.decode()


def test_nothing_is_issued_before_the_bureau_has_an_issuing_body(funded_project, staff, applicant):
    obligation = submitted_acceptance(funded_project, staff, applicant)
    obligation_decide(obligation=obligation, actor=staff, step="accept")
    claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("1000"),
        reason="抽查发现虚报。",
        due_on=date(2027, 3, 31),
    )
    assert not Document.objects.exists()
