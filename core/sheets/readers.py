"""Sources of numbered rows: an xlsx or csv file streamed, or a tablib dataset.

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


def xlsx_rows(source) -> Iterator[tuple[int, Sequence]]:
    """The active sheet of an xlsx file (path, bytes or file), streamed in read-only mode."""
    import openpyxl

    if isinstance(source, bytes):
        source = io.BytesIO(source)
    workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        yield from enumerate(workbook.active.iter_rows(values_only=True), 1)
    finally:
        workbook.close()


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


def file_rows(path, *, name: str = "") -> Iterator[tuple[int, Sequence]]:
    """Rows of an xlsx or csv file, chosen by the file name's extension."""
    suffix = Path(name or str(path)).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return xlsx_rows(path)
    if suffix in {".csv", ".txt"}:
        return csv_rows(path)
    raise CellError(
        _("“%(name)s” is neither an .xlsx nor a .csv file.") % {"name": name or str(path)}
    )
