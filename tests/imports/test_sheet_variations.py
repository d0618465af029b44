"""Sheets as staff really have them: a title and a notes row above a header of two rows
under merged group titles, a 序号 column, full-width characters, codes and phone numbers
stored as numbers, numbered-only, 合计 and blank rows at the end. They import whole; one
bad row refuses the whole sheet, naming each row, column and reason."""

import pytest

from core.models import ImportRecord
from enterprises.models import Enterprise
from enterprises.resources import EnterpriseResource

from .conftest import write_xlsx

pytestmark = pytest.mark.django_db

TITLE = ["2025年南湖区规上工业企业名单"] + [None] * 8
NOTES = [
    "填报单位（盖章）：南湖区经济和信息化局",
    None,
    None,
    None,
    None,
    "填报日期：2025年5月20日",
]
HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所在地区",
    "行业代码",
    "联系人",
    None,
    "电子邮箱",
    "是否新增",
]
SUB_HEADER = [None, None, None, None, None, "姓名", "电话", None, None]
#: The title and notes across the width; every heading but 联系人 merged down two rows.
MERGED = ["A1:I1", "A2:E2", "F2:I2", "F3:G3"] + [f"{c}3:{c}4" for c in "ABCDEHI"]


def sheet(tmp_path, code, rows, name="名单.xlsx"):
    return write_xlsx(tmp_path / name, [TITLE, NOTES, HEADER, SUB_HEADER, *rows], merge=MERGED)


def messy_rows(code):
    return [
        # Full-width digits, letters and brackets; a code with blanks inside.
        [1, "嘉兴丝绸有限公司", "９１３３０４０２" + code(1)[8:], "南湖区", "C1741", "张三",
         "０５７３－８２３４ ５６７８", "ＳＩＬＫ＠ＥＸＡＭＰＬＥ．ＣＮ", None],
        # Region and industry codes, and a mobile number, stored as numbers.
        [2, "嘉兴绸缎有限公司", f" {code(2)[:6]} {code(2)[6:]} ", 330411, 1742, "李四",
         13812345678, None, "是"],
        # A landline stored as a number lost its leading 0; a zone by its full-width name.
        [3, "浙江乍浦纺织有限公司", code(3).lower(), "浙江乍浦经济开发区（嘉兴港区）", "1741",
         None, 57382345678, None, None],
        [4] + [None] * 8,  # numbered further than the data
        [5] + [None] * 8,
        ["合计", "3家", None, None, None, None, None, None, None],
        [None] * 9,
        [None] * 9,
    ]  # fmt: skip


def test_a_list_with_title_notes_two_row_merged_header_and_numbers_imports_whole(
    tmp_path, places, code
):
    result = EnterpriseResource().import_file(sheet(tmp_path, code, messy_rows(code)))

    assert result.is_clean(), [problem.message() for problem in result.problems]
    assert result.committed and result.created == 3
    assert result.header_row == 4
    assert result.ignored_columns == ["是否新增"]  # 序号 is expected, not an unknown column
    silk = Enterprise.objects.get(unified_social_credit_code=code(1))
    assert (silk.name, silk.region, silk.industry) == (
        "嘉兴丝绸有限公司",
        places["regions"]["nanhu"],
        places["industries"]["1741"],
    )
    assert (silk.contact_name, silk.contact_phone, silk.contact_email) == (
        "张三",
        "0573-82345678",
        "SILK@example.cn",
    )
    satin = Enterprise.objects.get(unified_social_credit_code=code(2))
    assert (satin.region, satin.industry, satin.contact_phone) == (
        places["regions"]["xiuzhou"],
        places["industries"]["1742"],
        "13812345678",
    )
    zone = Enterprise.objects.get(unified_social_credit_code=code(3))
    assert (zone.region, zone.contact_phone) == (places["regions"]["zhapu"], "0573-82345678")


def test_one_bad_row_in_such_a_list_refuses_it_whole_naming_row_column_and_reason(
    tmp_path, places, code
):
    rows = messy_rows(code)
    rows[1][2] = code(2)[:17] + ("X" if code(2)[17] != "X" else "Y")  # a wrong check character
    rows[2][6] = "见附件"

    result = EnterpriseResource().import_file(sheet(tmp_path, code, rows))

    messages = [problem.message() for problem in result.problems]
    assert len(messages) == 2
    assert messages[0].startswith("Row 6, column C “统一社会信用代码”: ")
    assert "fails the GB 32100-2015 checksum" in messages[0]
    assert messages[1] == (
        "Row 7, column G “联系人电话”: “见附件” is not a phone number: give a mobile number "
        "(11 digits beginning with 1) or a landline with its area code (0573-82345678)."
    )
    assert not Enterprise.objects.exists()
    assert ImportRecord.objects.get().committed is False
    assert [number for number, _raw, _reasons in result.rejected] == [6, 7]


def test_the_same_list_imports_through_the_tablib_dataset_of_admin_and_the_command(
    tmp_path, places, code
):
    from core.exports import SheetXLSX

    path = sheet(tmp_path, code, messy_rows(code))
    dataset = SheetXLSX().create_dataset(path.read_bytes())

    result = EnterpriseResource().import_data(dataset, file_name="名单.xlsx", via="admin")

    assert result.committed, [problem.message() for problem in result.problems]
    assert Enterprise.objects.count() == 3


def test_a_sheet_too_large_for_memory_is_streamed_and_imports_the_same(
    tmp_path, places, code, monkeypatch
):
    from core.sheets import readers

    path = sheet(tmp_path, code, messy_rows(code))
    monkeypatch.setattr(readers, "CALAMINE_MAX_BYTES", path.stat().st_size - 1)

    rows = readers.file_rows(path)
    result = EnterpriseResource().import_file(path)

    assert isinstance(rows, readers.streamed_xlsx_rows) and rows.total == 12
    assert [number for number, _cells in rows][-1] == 12  # read to the end, closed
    assert result.committed, [problem.message() for problem in result.problems]
    assert Enterprise.objects.count() == 3
