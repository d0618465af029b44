"""Lookups shared by the sheets: regions by name or code, industries by code, aliases.

Built once per import (a few hundred rows each), so that every row is checked
in Python without a query of its own.
"""

from django.utils.translation import gettext as _

from core.sheets.layout import clean_code, match_key
from enterprises.models import Industry, Region

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


def _index(pairs) -> dict:
    """key → id, with keys that name more than one row marked ambiguous."""
    index = {}
    for key, pk in pairs:
        if not key:
            continue
        index[key] = AMBIGUOUS if index.get(key, pk) != pk else pk
    return index


def region_index() -> dict:
    """Regions by GB/T 2260 code, by name, by city + name and by English name."""
    pairs = []
    for pk, code, name, name_en, parent in Region.objects.values_list(
        "pk", "code", "name", "name_en", "parent__name"
    ):
        pairs += [(clean_code(code), pk), (match_key(name), pk), (match_key(name_en), pk)]
        if parent:
            pairs.append((match_key(f"{parent}{name}"), pk))
    return _index(pairs)


def industry_index() -> dict:
    """GB/T 4754 categories by code, with or without their section letter (``C1741``)."""
    index = {}
    for pk, code in Industry.objects.values_list("pk", "code"):
        code = clean_code(code)
        index[code] = pk
        if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
            index.setdefault(code[1:], pk)
    return index


def find_region(index: dict, text: str):
    """The region's id for a name or code as written in a sheet; None if unknown."""
    found = index.get(clean_code(text))
    return found if found is not None else index.get(match_key(text))


def find_industry(index: dict, text: str):
    code = clean_code(text)
    found = index.get(code)
    if found is None and len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
        found = index.get(code[1:])
    if found is None and code.isdigit() and len(code) in {1, 3}:
        # A number cell drops the leading zero of 01–09 divisions and their classes.
        found = index.get("0" + code)
    return found


def region_problem(text: str) -> str:
    return _(
        "unknown region “%(value)s”; write its name (such as 南湖区) "
        "or its GB/T 2260 code (such as 330402)."
    ) % {"value": text}


def ambiguous_region_problem(text: str) -> str:
    return _("more than one region is called “%(value)s”; write its code instead.") % {
        "value": text
    }
