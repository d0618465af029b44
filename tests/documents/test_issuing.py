"""Documents issued at the workflow's moments, through the one workflow service, in the
move's own transaction."""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from openpyxl import load_workbook

from core.models import AuditEntry
from documents.models import Document, DocumentCounter, Kind
from programmes.exceptions import MoveRefused
from programmes.hooks import moves_batch
from programmes.models import Application, ApplicationEvent
from programmes.services import application_move, evaluation_record
from programmes.services.outcomes import designation_record
from programmes.services.public import public_notice_confirm
from programmes.workflow import MOVES, Status
from tests import factories

from .conftest import application_in, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_member():
    return factories.staff_user(username="decider")


def test_granting_a_product_issues_its_approval_notice(bureau, in_notice, staff_member, tmp_path):
    application_move(application=in_notice, actor=staff_member, move="grant")

    document = Document.objects.get()
    assert (document.kind, document.application, document.enterprise) == (
        Kind.APPROVAL_NOTICE,
        in_notice,
        in_notice.enterprise,
    )
    assert document.issued_by == staff_member
    text = pdf_text(document.pdf.read(), tmp_path)
    assert document.number in text
    assert in_notice.enterprise.name in text
    assert "300,000.00" in text
    assert document.code in text.replace("\n", "")
    assert AuditEntry.objects.filter(
        object_type="documents.Document", object_id=str(document.pk), detail__startswith="issued"
    ).exists()


def test_granting_a_project_issues_a_funding_notice(bureau, project_call, enterprise, staff_member):
    application = application_in(
        project_call, enterprise, Status.IN_PUBLIC_NOTICE, awarded_amount=Decimal("1500000")
    )
    factories.notice_opened(application, days_ago=10)

    application_move(application=application, actor=staff_member, move="grant")

    document = Document.objects.get()
    assert document.kind == Kind.APPROVAL_NOTICE
    assert "1,500,000.00" in " ".join(document.content["zh-hans"]["paragraphs"])


def test_granting_a_designation_issues_its_certificate(
    bureau, designation_call, enterprise, staff_member, tmp_path
):
    application = application_in(designation_call, enterprise, Status.IN_PUBLIC_NOTICE)
    factories.notice_opened(application, days_ago=10)

    application_move(application=application, actor=staff_member, move="grant")

    document = Document.objects.get()
    assert document.kind == Kind.CERTIFICATE
    text = pdf_text(document.pdf.read(), tmp_path)
    assert document.number in text and enterprise.name in text and "企业技术中心" in text


def test_warning_and_revocation_issue_their_notices_with_the_reason(
    bureau, designation_call, enterprise, staff_member
):
    application = application_in(designation_call, enterprise, Status.GRANTED)
    designation = designation_record(
        application=application, actor=staff_member, level="provincial"
    )

    evaluation_record(
        designation=designation,
        actor=staff_member,
        period="2024–2025",
        evaluated_on=date(2026, 3, 1),
        score=Decimal("62"),
    )
    evaluation_record(
        designation=designation,
        actor=staff_member,
        period="2026–2027",
        evaluated_on=date(2026, 9, 1),
        score=Decimal("40"),
    )

    warning, revocation = Document.objects.order_by("sequence")
    assert (warning.kind, revocation.kind) == (Kind.WARNING_NOTICE, Kind.REVOCATION_NOTICE)
    assert "62" in " ".join(warning.content["en"]["paragraphs"])
    assert "40" in " ".join(revocation.content["en"]["paragraphs"])


def test_opening_the_notice_for_several_at_once_issues_one_notice_listing_them(
    bureau, product_call, enterprise, other_enterprise, staff_member, tmp_path
):
    approved = [
        application_in(product_call, owner, Status.APPROVED)
        for owner in (enterprise, other_enterprise)
    ]
    still_in_review = application_in(product_call, enterprise, Status.IN_REVIEW)

    with moves_batch():
        for application in [*approved, still_in_review]:
            with contextlib.suppress(MoveRefused):
                application_move(
                    application=application, actor=staff_member, move="open_public_notice"
                )

    notice = Document.objects.get()
    assert notice.kind == Kind.PUBLIC_NOTICE and notice.call == product_call
    assert notice.content["application_ids"] == [application.pk for application in approved]
    text = pdf_text(notice.pdf.read(), tmp_path)
    assert enterprise.name in text and other_enterprise.name in text
    assert "公示" in notice.title


