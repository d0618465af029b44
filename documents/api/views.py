"""``/api/v1/documents/``: the documents in the caller's scope (``access.document_list``),
and each one's PDF and spreadsheet, downloads audited."""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny

from core.api import CursorPagination

from ..access import document_list
from ..compose import DOCUMENT_LANGUAGE, LANGUAGES
from ..models import Document
from ..services import document_download, document_sheet_download
from .filters import DocumentFilter
from .serializers import DOCUMENT_EXAMPLE, DocumentSerializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCOPE_NOTE = (
    "Scoped like the application a document concerns: staff see every document; "
    "applicants those addressed to their enterprises; county officers those of the "
    "applications filed in their regions and their counties' letters and summary tables. "
    "Everybody, signed in or not, sees the public notices and results announcements. "
    "An issued document never changes: a correction is a new document that supersedes "
    "it (`superseded_by`)."
)


class FileNegotiation(BaseContentNegotiation):
    """A file answer is the file itself, whatever the client accepts; an error answer is
    JSON in the one error shape (``core.api``), never labelled as the file's type."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _file(data: bytes, filename: str, media_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


LANGUAGE = OpenApiParameter(
    "language",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(LANGUAGES),
    description=(
        "`zh-hans` (default): the issued PDF, or once superseded its copy marked as such. "
        "`en`: the English version, set from the issued content."
    ),
)


@extend_schema_view(
    list=extend_schema(
        tags=["Documents"],
        summary="List documents in your scope",
        description=SCOPE_NOTE + " Cursor-paginated, newest first.",
        examples=[
            OpenApiExample(
                "Approval notices of 2026",
                summary="GET /api/v1/documents/?kind=approval_notice&year=2026",
                value=DOCUMENT_EXAMPLE,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        tags=["Documents"],
        summary="One document",
        description=SCOPE_NOTE + " Answers 404 outside your scope.",
    ),
)
class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    pagination_class = CursorPagination
    search_fields = ["number", "title"]
    ordering_fields = ["issued_at", "id"]
    ordering = ["-issued_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return document_list(user=self.request.user).select_related(
            "issuing_body", "region", "supersedes", "superseded_by"
        )

    @extend_schema(
        tags=["Documents"],
        summary="The document's PDF",
        description=(
            "The PDF of a document in your scope; each download is audited. The issued "
            "file's SHA-256 is the document's `sha256`."
        ),
        parameters=[LANGUAGE],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The PDF.",
                examples=[
                    OpenApiExample(
                        "A PDF",
                        value="%PDF-1.7 …",
                        media_type="application/pdf",
                        response_only=True,
                    )
                ],
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer],
        content_negotiation_class=FileNegotiation,
    )
    def pdf(self, request, pk=None):
        document = self.get_object()
        language = request.query_params.get("language", DOCUMENT_LANGUAGE)
        if language not in LANGUAGES:
            language = DOCUMENT_LANGUAGE
        try:
            data, filename = document_download(
                document=document, actor=request.user, via="API", language=language, request=request
            )
        except FileNotFoundError:
            raise Http404 from None
        return _file(data, filename, "application/pdf")

    @extend_schema(
        tags=["Documents"],
        summary="The summary table's spreadsheet",
        description=(
            "A county summary table (`kind=county_summary`) as xlsx, in the layout counties "
            "send; 404 for any other document."
        ),
        responses={
            (200, XLSX): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The spreadsheet.",
                examples=[
                    OpenApiExample("An xlsx file", value="PK…", media_type=XLSX, response_only=True)
                ],
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer],
        content_negotiation_class=FileNegotiation,
    )
    def sheet(self, request, pk=None):
        document = self.get_object()
        if not document.sheet:
            raise Http404
        try:
            data = document_sheet_download(
                document=document, actor=request.user, via="API", request=request
            )
        except FileNotFoundError:
            raise Http404 from None
        return _file(data, f"{document.number}.xlsx", XLSX)
