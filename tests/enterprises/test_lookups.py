"""The one rule per kind of reference value (``enterprises.lookups``), on small tables."""

import pytest
from django.core.exceptions import ValidationError

from enterprises.lookups import (
    ALL_INDUSTRY_LEVELS,
    IndustryIndex,
    IndustryRow,
    RegionIndex,
    RegionRow,
    section_of,
)

INDUSTRIES = IndustryIndex(
    [
        IndustryRow(1, "B", "采矿业", "section"),
        IndustryRow(2, "12", "其他采矿业", "division"),
        IndustryRow(3, "120", "其他采矿业", "group"),
        IndustryRow(4, "1200", "其他采矿业", "class"),
        IndustryRow(5, "C", "制造业", "section"),
        IndustryRow(6, "30", "非金属矿物制品业", "division"),
        IndustryRow(7, "306", "玻璃纤维和玻璃纤维增强塑料制品制造", "group"),
        IndustryRow(8, "3061", "玻璃纤维及制品制造", "class"),
        IndustryRow(9, "3062", "玻璃纤维及制品制造", "class"),  # a name shared by siblings
        IndustryRow(10, "A", "农、林、牧、渔业", "section"),
        IndustryRow(11, "01", "农业", "division"),
        IndustryRow(12, "019", "其他农业", "group"),
        IndustryRow(13, "0190", "其他农业", "class"),
        IndustryRow(14, "194", "羽毛（绒）加工及制品制造", "group"),
    ]
)

REGIONS = RegionIndex(
    [
        RegionRow(1, "330000", "浙江省", "province", ""),
        RegionRow(2, "330400", "嘉兴市", "city", ""),
        RegionRow(3, "330483", "桐乡市", "county_city", "嘉兴市"),
        RegionRow(4, "330402", "南湖区", "district", "嘉兴市"),
        RegionRow(5, "331100", "丽水市", "city", ""),
        RegionRow(6, "331127", "景宁畲族自治县", "county", "丽水市"),
        RegionRow(7, "330400ZP", "浙江乍浦经济开发区(嘉兴港区)", "zone", "嘉兴市"),
        RegionRow(8, "330100", "杭州市", "city", ""),
        RegionRow(9, "330100NH", "南湖区", "zone", "杭州市"),
        # A full name that is another region's short name: the full name wins.
        RegionRow(10, "330400TX", "桐乡", "zone", "嘉兴市"),
    ],
    {3: "Tongxiang", 4: "Nanhu District"},
)


def refusal(resolve, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        resolve(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("text", "pk"),
    [
        ("3061", 8),
        ("C3061", 8),
        ("c 3061", 8),
        ("Ｃ３０６１", 8),
        (" 3061 ", 8),
        ("C3061 玻璃纤维及制品制造", 8),
        ("3061-玻璃纤维及制品制造", 8),
        ("306", 7),
        ("C30", 6),
        ("190", 13),  # a number cell lost the leading zero of 0190
        ("1", 11),  # and of division 01
        ("其他采矿业", 4),  # 12 › 120 › 1200: the finest
        ("其他农业", 13),
        ("羽毛(绒)加工及制品制造", 14),  # brackets of either width
    ],
)
def test_industry_codes_and_names(text, pk):
    assert INDUSTRIES.resolve(text) == pk


def test_a_shared_name_takes_the_finest_allowed_level():
    assert INDUSTRIES.resolve("其他采矿业", levels={"division"}) == 2


def test_an_industry_name_shared_by_unrelated_categories_is_refused_with_both():
    error = refusal(INDUSTRIES.resolve, "玻璃纤维及制品制造")

    assert error.code == "industry_ambiguous"
    assert "3061 玻璃纤维及制品制造, 3062 玻璃纤维及制品制造" in error.messages[0]


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("B3061", "industry_wrong_section", "3061 belongs to section C, not B"),
        ("3069", "industry_unknown", "“3069” is not a GB/T 4754-2017 industry"),
        ("玻璃纤维", "industry_unknown", "“玻璃纤维” is not"),
        ("306 玻璃纤维及制品制造", "industry_name_mismatch", "306 is “玻璃纤维和玻璃纤维增强"),
        ("C", "industry_too_broad", "the section “制造业”, too broad here"),
        ("制造业", "industry_too_broad", "the section “制造业”"),
    ],
)
def test_industry_refusals_say_why(text, code, fragment):
    error = refusal(INDUSTRIES.resolve, text)

    assert error.code == code
    assert fragment in error.messages[0]


def test_a_field_for_classes_only_asks_for_a_class():
    error = refusal(INDUSTRIES.resolve, "306", levels={"class"})

    assert error.code == "industry_class_needed"
    assert "give one of its classes" in error.messages[0]


def test_the_api_takes_sections_too():
    assert INDUSTRIES.resolve("C", levels=ALL_INDUSTRY_LEVELS) == 5


def test_section_of_follows_the_standards_division_ranges():
    assert [section_of(code) for code in ("01", "0190", "12", "13", "43", "44", "97", "C")] == [
        "A",
        "A",
        "B",
        "C",
        "C",
        "D",
        "T",
        "C",
    ]
    assert section_of("98") is None


@pytest.mark.parametrize(
    ("text", "pk"),
    [
        ("330483", 3),
        ("３３０４８３", 3),
        ("330483000000", 3),  # the twelve-digit statistical code
        ("嘉兴市桐乡市", 3),
        ("嘉兴 桐乡市", 3),
        ("嘉兴桐乡市", 3),
        ("浙江省嘉兴市桐乡市", 3),
        ("桐乡市", 3),
        ("Tongxiang", 3),
        ("Nanhu", 4),
        ("嘉兴市南湖区", 4),
        ("杭州市南湖区", 9),
        ("景宁", 6),
        ("嘉兴港区", 7),
        ("浙江乍浦经济开发区（嘉兴港区）", 7),
        ("330400zp", 7),
        ("嘉兴", 2),
        ("浙江", 1),
        ("桐乡", 10),  # a region's full name before another's short one
    ],
)
def test_regions_by_code_full_or_short_name(text, pk):
    assert REGIONS.resolve(text) == pk


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("南湖区", "region_ambiguous", "嘉兴市南湖区 (330402), 杭州市南湖区 (330100NH)"),
        ("110105", "region_outside", "“110105” is outside Zhejiang"),
        ("320500", "region_outside", "outside Zhejiang"),
        ("江苏省苏州市", "region_outside", "outside Zhejiang"),
        ("上海", "region_outside", "outside Zhejiang"),
        ("330103", "region_unknown", "“330103” is not a region of Zhejiang"),
        ("50%", "region_unknown", "“50%” is not a region of Zhejiang"),
        ("苏州市", "region_unknown", "“苏州市” is not a region of Zhejiang"),
    ],
)
def test_region_refusals_say_why(text, code, fragment):
    error = refusal(REGIONS.resolve, text)

    assert error.code == code
    assert fragment in error.messages[0]


def test_a_county_level_field_refuses_a_city():
    assert REGIONS.resolve("嘉兴市") == 2
    error = refusal(REGIONS.resolve, "嘉兴市", county_level=True)

    assert error.code == "region_not_county_level"
    assert REGIONS.resolve("桐乡", county_level=True) == 10


def test_numbers_from_a_sheet_cell_are_codes():
    assert INDUSTRIES.resolve(3061) == 8
    assert INDUSTRIES.resolve(3061.0) == 8
    assert REGIONS.resolve(330483) == 3
