"""The dashboard's figures: counts and amounts by dimension, filters, announced against recorded."""

from decimal import Decimal

import pytest

from programmes.selectors.statistics import DashboardFilters, dashboard_statistics
from tests import factories

pytestmark = pytest.mark.django_db


def figures(breakdown):
    return {
        row.label: (row.applications, row.selected, row.requested, row.awarded)
        for row in breakdown.rows
    }


@pytest.fixture
def staff():
    return factories.staff_user(username="statistician")


def test_counts_and_amounts_by_programme_level_status_and_year(dataset, staff):
    statistics = dashboard_statistics(user=staff, filters=DashboardFilters())

    assert figures(statistics.by_programme) == {
        "首批次新材料": (7, 4, Decimal("130000"), Decimal("100000")),
        "茧丝绸项目": (2, 2, Decimal("4000000"), Decimal("3000000")),
    }
    assert {row.key: row.applications for row in statistics.by_level.rows} == {
        "provincial": 7,
        "national": 2,
    }
    assert [(row.key, row.applications) for row in statistics.by_status.rows] == [
        ("draft", 1),
        ("submitted", 1),
        ("granted", 5),
        ("rejected", 1),
        ("warned", 1),
    ]
    assert [(row.label, row.applications) for row in statistics.by_year.rows] == [
        ("2023", 8),
        ("2024", 1),
    ]
    total = statistics.by_programme.total
    assert (total.applications, total.selected, total.awarded) == (9, 6, Decimal("3100000"))


def test_regions_roll_up_to_cities_when_no_region_is_chosen(dataset, staff):
    statistics = dashboard_statistics(user=staff, filters=DashboardFilters())

    assert figures(statistics.by_region) == {
        "宁波市": (1, 1, Decimal("0"), Decimal("0")),
        "嘉兴市": (8, 5, Decimal("4130000"), Decimal("3100000")),
    }


def test_a_city_filter_includes_its_counties_and_splits_by_county(dataset, staff):
    statistics = dashboard_statistics(
        user=staff, filters=DashboardFilters(year=2023, region=dataset.jiaxing)
    )

    assert figures(statistics.by_region) == {
        "南湖区": (4, 3, Decimal("0"), Decimal("100000")),
        "秀洲区": (3, 2, Decimal("4050000"), Decimal("3000000")),
    }
    assert statistics.by_programme.total.applications == 7


def test_a_county_filter_keeps_only_that_county(dataset, staff):
    statistics = dashboard_statistics(user=staff, filters=DashboardFilters(region=dataset.nanhu))

    assert [(row.label, row.applications) for row in statistics.by_region.rows] == [("南湖区", 5)]
    assert [(row.label, row.applications) for row in statistics.by_year.rows] == [
        ("2023", 4),
        ("2024", 1),
    ]


def test_year_filter_excludes_other_years(dataset, staff):
    statistics = dashboard_statistics(user=staff, filters=DashboardFilters(year=2024))

    assert figures(statistics.by_programme) == {
        "首批次新材料": (1, 0, Decimal("80000"), Decimal("0")),
    }


def test_announced_figures_stand_beside_recorded_ones(dataset, staff):
    statistics = dashboard_statistics(user=staff, filters=DashboardFilters())

    rows = {(row.programme, row.region, row.tier): row for row in statistics.announced}
    jiaxing = rows[("首批次新材料", "嘉兴市", "")]
    assert (jiaxing.announced_count, jiaxing.recorded_count, jiaxing.rank) == (15, 3, 1)
    national = rows[("首批次新材料", "嘉兴市", "National level")]
    assert (national.announced_count, national.recorded_count) == (5, 1)
    province = rows[("首批次新材料", "Whole programme", "")]
    assert (province.announced_count, province.recorded_count) == (57, 4)
    silk = rows[("茧丝绸项目", "Whole call", "")]
    assert (silk.announced_count, silk.recorded_count) == (8, 2)
    assert (silk.announced_amount, silk.recorded_amount) == (Decimal("7490000"), Decimal("3000000"))


def test_a_region_filter_keeps_only_figures_announced_for_that_region(dataset, staff):
    statistics = dashboard_statistics(
        user=staff, filters=DashboardFilters(year=2023, region=dataset.jiaxing)
    )

    assert sorted((row.region, row.announced_count) for row in statistics.announced) == [
        ("嘉兴市", 5),
        ("嘉兴市", 15),
    ]
    assert dashboard_statistics(user=staff, filters=DashboardFilters(year=2024)).announced == []


def test_figures_are_scoped_to_what_the_user_may_see(dataset):
    officer = factories.county_officer(dataset.xiuzhou, username="xiuzhou-officer")

    statistics = dashboard_statistics(user=officer, filters=DashboardFilters())

    assert figures(statistics.by_region) == {
        "嘉兴市": (3, 2, Decimal("4050000"), Decimal("3000000")),
    }
