"""Safe spreadsheet output: formula-injection neutralisation and the xlsx / csv formats.

Every exported cell goes through ``neutralise_cell``: admin and command-line
exports through the resources (``SheetResource.export_resource``), the API and
anything else by calling it directly. A text cell that begins with ``=``, ``+``,
``-``, ``@`` (or their full-width forms, which WPS reads as formulas too), a blank, a
tab, a carriage return or a line feed is prefixed with a single quote, so that
Excel, WPS and LibreOffice show it as text instead of evaluating it (OWASP "CSV
injection"). Numbers, dates and booleans are left alone: they cannot carry a
formula. The importers strip that quote again, so an export imports back as it was.
"""

import csv
import io
from collections.abc import Iterable, Sequence

import tablib
from import_export.formats import base_formats

#: What a spreadsheet program may read as the start of a formula or a command: the
#: signs, their full-width forms, and the blanks a program may skip before them.
FORMULA_TRIGGERS = (
    "=",
    "+",
    "-",
    "@",
    "\uff1d",  # ＝
    "\uff0b",  # ＋
    "\uff0d",  # －
    "\uff20",  # ＠
    " ",
    "\u3000",  # the ideographic space
    "\t",
    "\r",
    "\n",
)
NEUTRALISING_PREFIX = "'"


def neutralise_cell(value):
    """``value`` made safe to open in a spreadsheet program; non-text is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return NEUTRALISING_PREFIX + value
    return value


def neutralise_row(values: Iterable) -> list:
    return [neutralise_cell(value) for value in values]


def strip_neutralisation(text: str) -> str:
    """Undo ``neutralise_cell`` on a cell read back from a sheet we wrote."""
    if text.startswith(NEUTRALISING_PREFIX) and text[1:2] and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def xlsx_bytes(headers: Sequence, rows: Iterable[Sequence], *, text_columns=()) -> bytes:
    """A one-sheet workbook, written in openpyxl's streaming mode, every cell neutralised.

    ``text_columns`` (0-based) are formatted as text so that Excel keeps codes
    such as credit codes and region codes from turning into numbers.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    bold = Font(bold=True)
    header_cells = []
    for value in headers:
        cell = WriteOnlyCell(sheet, value=neutralise_cell(value))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    text_columns = set(text_columns)
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=neutralise_cell(value))
            if index in text_columns:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(headers: Sequence, rows: Iterable[Sequence]) -> str:
    """CSV with a byte-order mark, which Excel needs to read UTF-8 Chinese correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(neutralise_row(headers))
    for row in rows:
        writer.writerow(neutralise_row("" if value is None else value for value in row))
    return buffer.getvalue()


def _pad(rows: list[list]) -> tablib.Dataset:
    """A dataset of ``rows`` as read, the first row as headers, every row as wide as the widest.

    Blank rows are kept so that a row's position stays its row number in the sheet.
    """
    width = max((len(row) for row in rows), default=0)
    dataset = tablib.Dataset()
    if not rows:
        return dataset
    dataset.headers = list(rows[0]) + [None] * (width - len(rows[0]))
    for row in rows[1:]:
        dataset.append(list(row) + [None] * (width - len(row)))
    return dataset


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB 18030, the encoding Chinese Excel saves CSV in."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8-sig", errors="replace")


class SheetCSV(base_formats.CSV):
    """CSV read as bytes in UTF-8 or GB 18030, written with a BOM and neutralised cells."""

    def get_title(self):
        return "csv"

    def is_binary(self):
        # Read as bytes so that ``create_dataset`` can choose the encoding itself.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream) if isinstance(in_stream, bytes) else in_stream
        return _pad([list(row) for row in csv.reader(io.StringIO(text))])

    def export_data(self, dataset, **kwargs):
        return csv_text(dataset.headers or [], dataset)


class SheetXLSX(base_formats.XLSX):
    """xlsx read by python-calamine (``core.sheets.readers.xlsx_rows``), tolerant of ragged
    rows; written by openpyxl, neutralised."""

    def get_title(self):
        return "xlsx"

    def create_dataset(self, in_stream):
        from .sheets.readers import xlsx_rows

        return _pad([list(cells) for _number, cells in xlsx_rows(in_stream)])

    def export_data(self, dataset, **kwargs):
        return xlsx_bytes(dataset.headers or [], dataset)


SHEET_FORMATS = [SheetXLSX, SheetCSV]
