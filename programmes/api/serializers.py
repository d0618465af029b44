"""Serializers for programmes, calls, applications and designations.

They validate shape only; views hand validated data to the services. Fields an
applicant may not set — status, awarded amount, dates, source, region — are
read-only everywhere in the API: decisions go through the workflow endpoints,
awards through the bureau's tools. Anonymous callers get the ``Public…``
serializers, which carry nothing private (no amounts, contacts or comments).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.serializers import MoneyField, ValueModelSerializer
from enterprises.models import Enterprise

from ..access import call_list, filing_enterprise_list
from ..models import (
    DETAIL_RELATIONS,
    Application,
    Call,
    Designation,
    DesignationDetail,
    Kind,
    ProductDetail,
    Programme,
    ProjectDetail,
    RewardRule,
)
from ..workflow import MOVES, Status

# --- Programmes and calls ----------------------------------------------------------


# Texts kept in two languages (programmes/translation.py) are given in the reader's
# language (Accept-Language, or the language cookie), or in the other when that one is
# blank: `name`, `title`, `label`, `description` … The names, titles and labels are also
# given in each language (`name_zh_hans`, `name_en`; blank when not given).


class RewardRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RewardRule
        fields = ["tier", "label", "label_zh_hans", "label_en", "amount", "policy"]
        read_only_fields = fields


PROGRAMME_EXAMPLE = {
    "id": 3,
    "code": "zj-enterprise-research-institutes",
    "name": "省级（重点）企业研究院",
    "name_zh_hans": "省级（重点）企业研究院",
    "name_en": "Provincial (key) enterprise research institutes (Zhejiang)",
    "kind": "designation",
    "level": "provincial",
    "authority": "浙江省经济和信息化厅",
    "region": "330000",
    "description": "嘉兴市对新认定的省级重点企业研究院奖励300万元，对省级企业研究院奖励100万元。",
    "eligibility": "",
    "required_documents": "",
    "source": "",
    "is_active": True,
    "reward_rules": [
        {
            "tier": "provincial_key",
            "label": "新认定的省级重点企业研究院",
            "label_zh_hans": "新认定的省级重点企业研究院",
            "label_en": "Newly recognised provincial-level key enterprise research institute",
            "amount": "3000000.00",
            "policy": "嘉兴市2024年政策",
        }
    ],
}

PROGRAMME_EXAMPLE_EN = {
    **PROGRAMME_EXAMPLE,
    "name": PROGRAMME_EXAMPLE["name_en"],
    "description": (
        "Jiaxing rewards newly recognised provincial-level key enterprise research institutes "
        "with 3 million yuan and provincial-level enterprise research institutes with 1 "
        "million yuan."
    ),
    "reward_rules": [
        {
            **PROGRAMME_EXAMPLE["reward_rules"][0],
            "label": PROGRAMME_EXAMPLE["reward_rules"][0]["label_en"],
            "policy": "Jiaxing policy of 2024",
        }
    ],
}


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A designation programme, read in Chinese",
            description="`Accept-Language: zh-hans`: the texts in Chinese.",
            value=PROGRAMME_EXAMPLE,
            response_only=True,
        ),
        OpenApiExample(
            "The same, read in English",
            description="`Accept-Language: en`: the texts in English; "
            "`name_zh_hans` and `name_en` are the same in both.",
            value=PROGRAMME_EXAMPLE_EN,
            response_only=True,
        ),
    ]
)
class ProgrammeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    reward_rules = RewardRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "name_zh_hans",
            "name_en",
            "kind",
            "level",
            "authority",
            "region",
            "description",
            "eligibility",
            "required_documents",
            "source",
            "is_active",
            "reward_rules",
        ]
        read_only_fields = fields


CALL_EXAMPLE = {
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
}


@extend_schema_serializer(
    examples=[OpenApiExample("An open call", value=CALL_EXAMPLE, response_only=True)]
)
class CallSerializer(serializers.ModelSerializer):
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    kind = serializers.ChoiceField(source="programme.kind", choices=Kind.choices, read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "code",
            "title",
            "title_zh_hans",
            "title_en",
            "programme",
            "programme_code",
            "programme_name",
            "kind",
            "year",
            "opens_on",
            "closes_on",
            "is_open",
            "budget",
            "public_notice_days",
            "recommendation_quota",
            "announced_on",
            "announced_count",
            "announced_amount",
            "announcement",
            "source",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_open(self, call) -> bool:
        return call.is_open(timezone.localdate())


# --- Application details, one per kind ----------------------------------------------


class ProductDetailSerializer(ValueModelSerializer):
    class Meta:
        model = ProductDetail
        exclude = ["id", "application"]


class ProjectDetailSerializer(ValueModelSerializer):
    class Meta:
        model = ProjectDetail
        exclude = ["id", "application"]

    def validate(self, attrs):
        starts, ends = attrs.get("starts_on"), attrs.get("ends_on")
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_on": [_("The project cannot end before it starts.")]}
            )
        return attrs


class DesignationDetailSerializer(ValueModelSerializer):
    class Meta:
        model = DesignationDetail
        exclude = ["id", "application"]


# --- Applications -----------------------------------------------------------------


class StatusLabelField(serializers.CharField):
    """The status's label in the request's language, from a dict built once per response.

    ``get_status_display`` rebuilds a hashed dict of every choice (a translation
    lookup per label) on each call: a quarter of a 100-row list's time.
    """

    def __init__(self, **kwargs):
        super().__init__(source="status", read_only=True, **kwargs)

    def to_representation(self, value):
        labels = self.__dict__.get("_labels")
        if labels is None:  # once per response, in the language active while rendering
            labels = self._labels = {status: str(label) for status, label in Status.choices}
        return labels.get(value, value)


APPLICATION_EXAMPLE = {
    "id": 42,
    "enterprise": 12,
    "enterprise_name": "浙江示例新材料有限公司",
    "call": 5,
    "call_code": "jx-2025-first-batch-materials",
    "programme": 1,
    "programme_code": "zj-first-batch-new-materials",
    "kind": "product",
    "title": "高性能纳米涂层材料首批次申报",
    "headline": "高性能纳米涂层材料",
    "status": "submitted",
    "status_label": "Submitted",
    "region": "330481",
    "region_name": "海宁市",
    "submitted_at": "2025-05-20T10:00:00+08:00",
    "decided_at": None,
    "requested_amount": None,
    "awarded_amount": None,
    "no_serious_violation_declared": False,
    "source": "portal",
    "source_note": "",
    "created_at": "2025-05-18T09:12:00+08:00",
    "updated_at": "2025-05-20T10:00:00+08:00",
    "product_detail": {
        "product_name": "高性能纳米涂层材料",
        "tier": "provincial_first",
        "technology_readiness_level": 8,
        "key_indicators": "耐腐蚀性能国内领先",
        "intellectual_property": "发明专利 ZL2023xxxxxxx",
        "first_sold_on": "2024-11-01",
    },
    "project_detail": None,
    "designation_detail": None,
}


#: A granted application as anonymous callers read it.
PUBLIC_APPLICATION_EXAMPLE = {
    "id": 42,
    "enterprise_name": "浙江示例新材料有限公司",
    "region": "330481",
    "region_name": "海宁市",
    "programme_code": "zj-first-batch-new-materials",
    "programme_name": "浙江省首批次新材料",
    "call_code": "jx-2025-first-batch-materials",
    "year": 2025,
    "kind": "product",
    "headline": "高性能纳米涂层材料",
    "status": "granted",
    "status_label": "Granted",
    "decided_at": "2025-09-30T16:00:00+08:00",
}


@extend_schema_serializer(
    examples=[
        OpenApiExample("A product application", value=APPLICATION_EXAMPLE, response_only=True)
    ]
)
class ApplicationSerializer(serializers.ModelSerializer):
    """An application in the caller's scope, with the detail record of its kind."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    call_code = serializers.CharField(source="call.code", read_only=True)
    programme = serializers.IntegerField(source="call.programme_id", read_only=True)
    programme_code = serializers.CharField(source="call.programme.code", read_only=True)
    headline = serializers.CharField(read_only=True)
    status_label = StatusLabelField()
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region_name = serializers.CharField(
        source="region.name", read_only=True, default=None, allow_null=True
    )
    product_detail = serializers.SerializerMethodField()
    project_detail = serializers.SerializerMethodField()
    designation_detail = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "call",
            "call_code",
            "programme",
            "programme_code",
            "kind",
            "title",
            "headline",
            "status",
            "status_label",
            "region",
            "region_name",
            "submitted_at",
            "decided_at",
            "requested_amount",
            "awarded_amount",
            "no_serious_violation_declared",
            "source",
            "source_note",
            "created_at",
            "updated_at",
            "product_detail",
            "project_detail",
            "designation_detail",
        ]
        read_only_fields = fields

    def _detail(self, application, kind, serializer_class):
        if application.kind != kind or application.detail is None:
            return None
        # One serializer per kind for the whole response: building a ModelSerializer's
        # fields introspects the model, which per row was half a 100-row page's time.
        built = self.__dict__.setdefault("_detail_serializers", {})
        if serializer_class not in built:
            built[serializer_class] = serializer_class()
        return built[serializer_class].to_representation(application.detail)

    @extend_schema_field(ProductDetailSerializer(allow_null=True))
    def get_product_detail(self, application):
        return self._detail(application, Kind.PRODUCT, ProductDetailSerializer)

    @extend_schema_field(ProjectDetailSerializer(allow_null=True))
    def get_project_detail(self, application):
        return self._detail(application, Kind.PROJECT, ProjectDetailSerializer)

    @extend_schema_field(DesignationDetailSerializer(allow_null=True))
    def get_designation_detail(self, application):
        return self._detail(application, Kind.DESIGNATION, DesignationDetailSerializer)


