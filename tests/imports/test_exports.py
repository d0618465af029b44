"""Exports and templates: Chinese titles, formula injection neutralised everywhere, round trip."""

import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core.exports import SheetCSV, SheetXLSX, neutralise_cell, strip_neutralisation
from enterprises.models import Enterprise
from enterprises.resources import EnterpriseResource
from programmes.resources import ResultListResource
from programmes.services import application_record_result
from tests import factories

from .conftest import write_xlsx

pytestmark = pytest.mark.django_db

DANGEROUS = {
    "address": '=HYPERLINK("http://evil.example","点击")',
    "legal_representative": "+86 573 8234",
    "contact_name": "-2+3",
    "contact_phone": "@SUM(A1:A2)",
    "name_en": "\tTabbed Ltd",
    "description": "\rcarriage",
}


@pytest.fixture
def risky(places, code):
    return factories.EnterpriseFactory(
        name="=1+1有限公司",
        unified_social_credit_code=code(1),
        region=places["regions"]["nanhu"],
        industry=places["industries"]["1741"],
        **DANGEROUS,
    )


def export_command(file_format, resource):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    call_command("export", file_format, resource, stdout=out)
    out.flush()
    return out.buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\n=1+1", "'\n=1+1"),
        (" =1+1", "' =1+1"),
        ("\u3000=1+1", "'\u3000=1+1"),
        ("＝1+1", "'＝1+1"),
        ("＋86", "'＋86"),
        ("－5", "'－5"),
        ("＠cmd", "'＠cmd"),
        ("嘉兴", "嘉兴"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise_cell_prefixes_only_text_that_a_spreadsheet_would_evaluate(value, expected):
    assert neutralise_cell(value) == expected
    if isinstance(value, str):
        assert strip_neutralisation(neutralise_cell(value)) == value  # imports back as it was


def test_cli_xlsx_export_carries_chinese_titles_and_neutralised_cells(risky):
    workbook = load_workbook(
        io.BytesIO(export_command("xlsx", "enterprises.resources.EnterpriseResource"))
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    cells = {cell.value: cell.data_type for cell in workbook.active[2]}

    assert rows[0][:4] == ("统一社会信用代码", "企业名称", "所在地区", "行业代码")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["企业名称"] == "'=1+1有限公司"
    assert row["所在地区"] == "南湖区" and row["行业代码"] == "1741"
    assert row["地址"] == "'" + DANGEROUS["address"]
    assert row["法定代表人"] == "'+86 573 8234"
    assert row["联系人"] == "'-2+3"
    assert row["联系电话"] == "'@SUM(A1:A2)"
    assert all(data_type != "f" for data_type in cells.values())


def test_cli_csv_export_is_neutralised(risky):
    text = export_command("CSV", "enterprises.resources.EnterpriseResource").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))

    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["企业名称"] == "'=1+1有限公司"
    assert row["英文名称"] == "'\tTabbed Ltd"
    assert row["企业简介"] == "'\rcarriage"


def test_sheet_formats_write_a_bom_for_excel_and_neutralise(risky):
    dataset = EnterpriseResource().export()

    text = SheetCSV().export_data(dataset)
    workbook = load_workbook(io.BytesIO(SheetXLSX().export_data(dataset)))

    assert text.startswith("\ufeff统一社会信用代码")
    assert "'=1+1有限公司" in text
    assert workbook.active["B2"].value == "'=1+1有限公司"


def test_exported_sheet_imports_back_unchanged(tmp_path, risky):
    # XML turns a carriage return into a line feed; keep this value to what survives xlsx.
    # A phone number is stored as the phone rule writes it; "@SUM(A1:A2)" is not one.
    Enterprise.objects.filter(pk=risky.pk).update(
        description="-note", contact_phone="0573-82345678"
    )
    path = tmp_path / "export.xlsx"
    path.write_bytes(SheetXLSX().export_data(EnterpriseResource().export()))

    result = EnterpriseResource().import_file(path)

    assert result.is_clean(), [p.message() for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    risky.refresh_from_db()
    assert risky.address == DANGEROUS["address"]


def test_results_list_export_round_trips(tmp_path, places, calls, code):
    enterprise = factories.EnterpriseFactory(
        name="甲有限公司", unified_social_credit_code=code(1), region=places["regions"]["nanhu"]
    )
    application_record_result(
        enterprise=enterprise,
        call=calls["product"],
        actor=None,
        title="涂层",
        source="import",
        source_note="x",
        detail={"product_name": "涂层", "tier": "domestic_first"},
        awarded_amount=500000,
    )
    workbook = load_workbook(
        io.BytesIO(export_command("xlsx", "programmes.resources.ResultListResource"))
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == (
        "批次",
        "企业名称",
        "统一社会信用代码",
        "所在地区",
        "产品/项目/平台名称",
        "级别或档次",
        "金额（元）",
        "状态",
    )
    assert rows[1][:7] == (
        "first-batch-2023",
        "甲有限公司",
        code(1),
        "南湖区",
        "涂层",
        "国内首批次",
        500000,
    )

    path = tmp_path / "back.xlsx"
    workbook.save(path)
    result = ResultListResource().import_file(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_blank_template_has_the_titles_and_explains_each_column():
    workbook = load_workbook(io.BytesIO(EnterpriseResource().template_xlsx()))

    header = [cell.value for cell in workbook["数据"][1]]
    notes = list(workbook["说明"].iter_rows(values_only=True))

    assert header[:8] == [
        "统一社会信用代码",
        "企业名称",
        "所在地区",
        "行业代码",
        "地址",
        "法定代表人",
        "联系人",
        "联系电话",
    ]
    assert workbook["数据"].column_dimensions["A"].number_format == "@"
    assert notes[1][:3] == ("统一社会信用代码", "unified_social_credit_code", "是")


def test_a_template_filled_in_imports(tmp_path, places, code):
    template = load_workbook(io.BytesIO(EnterpriseResource().template_xlsx()))
    template["数据"].append([code(1), "甲有限公司", "330402", "1741"])
    path = tmp_path / "filled.xlsx"
    template.save(path)

    assert EnterpriseResource().import_file(path).committed
    assert Enterprise.objects.get().region.code == "330402"


def test_templates_of_results_lists_omit_import_only_columns():
    workbook = load_workbook(io.BytesIO(ResultListResource().template_xlsx()))

    header = [cell.value for cell in workbook["数据"][1]]

    assert "金额（万元）" not in header and "状态" not in header
    assert header == [
        "批次",
        "企业名称",
        "统一社会信用代码",
        "所在地区",
        "产品/项目/平台名称",
        "级别或档次",
        "金额（元）",
    ]


def test_write_xlsx_helper_and_reader_agree(tmp_path):
    from core.sheets.layout import xlsx_rows

    path = write_xlsx(tmp_path / "x.xlsx", [["a"], [None], ["b"]])

    assert [(n, list(r)) for n, r in xlsx_rows(path)] == [(1, ["a"]), (2, [None]), (3, ["b"])]
