"""Importing enterprise sheets: bilingual headers, messy cells, all or nothing, audit, history."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core.models import ImportRecord
from enterprises.models import Enterprise
from enterprises.resources import EnterpriseResource
from tests import factories

from .conftest import write_xlsx

pytestmark = pytest.mark.django_db

RESOURCE = "enterprises.resources.EnterpriseResource"
CHINESE = [
    "统一社会信用代码",
    "企业名称",
    "所在地区",
    "行业代码",
    "地址",
    "法定代表人",
    "联系人",
    "联系电话",
]
ENGLISH = [
    "unified_social_credit_code",
    "name",
    "region",
    "industry",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
]


def run_import(path: Path, *args) -> tuple[int, str]:
    """``manage.py import`` as a user runs it; the exit status and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", RESOURCE, str(path), "--noinput", *args, stderr=err, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_cli_import_reads_a_messy_sheet_with_a_title_row_and_merged_cells(tmp_path, places, code):
    path = write_xlsx(
        tmp_path / "企业名单.xlsx",
        [
            ["2024年嘉兴市南湖区规上企业名单"],
            ["填报单位：南湖区经信局", None, None, None, "日期：2024-06-30"],
            [
                " 统一社会信用代码 ",
                "企业名称\u3000",
                "所在地区",
                "行业代码",
                "地址",
                "法定代表人",
                "联系人",
                "联系电话",
            ],
            [
                code(1),
                "\u3000嘉兴丝绸有限公司 ",
                "南湖区",
                1741,
                "南湖路1号",
                "张三",
                "李四",
                13812345678,
            ],
            [
                f" {code(2)}\u3000",
                "嘉兴绸缎有限公司",
                330411,
                "C1742",
                None,
                None,
                None,
                "0573-82345678",
            ],
            [
                code(3).lower(),
                "浙江乍浦纺织有限公司",
                "浙江乍浦经济开发区（嘉兴港区）",
                "1741",
                "",
                "",
                "",
                "",
            ],
            [None] * 8,
            [None] * 8,
            ["", "  ", None, None, None, None, None, None],
        ],
        merge=["A1:H1", "A2:D2", "E2:H2"],
    )

    status, output = run_import(path)

    assert status == 0, output
    assert "3 created" in output
    silk = Enterprise.objects.get(unified_social_credit_code=code(1))
    assert silk.name == "嘉兴丝绸有限公司"
    assert silk.region == places["regions"]["nanhu"]
    assert silk.industry == places["industries"]["1741"]
    assert (silk.address, silk.legal_representative, silk.contact_name) == (
        "南湖路1号",
        "张三",
        "李四",
    )
    assert silk.contact_phone == "13812345678"
    satin = Enterprise.objects.get(unified_social_credit_code=code(2))
    assert satin.region == places["regions"]["xiuzhou"]
    assert satin.industry == places["industries"]["1742"]
    zone = Enterprise.objects.get(name="浙江乍浦纺织有限公司")
    assert zone.unified_social_credit_code == code(3)
    assert zone.region == places["regions"]["zhapu"]


def test_english_field_names_work_as_headers(tmp_path, places, code):
    path = write_xlsx(
        tmp_path / "english.xlsx",
        [ENGLISH, [code(1), "嘉兴丝绸有限公司", "330402", "1741", "", "", "", ""]],
    )

    status, output = run_import(path)

    assert status == 0, output
    assert Enterprise.objects.get(name="嘉兴丝绸有限公司").region.code == "330402"


def test_one_bad_checksum_rejects_the_whole_file_with_row_column_and_reason(tmp_path, places, code):
    bad = code(2)[:17] + ("0" if code(2)[17] != "0" else "1")
    path = write_xlsx(
        tmp_path / "名单.xlsx",
        [
            ["南湖区企业名单"],
            CHINESE,
            [code(1), "甲有限公司", "南湖区", "1741", "", "", "", ""],
            [bad, "乙有限公司", "南湖区", "1741", "", "", "", ""],
            [code(3), "丙有限公司", "南湖区", "1741", "", "", "", ""],
        ],
    )

    status, output = run_import(path)

    assert status == 1
    assert Enterprise.objects.count() == 0
    assert "Row 4, column A “统一社会信用代码”" in output
    assert "checksum" in output and f"should be {code(2)[17]}" in output
    record = ImportRecord.objects.get()
    assert (record.committed, record.rejected_rows, record.created_rows) == (False, 1, 0)
    assert (record.file_name, record.via) == ("名单.xlsx", "cli")


