"""Portal pages of the documents: the public verification page, and each user's documents.

Every download is scoped (``access.document_list``; the verification page's to whoever
holds the code the document prints) and audited.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from .access import document_list
from .compose import DOCUMENT_LANGUAGE, LANGUAGES
from .models import Document, Kind
from .services import document_download, document_sheet_download

#: A PDF larger than this is not one the bureau issued; the page refuses to read it.
VERIFY_MAX_BYTES = 20 * 1024 * 1024
PER_PAGE = 50


def reader_reads_english() -> bool:
    return (translation.get_language() or "").startswith("en")


def asked_language(request) -> str:
    """The language of a download: the Chinese original unless ``?language=en`` asks for
    the English version."""
    asked = request.GET.get("language", "")
    return asked if asked in LANGUAGES else DOCUMENT_LANGUAGE


def _pdf_response(request, document: Document, *, via: str) -> HttpResponse:
    try:
        pdf, filename = document_download(
            document=document,
            actor=request.user,
            via=via,
            language=asked_language(request),
            request=request,
        )
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = _disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _disposition(filename: str) -> str:
    return content_disposition_header(True, filename)


def _verification(document: Document, digest: str | None) -> str | None:
    """What a dropped file is, against ``document``: genuine, superseded or not it."""
    if digest is None:
        return None
    successor = document.successor
    if digest == document.sha256 or (
        successor is not None and digest == successor.superseded_copy_sha256
    ):
        return "superseded" if successor is not None else "genuine"
    return "unknown"


def _digest_of(upload) -> str | None:
    if upload is None or upload.size > VERIFY_MAX_BYTES:
        return None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, code):
    """Public: what the document with this code says of itself, and whether a file is it."""
    document = (
        Document.objects.select_related("issuing_body", "superseded_by").filter(code=code).first()
    )
    if document is None:
        raise Http404
    result = too_large = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        too_large = upload is not None and upload.size > VERIFY_MAX_BYTES
        result = _verification(document, _digest_of(upload)) if upload else None
    english = reader_reads_english()
    texts = document.content.get("en" if english else DOCUMENT_LANGUAGE, {})
    response = render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "texts": texts,
            "successor": document.successor,
            "result": result,
            "too_large": too_large,
            "english": english,
        },
    )
    # The code is the only key: never cached by a shared cache, never sent onwards.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def verify_pdf(request, code):
    """Public to whoever holds the code: the document's PDF (its marked copy once
    superseded)."""
    document = Document.objects.filter(code=code).first()
    if document is None:
        raise Http404
    return _pdf_response(request, document, via="verification page")


@login_required
def document_pdf(request, pk):
    document = document_list(user=request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return _pdf_response(request, document, via="portal")


@login_required
def document_sheet(request, pk):
    """The spreadsheet of a county's summary table."""
    document = document_list(user=request.user).filter(pk=pk).exclude(sheet="").first()
    if document is None:
        raise Http404
    try:
        data = document_sheet_download(
            document=document, actor=request.user, via="portal", request=request
        )
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _disposition(f"{document.number}.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_documents(request):
    """The documents the user may see, newest first; ``?kind=`` narrows them."""
    documents = document_list(user=request.user).select_related(
        "issuing_body", "superseded_by", "application", "enterprise"
    )
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        documents = documents.filter(kind=kind)
    page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/list.html",
        {
            "page": page,
            "kinds": Kind.choices,
            "kind": kind,
            "english": reader_reads_english(),
        },
    )
