"""The public verification page: what the document says of itself, whether a dropped file
is the issued one, superseded, or not it; nothing more."""

from datetime import date

import pytest

from core.models import AuditEntry
from documents.compose import Subject
from documents.models import Kind
from documents.services import document_issue, document_reissue
from programmes.workflow import Status

from .conftest import application_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(bureau, in_notice):
    return document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=date(2026, 9, 28), application=in_notice),
        actor=None,
    )


def upload(client, document, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/verify/{document.code}/",
        {"file": SimpleUploadedFile("document.pdf", data, content_type="application/pdf")},
    )


def test_the_page_shows_number_kind_date_subject_and_digest(client, notice, in_notice):
    response = client.get(f"/verify/{notice.code}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert notice.number in page and notice.sha256 in page
    assert in_notice.enterprise.name in page
    assert "28 September 2026" in page
    assert "is in force" in page
    assert response["Cache-Control"] == "private, no-store"


def test_the_page_reveals_nothing_the_document_does_not_say(
    client, bureau, product_call, enterprise
):
    application = application_in(product_call, enterprise, Status.GRANTED)
    application.requested_amount = 987654
    application.save()
    notice = document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=date(2026, 9, 28), application=application),
        actor=None,
    )

    page = client.get(f"/verify/{notice.code}/").content.decode()

    # The amount requested is not in the notice, in no form (a shorter figure could turn
    # up by chance in the hexadecimal digest the page shows).
    for amount in ("987654", "987,654", "98.7654"):
        assert amount not in page
    assert application.enterprise.unified_social_credit_code not in page


def test_the_genuine_file_is_confirmed_and_an_altered_one_rejected(client, notice):
    genuine = notice.pdf.read()

    assert "Genuine: this is the file" in upload(client, notice, genuine).content.decode()
    altered = genuine.replace(b"300,000", b"900,000") + b"\n%altered"
    assert "Not the issued file" in upload(client, notice, altered).content.decode()


def test_a_superseded_document_says_so_and_its_files_are_known(client, notice):
    genuine = notice.pdf.read()
    correction = document_reissue(document=notice, actor=None, reason="金额有误")

    page = client.get(f"/verify/{notice.code}/").content.decode()
    assert f"superseded by {correction.number}" in page
    assert correction.code not in page
    assert "Genuine, but superseded" in upload(client, notice, genuine).content.decode()
    marked = client.get(f"/verify/{notice.code}/pdf/").content
    assert marked != genuine
    assert "Genuine, but superseded" in upload(client, notice, marked).content.decode()
    assert (
        "Genuine: this is the file"
        in upload(client, correction, correction.pdf.read()).content.decode()
    )


def test_the_pdf_is_offered_to_whoever_holds_the_code_and_audited(client, notice):
    response = client.get(f"/verify/{notice.code}/pdf/")

    assert response.status_code == 200
    assert response.content == notice.pdf.read()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_id=str(notice.pk))
    assert entry.actor is None and "verification page" in entry.detail


def test_an_unknown_code_is_a_404(client, notice):
    assert client.get("/verify/not-a-code-at-all-000000/").status_code == 404
    assert client.get("/verify/not-a-code-at-all-000000/pdf/").status_code == 404
