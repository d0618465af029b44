"""Documents set as PDF: HTML templates rendered by WeasyPrint in Noto CJK, laid out after
GB/T 9704-2012 (A4, red header and rule, number, title, body, signature, date, the seal
over the date), with a QR code for the public verification page.

Rendering reads nothing but what it is given and the seal file: the same content gives
the same document. It fetches nothing from the network: every image is inline.
"""

import base64
import mimetypes
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Kind

TEMPLATES = {Kind.CERTIFICATE: "documents/pdf/certificate.html"}
DEFAULT_TEMPLATE = "documents/pdf/document.html"


def verification_url(code: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("documents:verify", args=[code])


def qr_svg_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0)


def seal_uri(name: str) -> str:
    """The seal file as a data URI; empty when there is none (the document is unsealed)."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        return ""
    media_type = mimetypes.guess_type(name)[0] or "image/png"
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


#: The width of the text area (GB/T 9704-2012: 156 mm) in points.
TEXT_WIDTH_PT = 156 / 25.4 * 72


def header_size(header: str) -> int:
    """The issuing body's header on one line: at most 36 pt, smaller for a long name (a
    very long one, at 20 pt, wraps).
    A Latin letter takes about half the width of a Chinese character."""
    width = sum(1.0 if ord(character) > 0x2E80 else 0.55 for character in header) or 1
    return max(20, min(36, int(TEXT_WIDTH_PT / width / 1.04)))


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (for the running banners in the page margins)."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", " ")
        # Never "</style>": the string sits inside the page's style element.
        .replace("<", "\\3c ")
        .replace(">", "\\3e ")
    )
    return f'"{escaped}"'


@dataclass
class Rendition:
    """One rendering of a document: which content, in which language, marked how."""

    kind: str
    content: dict
    number: str
    code: str = ""
    language: str = "zh-hans"
    draft: bool = False
    superseded_by: str = ""


def render_html(rendition: Rendition) -> str:
    texts = rendition.content[rendition.language]
    with translation.override(rendition.language):
        banners = []
        if rendition.superseded_by:
            banners.append(
                translation.gettext(
                    "Superseded by %(number)s: this document is no longer in force."
                )
                % {"number": rendition.superseded_by}
            )
        if rendition.draft:
            banners.append(
                translation.gettext("Draft: not issued, without a number and without force.")
            )
        if rendition.language != "zh-hans":
            banners.append(
                translation.gettext("English version; the Chinese original is authoritative.")
            )
        context = {
            "texts": texts,
            "kind": rendition.kind,
            "number": rendition.number,
            "draft": rendition.draft,
            "superseded_by": rendition.superseded_by,
            "banner": css_string(" · ".join(banners)) if banners else "",
            "qr": qr_svg_uri(verification_url(rendition.code)) if rendition.code else "",
            "verify_url": verification_url(rendition.code) if rendition.code else "",
            "code": rendition.code,
            "seal": seal_uri(rendition.content.get("seal", "")),
            "language": rendition.language,
            "header_size": header_size(texts["body"]["header"]),
        }
        return render_to_string(TEMPLATES.get(rendition.kind, DEFAULT_TEMPLATE), context)


def render_pdf(rendition: Rendition) -> bytes:
    # Imported here: loading WeasyPrint takes most of a second, which no other command or
    # page should pay.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Inline images only: nothing a document says can make the server fetch a URL.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=render_html(rendition), url_fetcher=fetcher).write_pdf()
