"""Reading cells and finding the header row, without the database."""

import datetime
from decimal import Decimal

import pytest

from core.sheets.layout import (
    CellError,
    SheetField,
    clean_code,
    clean_text,
    data_rows,
    detect_layout,
    parse_bool,
    parse_date,
    parse_decimal,
    read_ahead,
)

FIELDS = {
    "code": SheetField("code", "统一社会信用代码", kind="code", required=True),
    "name": SheetField("name", "企业名称", required=True, aliases=("单位名称",)),
    "region": SheetField("region", "所在地区", kind="lookup"),
    "amount": SheetField("amount", "金额", kind="decimal"),
}
for key, value in FIELDS.items():
    value.name = key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\u3000 嘉兴丝绸有限公司\u00a0 ", "嘉兴丝绸有限公司"),
        (1741, "1741"),
        (1741.0, "1741"),
        (None, ""),
        ("'=1+1", "=1+1"),
        ("'plain", "'plain"),
        (datetime.datetime(2024, 6, 30), "2024-06-30"),
    ],
)
def test_clean_text_trims_every_blank_and_reads_numbers_as_text(value, expected):
    assert clean_text(value) == expected


def test_clean_code_removes_inner_and_full_width_blanks_and_upper_cases():
    assert clean_code(" ９１３３０４０２ MA2 8\u3000abc ") == "91330402MA28ABC"
    assert clean_code(330402.0) == "330402"


@pytest.mark.parametrize(
    ("value", "wan", "expected"),
    [
        ("1,000,000", False, Decimal("1000000.00")),
        ("￥ 30万元", False, Decimal("300000.00")),
        (93.5, True, Decimal("935000.00")),
        ("", False, None),
    ],
)
def test_parse_decimal_understands_separators_currency_and_wan(value, wan, expected):
    assert parse_decimal(value, wan=wan) == expected


@pytest.mark.parametrize("value", ["abc", "-5", True])
def test_parse_decimal_refuses_what_is_not_an_amount(value):
    with pytest.raises(CellError):
        parse_decimal(value)


def test_parse_date_reads_the_forms_sheets_use():
    expected = datetime.date(2024, 6, 30)
    for value in ("2024-06-30", "2024/6/30", "2024年6月30日", "２０２４.６.３０", 45473, expected):
        assert parse_date(value) == expected
    with pytest.raises(CellError):
        parse_date("30/06/2024")


def test_parse_bool_reads_chinese_and_english():
    assert [parse_bool(v) for v in ("是", "否", "Y", "no", "", None)] == [
        True,
        False,
        True,
        False,
        None,
        None,
    ]


def test_header_row_is_found_below_titles_and_hints_in_brackets_are_ignored():
    rows = iter(
        [
            (1, ["2024年名单", None, None]),
            (2, [None, None, None]),
            (3, ["单位：元", None, "日期"]),
            (4, [" 统一社会信用代码 ", "单位名称", "所在地区（名称或代码）", "备注"]),
            (5, ["913304020000000042", "甲", "南湖区", ""]),
        ]
    )

    layout, problems, below = detect_layout(FIELDS, rows)

    assert problems == []
    assert layout.header_row == 4
    assert layout.columns == {"code": 0, "name": 1, "region": 2}
    assert layout.ignored == ["备注"]
    assert [number for number, _cells in below] == [5]


def test_a_unit_in_brackets_is_never_dropped():
    layout, _problems, _below = detect_layout(
        FIELDS, iter([(1, ["统一社会信用代码", "企业名称", "金额（万元）"])])
    )

    assert layout.columns == {"code": 0, "name": 1}
    assert layout.ignored == ["金额（万元）"]


def test_missing_header_and_repeated_columns_are_reported():
    _layout, problems, _ = detect_layout(FIELDS, iter([(1, ["x", "y"]), (2, ["a", "b"])]))
    assert "No header row found" in problems[0].message()

    _layout, problems, _ = detect_layout(
        FIELDS, iter([(1, ["统一社会信用代码", "企业名称", "name"])])
    )
    assert problems[0].message() == (
        "Row 1, column C “name”: this column repeats column B “企业名称”."
    )