PUBLIC_APPLICATION_EXAMPLE = {
    "id": 42,
    "enterprise_name": "浙江示例新材料有限公司",
    "region": "330481",
    "region_name": "海宁市",
    "programme_code": "zj-first-batch-new-materials",
    "programme_name": "浙江省首批次新材料",
    "call_code": "jx-2023-first-batch-materials",
    "year": 2023,
    "kind": "product",
    "headline": "高性能纳米涂层材料",
    "status": "granted",
    "status_label": "Granted",
    "decided_at": "2023-09-28T00:00:00+08:00",
}


@extend_schema_serializer(
    examples=[
        OpenApiExample("A published result", value=PUBLIC_APPLICATION_EXAMPLE, response_only=True)
    ]
)
class PublicApplicationSerializer(serializers.ModelSerializer):
    """A published result as anyone may read it: who, what, which programme, which year."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region_name = serializers.CharField(
        source="region.name", read_only=True, default=None, allow_null=True
    )
    programme_code = serializers.CharField(source="call.programme.code", read_only=True)
    programme_name = serializers.CharField(source="call.programme.name", read_only=True)
    call_code = serializers.CharField(source="call.code", read_only=True)
    year = serializers.IntegerField(source="call.year", read_only=True)
    headline = serializers.CharField(read_only=True)
    status_label = StatusLabelField()

    class Meta:
        model = Application
        fields = [
            "id",
            "enterprise_name",
            "region",
            "region_name",
            "programme_code",
            "programme_name",
            "call_code",
            "year",
            "kind",
            "headline",
            "status",
            "status_label",
            "decided_at",
        ]
        read_only_fields = fields


class _DetailInputMixin:
    """Accept the detail record of the call's kind, refuse the other kinds'."""

    def _check_detail(self, attrs, kind):
        for detail_kind, field in DETAIL_RELATIONS.items():
            if detail_kind != kind and attrs.get(field) is not None:
                raise serializers.ValidationError(
                    {
                        field: [
                            _("This call is for “%(kind)s”; send %(field)s instead.")
                            % {"kind": Kind(kind).label, "field": DETAIL_RELATIONS[kind]}
                        ]
                    }
                )
        return attrs.get(DETAIL_RELATIONS[kind]) or {}


class ApplicationCreateSerializer(_DetailInputMixin, serializers.Serializer):
    """A new draft: for which enterprise and call, its title, amount and detail record."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.none())
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.none())
    title = serializers.CharField(max_length=255)
    requested_amount = MoneyField(required=False, allow_null=True)
    no_serious_violation_declared = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy(
            "The applicant's declaration of no serious violation of laws or regulations in "
            "the years the programme's eligibility rules name; a filing is refused without "
            "it when a rule asks for it."
        ),
    )
    product_detail = ProductDetailSerializer(required=False, allow_null=True)
    project_detail = ProjectDetailSerializer(required=False, allow_null=True)
    designation_detail = DesignationDetailSerializer(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return
        self.fields["enterprise"].queryset = filing_enterprise_list(user=user)
        self.fields["call"].queryset = call_list(user=user, today=timezone.localdate())

    def validate(self, attrs):
        attrs["detail"] = self._check_detail(attrs, attrs["call"].programme.kind)
        return attrs


class ApplicationUpdateSerializer(_DetailInputMixin, serializers.Serializer):
    """Changes to a draft or returned application; omitted fields keep their value."""

    title = serializers.CharField(max_length=255, required=False)
    requested_amount = MoneyField(required=False, allow_null=True)
    no_serious_violation_declared = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy(
            "The applicant's declaration of no serious violation of laws or regulations in "
            "the years the programme's eligibility rules name; a filing is refused without "
            "it when a rule asks for it."
        ),
    )
    product_detail = ProductDetailSerializer(required=False, allow_null=True, partial=True)
    project_detail = ProjectDetailSerializer(required=False, allow_null=True, partial=True)
    designation_detail = DesignationDetailSerializer(required=False, allow_null=True, partial=True)

    def validate(self, attrs):
        attrs["detail"] = self._check_detail(attrs, self.instance.kind)
        return attrs


