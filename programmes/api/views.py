"""Endpoints for programmes, calls, applications (with their workflow) and designations.

Thin by design: every list comes from a selector (``programmes.selectors`` for a
signed-in caller's scope, ``programmes.selectors.public`` for anonymous callers),
every write from a service, every refusal from the services' own errors, which
``core.api.exception_handler`` turns into the one error shape.
"""

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api import (
    AnonThrottle,
    Capability,
    CursorPagination,
    ErrorSerializer,
    PreconditionFailed,
    PreconditionRequired,
    ScopedThrottle,
    UserThrottle,
    either_shape,
    etag,
    if_match_versions,
)

from .. import access
from ..access import (
    application_list,
    call_list,
    can_file_for,
    designation_list,
    programme_list,
    public_designations,
    public_results,
)
from ..exceptions import MoveStale
from ..models import Application, Call, Designation, Programme, Source
from ..selectors import application_details_fetch, applications_in_order
from ..services import application_create
from ..services.applicant import application_file, application_update
from ..services.workflow import application_move, available_moves
from ..translation import language_columns
from .filters import (
    ApplicationFilter,
    CallFilter,
    DesignationFilter,
    ProgrammeFilter,
    PublicApplicationFilter,
    PublicDesignationFilter,
    SubquerySearchFilter,
)
from .serializers import (
    APPLICATION_EXAMPLE,
    DESIGNATION_EXAMPLE,
    PUBLIC_APPLICATION_EXAMPLE,
    ApplicationCreateSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    CallSerializer,
    DesignationSerializer,
    ProgrammeSerializer,
    PublicApplicationSerializer,
    PublicDesignationSerializer,
    TransitionListSerializer,
    TransitionSerializer,
)


class _PublicOrScopedMixin:
    """Anonymous callers read the public subset; signed-in callers their scope.

    During schema generation (``swagger_fake_view``) the signed-in shape is documented.
    """

    public_filterset_class = None
    scoped_filterset_class = None
    public_search_fields: list[str] = []
    scoped_search_fields: list[str] = []

    @property
    def is_public(self) -> bool:
        if getattr(self, "swagger_fake_view", False):
            return False
        request = getattr(self, "request", None)
        return request is None or not request.user.is_authenticated

    @property
    def filterset_class(self):
        return self.public_filterset_class if self.is_public else self.scoped_filterset_class

    @property
    def search_fields(self):
        return self.public_search_fields if self.is_public else self.scoped_search_fields


