"""Regions and industries as people write them, through every entry point: a sheet import, the
portal's registration form and the API's filters, all over the complete reference tables."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from enterprises.models import Enterprise, Industry, Region
from tests import factories
from tests.imports.conftest import write_xlsx
from tools.reference import build

pytestmark = pytest.mark.django_db

TONGXIANG = "330483"
GLASS_FIBRE = "3061"  # 玻璃纤维及制品制造
REGION_FORMS = ["330483", "嘉兴市桐乡市", "桐乡市", "桐乡", "浙江省嘉兴市桐乡市", "Tongxiang"]
INDUSTRY_FORMS = ["3061", "C3061", "C 3061", "玻璃纤维及制品制造", "3061 玻璃纤维及制品制造"]
# A value refused, and what the refusal must say.
REFUSED_REGIONS = [
    ("110105", "is outside Zhejiang: Programme Desk serves enterprises registered in Zhejiang"),
    ("江苏省苏州市", "is outside Zhejiang"),
    ("330103", "“330103” is not a region of Zhejiang"),  # 下城区, abolished in 2021
    ("南湖区", "names more than one region: 嘉兴市南湖区 (330402), 杭州市南湖区 (330100NH)"),
]
REFUSED_INDUSTRIES = [
    ("A3061", "3061 belongs to section C, not A"),
    ("9999", "“9999” is not a GB/T 4754-2017 industry"),
    ("3061 玻璃纤维", "3061 is “玻璃纤维及制品制造”, not “玻璃纤维”"),
    ("C", "is the section “制造业”, too broad here"),
]


@pytest.fixture(scope="module")
def tables(django_db_setup, django_db_blocker):
    """Both reference tables, loaded once for the module and rolled back afterwards.

    A zone of Hangzhou named like Jiaxing's 南湖区 makes 南湖区 ambiguous.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", build.REGIONS_FIXTURE, build.INDUSTRIES_FIXTURE, verbosity=0)
        Region.objects.create(
            code="330100NH",
            name="南湖区",
            level=Region.Level.ZONE,
            parent=Region.objects.get(code="330100"),
            is_statistical_code=False,
        )
        yield
        transaction.set_rollback(True)


# --- Sheets -------------------------------------------------------------------------------

HEADER = ["统一社会信用代码", "企业名称", "所在地区", "行业代码"]


def import_sheet(tmp_path, rows) -> tuple[int, str]:
    path = write_xlsx(tmp_path / "企业名单.xlsx", [HEADER, *rows])
    err = io.StringIO()
    try:
        call_command(
            "import",
            "enterprises.resources.EnterpriseResource",
            str(path),
            "--noinput",
            stderr=err,
            stdout=io.StringIO(),
        )
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, err.getvalue()


def test_a_sheet_accepts_every_way_of_writing_region_and_industry(tables, tmp_path):
    rows = [
        [factories.make_credit_code(n), f"桐乡测试{n}有限公司", region, industry]
        for n, (region, industry) in enumerate(
            zip(REGION_FORMS, INDUSTRY_FORMS + ["Ｃ３０６１"], strict=True), start=1
        )
    ]

    status, output = import_sheet(tmp_path, rows)

    assert status == 0, output
    enterprises = Enterprise.objects.select_related("region", "industry")
    assert enterprises.count() == len(rows)
    assert {(e.region.code, e.industry.code) for e in enterprises} == {(TONGXIANG, GLASS_FIBRE)}


def test_a_sheet_takes_a_group_or_division_and_the_finest_category_of_a_shared_name(
    tables, tmp_path
):
    rows = [
        [factories.make_credit_code(1), "甲有限公司", "330402", "306"],
        [factories.make_credit_code(2), "乙有限公司", "嘉兴市南湖区", "C30"],
        # Division 12, group 120 and class 1200 are all 其他采矿业: the class is meant.
        [factories.make_credit_code(3), "丙有限公司", "秀洲区", "其他采矿业"],
    ]

    status, output = import_sheet(tmp_path, rows)

    assert status == 0, output
    industries = dict(Enterprise.objects.values_list("name", "industry__code"))
    assert industries == {"甲有限公司": "306", "乙有限公司": "30", "丙有限公司": "1200"}


@pytest.mark.parametrize(("value", "message"), REFUSED_REGIONS)
def test_a_sheet_refuses_a_region_it_cannot_place(tables, tmp_path, value, message):
    status, output = import_sheet(
        tmp_path, [[factories.make_credit_code(1), "甲有限公司", value, "3061"]]
    )

    assert status == 1
    assert f"Row 2, column C “所在地区”: “{value}”" in output
    assert message in output
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(("value", "message"), REFUSED_INDUSTRIES)
def test_a_sheet_refuses_an_industry_it_cannot_place(tables, tmp_path, value, message):
    status, output = import_sheet(
        tmp_path, [[factories.make_credit_code(1), "甲有限公司", "桐乡", value]]
    )

    assert status == 1
    assert "Row 2, column D “行业代码”" in output
    assert message in output
    assert not Enterprise.objects.exists()


