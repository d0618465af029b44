"""Read-only endpoints for regions, industries and enterprises; signed-in callers only."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api import CursorPagination

from ..access import enterprise_list
from ..models import Enterprise, Industry, Region
from .filters import EnterpriseFilter, IndustryFilter, RegionFilter
from .serializers import EnterpriseSerializer, IndustrySerializer, RegionSerializer

TAG = "Reference data"


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="List regions",
        description=(
            "The region tree (GB/T 2260): province, cities, county-level units and the "
            "development zones that recommend separately. Filter with `level`, `parent` "
            "(direct children) or `within` (a region and everything below it)."
        ),
        examples=[
            OpenApiExample(
                "Jiaxing's county-level units",
                summary="GET /api/v1/regions/?parent=330400",
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
        ],
    ),
    retrieve=extend_schema(tags=[TAG], summary="One region"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def get_queryset(self):
        return Region.objects.select_related("parent")


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="List industries",
        description=(
            "GB/T 4754-2017 categories: sections (letters), divisions, groups and classes. "
            "`within=C17` gives textiles and every category below it."
        ),
    ),
    retrieve=extend_schema(tags=[TAG], summary="One industry"),
)
class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndustrySerializer
    filterset_class = IndustryFilter
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def get_queryset(self):
        return Industry.objects.select_related("parent")


@extend_schema_view(
    list=extend_schema(
        tags=["Enterprises"],
        summary="List enterprises in your scope",
        description=(
            "Staff see every enterprise; applicants the enterprises they act for; county "
            "officers those registered in their regions; experts those whose applications "
            "they review. Cursor-paginated: follow `next` and `previous`. `region=330400` "
            "includes every county of Jiaxing; `industry=C17` every textile class."
        ),
    ),
    retrieve=extend_schema(
        tags=["Enterprises"],
        summary="One enterprise in your scope",
        description="Answers 404 for an enterprise outside your scope.",
    ),
)
class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    pagination_class = CursorPagination
    search_fields = ["name", "name_en", "unified_social_credit_code"]
    # Never-null columns only: a cursor position is the value of the first of them.
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enterprise.objects.none()
        return enterprise_list(user=self.request.user).select_related("region", "industry")
