"""The documents as a reader sees them: A4 after GB/T 9704-2012 — the red header and rule,
the number, the title, the seal over the date, the QR code for the verification page —
in Chinese, with an English version; previews marked DRAFT; superseded copies marked."""

import hashlib
import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import segno
from PIL import Image

from documents.compose import Subject
from documents.models import AFTERCARE_KINDS, Document, DocumentCounter, Kind
from documents.rendering import Rendition, css_string, header_size, render_html
from documents.seal import sample_seal_png
from documents.services import document_issue, document_preview, document_reissue, rendering_for
from programmes.workflow import Status

from .conftest import application_in, pdf_text

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "documents"
ON = date(2026, 9, 28)


def pages(data: bytes, tmp_path, name: str) -> list[Image.Image]:
    """The pages as images (pdftoppm, 60 dpi); the first is kept under artifacts/documents/."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "document.pdf"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "60", str(source), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(images[0], SCREENSHOTS / f"{name}.png")
    return [Image.open(path).convert("RGB") for path in images]


def red_share(image: Image.Image, box) -> float:
    """The share of seal-red pixels (strong red, little green and blue) in ``box``."""
    region = image.crop(box)
    red = sum(1 for r, g, b in region.get_flattened_data() if r > 150 and g < 110 and b < 110)
    return red / (region.width * region.height)


@pytest.fixture
def documents_of_every_kind(
    bureau, county_body, city, product_call, designation_call, enterprise, other_enterprise
):
    applications = [
        application_in(
            product_call,
            owner,
            Status.IN_PUBLIC_NOTICE,
            requested_amount=Decimal("500000"),
            awarded_amount=Decimal("300000"),
        )
        for owner in (enterprise, other_enterprise)
    ]
    centre = application_in(designation_call, enterprise, Status.GRANTED)
    subjects = {
        Kind.PUBLIC_NOTICE: Subject(
            kind=Kind.PUBLIC_NOTICE, on=ON, call=product_call, applications=applications
        ),
        Kind.RESULTS_ANNOUNCEMENT: Subject(
            kind=Kind.RESULTS_ANNOUNCEMENT, on=ON, call=product_call, applications=applications
        ),
        Kind.COUNTY_LETTER: Subject(
            kind=Kind.COUNTY_LETTER,
            on=ON,
            call=product_call,
            region=enterprise.region,
            applications=applications[:1],
        ),
        Kind.COUNTY_SUMMARY: Subject(
            kind=Kind.COUNTY_SUMMARY,
            on=ON,
            call=product_call,
            region=enterprise.region,
            applications=applications[:1],
        ),
        Kind.APPROVAL_NOTICE: Subject(
            kind=Kind.APPROVAL_NOTICE, on=ON, application=applications[0]
        ),
        Kind.CERTIFICATE: Subject(kind=Kind.CERTIFICATE, on=ON, application=centre),
        Kind.WARNING_NOTICE: Subject(
            kind=Kind.WARNING_NOTICE, on=ON, application=centre, comment="评价得分62分，基本合格。"
        ),
        Kind.REVOCATION_NOTICE: Subject(
            kind=Kind.REVOCATION_NOTICE, on=ON, application=centre, comment="评价得分40分，不合格。"
        ),
    }
    return {kind: document_issue(subject=subject, actor=None) for kind, subject in subjects.items()}


# The documents after the decision are issued from their steps' records, and checked in
# test_aftercare_documents.py.
@pytest.mark.parametrize("kind", sorted(set(Kind.values) - AFTERCARE_KINDS))
def test_each_kind_shows_header_number_title_seal_and_qr_code(
    documents_of_every_kind, kind, tmp_path
):
    document = documents_of_every_kind[kind]
    data = document.pdf.read()
    text = pdf_text(data, tmp_path)
    flat = text.replace("\n", "").replace(" ", "")

    assert data.startswith(b"%PDF")
    assert document.number in flat
    assert document.content["zh-hans"]["title"].replace(" ", "")[:12] in flat
    assert document.issuing_body.name in flat
    assert "2026年9月28日" in flat
    assert f"/verify/{document.code}/" in flat
    # The red header at the top of the first page, the red seal below on the last.
    images = pages(data, tmp_path, kind)
    width, height = images[0].size
    assert red_share(images[0], (0, 0, width, height // 5)) > 0.01
    below_header = height // 5 if len(images) == 1 else 0
    assert red_share(images[-1], (width // 3, below_header, width, height)) > 0.004


def test_the_qr_code_names_the_verification_page(bureau, in_notice):
    document = document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=ON, application=in_notice), actor=None
    )
    html = render_html(
        Rendition(document.kind, document.content, document.number, code=document.code)
    )
    expected = segno.make(f"http://127.0.0.1:8000/verify/{document.code}/", error="m")

    assert expected.svg_data_uri(scale=4, border=0) in html


def test_the_english_version_is_set_from_the_issued_content(bureau, in_notice, tmp_path):
    document = document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=ON, application=in_notice), actor=None
    )
    in_notice.enterprise.name = "改名后的企业"
    in_notice.enterprise.save()

    english, filename = rendering_for(document, language="en")
    text = pdf_text(english, tmp_path)

    assert filename.endswith("-en.pdf")
    assert "Notice of approval" in text and "28 September 2026" in text
    assert "Chinese original is authoritative" in text
    assert "改名后的企业" not in text
    assert document.number in text


def test_a_preview_is_marked_draft_and_neither_numbered_nor_stored(bureau, in_notice, tmp_path):
    data = document_preview(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=ON, application=in_notice)
    )
    text = pdf_text(data, tmp_path)

    assert "样稿：未印发" in text
    assert "嘉经信〔2026〕" in text and "嘉经信〔2026〕1号" not in text
    assert "/verify/" not in text
    assert not Document.objects.exists()
    assert not DocumentCounter.objects.exists()


def test_a_correction_supersedes_and_the_old_pdf_then_says_so(bureau, in_notice, tmp_path):
    old = document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=ON, application=in_notice), actor=None
    )
    new = document_reissue(document=old, actor=None, reason="企业名称有误")

    old.refresh_from_db()
    assert old.successor == new and new.supersedes == old
    assert new.number != old.number and new.reason == "企业名称有误"
    served, _name = rendering_for(old)
    text = pdf_text(served, tmp_path)
    assert new.number in text and old.number in text
    assert Document.objects.current().get() == new
    # The issued file itself is untouched: its digest still names it.
    with old.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == old.sha256
    with pytest.raises(Exception, match="already superseded"):
        document_reissue(document=old, actor=None, reason="again")


def test_a_correction_needs_a_reason(bureau, in_notice):
    old = document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=ON, application=in_notice), actor=None
    )
    with pytest.raises(Exception, match="correction corrects"):
        document_reissue(document=old, actor=None, reason="  ")


def test_the_sample_seal_is_a_red_round_png_marked_sample():
    image = Image.open(io.BytesIO(sample_seal_png("嘉兴市经济和信息化局"))).convert("RGBA")

    assert image.size == (600, 600)
    assert image.getpixel((5, 5))[3] == 0  # transparent outside the ring
    assert image.getpixel((300, 35))[:3] == (218, 37, 29)  # the ring, in seal red
    # The word SAMPLE sits across the lower part of the seal.
    lower = image.crop((150, 470, 450, 530))
    assert sum(1 for pixel in lower.get_flattened_data() if pixel[3] > 0) > 500


def test_a_long_header_is_set_smaller_and_a_short_one_at_full_size():
    assert header_size("嘉经信文件") == 36
    assert 20 <= header_size("嘉兴市经济和信息化局文件") < 36


def test_banner_text_cannot_leave_the_style_element():
    assert "<" not in css_string('x</style><img src="http://evil">')
