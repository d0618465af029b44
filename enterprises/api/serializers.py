"""Serializers for regions, industries and enterprises: read-only shapes, codes for references."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from ..models import Enterprise, Industry, Region


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Haining",
            value={
                "id": 8,
                "code": "330481",
                "name": "海宁市",
                "name_en": "Haining",
                "level": "county_city",
                "parent": "330400",
                "is_statistical_code": True,
            },
            response_only=True,
        )
    ]
)
class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "name_en", "level", "parent", "is_statistical_code"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Silk reeling",
            value={
                "id": 31,
                "code": "1741",
                "name": "缫丝加工",
                "name_en": "Silk reeling",
                "level": "class",
                "parent": "174",
            },
            response_only=True,
        )
    ]
)
class IndustrySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Industry
        fields = ["id", "code", "name", "name_en", "level", "parent"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A silk enterprise in Haining",
            value={
                "id": 12,
                "name": "浙江示例丝绸有限公司",
                "name_en": "Zhejiang Example Silk Co., Ltd.",
                "unified_social_credit_code": "91330481MA2B12345X",
                "region": "330481",
                "region_name": "海宁市",
                "industry": "1741",
                "industry_name": "缫丝加工",
                "address": "海宁市示例路1号",
                "legal_representative": "张三",
                "contact_name": "李四",
                "contact_phone": "13800000000",
                "contact_email": "office@example.com",
                "above_designated_size": True,
                "description": "",
                "source": "",
                "created_at": "2025-03-01T09:30:00+08:00",
                "updated_at": "2025-03-01T09:30:00+08:00",
            },
            response_only=True,
        )
    ]
)
class EnterpriseSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region_name = serializers.CharField(
        source="region.name", read_only=True, default=None, allow_null=True
    )
    industry = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    industry_name = serializers.CharField(
        source="industry.name", read_only=True, default=None, allow_null=True
    )
    # Often blank: a plain string, so that the schema does not promise an email format.
    contact_email = serializers.CharField(read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "name_en",
            "unified_social_credit_code",
            "region",
            "region_name",
            "industry",
            "industry_name",
            "address",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "contact_email",
            "above_designated_size",
            "description",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
