"""The documented records in fixtures/: they load, load again without duplicates, and say
what the source articles say."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from enterprises.models import Enterprise, Industry, Region
from enterprises.validators import validate_credit_code
from programmes.management.commands.setup_demo import DOCUMENTED_FIXTURES
from programmes.models import (
    AnnouncedFigure,
    Application,
    ApplicationEvent,
    Call,
    Designation,
    Kind,
    Level,
    Programme,
    RewardRule,
    Source,
)
from programmes.workflow import Status

pytestmark = pytest.mark.django_db

FIRST_BATCH_2023 = "zj-first-batch-new-materials-2023"
SILK_2025 = "central-ftdf-cocoon-silk-2025"
JINSANTA = "Jiaxin Jinsanta Silk Garments Co., Ltd."
YAYING = "Yaying Fashion Group"
ZHAOHUI = "Zhejiang Zhaohui Filter Technology Co Ltd"


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"enterprises", "programmes"}
    }


@pytest.fixture(scope="module")
def documented_db(django_db_setup, django_db_blocker):
    """The documented records, loaded once for the module: the complete reference tables
    take seconds to load. They stay in a transaction open for the module, inside which
    each test's own transaction is a savepoint, and are rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def documented(documented_db):
    """For the tests that only read the documented records."""


def figure(programme, year, tier, region="330400"):
    return AnnouncedFigure.objects.get(
        programme__code=programme, year=year, tier=tier, region__code=region
    )


def test_fixtures_load_into_an_empty_database_and_again_without_duplicates():
    assert Region.objects.count() == 0
    call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)
    first = row_counts()
    call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)

    assert row_counts() == first
    assert first["enterprises.Enterprise"] == 5
    assert first["programmes.Application"] == 4


def test_regions_hold_jiaxing_units_zones_and_xiangshan(documented):
    jiaxing = Region.objects.get(code="330400")
    assert jiaxing.parent.code == "330000"
    assert Region.objects.filter(parent__code="330000", level=Region.Level.CITY).count() == 11
    units = dict(jiaxing.children.values_list("code", "name"))
    assert units == {
        "330402": "南湖区",
        "330411": "秀洲区",
        "330421": "嘉善县",
        "330424": "海盐县",
        "330481": "海宁市",
        "330482": "平湖市",
        "330483": "桐乡市",
        "330400JK": "嘉兴经济技术开发区",
        "330400ZP": "浙江乍浦经济开发区(嘉兴港区)",
    }
    for zone in Region.objects.filter(code__in=["330400JK", "330400ZP"]):
        assert zone.level == Region.Level.ZONE
        assert zone.is_statistical_code is False
    xiangshan = Region.objects.get(code="330225")
    assert (xiangshan.name, xiangshan.parent.code, xiangshan.level) == (
        "象山县",
        "330200",
        "county",
    )


def test_industries_hold_sections_and_silk_chain(documented):
    assert Industry.objects.filter(level=Industry.Level.SECTION).count() == 20
    assert Industry.objects.get(code="C").name == "制造业"
    reeling = Industry.objects.get(code="1741")
    assert [reeling.parent.code, reeling.parent.parent.code, reeling.parent.parent.parent.code] == [
        "174",
        "17",
        "C",
    ]
    assert Industry.objects.get(code="1771").parent.code == "177"
    for code in ["18", "265", "266", "28", "29", "306", "31", "32"]:
        assert Industry.objects.filter(code=code).exists(), code


def test_every_enterprise_credit_code_is_empty_or_valid(documented):
    for code in Enterprise.objects.values_list("unified_social_credit_code", flat=True):
        if code is not None:
            validate_credit_code(code)
    # None of the articles prints a code.
    assert not Enterprise.objects.filter(unified_social_credit_code__isnull=False).exists()


def test_xiangshan_holds_qinbang_and_kpt(documented):
    names = set(Enterprise.objects.filter(region__code="330225").values_list("name", flat=True))
    assert names == {"Qinbang New Materials Technology Corporation", "KPT New Materials Company"}


def test_zhaohui_president_is_not_recorded_as_legal_representative(documented):
    zhaohui = Enterprise.objects.get(name=ZHAOHUI)
    assert zhaohui.legal_representative == ""
    assert "Sun Chenglei" in zhaohui.description
    assert zhaohui.region.code == "330400"
    # Its coated materials meet the criteria, but the article does not say they were recognised.
    assert not zhaohui.applications.filter(kind=Kind.PRODUCT).exists()


