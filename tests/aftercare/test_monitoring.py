"""A funded project's obligations and claw-backs, through the services and their flows."""

from datetime import date
from decimal import Decimal

import pytest

from aftercare.flows import OBLIGATION_FLOW
from aftercare.models import ClawBack, Obligation, Repayment
from aftercare.services import (
    claw_back_move,
    claw_back_order,
    obligation_decide,
    obligation_record_inspection,
    obligation_report,
    obligation_schedule,
    repayment_record,
)
from core.exceptions import Refused
from core.models import AuditEntry, FlowEvent
from programmes.models import Evaluation
from tests import factories

pytestmark = pytest.mark.django_db

Kind = Obligation.Kind


def schedule(project, staff, kind=Kind.PROGRESS_REPORT, **kwargs):
    return obligation_schedule(
        application=project,
        actor=staff,
        kind=kind,
        title=kwargs.pop("title", "2026 progress report"),
        due_on=kwargs.pop("due_on", date(2026, 9, 30)),
        **kwargs,
    )


def test_a_progress_report_is_submitted_by_the_enterprise_and_accepted_by_the_bureau(
    funded_project, staff, applicant
):
    obligation = schedule(funded_project, staff)
    obligation_report(obligation=obligation, actor=applicant, report="土建完成 60%。")
    assert obligation.status == Obligation.Status.SUBMITTED
    assert obligation.submitted_at is not None
    obligation_decide(obligation=obligation, actor=staff, step="accept")
    assert obligation.status == Obligation.Status.ACCEPTED
    steps = list(FlowEvent.objects.filter(flow="obligation").values_list("step", "actor"))
    assert steps == [("submit", applicant.pk), ("accept", staff.pk)]
    assert AuditEntry.objects.filter(detail="obligation.accept: submitted → accepted").exists()


def test_obligations_follow_a_grant_with_money_disbursed(enterprise, staff):
    granted_unpaid = factories.ApplicationFactory(enterprise=enterprise, status="granted")
    with pytest.raises(Refused, match="not a funded project"):
        schedule(granted_unpaid, staff)
    assert not Obligation.objects.exists()


def test_only_staff_schedule_obligations(funded_project, applicant):
    with pytest.raises(Refused):
        schedule(funded_project, applicant)
    assert not Obligation.objects.exists()


def test_an_empty_report_cannot_be_submitted_and_nothing_is_kept(funded_project, staff, applicant):
    obligation = schedule(funded_project, staff)
    with pytest.raises(Refused, match="Write the report"):
        obligation_report(obligation=obligation, actor=applicant, report="  ")
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.DUE


def test_the_acceptance_needs_the_performance_self_assessment(funded_project, staff, applicant):
    acceptance = schedule(funded_project, staff, Kind.ACCEPTANCE, title="项目验收")
    with pytest.raises(Refused, match="self-assessment"):
        obligation_report(obligation=acceptance, actor=applicant, report="项目已完成。")
    acceptance.refresh_from_db()
    assert acceptance.report == ""  # the refused submission kept nothing
    obligation_report(
        obligation=acceptance,
        actor=applicant,
        report="项目已完成。",
        self_assessment="产能提升 30%，达到绩效目标。",
        self_score=Decimal("92"),
    )
    obligation_decide(obligation=acceptance, actor=staff, step="accept")
    assert acceptance.status == Obligation.Status.ACCEPTED


def test_another_enterprise_cannot_report_on_the_project(funded_project, staff, other_applicant):
    obligation = schedule(funded_project, staff)
    with pytest.raises(Refused):
        obligation_report(obligation=obligation, actor=other_applicant, report="x")


def test_a_returned_report_needs_a_reason_and_goes_back_to_the_enterprise(
    funded_project, staff, applicant
):
    obligation = schedule(funded_project, staff)
    obligation_report(obligation=obligation, actor=applicant, report="进度正常。")
    with pytest.raises(Refused, match="needs a comment"):
        obligation_decide(obligation=obligation, actor=staff, step="return")
    obligation_decide(
        obligation=obligation, actor=staff, step="return", comment="缺少资金使用明细。"
    )
    assert obligation.status == Obligation.Status.RETURNED
    obligation_report(obligation=obligation, actor=applicant, report="进度正常，附资金明细。")
    assert obligation.status == Obligation.Status.SUBMITTED


def test_the_county_officer_records_an_inspection_with_findings(
    funded_project, staff, officer, other_officer
):
    inspection = schedule(funded_project, staff, Kind.INSPECTION, title="现场检查")
    with pytest.raises(Refused):
        obligation_record_inspection(
            obligation=inspection, actor=other_officer, inspected_on=date(2026, 6, 1), findings="x"
        )
    with pytest.raises(Refused, match="findings"):
        obligation_record_inspection(
            obligation=inspection, actor=officer, inspected_on=date(2026, 6, 1), findings=" "
        )
    obligation_record_inspection(
        obligation=inspection,
        actor=officer,
        inspected_on=date(2026, 6, 1),
        findings="设备已到位，与申报一致。",
    )
    assert inspection.status == Obligation.Status.DONE
    assert inspection.findings == "设备已到位，与申报一致。"


