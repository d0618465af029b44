"""What the desk-list tests share: every desk admin, and records in every desk list."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command

from aftercare.models import (
    ClawBack,
    InsuranceClaim,
    InsuranceQualification,
    InsuranceQuota,
    Obligation,
    Repayment,
)
from core.admin import DeskAdminMixin
from core.models import AuditEntry, ImportRecord, Notification, OutgoingEmail
from documents.models import IssuingBody
from documents.seal import sample_seal_png
from programmes.management.commands.setup_demo import DOCUMENTED_FIXTURES
from programmes.models import Designation, Disbursement, Evaluation, Objection, ReminderLog
from programmes.services import application_move
from programmes.workflow import Status
from services.models import Event, Problem, ServiceCase
from tests import factories

DESK_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, DeskAdminMixin)
    ),
    key=lambda pair: pair[0]._meta.label,
)


@pytest.fixture
def records(enterprise, applicant, officer, staff):
    """The documented records and one row more in every list they leave empty, so that
    each desk list has rows: granted and draft, with empty and filled columns."""
    call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)
    application = factories.ApplicationFactory(enterprise=enterprise, title="  ")
    factories.assign(application, factories.expert_user(username="expert-rows"))
    today = date(2026, 3, 1)
    Disbursement.objects.create(
        application=application, amount=Decimal("1234567.50"), paid_on=today, recorded_by=staff
    )
    designation = Designation.objects.first()
    Evaluation.objects.create(
        designation=designation, period="2023–2024", evaluated_on=today, score=Decimal("85")
    )
    ImportRecord.objects.create(user=staff, resource="enterprises", file_name="a.xlsx")
    Notification.objects.create(
        user=applicant, link=f"/applications/{application.pk}/", message="Read me"
    )
    Objection.objects.create(application=application, name="A", contact="a@b.cn", text="No")
    ReminderLog.objects.create(
        kind=ReminderLog.Kind.choices[0][0],
        object_key="x-1",
        recipient=applicant,
        due_on=today,
        message="Due",
    )
    AuditEntry.objects.create(actor=staff, action=AuditEntry.Action.choices[0][0])
    OutgoingEmail.objects.create(to=applicant.email, subject="Read me", body="Read me")
    factories.api_key(applicant, name="monthly-report")
    # An issuing body and a document it issued: granting after the public notice.
    body = IssuingBody(
        name="嘉兴市经济和信息化局",
        header="嘉兴市经济和信息化局文件",
        prefix="嘉经信",
        signature="嘉兴市经济和信息化局",
        is_default=True,
    )
    body.seal.save("seal.png", ContentFile(sample_seal_png(body.name)), save=False)
    body.save()
    noticed = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_PUBLIC_NOTICE)
    factories.notice_opened(noticed, days_ago=noticed.call.public_notice_days + 1)
    application_move(application=noticed, actor=staff, move="grant")
    # After the decision: an obligation, a claw-back repaid in part, an insurance
    # qualification with its year's quota and claim.
    Obligation.objects.create(
        application=application,
        kind=Obligation.Kind.PROGRESS_REPORT,
        title="进度报告",
        due_on=today,
    )
    claw_back = ClawBack.objects.create(
        application=application,
        amount=Decimal("1000"),
        reason="验收未通过",
        ordered_on=today,
        due_on=today,
    )
    Repayment.objects.create(
        claw_back=claw_back, amount=Decimal("400"), paid_on=today, reference="退款-001"
    )
    qualification = InsuranceQualification.objects.create(
        application=application,
        insurer="人保财险",
        policy_number="P-1",
        valid_from=today,
        valid_until=date(2028, 2, 28),
    )
    InsuranceQuota.objects.create(year=2026, amount=Decimal("1000000"), claims_close_on=today)
    InsuranceClaim.objects.create(
        qualification=qualification,
        year=2026,
        premium_paid=Decimal("100000"),
        requested_amount=Decimal("80000"),
    )
    # Services: a case at the enterprise, a problem raised there, an event.
    case = ServiceCase.objects.create(
        kind=ServiceCase.Kind.VISIT,
        enterprise=enterprise,
        held_on=today,
        department="Science and technology section",
        conducted_by="A county officer",
    )
    Problem.objects.create(
        enterprise=enterprise, case=case, category="venue", title="A workshop", raised_on=today
    )
    Event.objects.create(
        kind=Event.Kind.RELEASE_CONFERENCE,
        title="A release conference",
        held_on=today,
        region=enterprise.region,
    )
    return application