def test_2023_first_batch_new_materials_figures(documented):
    call = Call.objects.get(code=FIRST_BATCH_2023)
    assert call.programme.kind == Kind.PRODUCT
    assert call.programme.level == Level.PROVINCIAL
    assert call.programme.authority_zh_hans == "浙江省经济和信息化厅"
    assert call.announced_on == date(2023, 9, 28)
    assert call.announced_count == 57

    programme = call.programme.code
    jiaxing = figure(programme, 2023, "")
    assert (jiaxing.count, jiaxing.rank, jiaxing.call) == (15, 1, call)
    assert figure(programme, 2023, "national").count == 5
    assert figure(programme, 2023, "provincial").count == 10


def test_silk_round_figures_and_documented_projects(documented):
    call = Call.objects.get(code=SILK_2025)
    assert call.programme.kind == Kind.PROJECT
    assert call.programme.level == Level.NATIONAL
    assert call.year == 2025
    assert call.announced_on is None  # "yesterday" in an undated article
    assert call.announced_amount == Decimal("7490000.00")
    jiaxing = figure(call.programme.code, 2025, "")
    assert (jiaxing.count, jiaxing.amount, jiaxing.rank) == (8, Decimal("7490000.00"), 1)

    projects = {
        (application.enterprise.name, application.project_detail.project_name)
        for application in call.applications.select_related("enterprise", "project_detail")
    }
    assert projects == {
        (JINSANTA, "Functional silk product R&D"),
        (JINSANTA, "Digital and intelligent supply chain system"),
        (
            YAYING,
            "Digitising the production, supply and sales of high-end Chinese-style silk apparel",
        ),
    }


def test_documented_applications_are_granted_from_articles_with_a_timeline(documented):
    for application in Application.objects.all():
        assert application.status == Status.GRANTED
        assert application.source == Source.ARTICLE
        assert application.source_note
        assert application.detail is not None
        # Only the total of the eight silk projects is published.
        assert application.awarded_amount is None
        event = ApplicationEvent.objects.get(application=application)
        assert (event.move, event.from_status, event.to_status) == (
            "record_result",
            Status.DRAFT,
            Status.GRANTED,
        )
        assert event.comment


def test_zhaohui_academician_workstation_became_provincial_in_2014(documented):
    designation = Designation.objects.select_related("application__call").get(
        application__enterprise__name=ZHAOHUI
    )
    assert designation.level == Level.PROVINCIAL
    assert designation.application.call.year == 2014
    assert designation.application.call.programme.code == "academician-workstations"
    assert "2010" in designation.note


def test_technology_centre_figures_for_2020(documented):
    programme = Programme.objects.get(code="enterprise-technology-centres")
    assert programme.kind == Kind.DESIGNATION
    counts = {
        row.tier: row.count
        for row in AnnouncedFigure.objects.filter(programme=programme, year=2020)
    }
    assert counts == {"": 625, "national": 6, "provincial": 104}
    assert not AnnouncedFigure.objects.filter(programme=programme, call__isnull=False).exists()


def test_2019_new_products_jiaxing_led_zhejiang(documented):
    programme = "zj-new-industrial-products-technologies"
    assert figure(programme, 2019, "").rank == 1
    assert figure(programme, 2019, "release_conferences").count == 9
    assert figure(programme, 2019, "output_value").amount == Decimal("433200000000.00")


def test_reward_rules_follow_jiaxing_policy(documented):
    amounts = {
        (rule.programme.code, rule.tier): rule.amount
        for rule in RewardRule.objects.select_related("programme")
    }
    assert amounts == {
        ("zj-enterprise-research-institutes", "provincial_key"): Decimal("3000000.00"),
        ("zj-enterprise-research-institutes", "provincial"): Decimal("1000000.00"),
        ("time-honored-brands", "national"): Decimal("300000.00"),
        ("time-honored-brands", "provincial"): Decimal("200000.00"),
        ("time-honored-brands", "municipal"): Decimal("50000.00"),
        ("zj-new-quality-valuable-products", "new"): Decimal("100000.00"),
        ("zj-new-quality-valuable-products", "quality"): Decimal("300000.00"),
        ("zj-new-quality-valuable-products", "high_value"): Decimal("500000.00"),
    }
    for rule in RewardRule.objects.all():
        assert "Implementation Opinions" in rule.policy


def test_every_programme_names_authority_level_and_source(documented):
    assert Programme.objects.count() == 9
    for programme in Programme.objects.all():
        assert programme.authority
        assert programme.level in Level.values
        assert programme.source