def test_every_bad_row_is_reported_and_rejected_rows_are_written_beside_the_file(
    tmp_path, places, code
):
    factories.EnterpriseFactory(name="已有企业有限公司", unified_social_credit_code=code(9))
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [
            CHINESE,
            [code(1), "甲有限公司", "西湖区", "1741", "", "", "", ""],
            [code(2), "乙有限公司", "南湖区", "9999", "", "", "", ""],
            [code(1), "丙有限公司", "南湖区", "1741", "", "", "", ""],
            [code(4), "已有企业有限公司", "南湖区", "1741", "", "", "", ""],
            [code(5), "", "南湖区", "1741", "", "", "", ""],
            [code(6), "好企业有限公司", "南湖区", "1741", "", "", "", ""],
        ],
    )

    status, output = run_import(path)

    assert status == 1
    assert "Row 2, column C “所在地区”: “西湖区” is not a region of Zhejiang" in output
    assert "Row 3, column D “行业代码”: “9999” is not a GB/T 4754-2017 industry" in output
    assert "Row 4, column A “统一社会信用代码”: duplicate within the file: row 2" in output
    assert "Row 5, column B “企业名称”: “已有企业有限公司” is already registered" in output
    assert "Row 6, column B “企业名称”: the legal name is missing" in output
    assert Enterprise.objects.count() == 1

    rejected = load_workbook(tmp_path / "list.rejected.xlsx", read_only=True)
    rows = list(rejected.active.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    assert list(rows[0][1:9]) == CHINESE
    assert [row[0] for row in rows[1:]] == [2, 3, 4, 5, 6]
    assert rows[1][2] == "甲有限公司"
    assert "is not a region of Zhejiang" in rows[1][-1]


def test_credit_code_that_excel_rounded_to_a_number_is_explained(tmp_path, places, code):
    numeric = next(c for c in (code(n) for n in range(1, 100)) if c.isdigit())
    path = write_xlsx(tmp_path / "rounded.xlsx", [CHINESE, [float(numeric), "乙有限公司"]])

    status, output = run_import(path)

    assert status == 1
    assert "Row 2, column A “统一社会信用代码”: the code was stored as a number" in output
    assert "first 15 digits" in output
    assert "missing" not in output


def test_dry_run_writes_nothing_but_is_recorded(tmp_path, places, code):
    path = write_xlsx(tmp_path / "dry.xlsx", [CHINESE, [code(1), "甲有限公司"]])

    status, output = run_import(path, "--dry-run")

    assert status == 0, output
    assert Enterprise.objects.count() == 0
    record = ImportRecord.objects.get()
    assert (record.dry_run, record.committed, record.created_rows) == (True, False, 1)


def test_reimport_updates_changed_rows_keeps_unchanged_and_never_erases(tmp_path, places, code):
    first = write_xlsx(
        tmp_path / "v1.xlsx",
        [CHINESE, [code(1), "甲有限公司", "南湖区", "1741", "旧地址", "张三", "", ""]],
    )
    second = write_xlsx(
        tmp_path / "v2.xlsx",
        [
            CHINESE,
            [code(1), "甲有限公司", "南湖区", "1741", "新地址", "", "", ""],
            [code(2), "乙有限公司", "", "", "", "", "", ""],
        ],
    )
    assert run_import(first)[0] == 0

    status, output = run_import(second)
    assert status == 0, output
    assert "1 created, 1 updated, 0 unchanged" in output
    enterprise = Enterprise.objects.get(unified_social_credit_code=code(1))
    assert enterprise.address == "新地址"
    assert enterprise.legal_representative == "张三"  # the empty cell left it alone

    status, output = run_import(second)
    assert "0 created, 0 updated, 2 unchanged" in output
    assert Enterprise.objects.count() == 2


def test_bulk_created_and_updated_rows_have_history(tmp_path, places, code, importer):
    path = write_xlsx(
        tmp_path / "h.xlsx", [CHINESE, [code(1), "甲有限公司"], [code(2), "乙有限公司"]]
    )
    resource = EnterpriseResource()

    resource.import_file(path, user=importer, via="admin")
    enterprise = Enterprise.objects.get(unified_social_credit_code=code(1))
    history = list(enterprise.history.all())

    assert [h.history_type for h in history] == ["+"]
    assert history[0].history_user == importer
    assert history[0].history_change_reason == "Imported from h.xlsx"
    assert Enterprise.history.filter(history_type="+").count() == 2

    again = write_xlsx(tmp_path / "h2.xlsx", [CHINESE, [code(1), "甲有限公司", "秀洲区"]])
    resource.import_file(again, user=importer, via="admin")
    assert [h.history_type for h in enterprise.history.all()] == ["~", "+"]


def test_import_without_the_import_permission_is_refused(
    tmp_path, places, code, staff_without_import
):
    from django.core.exceptions import PermissionDenied

    staff = staff_without_import
    path = write_xlsx(tmp_path / "p.xlsx", [CHINESE, [code(1), "甲有限公司"]])

    with pytest.raises(PermissionDenied):
        EnterpriseResource().import_file(path, user=staff)
    assert Enterprise.objects.count() == 0


def test_csv_in_gb18030_with_a_title_line_imports(tmp_path, places, code):
    text = (
        "企业名单,,\r\n统一社会信用代码,企业名称,所在地区\r\n"
        + f"{code(1)},甲有限公司,南湖区\r\n,,\r\n"
    )
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode("gb18030"))

    result = EnterpriseResource().import_file(path)

    assert result.committed, [p.message() for p in result.problems]
    assert Enterprise.objects.get().region == places["regions"]["nanhu"]


