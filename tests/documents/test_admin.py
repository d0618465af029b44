"""Documents in admin: the list and its filters, preview before the move, corrections,
and the issuing bodies with their seals (checked as images)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents.compose import Subject
from documents.models import Document, DocumentCounter, IssuingBody, Kind
from documents.seal import sample_seal_png
from documents.services import document_issue
from programmes.workflow import Status

from .conftest import application_in, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(bureau, in_notice):
    return document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=date(2026, 9, 28), application=in_notice),
        actor=None,
    )


def test_staff_list_documents_and_filter_them(client, staff, notice):
    client.force_login(staff)

    page = client.get("/admin/documents/document/").content.decode()
    assert notice.number in page
    filtered = client.get("/admin/documents/document/?kind__exact=certificate").content.decode()
    assert notice.number not in filtered
    assert (
        notice.number
        in client.get(
            f"/admin/documents/document/?year__exact=2026&call__id__exact={notice.call_id}"
        ).content.decode()
    )


def test_an_issued_document_has_no_change_or_delete_in_admin(client, staff, notice):
    client.force_login(staff)

    response = client.post(
        f"/admin/documents/document/{notice.pk}/change/", {"title": "改过的标题"}
    )
    assert response.status_code == 403
    assert (
        client.post(f"/admin/documents/document/{notice.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    notice.refresh_from_db()
    assert notice.title != "改过的标题"


def test_a_preview_is_a_draft_pdf_and_stores_nothing(client, staff, bureau, in_notice, tmp_path):
    client.force_login(staff)

    response = client.get(
        "/admin/documents/document/preview/",
        {"kind": Kind.APPROVAL_NOTICE, "application": in_notice.pk, "language": "zh-hans"},
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "样稿：未印发" in pdf_text(response.content, tmp_path)
    assert not Document.objects.exists() and not DocumentCounter.objects.exists()


def test_a_public_notice_is_previewed_with_the_approved_applications(
    client, staff, bureau, product_call, enterprise, tmp_path
):
    application_in(product_call, enterprise, Status.APPROVED)
    client.force_login(staff)

    response = client.get(
        "/admin/documents/document/preview/",
        {"kind": Kind.PUBLIC_NOTICE, "call": product_call.pk, "language": "zh-hans"},
    )

    assert enterprise.name in pdf_text(response.content, tmp_path)


def test_officers_may_neither_preview_nor_correct(client, officer, notice):
    client.force_login(officer)

    assert client.get("/admin/documents/document/preview/").status_code == 403
    assert (
        client.post(f"/admin/documents/document/{notice.pk}/reissue/", {"reason": "x"}).status_code
        == 403
    )
    assert not Document.objects.filter(supersedes=notice).exists()


def test_staff_issue_a_correction_that_supersedes(client, staff, notice):
    client.force_login(staff)

    assert (
        "Issue a correction"
        in client.get(f"/admin/documents/document/{notice.pk}/change/").content.decode()
    )
    refused = client.post(f"/admin/documents/document/{notice.pk}/reissue/", {"reason": ""})
    assert refused.status_code == 200 and not Document.objects.filter(supersedes=notice).exists()

    response = client.post(
        f"/admin/documents/document/{notice.pk}/reissue/", {"reason": "企业名称有误"}
    )

    correction = Document.objects.get(supersedes=notice)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/documents/document/{correction.pk}/change/")
    assert correction.issued_by == staff and correction.reason == "企业名称有误"


def _png(size=(400, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (218, 37, 29, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def body_form(seal: SimpleUploadedFile, **fields):
    return {
        "name": "海盐县经济和信息化局",
        "header": "海盐县经济和信息化局",
        "prefix": "盐经信",
        "signature": "海盐县经济和信息化局",
        "seal": seal,
        **fields,
    }


def test_staff_upload_a_seal_checked_as_an_image(client, staff):
    client.force_login(staff)

    response = client.post(
        "/admin/documents/issuingbody/add/",
        body_form(SimpleUploadedFile("seal.png", sample_seal_png("海盐县经济和信息化局"))),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    body = IssuingBody.objects.get(prefix="盐经信")
    assert body.seal.name.startswith("seals/") and body.seal.name.endswith(".png")
    seal = client.get(f"/admin/documents/issuingbody/{body.pk}/seal/")
    assert seal.status_code == 200 and seal["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "name, data",
    [
        ("seal.png", b"<svg onload='alert(1)'></svg>"),
        ("seal.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("seal.png", _png((600, 200))),
        ("seal.png", _png((40, 40))),
    ],
    ids=["not-an-image", "svg", "not-square", "too-small"],
)
def test_a_seal_that_is_not_a_proper_image_is_refused(client, staff, name, data):
    client.force_login(staff)

    response = client.post(
        "/admin/documents/issuingbody/add/", body_form(SimpleUploadedFile(name, data))
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not IssuingBody.objects.filter(prefix="盐经信").exists()


def test_issuing_bodies_are_kept_by_staff_alone(client, officer, bureau):
    client.force_login(officer)

    assert client.get("/admin/documents/issuingbody/").status_code == 403
    assert client.get(f"/admin/documents/issuingbody/{bureau.pk}/seal/").status_code in {
        302,
        403,
        404,
    }


def test_a_body_that_issued_documents_cannot_be_deleted(client, staff, notice, bureau):
    client.force_login(staff)

    client.post(f"/admin/documents/issuingbody/{bureau.pk}/delete/", {"post": "yes"})

    assert IssuingBody.objects.filter(pk=bureau.pk).exists()


def test_staff_find_a_document_by_its_number(client, staff, notice):
    client.force_login(staff)

    page = client.get("/admin/documents/document/", {"q": notice.number}).content.decode()

    assert notice.number in page
