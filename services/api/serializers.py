"""The services' resources: what a case, problem, platform or event is, read-only."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from ..models import Event, EventPresentation, Platform, Problem, ServiceCase

SERVICECASE_EXAMPLE = {
    "id": 12,
    "kind": "inspection",
    "enterprise": "KPT New Materials Company",
    "region": "330225",
    "held_on": "2026-03-02",
    "place": "",
    "department": "Science and technology section",
    "conducted_by": "Two officers of the county bureau",
    "programme": None,
    "plan": None,
    "event": None,
    "summary": "",
    "source": "",
}


@extend_schema_serializer(
    examples=[OpenApiExample("ServiceCase", value=SERVICECASE_EXAMPLE, response_only=True)]
)
class ServiceCaseSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="enterprise.region.code", read_only=True)
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ServiceCase
        fields = [
            "id",
            "kind",
            "enterprise",
            "region",
            "held_on",
            "place",
            "department",
            "conducted_by",
            "programme",
            "plan",
            "event",
            "summary",
            "source",
        ]


PROBLEM_EXAMPLE = {
    "id": 40,
    "enterprise": "KPT New Materials Company",
    "region": "330225",
    "case": 12,
    "category": "financing",
    "title": "Short of capital for research and development",
    "description": "",
    "status": "assigned",
    "department": "County finance office",
    "owner": "demo-officer",
    "due_on": "2026-04-01",
    "resolution": "",
    "resolved_on": None,
    "confirmed_on": None,
    "raised_on": "2026-03-02",
}


@extend_schema_serializer(
    examples=[OpenApiExample("Problem", value=PROBLEM_EXAMPLE, response_only=True)]
)
class ProblemSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="enterprise.region.code", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True, allow_null=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "enterprise",
            "region",
            "case",
            "category",
            "title",
            "description",
            "status",
            "department",
            "owner",
            "due_on",
            "resolution",
            "resolved_on",
            "confirmed_on",
            "raised_on",
        ]


PLATFORM_EXAMPLE = {
    "id": 1,
    "name": "37°Bay Xiangshan Technological Innovation Center",
    "kind": "integrated",
    "operator": "",
    "region": "330225",
    "opened_on": None,
    "announced_settled": 65,
    "announced_technological": 40,
    "settled_on_record": 0,
    "technological_on_record": 0,
    "target_projects": 150,
    "target_years": 3,
    "target_from": None,
    "source": "Xiangshan focuses on technological innovation work",
}


@extend_schema_serializer(
    examples=[OpenApiExample("Platform", value=PLATFORM_EXAMPLE, response_only=True)]
)
class PlatformSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Counted with the list's query (``stats.with_settled_counts``).
    settled_on_record = serializers.IntegerField(read_only=True)
    technological_on_record = serializers.IntegerField(read_only=True)

    class Meta:
        model = Platform
        fields = [
            "id",
            "name",
            "kind",
            "operator",
            "region",
            "opened_on",
            "announced_settled",
            "announced_technological",
            "settled_on_record",
            "technological_on_record",
            "target_projects",
            "target_years",
            "target_from",
            "source",
        ]


class PresentationSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = EventPresentation
        fields = ["enterprise", "products"]


EVENT_EXAMPLE = {
    "id": 3,
    "kind": "release_conference",
    "title": "New products and technologies release conference",
    "held_on": "2026-04-15",
    "place": "Jiaxing",
    "organiser": "Jiaxing Municipal Bureau of Economy and Information Technology",
    "region": "330400",
    "presentations": [
        {
            "enterprise": "Zhejiang Zhaohui Filter Technology Co Ltd",
            "products": "Nanoscale coated materials",
        }
    ],
    "deals_signed": 2,
    "cases_opened": 1,
    "follow_up": "",
    "source": "",
}


@extend_schema_serializer(
    examples=[OpenApiExample("Event", value=EVENT_EXAMPLE, response_only=True)]
)
class EventSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    presentations = PresentationSerializer(many=True, read_only=True)
    cases_opened = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "title",
            "held_on",
            "place",
            "organiser",
            "region",
            "presentations",
            "deals_signed",
            "cases_opened",
            "follow_up",
            "source",
        ]
