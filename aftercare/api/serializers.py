"""Shapes of aftercare's API: obligations, insurance qualifications and claims, and the
step a caller asks for. Serializers check shape only; the services decide."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from core.serializers import ValueModelSerializer

from ..flows import CLAIM_FLOW, OBLIGATION_FLOW
from ..models import InsuranceClaim, InsuranceQualification, Obligation

OBLIGATION_EXAMPLE = {
    "id": 12,
    "application": 345,
    "designation": None,
    "evaluation": None,
    "kind": "acceptance",
    "title": "项目验收",
    "due_on": "2026-12-31",
    "status": "submitted",
    "report": "项目已完成，设备全部投产。",
    "self_assessment": "产能提升 30%，达到绩效目标。",
    "self_score": "92.00",
    "inspected_on": None,
    "findings": "",
    "overdue": False,
}

CLAIM_EXAMPLE = {
    "id": 7,
    "qualification": 3,
    "year": 2026,
    "premium_paid": "125000.55",
    "requested_amount": "100000.44",
    "awarded_amount": "100000.44",
    "award_note": "in the order approved",
    "policy_file_name": "保单.pdf",
    "payment_proof_name": "保费发票.pdf",
    "status": "approved",
    "paid_amount": None,
    "paid_on": None,
    "payment_reference": "",
}

QUALIFICATION_EXAMPLE = {
    "id": 3,
    "application": 345,
    "insurer": "中国人民财产保险股份有限公司嘉兴市分公司",
    "policy_number": "PQAA202633040000000123",
    "valid_from": "2026-01-01",
    "valid_until": "2028-12-31",
    "status": "qualified",
}

STEPS_EXAMPLE = {
    "status": "submitted",
    "steps": [
        {"name": "accept", "label": "Accept", "comment_required": False},
        {"name": "return", "label": "Return for revision", "comment_required": True},
        {"name": "fail", "label": "Not accepted", "comment_required": True},
    ],
    "held_back": [],
}


@extend_schema_serializer(
    examples=[OpenApiExample("An acceptance", value=OBLIGATION_EXAMPLE, response_only=True)]
)
class ObligationSerializer(ValueModelSerializer):
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "application",
            "designation",
            "evaluation",
            "kind",
            "title",
            "due_on",
            "status",
            "report",
            "self_assessment",
            "self_score",
            "inspected_on",
            "findings",
            "overdue",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[OpenApiExample("A qualification", value=QUALIFICATION_EXAMPLE, response_only=True)]
)
class QualificationSerializer(ValueModelSerializer):
    class Meta:
        model = InsuranceQualification
        fields = [
            "id",
            "application",
            "insurer",
            "policy_number",
            "valid_from",
            "valid_until",
            "status",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[OpenApiExample("An approved claim", value=CLAIM_EXAMPLE, response_only=True)]
)
class ClaimSerializer(ValueModelSerializer):
    class Meta:
        model = InsuranceClaim
        fields = [
            "id",
            "qualification",
            "year",
            "premium_paid",
            "requested_amount",
            "awarded_amount",
            "award_note",
            "policy_file_name",
            "payment_proof_name",
            "status",
            "paid_amount",
            "paid_on",
            "payment_reference",
        ]
        read_only_fields = fields


class ClaimCreateSerializer(ValueModelSerializer):
    """A new claim, as multipart form data with the two files (PDF, JPG or PNG)."""

    qualification = serializers.IntegerField(min_value=1, max_value=2**53 - 1)
    policy_file = serializers.FileField(required=False)
    payment_proof = serializers.FileField(required=False)

    class Meta:
        model = InsuranceClaim
        fields = [
            "qualification",
            "year",
            "premium_paid",
            "requested_amount",
            "policy_file",
            "payment_proof",
        ]


class StepSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    expected_status = serializers.CharField(required=False, allow_blank=True, max_length=30)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Submit the acceptance report",
            value={
                "step": "submit",
                "expected_status": "due",
                "report": "项目已完成，设备全部投产。",
                "self_assessment": "产能提升 30%，达到绩效目标。",
                "self_score": "92.00",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Record an inspection",
            value={
                "step": "record_inspection",
                "expected_status": "due",
                "inspected_on": "2026-11-20",
                "findings": "设备已安装调试，与申报一致。",
            },
            request_only=True,
        ),
    ]
)
class ObligationStepSerializer(StepSerializer):
    """``submit`` takes the report (and for the acceptance the self-assessment and its
    score); ``record_inspection`` the day and findings; the others a comment."""

    step = serializers.ChoiceField(choices=list(OBLIGATION_FLOW.steps))
    report = serializers.CharField(required=False, allow_blank=True, default="", max_length=50000)
    self_assessment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=50000
    )
    self_score = serializers.DecimalField(
        required=False,
        allow_null=True,
        default=None,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    inspected_on = serializers.DateField(required=False, allow_null=True, default=None)
    findings = serializers.CharField(required=False, allow_blank=True, default="", max_length=50000)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Record the payment",
            value={
                "step": "disburse",
                "expected_status": "approved",
                "amount": "100000.44",
                "paid_on": "2026-12-01",
                "reference": "嘉财拨〔2026〕88",
            },
            request_only=True,
        ),
    ]
)
class ClaimStepSerializer(StepSerializer):
    """``disburse`` takes the amount paid, its day and reference; the others a comment."""

    step = serializers.ChoiceField(choices=list(CLAIM_FLOW.steps))
    amount = serializers.DecimalField(
        required=False,
        allow_null=True,
        default=None,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class StepOfferSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    comment_required = serializers.BooleanField()


class HeldBackSerializer(StepOfferSerializer):
    reasons = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(
    examples=[OpenApiExample("A submitted report", value=STEPS_EXAMPLE, response_only=True)]
)
class StepListSerializer(serializers.Serializer):
    status = serializers.CharField()
    steps = StepOfferSerializer(many=True)
    held_back = HeldBackSerializer(many=True)