# --- Programmes and calls ------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=["Programmes"],
        summary="List programmes",
        description=(
            "Open to everyone. Anonymous and non-staff callers see active programmes; "
            "bureau staff see all. Each programme carries its reward rules (yuan). Texts come "
            "in the reader's language (`Accept-Language: zh-hans` or `en`), or in the other "
            "when blank; `name_zh_hans` and `name_en` give each. `search` finds a programme "
            "by its name in either language."
        ),
        examples=[
            OpenApiExample(
                "Provincial designation programmes",
                summary="GET /api/v1/programmes/?kind=designation&level=provincial",
                value={
                    "id": 3,
                    "code": "zj-enterprise-research-institutes",
                    "name": "省级（重点）企业研究院",
                    "name_zh_hans": "省级（重点）企业研究院",
                    "name_en": "Provincial (key) enterprise research institutes (Zhejiang)",
                    "kind": "designation",
                    "level": "provincial",
                    "authority": "浙江省经济和信息化厅",
                    "region": "330000",
                    "description": "",
                    "eligibility": "",
                    "required_documents": "",
                    "source": "",
                    "is_active": True,
                    "reward_rules": [],
                },
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(tags=["Programmes"], summary="One programme"),
)
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    search_fields = ["code", *language_columns("name"), *language_columns("authority")]
    ordering_fields = ["code", "name", "kind", "level"]
    ordering = ["kind", "level", "code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Programme.objects.none()
        return (
            programme_list(user=self.request.user)
            .select_related("region")
            .prefetch_related("reward_rules")
        )


@extend_schema_view(
    list=extend_schema(
        tags=["Programmes"],
        summary="List calls (rounds)",
        description=(
            "Anonymous callers see the calls open today; signed-in callers every call of "
            "an active programme; staff every call. `is_open=true` or `open_on=2025-06-01` "
            "narrows to the calls taking applications. Titles come in the reader's language "
            "(`title_zh_hans` and `title_en` give each); `search` finds a call by its title or "
            "its programme's name in either language."
        ),
        examples=[
            OpenApiExample(
                "Open calls of 2025",
                summary="GET /api/v1/calls/?year=2025&is_open=true",
                value={
                    "id": 5,
                    "code": "jx-2025-first-batch-materials",
                    "title": "2025年首批次新材料申报",
                    "title_zh_hans": "2025年首批次新材料申报",
                    "title_en": "2025 first batch of new materials",
                    "programme": 1,
                    "programme_code": "zj-first-batch-new-materials",
                    "programme_name": "浙江省首批次新材料",
                    "kind": "product",
                    "year": 2025,
                    "opens_on": "2025-05-01",
                    "closes_on": "2025-06-30",
                    "is_open": True,
                    "budget": None,
                    "public_notice_days": 5,
                    "recommendation_quota": None,
                    "announced_on": None,
                    "announced_count": None,
                    "announced_amount": None,
                    "announcement": "",
                    "source": "",
                },
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(tags=["Programmes"], summary="One call"),
)
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = CallSerializer
    filterset_class = CallFilter
    search_fields = [
        "code",
        *language_columns("title"),
        *language_columns("programme__name"),
        "programme__code",
    ]
    ordering_fields = ["year", "code", "title", "opens_on", "closes_on"]
    ordering = ["-year", "programme", "code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Call.objects.none()
        return call_list(user=self.request.user, today=timezone.localdate()).select_related(
            "programme"
        )


# --- Applications ----------------------------------------------------------------------


class MayFileApplications(Capability):
    """Applicants (for their own enterprises) and bureau staff file applications."""

    message = gettext_lazy("Only applicants and bureau staff may file applications.")
    capability = "file_applications"
    may = staticmethod(access.may)


# The typed details are not joined (planning an eight-table join on every request costs
# more than fetching them): a list page fetches them per kind present; one application
# reads its own kind's only.
APPLICATION_RELATED = ("enterprise", "region", "call__programme")
SCOPE_NOTE = (
    "Signed in, you see your scope: staff everything; applicants their enterprises' "
    "applications; county officers the non-draft applications of their regions; experts "
    "those assigned to them. Anonymous callers see the published results only (in public "
    "notice, granted, warned or expired), in a shorter public shape without amounts."
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The workflow refused the move; nothing was changed.",
    examples=[
        OpenApiExample(
            "Illegal move",
            value={
                "status": 409,
                "code": "transition_refused",
                "message": "“Grant” is not possible while the application is “Draft”.",
                "fields": {},
            },
            response_only=True,
        )
    ],
)


ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="The application's version: send it back as `If-Match` with a move.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "The `ETag` of the application as you saw it when deciding. The move is made only "
        "while the application is still that version, else 412 and nothing changes. Send "
        "it, or `expected_status` in the body: a move with neither is refused with 428."
    ),
)
STALE = OpenApiResponse(
    ErrorSerializer,
    description=(
        "`If-Match` names a version that is no longer current (another decision came "
        "first): nothing was changed. Read the application again."
    ),
    examples=[
        OpenApiExample(
            "Decided by someone else first",
            value={
                "status": 412,
                "code": "precondition_failed",
                "message": "“高性能纳米涂层材料首批次申报” has changed since you opened it: it "
                "is now “Approved”. Nothing was done; look at it again before deciding.",
                "fields": {},
            },
            response_only=True,
        )
    ],
)
UNCONDITIONAL = OpenApiResponse(
    ErrorSerializer,
    description="Neither `If-Match` nor `expected_status` was sent: nothing was changed.",
)


#: Examples of both shapes of an application and a designation.
APPLICATION_SHAPE_EXAMPLES = [
    OpenApiExample("Signed in: the full shape", value=APPLICATION_EXAMPLE, response_only=True),
    OpenApiExample(
        "Anonymous: a published result", value=PUBLIC_APPLICATION_EXAMPLE, response_only=True
    ),
]
DESIGNATION_SHAPE_EXAMPLES = [
    OpenApiExample("Signed in: the full shape", value=DESIGNATION_EXAMPLE, response_only=True),
    OpenApiExample(
        "Anonymous: a published designation",
        value={
            key: value
            for key, value in DESIGNATION_EXAMPLE.items()
            if key not in {"enterprise", "certificate_number", "note"}
        },
        response_only=True,
    ),
]
#: Anonymous callers read the published results in a shorter shape.
APPLICATION_SHAPES = either_shape(
    "ApplicationOrPublished", ApplicationSerializer, PublicApplicationSerializer
)
DESIGNATION_SHAPES = either_shape(
    "DesignationOrPublished", DesignationSerializer, PublicDesignationSerializer
)


class ApplicationCursorPagination(CursorPagination):
    """Cursor pages of applications; a searched list's page, and every page on SQLite,
    is cut from the matching ids before their rows are read.

    A searched list's page is cut from the ids the search matched, then its rows are
    read by id with their joins, rather than joining every match of a common word
    before sorting. SQLite's planner looks up the joined rows of every matching
    application before sorting them, so on SQLite every page is cut from the ids;
    PostgreSQL walks the filter's index in order and stops at the page.
    """

    def paginate_queryset(self, queryset, request, view=None):
        searched = bool(request.query_params.get(api_settings.SEARCH_PARAM))
        if not (searched or connections[queryset.db].vendor == "sqlite"):
            return super().paginate_queryset(queryset, request, view)
        # The cursor reads its position from the ordering columns.
        bare = queryset.select_related(None).only("pk", *view.ordering_fields)
        page = super().paginate_queryset(bare, request, view)
        if page is None:
            return None
        # The ids come from the scoped, filtered and searched list; reading their rows by
        # id alone spares asking the filters and the search again.
        queryset = Application.objects.select_related(*APPLICATION_RELATED)
        return applications_in_order(queryset, [application.pk for application in page])


@extend_schema_view(
    list=extend_schema(
        tags=["Applications"],
        summary="List applications in your scope",
        responses=APPLICATION_SHAPES,
        description=(
            SCOPE_NOTE + " Cursor-paginated: follow `next`. `region=330400` includes every "
            "county of Jiaxing; `status` may repeat; amounts and dates take ranges."
        ),
        examples=[
            OpenApiExample(
                "Granted Jiaxing applications of 2023",
                summary="GET /api/v1/applications/?region=330400&status=granted&year=2023",
                value=APPLICATION_EXAMPLE,
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        tags=["Applications"],
        summary="One application",
        responses=APPLICATION_SHAPES,
        examples=APPLICATION_SHAPE_EXAMPLES,
        description=SCOPE_NOTE
        + " Answers 404 outside your scope. The `ETag` header names the version you read: "
        "send it as `If-Match` with a move.",
        parameters=[ETAG],
    ),
    create=extend_schema(
        tags=["Applications"],
        parameters=[ETAG],
        summary="File a draft application",
        description=(
            "Applicants file for an enterprise they act for, in a call that is open; bureau "
            "staff may file for any enterprise. Send the detail record of the call's kind "
            "(`product_detail`, `project_detail` or `designation_detail`). Status, awarded "
            "amount and source cannot be set: the draft then moves through "
            "`/applications/{id}/transitions/`."
        ),
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer},
        examples=[
            OpenApiExample(
                "A product recognition draft",
                value={
                    "enterprise": 12,
                    "call": 5,
                    "title": "高性能纳米涂层材料首批次申报",
                    "product_detail": {
                        "product_name": "高性能纳米涂层材料",
                        "tier": "provincial_first",
                        "technology_readiness_level": 8,
                    },
                },
                request_only=True,
            ),
            OpenApiExample(
                "The draft filed",
                value=APPLICATION_EXAMPLE | {"status": "draft", "submitted_at": None},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    ),
    partial_update=extend_schema(
        tags=["Applications"],
        parameters=[ETAG],
        summary="Change a draft or returned application",
        description=(
            "Applicants change their drafts and returned applications; staff any. Omitted "
            "fields keep their value. Status and awarded amount are not writable here."
        ),
        request=ApplicationUpdateSerializer,
        responses={200: ApplicationSerializer},
        examples=[
            OpenApiExample(
                "Raise the requested amount",
                value={
                    "requested_amount": "800000.00",
                    "project_detail": {"category": "product_rd"},
                },
                request_only=True,
            ),
            OpenApiExample(
                "The changed application",
                value=APPLICATION_EXAMPLE | {"status": "draft", "submitted_at": None},
                response_only=True,
            ),
        ],
    ),
)
class ApplicationViewSet(
    _PublicOrScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "head", "options"]
    pagination_class = ApplicationCursorPagination
    throttle_scope = None  # the transitions action sets its own
    public_filterset_class = PublicApplicationFilter
    scoped_filterset_class = ApplicationFilter
    filter_backends = [DjangoFilterBackend, SubquerySearchFilter, OrderingFilter]
    public_search_fields = [
        "title",
        "enterprise__name",
        "product_detail__product_name",
        "project_detail__project_name",
        "designation_detail__platform_name",
    ]
    scoped_search_fields = [*public_search_fields, "enterprise__unified_social_credit_code"]
    # Never-null columns only: a cursor position is the value of the first of them.
    ordering_fields = ["created_at", "id", "title"]
    ordering = ["-created_at", "-id"]

    def get_permissions(self):
        if self.action in {"list", "retrieve"}:
            return [AllowAny()]
        if self.action == "create":
            return [IsAuthenticated(), MayFileApplications()]
        return [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        user = self.request.user
        queryset = public_results() if self.is_public else application_list(user=user)
        return queryset.select_related(*APPLICATION_RELATED)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return page if page is None else application_details_fetch(page)

    def get_serializer_class(self):
        if self.is_public:
            return PublicApplicationSerializer
        if self.action == "create":
            return ApplicationCreateSerializer
        if self.action == "partial_update":
            return ApplicationUpdateSerializer
        return ApplicationSerializer

    def _answer(self, application, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(
            ApplicationSerializer(fresh).data,
            status=status_code,
            headers={"ETag": etag(fresh.version)},
        )

    def retrieve(self, request, *args, **kwargs):
        application = self.get_object()
        serializer = self.get_serializer(application)
        return Response(serializer.data, headers={"ETag": etag(application.version)})

    def create(self, request, *args, **kwargs):
        serializer = ApplicationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enterprise, user = data["enterprise"], request.user
        fields = {
            "enterprise": enterprise,
            "call": data["call"],
            "actor": user,
            "title": data["title"],
            "detail": data["detail"],
            "requested_amount": data.get("requested_amount"),
        }
        if can_file_for(user, enterprise):
            application = application_file(
                **fields,
                no_serious_violation_declared=data.get("no_serious_violation_declared", False),
            )
        else:
            # Bureau staff filing on an enterprise's behalf (checked by MayFileApplications
            # and by the enterprise field, which offers staff every enterprise).
            application = application_create(**fields, source=Source.ADMIN)
        return self._answer(application, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        serializer = ApplicationUpdateSerializer(
            instance=application, data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application_update(
            application=application,
            actor=request.user,
            title=data.get("title", application.title),
            detail=data["detail"],
            requested_amount=data.get("requested_amount", application.requested_amount),
            no_serious_violation_declared=data.get("no_serious_violation_declared"),
        )
        return self._answer(application)

    @extend_schema(
        methods=["GET"],
        tags=["Workflow"],
        parameters=[ETAG],
        summary="Moves open to you",
        description=(
            "The workflow moves you may make on this application now, in the order the "
            "workflow declares them. Moves marked `comment_required` need a comment."
        ),
        responses={200: TransitionListSerializer},
    )
    @extend_schema(
        methods=["POST"],
        tags=["Workflow"],
        summary="Make a workflow move",
        description=(
            "Performs one move through the workflow service: the row is locked, your role "
            "checked, the move recorded on the timeline and the applicant notified. A move "
            "that is not open to you now answers 409 with the reasons and changes nothing: the "
            "state, your role, a missing comment, or one of the move's guards (the call must "
            "be open and the filing complete to submit, the county's quota must have a place "
            "to recommend, the public notice must be over to grant; an `award` other than "
            "the reward rule's needs an `award_reason`). Say which version you "
            "decided on: the application's `ETag` as `If-Match` (412 when it has moved on "
            "since), or its status as `expected_status` (409 then). A move with neither is "
            "refused with 428."
        ),
        parameters=[IF_MATCH, ETAG],
        request=TransitionSerializer,
        responses={
            200: ApplicationSerializer,
            409: CONFLICT,
            412: STALE,
            428: UNCONDITIONAL,
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        throttle_classes=[AnonThrottle, UserThrottle, ScopedThrottle],
        throttle_scope="transitions",
    )
    def transitions(self, request, pk=None):
        application = self.get_object()
        if request.method == "GET":
            moves = available_moves(application=application, user=request.user)
            payload = {
                "application": application.pk,
                "status": application.status,
                "transitions": moves,
            }
            return Response(
                TransitionListSerializer(payload).data,
                headers={"ETag": etag(application.version)},
            )
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        versions = if_match_versions(request)
        expected_status = serializer.validated_data.get("expected_status")
        if versions is None and not expected_status:
            raise PreconditionRequired()
        try:
            application_move(
                application=application,
                actor=request.user,
                move=serializer.validated_data["transition"],
                comment=serializer.validated_data["comment"],
                expected_status=expected_status,
                expected_versions=versions,
                award=serializer.validated_data["award"],
                award_reason=serializer.validated_data["award_reason"],
            )
        except MoveStale as stale:
            if versions is None:
                raise
            raise PreconditionFailed(" ".join(stale.messages)) from stale
        return self._answer(application)


# --- Designations ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=["Designations"],
        summary="List designations",
        responses=DESIGNATION_SHAPES,
        examples=DESIGNATION_SHAPE_EXAMPLES,
        description=(
            "Titles conferred by granted designation applications (technology centres, "
            "research institutes, ...). Anonymous callers see published designations without "
            "certificate numbers or notes; signed-in callers those of their scope. "
            "`valid_on=2026-01-01` lists the designations in force that day."
        ),
    ),
    retrieve=extend_schema(
        tags=["Designations"],
        summary="One designation",
        description="Anonymous callers read a published designation in the public shape.",
        responses=DESIGNATION_SHAPES,
        examples=DESIGNATION_SHAPE_EXAMPLES,
    ),
)
class DesignationViewSet(_PublicOrScopedMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    public_filterset_class = PublicDesignationFilter
    scoped_filterset_class = DesignationFilter
    filter_backends = [DjangoFilterBackend, SubquerySearchFilter, OrderingFilter]
    public_search_fields = [
        "application__enterprise__name",
        "application__designation_detail__platform_name",
    ]
    scoped_search_fields = [*public_search_fields, "certificate_number"]
    ordering_fields = ["designated_on", "valid_until", "id"]
    ordering = ["-designated_on", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Designation.objects.none()
        if self.is_public:
            queryset = public_designations()
        else:
            queryset = designation_list(user=self.request.user)
        return queryset.select_related(
            "application__enterprise",
            "application__call__programme",
            "application__designation_detail",
        )

    def get_serializer_class(self):
        return PublicDesignationSerializer if self.is_public else DesignationSerializer
