"""REST API v1 routes: the root (what the API offers), resources, tokens, the OpenAPI
schema and its Swagger UI (no CDN)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    schema,
    throttle_classes,
)
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import DefaultRouter

from aftercare.api.views import ClaimViewSet, ObligationViewSet, QualificationViewSet
from documents.api.views import DocumentViewSet
from enterprises.api.tokens import TokenObtainView, TokenViewSet
from enterprises.api.views import EnterpriseViewSet, IndustryViewSet, RegionViewSet
from programmes.api.views import (
    ApplicationViewSet,
    CallViewSet,
    DesignationViewSet,
    ProgrammeViewSet,
)
from services.api.views import (
    EventViewSet,
    PlatformViewSet,
    ProblemViewSet,
    ServiceCaseViewSet,
)

app_name = "api"


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([permissions.AllowAny])
@throttle_classes([])
@schema(None)
def api_not_found(request, *args, **kwargs):
    """Every path under /api/v1/ that names no endpoint (or an id that cannot be one)."""
    raise exceptions.NotFound()


router = DefaultRouter()
router.include_root_view = False
router.register("regions", RegionViewSet, basename="region")
router.register("industries", IndustryViewSet, basename="industry")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("calls", CallViewSet, basename="call")
router.register("applications", ApplicationViewSet, basename="application")
router.register("designations", DesignationViewSet, basename="designation")
router.register("documents", DocumentViewSet, basename="document")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register(
    "insurance-qualifications", QualificationViewSet, basename="insurance-qualification"
)
router.register("insurance-claims", ClaimViewSet, basename="insurance-claim")
router.register("service-cases", ServiceCaseViewSet, basename="service-case")
router.register("problems", ProblemViewSet, basename="problem")
router.register("platforms", PlatformViewSet, basename="platform")
router.register("events", EventViewSet, basename="event")
router.register("tokens", TokenViewSet, basename="token")


@api_view(["GET", "HEAD"])
@permission_classes([permissions.AllowAny])
@schema(None)
def api_root(request, format=None):  # noqa: A002 - DRF's name for the format suffix
    """What the API offers, open to anyone: each resource's list, the token exchange,
    the OpenAPI schema and its documentation (reading a resource needs a token)."""
    return Response(
        {
            "resources": {
                prefix: reverse(f"api:{basename}-list", request=request)
                for prefix, _viewset, basename in router.registry
            },
            "auth_token": reverse("api:token-obtain", request=request),
            "schema": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        }
    )


urlpatterns = [
    path("", api_root, name="root"),
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Any other path under /api/v1/ answers 404 in the error shape (without the final
    # slash, CommonMiddleware first redirects to the path with one). A line feed in the
    # path (an id sent as "%0A") is a character like any other, which "." is not.
    re_path(r"^[\s\S]*/$", api_not_found, name="not-found"),
]
