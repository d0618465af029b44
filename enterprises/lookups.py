"""How people write a region or an industry, and which record they mean: one rule per kind.

Sheets, portal forms and the API's filters all go through ``RegionIndex.resolve`` and
``IndustryIndex.resolve``. An index is built with one query; a sheet builds it once per
import, a form or a filter once per value (``region_from_text``, ``industry_from_text``).
A value that names nothing, or more than one record, raises ``ValidationError`` with a
message that says what to write instead.

Regions: a GB/T 2260 code (330483), the full name with or without its city and
province (嘉兴市桐乡市, 桐乡市), the short name (桐乡) where only one region has it,
or the English name. Only Zhejiang is served: a code or a name of another province
is refused as such.

Industries: a GB/T 4754-2017 code with or without its section letter and blanks
(3061, C3061, C 3061), the exact Chinese name, or both (3061 玻璃纤维及制品制造).
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.sheets.layout import clean_code, clean_text, match_key

from .models import Industry, Region

AMBIGUOUS = object()
CREDIT_CODE_ALIASES = ("信用代码", "社会信用代码", "统一信用代码", "统一代码", "credit_code")
NAME_ALIASES = ("企业（单位）名称", "单位名称", "企业全称", "公司名称", "申报单位", "enterprise")
REGION_ALIASES = (
    "地区",
    "所属地区",
    "县（市、区）",
    "所在县（市、区）",
    "区域",
    "区县",
    "地区代码",
)
INDUSTRY_ALIASES = ("行业", "所属行业", "国民经济行业代码", "行业分类代码", "行业类别")

ZHEJIANG = "33"
#: GB/T 2260 provincial-level divisions other than Zhejiang, to tell "outside Zhejiang"
#: from "unknown".
OTHER_PROVINCES = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
_PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?自治区$|特别行政区$|[省市]$")
_OTHER_PROVINCE_KEYS = tuple(
    sorted(
        {match_key(name) for name in OTHER_PROVINCES.values()}
        | {match_key(_PROVINCE_SUFFIX.sub("", name)) for name in OTHER_PROVINCES.values()},
        key=len,
        reverse=True,
    )
)
_ZHEJIANG_PREFIXES = (match_key("浙江省"), match_key("浙江"))
#: What a short name leaves out: 景宁畲族自治县 → 景宁, 桐乡市 → 桐乡, 浙江省 → 浙江.
_UNIT_SUFFIX = re.compile(r"(?:畲族)?自治县$|[省市区县]$")
_EN_SUFFIX = re.compile(r"(autonomouscounty|district|county|province)$")
_REGION_CODE = re.compile(r"\d{6}|\d{6}[A-Z]{1,4}")

REGION_UNKNOWN = _(
    "“%(value)s” is not a region of Zhejiang that Programme Desk knows: write its name "
    "(such as 南湖区 or 嘉兴市南湖区) or its GB/T 2260 code (such as 330402)."
)
REGION_AMBIGUOUS = _(
    "“%(value)s” names more than one region: %(candidates)s. Write the full name with its "
    "city, or the code."
)
REGION_OUTSIDE = _(
    "“%(value)s” is outside Zhejiang: Programme Desk serves enterprises registered in "
    "Zhejiang only."
)
REGION_NOT_COUNTY_LEVEL = _(
    "“%(value)s” is a city or the province: give the district, county, county-level city "
    "or development zone."
)
INDUSTRY_UNKNOWN = _(
    "“%(value)s” is not a GB/T 4754-2017 industry: write a class code such as 3061 or "
    "C3061, or the class's name."
)
INDUSTRY_WRONG_SECTION = _("“%(value)s”: %(code)s belongs to section %(section)s, not %(letter)s.")
INDUSTRY_NAME_MISMATCH = _("“%(value)s”: %(code)s is “%(name)s”, not “%(given)s”.")
INDUSTRY_AMBIGUOUS = _(
    "“%(value)s” names more than one industry: %(candidates)s. Write the code instead."
)
INDUSTRY_TOO_BROAD = _(
    "“%(value)s” is the section “%(name)s”, too broad here: give one of its divisions, "
    "groups or classes."
)
INDUSTRY_CLASS_NEEDED = _(
    "“%(value)s” is the %(level)s “%(name)s”: give one of its classes (four digits)."
)

#: The levels an enterprise's industry may have: anything below a section.
ENTERPRISE_INDUSTRY_LEVELS = frozenset(
    {Industry.Level.DIVISION, Industry.Level.GROUP, Industry.Level.CLASS}
)
ALL_INDUSTRY_LEVELS = frozenset(Industry.Level.values)

#: The divisions of each GB/T 4754-2017 section.
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
_INDUSTRY_CODE = re.compile(r"([A-Z]?)(\d{1,4})|([A-Z])")
_INDUSTRY_CODE_AND_NAME = re.compile(
    r"([A-Za-z]?)\s*(\d{2,4})\s*[-－—–:：.、,，]?\s*(\D.*)", re.DOTALL
)


def section_of(code: str) -> str | None:
    """The section letter of a division, group or class code; None if it has none."""
    if code[:1].isalpha():
        return code[:1]  # a section, or a code written with its letter (C17)
    number = int(code[:2])
    for letter, (low, high) in SECTION_DIVISIONS.items():
        if low <= number <= high:
            return letter
    return None


def _problem(message, error_code: str, **params) -> ValidationError:
    # Params, not a formatted string: the value may hold a %, and callers format again.
    return ValidationError(message, code=error_code, params=params)


# --- Regions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRow:
    pk: int
    code: str
    name: str
    level: str
    city: str  # the city's name for a county-level unit, "" otherwise

    @property
    def label(self) -> str:
        return f"{self.city}{self.name} ({self.code})"


def _without_zhejiang(key: str) -> str:
    """嘉兴市桐乡市 for 浙江省嘉兴市桐乡市; 浙江省 itself stays."""
    for prefix in _ZHEJIANG_PREFIXES:
        if key.startswith(prefix) and len(key) >= len(prefix) + 2:
            return key[len(prefix) :]
    return key


def _short(name: str) -> str:
    short = _UNIT_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


class RegionIndex:
    """The regions by every way of writing them, in tiers: an earlier tier wins.

    Codes; full names, alone or after their city's name; short names; English names.
    """

    def __init__(self, rows, english=None):
        self._build(list(rows), english or {})

    @classmethod
    def load(cls) -> "RegionIndex":
        rows, english = [], {}
        for pk, code, name, name_en, level, city in Region.objects.values_list(
            "pk", "code", "name", "name_en", "level", "parent__name"
        ):
            county_level = level not in {Region.Level.PROVINCE, Region.Level.CITY}
            rows.append(RegionRow(pk, code, name, level, (city or "") if county_level else ""))
            english[pk] = name_en
        return cls(rows, english)

    def _build(self, rows, english) -> None:
        self.rows = {row.pk: row for row in rows}
        self.codes = {clean_code(row.code): row.pk for row in rows}
        full, short, by_english = defaultdict(set), defaultdict(set), defaultdict(set)
        for row in rows:
            names = {row.name}
            shorts = set()
            if row.level == Region.Level.ZONE:
                # 浙江乍浦经济开发区(嘉兴港区) is also written 浙江乍浦经济开发区 or 嘉兴港区.
                match = re.fullmatch(r"(.+?)[（(](.+)[)）]", row.name)
                if match:
                    shorts |= set(match.groups())
            else:
                shorts.add(_short(row.name))
            cities = {"", row.city, _short(row.city)} if row.city else {""}
            for city in cities:
                for name in names:
                    full[_without_zhejiang(match_key(city + name))].add(row.pk)
                for name in shorts:
                    short[_without_zhejiang(match_key(city + name))].add(row.pk)
            name_en = match_key(english.get(row.pk) or "")
            if name_en:
                by_english[name_en].add(row.pk)
                by_english[_EN_SUFFIX.sub("", name_en) or name_en].add(row.pk)
        self.tiers = (full, short, by_english)

    def resolve(self, text, *, county_level: bool = False) -> int:
        """The id of the region ``text`` names; ``ValidationError`` otherwise."""
        value = clean_text(text)
        code = clean_code(text)
        if re.fullmatch(r"\d{12}", code) and code.endswith("000000"):
            code = code[:6]  # a twelve-digit statistical code of a county-level unit
        pk = self.codes.get(code)
        if pk is None and _REGION_CODE.fullmatch(code):
            if code[:2] in OTHER_PROVINCES:
                raise _problem(REGION_OUTSIDE, "region_outside", value=value)
            raise _problem(REGION_UNKNOWN, "region_unknown", value=value)
        if pk is None:
            key = _without_zhejiang(match_key(value))
            for tier in self.tiers:
                found = tier.get(key)
                if not found:
                    continue
                if len(found) > 1:
                    candidates = ", ".join(sorted(self.rows[other].label for other in found))
                    raise _problem(
                        REGION_AMBIGUOUS,
                        "region_ambiguous",
                        value=value,
                        candidates=candidates,
                    )
                (pk,) = found
                break
        if pk is None:
            key = match_key(value)
            if key.startswith(_OTHER_PROVINCE_KEYS):
                raise _problem(REGION_OUTSIDE, "region_outside", value=value)
            raise _problem(REGION_UNKNOWN, "region_unknown", value=value)
        if county_level and self.rows[pk].level in {Region.Level.PROVINCE, Region.Level.CITY}:
            raise _problem(REGION_NOT_COUNTY_LEVEL, "region_not_county_level", value=value)
        return pk


def region_from_text(text, *, county_level: bool = False) -> Region:
    """The region a form field or an API parameter names (``RegionIndex.resolve``)."""
    pk = RegionIndex.load().resolve(text, county_level=county_level)
    return Region.objects.select_related("parent").get(pk=pk)


def region_label(region: Region) -> str:
    """How a form shows a region: with its city (嘉兴市桐乡市), which it accepts back."""
    if region.parent_id and region.county_level:
        return f"{region.parent.name}{region.name}"
    return region.name


# --- Industries ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndustryRow:
    pk: int
    code: str
    name: str
    level: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def _is_below(row: IndustryRow, ancestor: IndustryRow) -> bool:
    if ancestor.code.isalpha():
        return not row.code.isalpha() and section_of(row.code) == ancestor.code
    return row.code.startswith(ancestor.code) and len(row.code) > len(ancestor.code)


class IndustryIndex:
    """GB/T 4754-2017 categories by code and by Chinese name."""

    def __init__(self, rows):
        self.codes = {row.code: row for row in rows}
        for row in rows:
            if len(row.code) > 1 and row.code[0].isalpha():
                self.codes.setdefault(row.code[1:], row)  # a code stored with its letter
        self.names = defaultdict(list)
        for row in rows:
            self.names[match_key(row.name)].append(row)

    @classmethod
    def load(cls) -> "IndustryIndex":
        return cls(
            [
                IndustryRow(*values)
                for values in Industry.objects.values_list("pk", "code", "name", "level")
            ]
        )

    def resolve(self, text, *, levels=ENTERPRISE_INDUSTRY_LEVELS) -> int:
        """The id of the category ``text`` names, at one of ``levels``; ``ValidationError``
        otherwise."""
        value = clean_text(text)
        compact = clean_code(text)
        match = _INDUSTRY_CODE.fullmatch(compact)
        if match:
            row = self._by_code(value, match.group(1) or match.group(3) or "", match.group(2))
        else:
            match = _INDUSTRY_CODE_AND_NAME.fullmatch(value)
            if match and not match.group(3).strip().isdigit():
                letter, digits, given = match.groups()
                row = self._by_code(value, letter.upper(), digits)
                if match_key(given) != match_key(row.name):
                    raise _problem(
                        INDUSTRY_NAME_MISMATCH,
                        "industry_name_mismatch",
                        value=value,
                        code=row.code,
                        name=row.name,
                        given=given.strip(),
                    )
            else:
                row = self._by_name(value, levels)
        if row.level not in levels:
            if Industry.Level.SECTION in levels or levels != {Industry.Level.CLASS}:
                message, code = INDUSTRY_TOO_BROAD, "industry_too_broad"
            else:
                message, code = INDUSTRY_CLASS_NEEDED, "industry_class_needed"
            raise _problem(
                message, code, value=value, name=row.name, level=Industry.Level(row.level).label
            )
        return row.pk

    def _by_code(self, value: str, letter: str, digits: str | None) -> IndustryRow:
        if not digits:
            row = self.codes.get(letter)
        else:
            row = self.codes.get(digits)
            if row is None and len(digits) in {1, 3}:
                # A number cell drops the leading zero of 01–09 and their groups and classes.
                row = self.codes.get("0" + digits)
            if row is not None and letter and letter != section_of(row.code):
                raise _problem(
                    INDUSTRY_WRONG_SECTION,
                    "industry_wrong_section",
                    value=value,
                    code=row.code,
                    section=section_of(row.code),
                    letter=letter,
                )
        if row is None:
            raise _problem(INDUSTRY_UNKNOWN, "industry_unknown", value=value)
        return row

    def _by_name(self, value: str, levels) -> IndustryRow:
        found = sorted(self.names.get(match_key(value), ()), key=lambda row: len(row.code))
        if not found:
            raise _problem(INDUSTRY_UNKNOWN, "industry_unknown", value=value)
        # 其他采矿业 is division 12, group 120 and class 1200: one line of the tree, whose
        # finest allowed level is meant. Names shared by unrelated categories are refused.
        if all(_is_below(row, above) for above, row in zip(found, found[1:], strict=False)):
            allowed = [row for row in found if row.level in levels]
            return allowed[-1] if allowed else found[-1]
        candidates = ", ".join(row.label for row in found)
        raise _problem(INDUSTRY_AMBIGUOUS, "industry_ambiguous", value=value, candidates=candidates)


def industry_from_text(text, *, levels=ENTERPRISE_INDUSTRY_LEVELS) -> Industry:
    """The industry a form field or an API parameter names (``IndustryIndex.resolve``)."""
    return Industry.objects.get(pk=IndustryIndex.load().resolve(text, levels=levels))


def industry_label(industry: Industry) -> str:
    """How a form shows an industry: code and name (3061 玻璃纤维及制品制造), accepted back."""
    return f"{industry.code} {industry.name}"