# --- Portal form --------------------------------------------------------------------------


@pytest.fixture
def newcomer(client):
    user = factories.UserFactory(username="newcomer@example.com", email="newcomer@example.com")
    client.force_login(user)
    return user


def register(client, region, industry):
    return client.post(
        reverse("enterprises:register"),
        {
            "name": "桐乡新材料科技有限公司",
            "unified_social_credit_code": factories.make_credit_code(7, region_code=TONGXIANG),
            "region": region,
            "industry": industry,
            "legal_representative": "张三",
            "contact_name": "李四",
            "contact_phone": "0573-88123456",
        },
    )


@pytest.mark.parametrize(
    ("region", "industry"), list(zip(REGION_FORMS[:5], INDUSTRY_FORMS, strict=True))
)
def test_the_registration_form_accepts_codes_and_names(tables, client, newcomer, region, industry):
    response = register(client, region, industry)

    assert response.status_code == 302, response.content.decode()
    enterprise = Enterprise.objects.select_related("region", "industry").get()
    assert (enterprise.region.code, enterprise.industry.code) == (TONGXIANG, GLASS_FIBRE)


def test_the_profile_form_shows_region_and_industry_as_it_accepts_them(tables, client):
    enterprise = factories.EnterpriseFactory(
        region=Region.objects.get(code=TONGXIANG),
        industry=Industry.objects.get(code=GLASS_FIBRE),
    )
    client.force_login(factories.applicant_for(enterprise, username="owner"))

    page = client.get(reverse("enterprises:edit", args=[enterprise.pk])).content.decode()

    assert 'value="嘉兴市桐乡市"' in page
    assert 'value="3061 玻璃纤维及制品制造"' in page


@pytest.mark.parametrize(("value", "message"), REFUSED_REGIONS)
def test_the_registration_form_refuses_a_region_with_the_reason(
    tables, client, newcomer, value, message
):
    response = register(client, value, "3061")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(("value", "message"), REFUSED_INDUSTRIES)
def test_the_registration_form_refuses_an_industry_with_the_reason(
    tables, client, newcomer, value, message
):
    response = register(client, "桐乡", value)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enterprise.objects.exists()


# --- API ----------------------------------------------------------------------------------


@pytest.fixture
def api(tables):
    client = APIClient()
    client.force_authenticate(factories.staff_user(username="desk"))
    return client


@pytest.fixture
def two_enterprises(tables):
    tongxiang = factories.EnterpriseFactory(
        name="桐乡玻纤有限公司",
        region=Region.objects.get(code=TONGXIANG),
        industry=Industry.objects.get(code=GLASS_FIBRE),
    )
    elsewhere = factories.EnterpriseFactory(
        name="鄞州丝绸有限公司",
        region=Region.objects.get(code="330212"),
        industry=Industry.objects.get(code="1741"),
    )
    return tongxiang, elsewhere


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize("value", REGION_FORMS)
def test_the_api_filters_by_a_region_however_written(api, two_enterprises, value):
    assert listed(api.get("/api/v1/enterprises/", {"region": value})) == {"桐乡玻纤有限公司"}


@pytest.mark.parametrize("value", [*INDUSTRY_FORMS, "C30", "30", "非金属矿物制品业"])
def test_the_api_filters_by_an_industry_however_written(api, two_enterprises, value):
    assert listed(api.get("/api/v1/enterprises/", {"industry": value})) == {"桐乡玻纤有限公司"}


def test_the_api_region_filter_includes_a_citys_counties(api, two_enterprises):
    assert listed(api.get("/api/v1/enterprises/", {"region": "嘉兴"})) == {"桐乡玻纤有限公司"}


@pytest.mark.parametrize(("value", "message"), REFUSED_REGIONS)
def test_the_api_refuses_a_region_with_the_reason(api, value, message):
    response = api.get("/api/v1/enterprises/", {"region": value})

    assert response.status_code == 400
    assert message in " ".join(response.json()["fields"]["region"])


@pytest.mark.parametrize(("value", "message"), REFUSED_INDUSTRIES[:3])
def test_the_api_refuses_an_industry_with_the_reason(api, value, message):
    response = api.get("/api/v1/enterprises/", {"industry": value})

    assert response.status_code == 400
    assert message in " ".join(response.json()["fields"]["industry"])
