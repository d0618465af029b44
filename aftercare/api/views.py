"""``/api/v1/obligations/``, ``/api/v1/insurance-qualifications/`` and
``/api/v1/insurance-claims/``: each list from ``aftercare.access``, each step through the
services and their flows; refusals in the one error shape (``core.api``)."""

from django.utils import timezone
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api import (
    AnonThrottle,
    Capability,
    ErrorSerializer,
    PageNumberPagination,
    ScopedThrottle,
    UserThrottle,
)

from .. import access
from ..flows import CLAIM_FLOW, OBLIGATION_FLOW
from ..models import InsuranceClaim, Obligation
from ..selectors import obligation_rows
from ..services import (
    claim_disburse,
    claim_file,
    claim_move,
    obligation_decide,
    obligation_record_inspection,
    obligation_report,
)
from .serializers import (
    CLAIM_EXAMPLE,
    OBLIGATION_EXAMPLE,
    ClaimCreateSerializer,
    ClaimSerializer,
    ClaimStepSerializer,
    ObligationSerializer,
    ObligationStepSerializer,
    QualificationSerializer,
    StepListSerializer,
)

SCOPE_NOTE = (
    "Scoped: staff see every record; county officers those of the projects filed in "
    "their regions; applicants those of their enterprises. A record outside your scope "
    "answers 404, as a missing one does."
)
STEPS_NOTE = (
    "GET lists the steps you may make now and those a rule holds back, with the reasons. "
    "POST makes one step; send `expected_status` (the status you saw) so that a step "
    "decided on a stale view is refused (409). A refused step writes nothing."
)


class ObligationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Obligation.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Obligation.Status.choices)
    overdue = django_filters.BooleanFilter(help_text="Past due and still waiting (true).")

    class Meta:
        model = Obligation
        fields = ["kind", "status", "overdue"]


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InsuranceClaim.Status.choices)
    year = django_filters.NumberFilter(min_value=2000, max_value=2100)

    class Meta:
        model = InsuranceClaim
        fields = ["status", "year"]


def _offers(flow, record, user) -> dict:
    def offer(step):
        return {
            "name": step.name,
            "label": str(step.label),
            "comment_required": step.comment_required,
        }

    return {
        "status": getattr(record, flow.status_field),
        "steps": [offer(step) for step in flow.available(record, user)],
        "held_back": [
            {**offer(step), "reasons": reasons} for step, reasons in flow.held_back(record, user)
        ],
    }


