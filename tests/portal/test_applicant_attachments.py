"""Documents: accepted by content as well as extension, within the size limit, stored safely."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programmes.models import Attachment
from programmes.services.attachments import attachment_add, attachment_check, safe_original_name
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office_file(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def draft(enterprise):
    return factories.ApplicationFactory(enterprise=enterprise)


def post_file(client, application, file, document_type="test_report"):
    return client.post(
        reverse("programmes:attachment-upload", args=[application.pk]),
        {"document_type": document_type, "file": file},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("photo.JPG", JPEG),
        ("photo.jpeg", JPEG),
        ("scan.png", PNG),
        ("budget.xlsx", office_file("xl/")),
        ("letter.docx", office_file("word/")),
    ],
)
def test_allowed_types_with_matching_content_pass(name, content):
    attachment_check(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.pdf", b"<!doctype html><html><body>hi</body></html>", "not a real PDF"),
        ("photo.png", JPEG, "not a real PNG"),
        ("budget.xlsx", office_file("word/"), "not a real XLSX"),
        ("letter.docx", b"PK\x03\x04not really a zip", "not a real DOCX"),
        ("script.exe", b"MZ\x90\x00", "Only PDF, JPG, PNG, XLSX and DOCX"),
        ("report.pdf.html", PDF, "Only PDF, JPG, PNG, XLSX and DOCX"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_wrong_content_or_extension_is_refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        attachment_check(upload(name, content))
    assert message in error.value.messages[0]


def test_valid_pdf_is_accepted_and_downloadable_by_the_enterprise(client, applicant, draft):
    client.force_login(applicant)

    response = post_file(client, draft, upload("检测报告.pdf", PDF))

    assert "The document is attached." in response.content.decode()
    attachment = draft.attachments.get()
    assert attachment.original_name == "检测报告.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.document_type == "test_report"
    download = client.get(reverse("programmes:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_html_renamed_pdf_is_refused_and_nothing_is_stored(client, applicant, draft):
    client.force_login(applicant)

    response = post_file(client, draft, upload("report.pdf", b"<html><script>x</script></html>"))

    assert "not a real PDF" in response.content.decode()
    assert not Attachment.objects.exists()


def test_oversize_file_is_refused(client, applicant, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(applicant)

    response = post_file(client, draft, upload("big.pdf", PDF + b"0" * 2048))

    assert "larger than the limit" in response.content.decode()
    assert not Attachment.objects.exists()


def test_path_traversal_name_is_stored_under_a_generated_name(client, applicant, draft):
    client.force_login(applicant)
    file = upload("x.pdf", PDF)
    file.name = "../../../etc/passwd.pdf"  # as a hostile client would send it

    post_file(client, draft, file)

    attachment = draft.attachments.get()
    stored = attachment.file.name
    assert stored.startswith(f"attachments/{draft.pk}/")
    assert ".." not in stored
    assert "passwd" not in stored
    assert stored.endswith(".pdf")
    assert attachment.original_name == "passwd.pdf"


def test_service_stores_a_traversal_name_under_a_generated_name(applicant, draft):
    # Django's upload handler already strips directories; the service must not rely on it.
    hostile = ContentFile(PDF, name="../../../etc/passwd.pdf")

    attachment = attachment_add(application=draft, actor=applicant, upload=hostile)

    assert attachment.file.name.startswith(f"attachments/{draft.pk}/")
    assert ".." not in attachment.file.name
    assert "passwd" not in attachment.file.name
    assert attachment.original_name == "passwd.pdf"
    assert Path(attachment.file.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))


def test_safe_original_name_drops_any_directory():
    assert safe_original_name("..\\..\\windows\\evil.docx") == "evil.docx"
    assert safe_original_name("/etc/passwd.pdf") == "passwd.pdf"
    assert safe_original_name("....") == "document"


def test_documents_cannot_be_added_once_submitted(client, applicant, enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    client.force_login(applicant)

    response = post_file(client, application, upload("late.pdf", PDF))

    assert "only while you may edit" in response.content.decode()
    assert not Attachment.objects.exists()


def test_another_enterprise_cannot_upload_or_download(client, other_applicant, draft):
    attachment = Attachment.objects.create(
        application=draft,
        file=upload("form.pdf", PDF),
        original_name="form.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    client.force_login(other_applicant)

    upload_response = client.post(
        reverse("programmes:attachment-upload", args=[draft.pk]),
        {"document_type": "other", "file": upload("x.pdf", PDF)},
    )
    download = client.get(reverse("programmes:attachment-download", args=[attachment.pk]))

    assert upload_response.status_code == 404
    assert download.status_code == 404
    assert draft.attachments.count() == 1


def test_a_draft_document_can_be_removed(client, applicant, draft):
    client.force_login(applicant)
    post_file(client, draft, upload("wrong.pdf", PDF))
    attachment = draft.attachments.get()

    client.post(
        reverse("programmes:attachment-remove", args=[draft.pk, attachment.pk]),
        {"confirmed": "yes"},
    )

    assert not draft.attachments.exists()
