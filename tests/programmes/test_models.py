"""Model invariants: what can be deleted, what is derived on save, what the database refuses."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from enterprises.access import can_delete_enterprise
from programmes.access import can_delete_application
from programmes.models import (
    Application,
    ApplicationEvent,
    Attachment,
    Designation,
    Evaluation,
    Grade,
    Kind,
    Level,
    ProductDetail,
    attachment_path,
)
from programmes.services import application_move
from programmes.services.catalogue import call_save
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


def test_enterprise_with_applications_cannot_be_deleted(enterprise, staff):
    factories.ApplicationFactory(enterprise=enterprise)
    assert not can_delete_enterprise(staff, enterprise)
    with pytest.raises(ProtectedError), transaction.atomic():
        enterprise.delete()
    assert type(enterprise).objects.filter(pk=enterprise.pk).exists()


def test_enterprise_without_applications_can_be_deleted(enterprise, staff, applicant):
    assert can_delete_enterprise(staff, enterprise)
    enterprise.delete()
    assert not type(enterprise).objects.filter(pk=enterprise.pk).exists()
    # Its memberships go with it; the user stays.
    assert not factories.Membership.objects.filter(user=applicant).exists()
    assert type(applicant).objects.filter(pk=applicant.pk).exists()


def test_application_with_timeline_events_cannot_be_deleted(enterprise, applicant, staff):
    application = factories.ready_to_file(factories.ApplicationFactory(enterprise=enterprise))
    application_move(application=application, actor=applicant, move="submit")
    assert not can_delete_application(staff, application)
    with pytest.raises(ProtectedError), transaction.atomic():
        application.delete()
    assert Application.objects.filter(pk=application.pk).exists()
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_fresh_draft_can_be_deleted_with_its_detail_and_files(enterprise, applicant):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    attachment = Attachment(
        application=draft, original_name="申请表.pdf", content_type="application/pdf", size=3
    )
    attachment.file.save("form.pdf", ContentFile(b"pdf"), save=True)
    assert can_delete_application(applicant, draft)
    draft.delete()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not ProductDetail.objects.exists()
    assert not Attachment.objects.exists()


def test_granted_application_with_designation_cannot_be_deleted(enterprise):
    application = factories.ApplicationFactory(
        enterprise=enterprise,
        call__programme__kind=Kind.DESIGNATION,
        status=Status.GRANTED,
    )
    Designation.objects.create(application=application, level=Level.MUNICIPAL)
    with pytest.raises(ProtectedError), transaction.atomic():
        application.delete()


def test_user_who_acted_on_an_application_cannot_be_deleted(enterprise, applicant):
    application = factories.ready_to_file(factories.ApplicationFactory(enterprise=enterprise))
    application_move(application=application, actor=applicant, move="submit")
    with pytest.raises(ProtectedError), transaction.atomic():
        applicant.delete()


def test_application_takes_kind_and_region_from_call_and_enterprise(enterprise):
    call = factories.CallFactory(programme__kind=Kind.PROJECT)
    application = Application(enterprise=enterprise, call=call, title="项目")
    application.save()
    assert application.kind == Kind.PROJECT
    assert application.region == enterprise.region


def test_status_cannot_be_assigned_directly(enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise)
    with pytest.raises(AttributeError):
        application.status = Status.GRANTED
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_headline_is_the_detail_subject_or_the_title(enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, title="申报书")
    assert application.headline == "纳米涂层材料"
    bare = factories.ApplicationFactory(enterprise=enterprise, title="无详情", with_detail=False)
    assert bare.detail is None
    assert bare.headline == "无详情"


def test_attachment_path_hides_the_uploaded_name():
    attachment = Attachment(application_id=7)
    path = attachment_path(attachment, "../../etc/企业 申请表.PDF")
    assert path.startswith("attachments/7/")
    assert path.endswith(".pdf")
    assert ".." not in path and "申请表" not in path
    assert attachment_path(attachment, "a.pdf") != attachment_path(attachment, "a.pdf")


@pytest.mark.parametrize(
    ("score", "grade"),
    [("90", Grade.EXCELLENT), ("89.99", Grade.GOOD), ("60", Grade.BASIC_PASS), ("0", Grade.FAIL)],
)
def test_evaluation_grade_is_derived_on_save(enterprise, score, grade):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call__programme__kind=Kind.DESIGNATION, status=Status.GRANTED
    )
    designation = Designation.objects.create(application=application, level=Level.MUNICIPAL)
    evaluation = Evaluation.objects.create(
        designation=designation,
        period="2023–2024",
        evaluated_on=date(2025, 1, 1),
        score=Decimal(score),
        grade=Grade.EXCELLENT,  # ignored: the grade always follows the score
    )
    evaluation.refresh_from_db()
    assert evaluation.grade == grade


def test_database_refuses_a_negative_award(enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(awarded_amount=Decimal("-1"))


def test_call_is_open_between_its_dates():
    call = factories.CallFactory(opens_on=date(2026, 3, 1), closes_on=date(2026, 6, 30))
    assert call.is_open(date(2026, 3, 1))
    assert call.is_open(date(2026, 6, 30))
    assert not call.is_open(date(2026, 7, 1))
    assert not factories.CallFactory(opens_on=None, closes_on=None).is_open(date(2026, 5, 1))


def test_an_application_carries_its_calls_programme_year_and_kind(enterprise):
    call = factories.CallFactory(year=2025, programme__kind=Kind.PROJECT)
    application = factories.ApplicationFactory(enterprise=enterprise, call=call)
    application.refresh_from_db()
    assert (application.programme_id, application.year, application.kind) == (
        call.programme_id,
        2025,
        Kind.PROJECT,
    )


def test_correcting_a_calls_year_or_programme_moves_its_applications_with_it(enterprise):
    call = factories.CallFactory(year=2025)
    other = factories.CallFactory(year=2025)
    mine = factories.ApplicationFactory(enterprise=enterprise, call=call)
    theirs = factories.ApplicationFactory(enterprise=enterprise, call=other)
    designations = factories.ProgrammeFactory(kind=Kind.DESIGNATION)

    call.year, call.programme = 2024, designations
    call_save(call=call)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.year, mine.programme, mine.kind) == (2024, designations, Kind.DESIGNATION)
    assert (theirs.year, theirs.programme_id) == (2025, other.programme_id)
