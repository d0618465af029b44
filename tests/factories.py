"""factory-boy factories shared by the whole suite."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone

from core import roles
from enterprises.models import ApiToken, Enterprise, Industry, Jurisdiction, Membership, Region
from enterprises.validators import CREDIT_CODE_CHARSET, credit_code_check_character
from programmes.models import (
    Application,
    ApplicationEvent,
    Attachment,
    Call,
    Designation,
    DesignationDetail,
    EligibilityRule,
    Kind,
    Level,
    ProductDetail,
    Programme,
    ProjectDetail,
    ReviewAssignment,
)
from programmes.models.catalogue import NoticeUnit


def make_credit_code(n: int, region_code: str = "330402") -> str:
    """A valid code for the n-th test enterprise."""
    body = ""
    value = n
    for _ in range(9):
        body = CREDIT_CODE_CHARSET[value % 31] + body
        value //= 31
    first17 = f"91{region_code}{body}"
    return first17 + credit_code_check_character(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"39{n:04d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.DISTRICT


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = "1741"
    name = "缫丝加工"
    level = Industry.Level.CLASS


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    unified_social_credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            self.is_staff = extracted != roles.APPLICANTS
        self.save()


def staff_user(**kwargs):
    return UserFactory(role=roles.BUREAU_STAFF, **kwargs)


def expert_user(**kwargs):
    return UserFactory(role=roles.EXPERTS, **kwargs)


def county_officer(region, **kwargs):
    user = UserFactory(role=roles.COUNTY_OFFICERS, **kwargs)
    Jurisdiction.objects.create(user=user, region=region)
    return user


def applicant_for(enterprise, **kwargs):
    user = UserFactory(role=roles.APPLICANTS, **kwargs)
    Membership.objects.create(
        user=user,
        enterprise=enterprise,
        role=Membership.Role.OWNER,
        status=Membership.Status.APPROVED,
    )
    return user


def api_key(user, *, name="tests") -> str:
    """The key of a new API token of ``user``'s, named ``name`` (replacing an earlier one
    of that name), to send as ``Authorization: Token <key>``.

    Made on the model, as knox makes one: no issuing rule is asked and no audit entry
    written, so that a test's own issues and audit entries stand alone.
    """
    ApiToken.objects.filter(user=user, name=name).delete()
    _token, key = ApiToken.objects.create(user=user, name=name)
    return key


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    kind = Kind.PRODUCT
    level = Level.PROVINCIAL
    authority = "浙江省经济和信息化厅"
    # No minimum, in calendar days: a test's notice runs as long as its call says.
    notice_period = 0
    notice_unit = NoticeUnit.CALENDAR_DAYS


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"call-{n}")
    title = factory.Sequence(lambda n: f"Call {n}")
    year = 2026


DETAIL_FACTORIES = {
    Kind.PRODUCT: lambda app: ProductDetail.objects.create(
        application=app, product_name="纳米涂层材料"
    ),
    Kind.PROJECT: lambda app: ProjectDetail.objects.create(
        application=app, project_name="数字化改造", total_investment=Decimal("1000000")
    ),
    Kind.DESIGNATION: lambda app: DesignationDetail.objects.create(
        application=app, platform_name="企业技术中心"
    ),
}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application in any state: pass ``status=`` to start it there."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Application {n}")

    @factory.post_generation
    def with_detail(self, create, extracted, **kwargs):
        if create and extracted is not False:
            DETAIL_FACTORIES[self.kind](self)


def assign(application, expert):
    return ReviewAssignment.objects.create(application=application, expert=expert)


# What a filing needs beyond a draft, per kind (``workflow.REQUIRED_FOR_FILING``).
COMPLETE_DETAIL = {
    Kind.PRODUCT: {
        "product_name": "纳米涂层材料",
        "tier": "provincial_first",
        "technology_readiness_level": 8,
        "key_indicators": "Hardness 9H; internationally advanced.",
        "first_sold_on": date(2025, 6, 1),
    },
    Kind.PROJECT: {
        "project_name": "数字化改造",
        "category": "digital_upgrading",
        "total_investment": Decimal("1000000"),
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2027, 12, 31),
    },
    Kind.DESIGNATION: {
        "platform_name": "企业技术中心",
        "level_sought": "provincial",
        "rd_staff": 40,
        "rd_spending": Decimal("5000000"),
    },
}


def open_call(call, *, days=30):
    """Make ``call`` take applications today."""
    today = timezone.localdate()
    call.opens_on, call.closes_on = today - timedelta(days=days), today + timedelta(days=days)
    call.save(update_fields=["opens_on", "closes_on"])
    return call


def attach(application, document_type=Attachment.DocumentType.OTHER, name="form.pdf"):
    """A small PDF attached to ``application`` as a document of ``document_type``."""
    attachment = Attachment(
        application=application,
        document_type=document_type,
        original_name=name,
        content_type="application/pdf",
        size=4,
    )
    attachment.file.save(name, ContentFile(b"%PDF"), save=False)
    attachment.save()
    return attachment


def designation_on_record(enterprise, programme, level, **kwargs):
    """A granted designation of ``programme`` at ``level`` held by ``enterprise``."""
    held = ApplicationFactory(
        enterprise=enterprise,
        call__programme=programme,
        status="granted",
        title=f"{level} designation held",
    )
    return Designation.objects.create(application=held, level=level, **kwargs)


def ready_to_file(application, *, document=True):
    """Fill in what filing needs: the kind's required fields and, unless told otherwise,
    one document; and open the call. (The enterprise's county is the caller's.)

    The application also keeps its programme's eligibility rules: the declaration, the
    documents of the listed types, and the lower designation a level sought needs.
    """
    if not application.call.is_open(timezone.localdate()):
        open_call(application.call)
    detail = application.detail
    for name, value in COMPLETE_DETAIL[application.kind].items():
        setattr(detail, name, value)
    detail.save()
    if application.kind == Kind.PROJECT and application.requested_amount is None:
        application.requested_amount = Decimal("500000")
        application.save(update_fields=["requested_amount"])
    if not application.no_serious_violation_declared:
        application.no_serious_violation_declared = True
        application.save(update_fields=["no_serious_violation_declared"])
    rules = EligibilityRule.objects.filter(programme_id=application.programme_id, is_active=True)
    if document:
        attach(application)
        for document_type in rules.filter(kind="required_document").values_list(
            "document_type", flat=True
        ):
            attach(application, document_type, name=f"{document_type}.pdf")
    for rule in rules.filter(kind="holds_lower_designation"):
        if getattr(detail, "level_sought", None) == rule.level:
            designation_on_record(
                application.enterprise, application.programme, rule.required_level
            )
    return application


def notice_opened(application, *, days_ago=0, actor=None):
    """Record that ``application``'s public notice opened ``days_ago`` days ago."""
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        at=timezone.now() - timedelta(days=days_ago),
        move="open_public_notice",
        from_status="approved",
        to_status="in_public_notice",
    )
