"""Sources of numbered rows: an xlsx file (read by python-calamine), a csv file, or a
tablib dataset.

Rows come as ``(row number, cells)`` with the numbers Excel shows, blank rows
included, so that every problem can name the row the user sees.
"""

import csv
import io
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from queue import Full, Queue

from django.utils.translation import gettext as _

from ..exports import decode_text
from .cells import CellError


def dataset_rows(dataset) -> Iterator[tuple[int, Sequence]]:
    """A tablib dataset as the sheet rows it came from: the headers were row 1."""
    start = 1
    if dataset.headers is not None:
        yield 1, list(dataset.headers)
        start = 2
    for offset, row in enumerate(dataset):
        yield start + offset, row


def _first_worksheet(source):
    """The first visible worksheet of an xlsx file (path, bytes or file), read by calamine."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        workbook = CalamineWorkbook.from_object(source)
        for index, sheet in enumerate(workbook.sheets_metadata):
            if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible:
                return workbook.get_sheet_by_index(index)
    except (CalamineError, OSError, ValueError) as error:
        raise CellError(
            _("The file cannot be read as an xlsx workbook: %(error)s") % {"error": error}
        ) from None
    raise CellError(_("The workbook has no visible worksheet."))


class xlsx_rows:  # noqa: N801  (used like the generator functions beside it)
    """The first visible worksheet of an xlsx file (path, bytes or file), row by row.

    python-calamine parses the sheet in Rust, some fifteen times faster than
    openpyxl. It leaves out the empty columns on the left, which are put back so
    that column letters stay Excel's. A cell merged down several rows (a region
    written once for the enterprises below it) is repeated in each of its rows;
    a cell merged across columns is read in its first column only. ``total`` is
    the number of the sheet's last row.
    """

    def __init__(self, source):
        self.sheet = _first_worksheet(source)
        self.total = self.sheet.end[0] + 1 if self.sheet.end else 0

    def __iter__(self) -> Iterator[tuple[int, Sequence]]:
        sheet = self.sheet
        left = [None] * ((sheet.start or (0, 0))[1])
        merged_down: dict[int, list[tuple[int, int]]] = {}
        for (top, column), (bottom, _right) in sheet.merged_cell_ranges or ():
            if bottom > top:
                merged_down.setdefault(top, []).append((column - len(left), bottom))
        filling: dict[int, tuple[int, object]] = {}
        for index, cells in enumerate(sheet.iter_rows()):
            for column, bottom in merged_down.get(index, ()):
                if 0 <= column < len(cells):
                    filling[column] = (bottom, cells[column])
            for column, (bottom, value) in list(filling.items()):
                if index > bottom:
                    del filling[column]
                elif cells[column] == "":
                    cells[column] = value
            # An empty cell is None, as openpyxl and tablib give it (calamine gives "").
            cells = [None if cell == "" else cell for cell in cells]
            yield index + 1, left + cells if left else cells


def csv_rows(source) -> Iterator[tuple[int, Sequence]]:
    """A CSV file (path or bytes) in UTF-8 or GB 18030."""
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    yield from enumerate(csv.reader(io.StringIO(decode_text(data))), 1)


class _ReaderFailed:
    def __init__(self, error: BaseException):
        self.error = error


_END = object()


def read_ahead(rows: Iterable, *, chunk: int = 500, depth: int = 4) -> Iterator:
    """``rows``, read in a thread a few chunks ahead of the caller.

    Parsing xlsx is a good part of an import; while the caller waits on the
    database (which releases the GIL) the next rows are being parsed. At most
    ``depth`` chunks wait in the queue, so memory stays bounded.
    """
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce():
        try:
            batch = []
            for item in rows:
                batch.append(item)
                if len(batch) >= chunk:
                    if not put(batch):
                        return
                    batch = []
            if batch and not put(batch):
                return
            put(_END)
        except BaseException as error:  # handed to the caller, raised there
            put(_ReaderFailed(error))

    thread = threading.Thread(target=produce, name="sheet-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is _END:
                return
            if isinstance(item, _ReaderFailed):
                raise item.error
            yield from item
    finally:
        stop.set()
        thread.join(timeout=5)


#: python-calamine holds the whole sheet in memory, about nine times the file's size (a
#: 7 MiB file of 100,000 enterprises takes some 64 MiB). Above this size a file is
#: streamed by openpyxl instead: memory stays flat, parsing is some fifteen times slower.
CALAMINE_MAX_BYTES = 16 * 2**20


class streamed_xlsx_rows:  # noqa: N801
    """The first visible worksheet of a large xlsx file, streamed by openpyxl's read-only
    mode (cells merged down are read in their first row only)."""

    def __init__(self, path):
        import openpyxl

        try:
            self.workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # zipfile, XML and openpyxl's own errors alike
            raise CellError(
                _("The file cannot be read as an xlsx workbook: %(error)s") % {"error": error}
            ) from None
        visible = [ws for ws in self.workbook.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise CellError(_("The workbook has no visible worksheet."))
        self.sheet = visible[0]
        self.total = self.sheet.max_row

    def __iter__(self) -> Iterator[tuple[int, Sequence]]:
        try:
            yield from enumerate(self.sheet.iter_rows(values_only=True), 1)
        finally:
            self.workbook.close()


def file_rows(path, *, name: str = "") -> Iterable[tuple[int, Sequence]]:
    """Rows of an xlsx or csv file, chosen by the file name's extension; an xlsx file's
    rows know their ``total``."""
    suffix = Path(name or str(path)).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        if not isinstance(path, bytes) and Path(path).stat().st_size > CALAMINE_MAX_BYTES:
            return streamed_xlsx_rows(path)
        return xlsx_rows(path)
    if suffix in {".csv", ".txt"}:
        return csv_rows(path)
    raise CellError(
        _("“%(name)s” is neither an .xlsx nor a .csv file.") % {"name": name or str(path)}
    )