# --- Workflow ----------------------------------------------------------------------


class MoveSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=Status.choices)
    target_label = serializers.CharField()
    comment_required = serializers.BooleanField()

    def to_representation(self, move):
        return {
            "name": move.name,
            "label": str(move.label),
            "target": str(move.target),
            "target_label": str(Status(move.target).label),
            "comment_required": move.comment_required,
        }


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Moves open to an applicant on a draft",
            value={
                "application": 42,
                "status": "draft",
                "transitions": [
                    {
                        "name": "submit",
                        "label": "Submit",
                        "target": "submitted",
                        "target_label": "Submitted",
                        "comment_required": False,
                    },
                    {
                        "name": "withdraw",
                        "label": "Withdraw",
                        "target": "withdrawn",
                        "target_label": "Withdrawn",
                        "comment_required": False,
                    },
                ],
            },
            response_only=True,
        )
    ]
)
class TransitionListSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    transitions = MoveSerializer(many=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Return for revision",
            value={"transition": "return_for_revision", "comment": "请补充第三方检测报告。"},
            request_only=True,
        )
    ]
)
class TransitionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(
        choices=[(name, move.label) for name, move in MOVES.items()]
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text=gettext_lazy(
            "The status you based the decision on. When the application has moved since, "
            "the move is refused with 409 instead of being made on top of the other one. "
            "Needed unless If-Match names the version you decided on."
        ),
    )
    award = MoneyField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy(
            "Grant only: the award in yuan, in place of the amount of the programme's "
            "reward rule for the tier or level sought. Needs `award_reason`. Left out, "
            "the grant awards the rule's amount (or, without a rule, the amount entered)."
        ),
    )
    award_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text=gettext_lazy(
            "Why the award differs from the rule's; kept on the timeline and in the audit."
        ),
    )