def test_the_admin_bulk_action_opens_the_notice_as_one_batch(
    bureau, product_call, enterprise, other_enterprise, staff_member
):
    approved = [
        application_in(product_call, owner, Status.APPROVED)
        for owner in (enterprise, other_enterprise)
    ]
    # "post": the confirmation page's answer, for a move that cannot be undone.
    request = RequestFactory().post("/admin/programmes/application/", {"post": "yes"})
    request.user = staff_member
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = site._registry[Application]

    model_admin.apply_move(
        request,
        Application.objects.filter(pk__in=[a.pk for a in approved]),
        MOVES["open_public_notice"],
    )

    assert Document.objects.filter(kind=Kind.PUBLIC_NOTICE).count() == 1


def test_a_countys_recommendations_issue_its_letter_and_summary_table(
    bureau, county_body, city, product_call, enterprise, officer, tmp_path
):
    first, second = (
        application_in(product_call, enterprise, Status.SUBMITTED, requested_amount=Decimal(amount))
        for amount in ("500000", "800000")
    )

    application_move(application=first, actor=officer, move="recommend")

    letter = Document.objects.get(kind=Kind.COUNTY_LETTER)
    table = Document.objects.get(kind=Kind.COUNTY_SUMMARY)
    # The county issues them under its own body, to the bureau.
    assert letter.number == f"南经信〔{letter.year}〕1号"
    assert letter.content["zh-hans"]["addressee"].startswith(bureau.name)
    assert (letter.region, letter.call) == (enterprise.region, product_call)
    rows = list(load_workbook(table.sheet).active.iter_rows(min_row=4, values_only=True))
    assert [row[1] for row in rows] == [enterprise.name]
    assert rows[0][2] == enterprise.unified_social_credit_code

    application_move(application=second, actor=officer, move="recommend")

    new_letter = Document.objects.current().get(kind=Kind.COUNTY_LETTER)
    new_table = Document.objects.current().get(kind=Kind.COUNTY_SUMMARY)
    assert new_letter.supersedes == letter and new_table.supersedes == table
    assert new_letter.content["application_ids"] == [first.pk, second.pk]
    rows = list(load_workbook(new_table.sheet).active.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 2
    assert "800,000.00" in pdf_text(new_letter.pdf.read(), tmp_path)


def test_closing_a_round_issues_its_announcement_with_the_grants(
    bureau, product_call, in_notice, other_enterprise, staff_member
):
    still_running = application_in(product_call, other_enterprise, Status.IN_PUBLIC_NOTICE)
    factories.notice_opened(still_running, days_ago=0)

    result = public_notice_confirm(call=product_call, actor=staff_member)

    assert [a.pk for a in result.granted] == [in_notice.pk]
    announcement = Document.objects.get(kind=Kind.RESULTS_ANNOUNCEMENT)
    assert announcement.content["application_ids"] == [in_notice.pk]
    assert Document.objects.filter(kind=Kind.APPROVAL_NOTICE, application=in_notice).exists()


def test_a_grant_alone_issues_no_announcement(bureau, in_notice, staff_member):
    application_move(application=in_notice, actor=staff_member, move="grant")

    assert not Document.objects.filter(kind=Kind.RESULTS_ANNOUNCEMENT).exists()


def test_without_an_issuing_body_moves_go_on_and_issue_nothing(in_notice, staff_member):
    application_move(application=in_notice, actor=staff_member, move="grant")

    in_notice.refresh_from_db()
    assert in_notice.status == Status.GRANTED
    assert not Document.objects.exists()


def test_a_document_that_fails_undoes_its_move(bureau, in_notice, staff_member, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("the disk is full")

    monkeypatch.setattr("documents.services.render_pdf", broken)

    with pytest.raises(OSError, match="disk is full"):
        application_move(application=in_notice, actor=staff_member, move="grant")

    in_notice.refresh_from_db()
    assert in_notice.status == Status.IN_PUBLIC_NOTICE
    assert not ApplicationEvent.objects.filter(application=in_notice, move="grant").exists()
    assert not Document.objects.exists()
    assert not DocumentCounter.objects.filter(last__gt=0).exists()


def test_a_refused_move_issues_nothing(bureau, product_call, enterprise, staff_member):
    application = application_in(product_call, enterprise, Status.IN_PUBLIC_NOTICE)
    factories.notice_opened(application, days_ago=0)

    with pytest.raises(MoveRefused):
        application_move(application=application, actor=staff_member, move="grant")

    assert not Document.objects.exists()