def test_read_ahead_yields_everything_in_order_and_passes_errors_on():
    assert list(read_ahead(iter(range(2345)), chunk=100)) == list(range(2345))

    def broken():
        yield 1
        raise ValueError("corrupt sheet")

    with pytest.raises(ValueError, match="corrupt sheet"):
        list(read_ahead(broken()))


def test_read_ahead_stops_its_thread_when_the_reader_stops_early():
    import threading

    rows = read_ahead(iter(range(100_000)), chunk=10, depth=2)
    assert next(rows) == 0
    rows.close()

    assert not [t for t in threading.enumerate() if t.name == "sheet-reader" and t.is_alive()]


def test_the_collector_threshold_is_restored_after_nested_imports():
    import gc

    from core.sheets.imports import _fewer_collections

    before = gc.get_threshold()
    with _fewer_collections():
        raised = gc.get_threshold()
        with _fewer_collections():
            assert gc.get_threshold() == raised
        assert gc.get_threshold() == raised
    assert raised[0] > before[0]
    assert gc.get_threshold() == before


def test_a_header_in_two_rows_under_a_merged_group_title_is_read_as_one():
    fields = {
        "code": SheetField("code", "统一社会信用代码", kind="code", required=True),
        "name": SheetField("name", "企业名称", required=True),
        "contact": SheetField("contact", "联系人", aliases=("联系人姓名",)),
        "phone": SheetField("phone", "联系电话", aliases=("联系人电话",)),
    }
    for key, value in fields.items():
        value.name = key
    rows = iter(
        [
            (1, ["序号", "统一社会信用代码", "企业名称", "联系人", None]),
            (2, [None, None, None, "姓名", "电话"]),
            (3, [1, "913304020000000042", "甲", "张三", "13812345678"]),
        ]
    )

    layout, problems, below = detect_layout(fields, rows)

    assert problems == []
    assert (layout.first_header_row, layout.header_row) == (1, 2)
    assert layout.columns == {"code": 1, "name": 2, "contact": 3, "phone": 4}
    assert layout.column_of("phone") == ("联系人电话", "E")
    assert layout.ignored == []
    assert [number for number, _cells in below] == [3]


def test_rows_without_data_in_any_known_column_and_totals_rows_are_skipped():
    layout, _problems, below = detect_layout(
        FIELDS,
        iter(
            [
                (1, ["序号", "统一社会信用代码", "企业名称", "金额", "备注"]),
                (2, [1, "913304020000000042", "甲", 10, None]),
                (3, [2, None, None, None, "待补充"]),
                (4, ["合计", None, None, 10, None]),
                (5, [None, "", "\u3000", None, None]),
            ]
        ),
    )

    assert [row.number for row in data_rows(below, layout)] == [2]


def test_the_xlsx_reader_keeps_excels_row_numbers_and_column_letters(tmp_path):
    from openpyxl import Workbook

    from core.sheets.readers import xlsx_rows

    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "隐藏"
    hidden["A1"] = "not this one"
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("名单")
    sheet["C3"] = "企业名称"
    sheet["D3"] = "所在地区"
    for row, name in enumerate(("甲", "乙", "丙"), start=4):
        sheet.cell(row=row, column=3, value=name)
    sheet["D4"] = "南湖区"
    sheet.merge_cells("D4:D6")  # a region written once for three enterprises
    sheet["C8"] = "备注：本表由南湖区填报"
    sheet.merge_cells("C8:D8")  # across columns: read in its first column only
    workbook.save(tmp_path / "x.xlsx")

    rows = xlsx_rows(tmp_path / "x.xlsx")

    assert rows.total == 8
    assert [(number, list(cells)) for number, cells in rows] == [
        (1, [None, None, None, None]),
        (2, [None, None, None, None]),
        (3, [None, None, "企业名称", "所在地区"]),
        (4, [None, None, "甲", "南湖区"]),
        (5, [None, None, "乙", "南湖区"]),
        (6, [None, None, "丙", "南湖区"]),
        (7, [None, None, None, None]),
        (8, [None, None, "备注：本表由南湖区填报", None]),
    ]


def test_a_file_that_is_not_a_workbook_is_refused_with_a_reason(tmp_path):
    from core.sheets.readers import file_rows

    path = tmp_path / "list.xlsx"
    path.write_bytes(b"<html>not a workbook</html>")

    with pytest.raises(CellError, match="cannot be read as an xlsx workbook"):
        list(file_rows(path))