# --- Designations ------------------------------------------------------------------

DESIGNATION_EXAMPLE = {
    "id": 9,
    "application": 40,
    "enterprise": 12,
    "enterprise_name": "浙江示例丝绸有限公司",
    "platform_name": "浙江示例丝绸省级企业技术中心",
    "programme_code": "zj-enterprise-technology-centre",
    "level": "provincial",
    "certificate_number": "ZJ-2024-017",
    "designated_on": "2024-12-20",
    "valid_from": "2025-01-01",
    "valid_until": "2027-12-31",
    "status": "granted",
    "note": "",
}


@extend_schema_serializer(
    examples=[OpenApiExample("A provincial centre", value=DESIGNATION_EXAMPLE, response_only=True)]
)
class DesignationSerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="application.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="application.enterprise.name", read_only=True)
    platform_name = serializers.CharField(source="application.headline", read_only=True)
    programme_code = serializers.CharField(source="application.call.programme.code", read_only=True)
    status = serializers.ChoiceField(
        source="application.status", choices=Status.choices, read_only=True
    )

    class Meta:
        model = Designation
        fields = [
            "id",
            "application",
            "enterprise",
            "enterprise_name",
            "platform_name",
            "programme_code",
            "level",
            "certificate_number",
            "designated_on",
            "valid_from",
            "valid_until",
            "status",
            "note",
        ]
        read_only_fields = fields


class PublicDesignationSerializer(DesignationSerializer):
    """A published designation: no certificate number, notes or enterprise id."""

    enterprise = None

    class Meta(DesignationSerializer.Meta):
        fields = [
            "id",
            "application",
            "enterprise_name",
            "platform_name",
            "programme_code",
            "level",
            "designated_on",
            "valid_from",
            "valid_until",
            "status",
        ]
        read_only_fields = fields