def test_missing_required_column_is_reported_without_rows(tmp_path, places, code):
    path = write_xlsx(tmp_path / "m.xlsx", [["企业名称", "地址"], ["甲有限公司", "x"]])

    status, output = run_import(path)

    assert status == 1
    assert "Column “统一社会信用代码”: this column is required" in output


def test_import_command_records_the_user_and_saves_rejected_rows_where_asked(
    tmp_path, places, code, importer
):
    good = write_xlsx(tmp_path / "good.xlsx", [CHINESE, [code(1), "甲有限公司", "南湖区"]])
    bad = write_xlsx(tmp_path / "bad.xlsx", [CHINESE, [code(2), "乙有限公司", "火星区"]])
    out, err = io.StringIO(), io.StringIO()

    call_command("import", "enterprises", str(good), "--user", "importer", stdout=out)
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import", "enterprises", str(bad), "--rejected", str(tmp_path / "r.xlsx"), stderr=err
        )

    assert "1 created" in out.getvalue()
    assert exit_.value.code == 1 and "Nothing was imported" in err.getvalue()
    assert ImportRecord.objects.get(committed=True).user == importer
    rows = list(load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True))
    assert rows[1][:3] == (2, code(2), "乙有限公司")
    assert Enterprise.objects.count() == 1


def test_import_command_shows_a_progress_bar_when_asked(tmp_path, places, code):
    path = write_xlsx(
        tmp_path / "list.xlsx", [CHINESE, *([code(n), f"企业{n}有限公司"] for n in range(1, 4))]
    )
    err = io.StringIO()

    call_command("import", "enterprises", str(path), "--progress", stderr=err, stdout=io.StringIO())

    last_line = err.getvalue().rstrip("\n").split("\r")[-1]
    assert last_line.startswith("list.xlsx [" + "#" * 30 + "] 4 / 4 rows")


def test_the_command_names_the_resources_it_knows(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="use one of enterprises, results"):
        call_command("import", "nothing", str(tmp_path / "x.xlsx"))


def test_stock_command_reads_csv_too(tmp_path, places, code):
    path = tmp_path / "list.csv"
    path.write_text(f"企业名称,统一社会信用代码\n甲有限公司,{code(1)}\n", encoding="utf-8-sig")

    status, output = run_import(path)

    assert status == 0, output
    assert Enterprise.objects.get().unified_social_credit_code == code(1)


def test_sheet_template_command_writes_the_template(tmp_path):
    target = tmp_path / "t.xlsx"

    call_command("sheet_template", "results", str(target), stdout=io.StringIO())

    assert load_workbook(target)["数据"]["A1"].value == "批次"
