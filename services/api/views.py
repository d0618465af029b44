"""``/api/v1/service-cases/``, ``problems/``, ``platforms/`` and ``events/``: read-only,
each list from ``services.access`` (out of scope answers 404 as missing)."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from .. import access
from ..models import Event, Platform, Problem, ServiceCase
from ..stats import with_settled_counts
from .filters import EventFilter, PlatformFilter, ProblemFilter, ServiceCaseFilter
from .serializers import (
    EventSerializer,
    PlatformSerializer,
    ProblemSerializer,
    ServiceCaseSerializer,
)

TAG = ["Enterprise services"]


def _scoped(what: str, scope: str):
    return extend_schema_view(
        list=extend_schema(tags=TAG, summary=f"List {what}", description=scope),
        retrieve=extend_schema(
            tags=TAG, summary=f"One of the {what}", description=scope + " 404 outside it."
        ),
    )


@_scoped(
    "service cases",
    "Visits, inspections and diagnoses: staff see every case, county officers those at "
    "enterprises of the regions they cover; nobody else any.",
)
class ServiceCaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ServiceCaseSerializer
    filterset_class = ServiceCaseFilter
    search_fields = ["enterprise__name", "department", "conducted_by"]
    ordering_fields = ["held_on", "id"]
    ordering = ["-held_on", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServiceCase.objects.none()
        return access.case_list(user=self.request.user)


@_scoped(
    "problems",
    "Problems raised by enterprises or at service cases: staff see every problem, county "
    "officers their regions', an enterprise's members its own, an owner those assigned "
    "to them. Moves are made on the portal's problem page.",
)
class ProblemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter
    search_fields = ["title", "enterprise__name", "department"]
    ordering_fields = ["raised_on", "due_on", "id"]
    ordering = ["-raised_on", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Problem.objects.none()
        return access.problem_list(user=self.request.user)


@_scoped(
    "innovation platforms",
    "Public facts every signed-in user with a role reads: announced counts beside the "
    "settlements on record, and the target.",
)
class PlatformViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter
    search_fields = ["name", "operator"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Platform.objects.none()
        return with_settled_counts(access.platform_list(user=self.request.user))


@_scoped(
    "events",
    "Release conferences and industry-chain docking sessions, with the enterprises and "
    "products presented, deals signed and the cases opened from them. Public facts every "
    "signed-in user with a role reads.",
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilter
    search_fields = ["title", "organiser", "place"]
    ordering_fields = ["held_on", "id"]
    ordering = ["-held_on", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return (
            access.event_list(user=self.request.user)
            .annotate(cases_opened=Count("cases"))
            .prefetch_related("presentations__enterprise")
        )
