"""The reference tables of fixtures/: GB/T 4754-2017 complete, and GB/T 2260 for Zhejiang.

The files are checked as written (counts, code patterns, the tree) and as loaded.
"""

import json
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from enterprises.models import Industry, Region
from tools.reference import build

REGIONS = [record["fields"] for record in json.loads(build.REGIONS_FIXTURE.read_text("utf-8"))]
INDUSTRIES = [
    record["fields"] for record in json.loads(build.INDUSTRIES_FIXTURE.read_text("utf-8"))
]
INDUSTRY = {row["code"]: row for row in INDUSTRIES}
REGION = {row["code"]: row for row in REGIONS}

# The divisions of each section, as the standard numbers them.
SECTION_DIVISIONS = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
CODE_PATTERNS = {
    "section": r"[A-T]",
    "division": r"\d{2}",
    "group": r"\d{3}",
    "class": r"\d{4}",
}


def parent_of(row):
    return row["parent"][0] if row["parent"] else None


def test_industries_count_20_sections_97_divisions_473_groups_1381_classes():
    # 1,380 classes in 2017 and 7215 农村集体经济组织管理 from Amendment No. 1 (2019).
    assert Counter(row["level"] for row in INDUSTRIES) == {
        "section": 20,
        "division": 97,
        "group": 473,
        "class": 1381,
    }
    assert INDUSTRY["7215"]["name"] == "农村集体经济组织管理"
    assert len(INDUSTRY) == len(INDUSTRIES)


def test_industry_codes_follow_the_pattern_of_their_level():
    for row in INDUSTRIES:
        assert re.fullmatch(CODE_PATTERNS[row["level"]], row["code"]), row


def test_every_class_sits_under_its_group_division_and_section():
    for row in INDUSTRIES:
        code, parent = row["code"], parent_of(row)
        if row["level"] == "section":
            assert parent is None
        elif row["level"] == "division":
            low, high = SECTION_DIVISIONS[parent]
            assert low <= int(code) <= high, row
        else:
            assert parent == code[:-1], row
            assert (
                INDUSTRY[parent]["level"] == {"group": "division", "class": "group"}[row["level"]]
            )
    # Every division and group has something below it.
    parents = {parent_of(row) for row in INDUSTRIES}
    for row in INDUSTRIES:
        if row["level"] != "class":
            assert row["code"] in parents, row


def test_industry_names_are_the_standards_and_the_english_ones_are_kept():
    assert INDUSTRY["3061"]["name"] == "玻璃纤维及制品制造"
    assert INDUSTRY["2651"]["name"] == "初级形态塑料及合成树脂制造"
    assert INDUSTRY["3741"]["name"] == "飞机制造"
    assert INDUSTRY["194"]["name"] == "羽毛（绒）加工及制品制造"
    # A group with a single class carries the class's name.
    assert INDUSTRY["019"]["name"] == INDUSTRY["0190"]["name"] == "其他农业"
    assert INDUSTRY["1741"]["name_en"] == "Silk reeling"
    assert INDUSTRY["C"]["name_en"] == "Manufacturing"
    for row in INDUSTRIES:
        assert row["name"] == row["name"].strip()
        assert not re.search(r"[()\s]", row["name"]), row


def test_regions_are_zhejiang_its_11_cities_and_90_county_level_units():
    assert Counter(row["level"] for row in REGIONS) == {
        "province": 1,
        "city": 11,
        "district": 37,
        "county_city": 20,
        "county": 33,
        "zone": 2,
    }
    for row in REGIONS:
        parent = REGION.get(parent_of(row))
        if row["level"] == "province":
            assert (row["code"], parent) == ("330000", None)
        elif row["level"] == "city":
            assert re.fullmatch(r"33\d\d00", row["code"]) and parent["level"] == "province"
        elif row["level"] == "zone":
            assert re.fullmatch(r"33\d\d00[A-Z]{2}", row["code"]), row
            assert row["code"].startswith(parent["code"]) and parent["level"] == "city"
            assert row["is_statistical_code"] is False
        else:
            assert re.fullmatch(r"33\d{4}", row["code"]), row
            assert row["code"][:4] == parent["code"][:4] and parent["level"] == "city"
            assert row["is_statistical_code"] is True
        assert row["name_en"], row


def test_regions_are_current():
    hangzhou = {row["code"]: row["name"] for row in REGIONS if parent_of(row) == "330100"}
    # The 2021 reorganisation: 下城区 and 江干区 gone, 临平区 and 钱塘区 new.
    assert hangzhou["330113"] == "临平区"
    assert hangzhou["330114"] == "钱塘区"
    assert "330103" not in hangzhou and "330104" not in hangzhou
    assert len(hangzhou) == 13
    assert (REGION["330383"]["name"], REGION["330383"]["level"]) == ("龙港市", "county_city")
    assert (REGION["331083"]["name"], REGION["331083"]["level"]) == ("玉环市", "county_city")
    assert REGION["331127"]["level"] == "county"  # 景宁畲族自治县


def test_fixtures_are_what_the_build_script_makes_of_its_data():
    assert build.main(["--check"]) == 0


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The two tables loaded once for the module, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", build.REGIONS_FIXTURE, build.INDUSTRIES_FIXTURE, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_loaded_tables_keep_the_tree(loaded):
    assert Industry.objects.count() == 1971
    classes = Industry.objects.filter(level=Industry.Level.CLASS).select_related(
        "parent__parent__parent"
    )
    for industry in classes:
        group = industry.parent
        assert (group.level, group.parent.level, group.parent.parent.level) == (
            "group",
            "division",
            "section",
        )
        assert group.parent.parent.parent is None
    assert Region.objects.count() == 104
    for region in Region.objects.exclude(level__in=["province", "city"]).select_related(
        "parent__parent"
    ):
        assert (region.parent.level, region.parent.parent.code) == ("city", "330000")