@extend_schema_view(
    list=extend_schema(
        tags=["Monitoring"],
        summary="List obligations in your scope",
        description="A funded project's progress reports, final acceptance, inspections, "
        "and the reports a designation's evaluation needs. " + SCOPE_NOTE,
        examples=[OpenApiExample("An acceptance", value=OBLIGATION_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(tags=["Monitoring"], summary="One obligation"),
)
class ObligationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ObligationSerializer
    throttle_scope = None  # the steps action sets its own
    pagination_class = PageNumberPagination
    filter_backends = [django_filters.DjangoFilterBackend]
    filterset_class = ObligationFilter

    def get_queryset(self):
        return obligation_rows(user=self.request.user, today=timezone.localdate()).order_by(
            "due_on", "pk"
        )

    @extend_schema(
        tags=["Monitoring"],
        summary="Steps of an obligation",
        description=STEPS_NOTE,
        request=ObligationStepSerializer,
        responses={200: StepListSerializer},
        methods=["GET"],
    )
    @extend_schema(
        tags=["Monitoring"],
        summary="Make a step of an obligation",
        description=STEPS_NOTE,
        request=ObligationStepSerializer,
        responses={200: ObligationSerializer},
        methods=["POST"],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        throttle_classes=[AnonThrottle, UserThrottle, ScopedThrottle],
        throttle_scope="transitions",
    )
    def steps(self, request, pk=None):
        obligation = self.get_object()
        if request.method == "GET":
            return Response(
                StepListSerializer(_offers(OBLIGATION_FLOW, obligation, request.user)).data
            )
        serializer = ObligationStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        step = data["step"]
        if step == "submit":
            obligation_report(
                obligation=obligation,
                actor=request.user,
                report=data["report"],
                self_assessment=data["self_assessment"],
                self_score=data["self_score"],
            )
        elif step == "record_inspection":
            if data["inspected_on"] is None:
                raise ValidationError({"inspected_on": ["The day of the inspection is needed."]})
            obligation_record_inspection(
                obligation=obligation,
                actor=request.user,
                inspected_on=data["inspected_on"],
                findings=data["findings"],
            )
        else:
            obligation_decide(
                obligation=obligation,
                actor=request.user,
                step=step,
                comment=data["comment"],
                expected_status=data.get("expected_status") or None,
            )
        return Response(ObligationSerializer(self.get_queryset().get(pk=obligation.pk)).data)


@extend_schema_view(
    list=extend_schema(
        tags=["Insurance"],
        summary="List insurance qualifications in your scope",
        description="A recognised first-batch product's qualification for premium "
        "compensation, valid for at most three years. " + SCOPE_NOTE,
    ),
    retrieve=extend_schema(tags=["Insurance"], summary="One insurance qualification"),
)
class QualificationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = QualificationSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self):
        return access.qualification_list(user=self.request.user).order_by("-valid_from", "-pk")


class MayFileClaims(Capability):
    message = "Only applicants and bureau staff file insurance claims."
    capability = "file_insurance_claims"
    may = staticmethod(access.may)


@extend_schema_view(
    list=extend_schema(
        tags=["Insurance"],
        summary="List insurance claims in your scope",
        description="Yearly claims against the premium paid: at most 80 % of it, awarded "
        "within the year's quota when the bureau approves. " + SCOPE_NOTE,
        examples=[OpenApiExample("An approved claim", value=CLAIM_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(tags=["Insurance"], summary="One insurance claim"),
    create=extend_schema(
        tags=["Insurance"],
        summary="File an insurance claim (a draft)",
        description="Multipart form data with the insurance policy and the proof of the "
        "premium payment (PDF, JPG or PNG, checked as application attachments are). A "
        "claim above 80 % of the premium is refused with the figures (400); then submit "
        "it with the `submit` step.",
        request={"multipart/form-data": ClaimCreateSerializer},
        responses={
            201: ClaimSerializer,
            415: OpenApiResponse(
                ErrorSerializer, description="The body is not multipart or form data."
            ),
        },
        examples=[
            OpenApiExample(
                "A claim for 2026",
                value={
                    "qualification": 3,
                    "year": 2026,
                    "premium_paid": "125000.55",
                    "requested_amount": "100000.44",
                },
                request_only=True,
                media_type="multipart/form-data",
            ),
            OpenApiExample(
                "The draft filed",
                value={
                    **CLAIM_EXAMPLE,
                    "status": "draft",
                    "awarded_amount": None,
                    "award_note": "",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    ),
)
class ClaimViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ClaimSerializer
    throttle_scope = None  # the steps action sets its own
    pagination_class = PageNumberPagination
    filter_backends = [django_filters.DjangoFilterBackend]
    filterset_class = ClaimFilter

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), MayFileClaims()]
        return [IsAuthenticated()]

    parser_classes = [*api_settings.DEFAULT_PARSER_CLASSES, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            access.claim_list(user=self.request.user)
            .select_related("qualification")
            .order_by("-year", "pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        qualification = (
            access.qualification_list(user=request.user).filter(pk=data["qualification"]).first()
        )
        if qualification is None:
            raise NotFound()
        claim = claim_file(
            qualification=qualification,
            actor=request.user,
            year=data["year"],
            premium_paid=data["premium_paid"],
            requested_amount=data["requested_amount"],
            policy=data.get("policy_file"),
            payment_proof=data.get("payment_proof"),
        )
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["Insurance"],
        summary="Steps of an insurance claim",
        description=STEPS_NOTE,
        request=ClaimStepSerializer,
        responses={200: StepListSerializer},
        methods=["GET"],
    )
    @extend_schema(
        tags=["Insurance"],
        summary="Make a step of an insurance claim",
        description=STEPS_NOTE
        + " `disburse` records the payment: `amount` (never above the award), `paid_on`.",
        request=ClaimStepSerializer,
        responses={200: ClaimSerializer},
        methods=["POST"],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        throttle_classes=[AnonThrottle, UserThrottle, ScopedThrottle],
        throttle_scope="transitions",
    )
    def steps(self, request, pk=None):
        claim = self.get_object()
        if request.method == "GET":
            return Response(StepListSerializer(_offers(CLAIM_FLOW, claim, request.user)).data)
        serializer = ClaimStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["step"] == "disburse":
            if data["amount"] is None:
                raise ValidationError({"amount": ["The amount paid is needed."]})
            claim_disburse(
                claim=claim,
                actor=request.user,
                amount=data["amount"],
                paid_on=data["paid_on"],
                reference=data["reference"],
            )
        else:
            claim_move(
                claim=claim,
                actor=request.user,
                step=data["step"],
                comment=data["comment"],
                expected_status=data.get("expected_status") or None,
            )
        claim.refresh_from_db()
        return Response(ClaimSerializer(claim).data)