def test_an_evaluation_report_accepted_with_a_score_records_the_designation_evaluation(
    enterprise, staff, applicant
):
    designation = factories.designation_on_record(
        enterprise, factories.ProgrammeFactory(kind="designation"), "provincial"
    )
    report = schedule(
        None,
        staff,
        Kind.EVALUATION_REPORT,
        designation=designation,
        title="2025–2026 评价材料",
    )
    assert report.application == designation.application
    obligation_report(obligation=report, actor=applicant, report="研发投入 520 万元。")
    obligation_decide(
        obligation=report, actor=staff, step="accept", score=Decimal("91"), period="2025–2026"
    )
    evaluation = Evaluation.objects.get(designation=designation)
    assert (evaluation.period, evaluation.grade) == ("2025–2026", "excellent")
    assert report.evaluation == evaluation


def test_the_applicant_is_offered_submit_and_staff_accept(funded_project, staff, applicant):
    obligation = schedule(funded_project, staff)
    assert [s.name for s in OBLIGATION_FLOW.available(obligation, applicant)] == []
    held = OBLIGATION_FLOW.held_back(obligation, applicant)
    assert [step.name for step, _reasons in held] == ["submit"]
    obligation_report(obligation=obligation, actor=applicant, report="ok")
    assert [s.name for s in OBLIGATION_FLOW.available(obligation, applicant)] == []
    assert {s.name for s in OBLIGATION_FLOW.available(obligation, staff)} == {
        "accept",
        "return",
        "fail",
    }


# --- Claw-back -------------------------------------------------------------------------------


def test_a_claw_back_is_repaid_in_parts_and_then_settled(funded_project, staff):
    claw_back = claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("100000"),
        reason="验收未通过：绩效目标未达成。",
        due_on=date(2026, 12, 31),
    )
    repayment_record(
        claw_back=claw_back, actor=staff, amount=Decimal("60000.50"), paid_on=date(2026, 10, 1)
    )
    claw_back.refresh_from_db()
    assert claw_back.status == ClawBack.Status.ORDERED
    assert claw_back.outstanding == Decimal("39999.50")
    repayment_record(
        claw_back=claw_back, actor=staff, amount=Decimal("39999.50"), paid_on=date(2026, 11, 1)
    )
    assert claw_back.status == ClawBack.Status.SETTLED
    assert FlowEvent.objects.filter(flow="claw_back", step="settle").count() == 1


def test_a_claw_back_above_what_was_disbursed_is_refused_with_the_figures(funded_project, staff):
    with pytest.raises(Refused) as refused:
        claw_back_order(
            application=funded_project,
            actor=staff,
            amount=Decimal("300000.01"),
            reason="x",
            due_on=date(2026, 12, 31),
        )
    message = refused.value.messages[0]
    assert "300,000.01" in message and "300,000.00 yuan disbursed" in message
    assert not ClawBack.objects.exists()


def test_claw_backs_together_never_exceed_what_was_disbursed(funded_project, staff):
    claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("200000"),
        reason="a",
        due_on=date(2026, 12, 31),
    )
    with pytest.raises(Refused, match="at most 100,000.00 yuan"):
        claw_back_order(
            application=funded_project,
            actor=staff,
            amount=Decimal("150000"),
            reason="b",
            due_on=date(2026, 12, 31),
        )
    assert ClawBack.objects.count() == 1


def test_a_repayment_above_what_is_owed_is_refused_and_nothing_is_written(funded_project, staff):
    claw_back = claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("1000"),
        reason="a",
        due_on=date(2026, 12, 31),
    )
    repayment_record(
        claw_back=claw_back, actor=staff, amount=Decimal("400"), paid_on=date(2026, 10, 1)
    )
    with pytest.raises(Refused) as refused:
        repayment_record(
            claw_back=claw_back, actor=staff, amount=Decimal("600.01"), paid_on=date(2026, 10, 2)
        )
    assert (
        "600.01" in refused.value.messages[0]
        and "600.00 yuan of 1,000.00" in refused.value.messages[0]
    )
    assert Repayment.objects.count() == 1


def test_a_claw_back_is_settled_only_when_repaid_in_full(funded_project, staff):
    claw_back = claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("1000"),
        reason="a",
        due_on=date(2026, 12, 31),
    )
    with pytest.raises(Refused, match="still to be repaid"):
        claw_back_move(claw_back=claw_back, actor=staff, step="settle")
    claw_back_move(claw_back=claw_back, actor=staff, step="waive", comment="企业已注销。")
    assert claw_back.status == ClawBack.Status.WAIVED


def test_applicants_cannot_record_repayments(funded_project, staff, applicant):
    claw_back = claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("1000"),
        reason="a",
        due_on=date(2026, 12, 31),
    )
    with pytest.raises(Refused):
        repayment_record(
            claw_back=claw_back, actor=applicant, amount=Decimal("1"), paid_on=date(2026, 10, 1)
        )
    assert not Repayment.objects.exists()
