"""The county's summary table (推荐汇总表) as a spreadsheet, in the layout counties send:
a title row, the recommending unit and date, the column heads, one row per application
in the order of recommendation, and a blank remarks column."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = (6, 36, 22, 14, 34, 18, 18, 16)


def summary_workbook(*, texts: dict, number: str) -> bytes:
    """The table of ``texts`` (one language's content of a county summary) as xlsx."""
    table = texts["table"]
    columns = [*table["columns"], table.get("remarks", "")]
    book = Workbook()
    sheet = book.active
    sheet.title = "推荐汇总表"[:31]
    last = get_column_letter(len(columns))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = texts["title"]
    sheet["A1"].font = Font(name="宋体", size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 36
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = f"{texts['paragraphs'][0]}  {number}  {texts['date']}"
    sheet["A2"].alignment = Alignment(horizontal="left", vertical="center")
    for index, head in enumerate(columns, start=1):
        cell = sheet.cell(row=3, column=index, value=head)
        cell.font = Font(bold=True)
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, row in enumerate(table["rows"], start=4):
        for index, value in enumerate([*row, ""], start=1):
            cell = sheet.cell(row=offset, column=index, value=value)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for index in range(1, len(columns) + 1):
        width = WIDTHS[index - 1] if index <= len(WIDTHS) else 16
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
