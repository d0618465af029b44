"""A county's enterprise list as the bureau keeps one, against the complete reference tables.

Fifty rows from one Zhejiang county, with the class codes and county names written the
ways the business register and staff write them, import whole. One bad credit code in
such a list writes nothing and names its row.
"""

import io
import random
import re

import pytest
from django.core.management import call_command

from enterprises.models import Enterprise, Industry, Region
from programmes.management.commands.setup_demo import FIXTURES_DIR
from tests import factories

from .conftest import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["序号", "企业名称", "统一社会信用代码", "所在地区", "行业代码", "联系电话"]

#: One county of each kind: a district, a county-level city, a county, an autonomous
#: county, and an island county far from Jiaxing.
COUNTIES = ["330382", "330681", "330329", "331127", "330922", "330110"]


@pytest.fixture
def tables(db):
    call_command(
        "loaddata",
        FIXTURES_DIR / "01_regions.json",
        FIXTURES_DIR / "02_industries.json",
        verbosity=0,
    )


def county_names(county: Region) -> list[str]:
    """The ways a register or a clerk writes the county: full, with its city, short."""
    city = county.parent
    short = re.sub(r"(畲族自治县|[区市县])$", "", county.name)  # 景宁畲族自治县: 景宁
    names = [
        county.code,
        county.name,
        f"{city.name}{county.name}",
        f"浙江省{city.name}{county.name}",
    ]
    unique_short = Region.objects.filter(name__startswith=short).count() == 1
    return names + ([short] if unique_short and len(short) >= 2 else [])


def class_codes(industry: Industry) -> list[str]:
    section = industry.parent.parent.parent.code
    return [industry.code, f"{section}{industry.code}", f"{section} {industry.code}", industry.name]


def county_list(tmp_path, county: Region, *, rows=50, seed=0, bad_row=None):
    """A sheet of ``rows`` enterprises of ``county``; ``bad_row`` (1-based) gets a bad code."""
    shuffle = random.Random(seed)
    classes = list(Industry.objects.filter(level="class").select_related("parent__parent__parent"))
    names = county_names(county)
    sheet = [[f"{county.parent.name}{county.name}规上工业企业名单"], HEADER]
    for n in range(1, rows + 1):
        credit = factories.make_credit_code(n, county.code)
        if n == bad_row:
            credit = credit[:17] + ("0" if credit[17] != "0" else "1")
        industry = shuffle.choice(classes)
        sheet.append(
            [
                n,
                f"{county.name}第{n}号制造有限公司",
                credit,
                names[n % len(names)],
                shuffle.choice(class_codes(industry)),
                f"1381234{n:04d}",
            ]
        )
    return write_xlsx(tmp_path / "名单.xlsx", sheet)


def run_import(path):
    out = io.StringIO()
    try:
        call_command(
            "import",
            "enterprises.resources.EnterpriseResource",
            str(path),
            "--noinput",
            stdout=out,
            stderr=out,
        )
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.parametrize("county_code", COUNTIES)
def test_a_fifty_row_county_list_imports_whole(tmp_path, tables, county_code):
    county = Region.objects.select_related("parent").get(code=county_code)

    status, output = run_import(county_list(tmp_path, county, seed=county_code))

    assert status == 0, output
    enterprises = Enterprise.objects.all()
    assert enterprises.count() == 50
    assert set(enterprises.values_list("region__code", flat=True)) == {county_code}
    assert not enterprises.filter(industry__level__in=["section", "division", "group"]).exists()
    assert enterprises.filter(industry__isnull=True).count() == 0


def test_one_bad_credit_code_in_a_county_list_writes_nothing_and_names_its_row(tmp_path, tables):
    county = Region.objects.select_related("parent").get(code="330382")

    status, output = run_import(county_list(tmp_path, county, bad_row=37))

    assert status == 1
    assert Enterprise.objects.count() == 0
    # The title row and the header come first: the 37th enterprise is on row 39.
    assert "Row 39, column C “统一社会信用代码”" in output
    assert "checksum" in output
