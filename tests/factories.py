"""factory-boy factories shared by the whole suite."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from enterprises import roles
from enterprises.models import Enterprise, Industry, Jurisdiction, Membership, Region
from enterprises.validators import CREDIT_CODE_CHARSET, credit_code_check_character
from programmes.models import (
    Application,
    Call,
    DesignationDetail,
    Kind,
    Level,
    ProductDetail,
    Programme,
    ProjectDetail,
    ReviewAssignment,
)


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


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    kind = Kind.PRODUCT
    level = Level.PROVINCIAL
    authority = "浙江省经济和信息化厅"


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
