"""The document resource: what a document is and where its files are; never its content."""

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from ..models import Document
from ..rendering import verification_url

DOCUMENT_EXAMPLE = {
    "id": 31,
    "kind": "approval_notice",
    "number": "嘉经信〔2026〕12号",
    "title": "关于同意浙江示例丝绸有限公司“高性能纳米涂层材料”入选“2026年首批次新材料”的通知",
    "issuing_body": "嘉兴市经济和信息化局",
    "issued_on": "2026-09-28",
    "call": 5,
    "region": "330483",
    "application": 40,
    "enterprise": 12,
    "sha256": "9f2c1e0b7d4a5c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6",
    "in_force": True,
    "supersedes": None,
    "superseded_by": None,
    "pdf": "http://127.0.0.1:8000/api/v1/documents/31/pdf/",
    "sheet": None,
    "verification_url": "http://127.0.0.1:8000/verify/yPq3V0m7Zr2c8XkQe1Lw5NaT/",
}


@extend_schema_serializer(
    examples=[OpenApiExample("An approval notice", value=DOCUMENT_EXAMPLE, response_only=True)]
)
class DocumentSerializer(serializers.ModelSerializer):
    issuing_body = serializers.CharField(source="issuing_body.name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    in_force = serializers.SerializerMethodField()
    supersedes = serializers.SlugRelatedField(slug_field="number", read_only=True)
    superseded_by = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()
    sheet = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "number",
            "title",
            "issuing_body",
            "issued_on",
            "call",
            "region",
            "application",
            "enterprise",
            "sha256",
            "in_force",
            "supersedes",
            "superseded_by",
            "pdf",
            "sheet",
            "verification_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_in_force(self, document) -> bool:
        return document.successor is None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_superseded_by(self, document) -> str | None:
        successor = document.successor
        return successor.number if successor is not None else None

    @extend_schema_field(serializers.URLField())
    def get_pdf(self, document) -> str:
        return reverse("api:document-pdf", args=[document.pk], request=self.context.get("request"))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_sheet(self, document) -> str | None:
        if not document.sheet:
            return None
        return reverse(
            "api:document-sheet", args=[document.pk], request=self.context.get("request")
        )

    @extend_schema_field(serializers.URLField())
    def get_verification_url(self, document) -> str:
        return verification_url(document.code)
