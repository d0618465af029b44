"""The demonstration: ``setup_demo`` sets up the issuing bodies with sample seals, and the
README's walk-through ends with the applicant's approval notice, the public notice, and
the county's letter and summary table issued."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from documents.models import Document, IssuingBody, Kind
from enterprises.models import Region
from programmes.management.commands import setup_demo as demo
from programmes.models import Application, Call
from programmes.services import application_move
from tests import factories

from .conftest import read_pdf
from .test_rendering import pages, red_share

pytestmark = pytest.mark.django_db


def issued_file(document) -> bytes:
    with document.pdf.open("rb") as handle:
        return handle.read()


def run_setup_demo() -> str:
    out = StringIO()
    call_command("setup_demo", "--force", stdout=out)
    return out.getvalue()


def test_setup_demo_adds_the_bureau_and_the_demo_county_with_sample_seals():
    report = run_setup_demo()

    bureau = IssuingBody.objects.get(is_default=True)
    county = IssuingBody.objects.get(region__code="330483")
    assert (bureau.prefix, county.prefix) == ("嘉经信", "桐经信")
    for body in (bureau, county):
        with body.seal.open("rb") as handle:
            assert Image.open(handle).format == "PNG"
    assert "样章 / SAMPLE" in report
    # Run again: nothing is added twice.
    run_setup_demo()
    assert IssuingBody.objects.count() == 2


def test_a_bureaus_own_issuing_body_is_left_alone():
    IssuingBody.objects.create(
        name="真实局", header="真实局文件", prefix="真", signature="真实局", is_default=True
    )

    run_setup_demo()

    assert list(IssuingBody.objects.values_list("prefix", flat=True)) == ["真"]


def test_the_walk_through_ends_with_its_documents_issued(tmp_path):
    run_setup_demo()
    users = {
        spec.role: get_user_model().objects.get(username=spec.username) for spec in demo.DEMO_USERS
    }
    applicant, officer, staff = (
        users[demo.APPLICANT.role],
        users[demo.OFFICER.role],
        users[demo.BUREAU.role],
    )
    enterprise = applicant.memberships.get().enterprise
    enterprise.region = Region.objects.get(code="330483")
    enterprise.save()
    call = Call.objects.get(code__startswith="demo-")
    application = factories.ready_to_file(
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, title="高性能纳米涂层材料首批次申报"
        )
    )

    application_move(application=application, actor=applicant, move="submit")
    application_move(application=application, actor=officer, move="recommend", comment="推荐")
    for move in ("accept", "start_review", "complete_review", "approve"):
        application_move(application=application, actor=staff, move=move)
    # The demo's notice runs its programme's period (5 working days): opened on the desk
    # today, the grant waits for it.
    assert call.public_notice_days == call.programme.notice_period == 5
    assert call.notice_in_working_days
    out = StringIO()
    call_command("demo_open_notice", "--force", stdout=out)
    assert "grant them now" in out.getvalue()
    # The demo programme has no reward rule (the sources give none): staff enter the
    # award on the application in admin before granting.
    Application.objects.filter(pk=application.pk).update(awarded_amount=Decimal("300000"))
    application_move(application=application, actor=staff, move="grant")

    issued = {document.kind: document for document in Document.objects.all()}
    assert set(issued) == {
        Kind.COUNTY_LETTER,
        Kind.COUNTY_SUMMARY,
        Kind.PUBLIC_NOTICE,
        Kind.APPROVAL_NOTICE,
    }
    assert issued[Kind.COUNTY_LETTER].number.startswith("桐经信〔")
    # The public notice carries the backdated opening and a period that has ended.
    notice = issued[Kind.PUBLIC_NOTICE]
    assert notice.issued_at < timezone.now() - timedelta(days=5)
    assert "（5个工作日）" in read_pdf(issued_file(notice))
    application.refresh_from_db()
    name = "".join(enterprise.name.split())
    for kind, document in issued.items():
        text = read_pdf(issued_file(document))
        assert document.number in text, kind
        assert name in text, kind
    approval = read_pdf(issued_file(issued[Kind.APPROVAL_NOTICE]))
    assert "300,000.00" in approval
    # Each one's first page (artifacts/documents/demo-*.png): the red header on top.
    for kind, document in issued.items():
        folder = tmp_path / kind
        folder.mkdir()
        first = pages(issued_file(document), folder, f"demo-{kind}")[0]
        assert red_share(first, (0, 0, first.width, first.height // 5)) > 0.01, kind


def test_the_verify_page_confirms_the_issued_file_and_rejects_an_altered_one(
    client, bureau, in_notice, staff
):
    application_move(application=in_notice, actor=staff, move="grant")
    document = Document.objects.get(kind=Kind.APPROVAL_NOTICE)
    genuine = issued_file(document)
    # One byte changed in the middle of the file (its text is compressed).
    middle = len(genuine) // 2
    altered = genuine[:middle] + bytes([genuine[middle] ^ 1]) + genuine[middle + 1 :]

    def check(data):
        upload = SimpleUploadedFile("notice.pdf", data, content_type="application/pdf")
        return client.post(f"/verify/{document.code}/", {"file": upload}).content.decode()

    assert "Genuine: this is the file the bureau issued." in check(genuine)
    assert "Not the issued file" in check(altered)
    assert "Genuine:" not in check(altered)


def test_the_demo_call_refuses_a_notice_shorter_than_its_programmes():
    run_setup_demo()
    call = Call.objects.get(code__startswith="demo-")
    call.public_notice_days = 0

    with pytest.raises(ValidationError) as refused:
        call.full_clean()

    assert "runs at least 5 working days" in str(refused.value)
