"""Reading the spreadsheets bureaus actually receive: columns, header row, rows, problems.

Real sheets carry a title row, a notes row or merged cells above the header, a
header of two rows under merged group titles (联系人 over 姓名 and 电话), a 序号
column, and empty, numbered-only or 合计 rows at the end; ``.cells`` reads their
cells and ``.readers`` streams their rows. This module finds the header, maps its
cells to columns, skips the rows that hold no data, and describes every problem by
the row number and column letter the user sees in Excel.
"""

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from .cells import (  # noqa: F401  (re-exported: the resources import them from here)
    _STRIP,
    PARSERS,
    CellError,
    clean_code,
    clean_text,
    match_key,
    name_variants,
    number_as_code,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
)
from .readers import (  # noqa: F401  (re-exported)
    csv_rows,
    dataset_rows,
    file_rows,
    read_ahead,
    xlsx_rows,
)

#: How many rows from the top may hold titles, notes and merged cells.
HEADER_SCAN_ROWS = 30
#: Headings of a running-number column: expected, never a field, never "ignored".
SERIAL_HEADINGS = {"序号", "序", "no", "no.", "#", "行号"}
#: What a totals row says in its first cell; such a row is not data.
TOTAL_ROW_LABELS = {"合计", "总计", "小计", "共计", "total"}
#: The columns added to a rejected-rows file.
ROW_NUMBER_TITLE = "原行号"
ERROR_TITLE = "错误原因"


def header_key(value) -> str:
    """A header cell as compared with titles, field names and aliases."""
    key = match_key(value)
    return key.rstrip("*:：").lstrip("*")


def _strip_bracketed(key: str) -> str:
    """``所在地区(名称或代码)`` → ``所在地区``: headers often carry a hint in brackets."""
    return re.sub(r"\([^()]*\)$", "", key)


class SheetField(Field):
    """A column: its field name, Chinese title, the other headers it goes by, and its type.

    ``column_name`` is the Chinese title (what exports and templates carry); the
    English field name is the key the resource declares it under. ``kind`` is
    one of ``PARSERS``; ``readonly`` columns are exported but ignored on import.
    """

    def __init__(
        self,
        attribute=None,
        title=None,
        *,
        kind="text",
        required=False,
        aliases=(),
        help_text="",
        max_length=None,
        readonly=False,
        primary=True,
        **kwargs,
    ):
        super().__init__(attribute=attribute, column_name=title, readonly=readonly, **kwargs)
        #: False for a column accepted on import only (such as amounts in 万元):
        #: exports and templates carry the primary column instead.
        self.primary = primary
        self.kind = kind
        self.parser = PARSERS[kind]
        self.required = required
        self.aliases = tuple(aliases)
        self.help_text = help_text
        self.max_length = max_length
        self.name = attribute  # set to the declared name by the resource

    def parse(self, raw):
        if self.kind == "code":
            lost = number_as_code(raw)
            if lost:
                raise CellError(lost)
        value = self.parser(raw)
        if self.max_length and isinstance(value, str) and len(value) > self.max_length:
            raise CellError(
                _("At most %(max)s characters; this has %(length)s.")
                % {"max": self.max_length, "length": len(value)}
            )
        return value

    def header_keys(self) -> set[str]:
        return {header_key(key) for key in (self.name, self.column_name, *self.aliases) if key}


@dataclass
class RowProblem:
    """What is wrong, where: the sheet's row number and column as the user sees them."""

    row: int | None
    column: str
    reason: str
    letter: str = ""

    def message(self) -> str:
        if self.row is None:
            if self.column:
                return _("Column “%(column)s”: %(reason)s") % {
                    "column": self.column,
                    "reason": self.reason,
                }
            return str(self.reason)
        if self.column and not self.letter:
            return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
                "row": self.row,
                "column": self.column,
                "reason": self.reason,
            }
        if self.column:
            return _("Row %(row)s, column %(letter)s “%(column)s”: %(reason)s") % {
                "row": self.row,
                "letter": self.letter,
                "column": self.column,
                "reason": self.reason,
            }
        return _("Row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}


class SheetRowError(Exception):
    """A problem as django-import-export reports it; ``repr`` is the plain message.

    The library's ``import`` command prints ``repr(error)`` for each base error.
    """

    def __repr__(self):
        return str(self)


@dataclass(eq=False)
class SheetRow:
    """One data row: its number in the sheet, the cells as read and the cleaned values."""

    number: int
    raw: Sequence
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    action: str = ""  # NEW, UPDATE or UNCHANGED once resolved
    label: str = ""
    target: object = None
    extra: dict = field(default_factory=dict)

    def failed(self, field_name: str) -> bool:
        """Whether a problem was already found in this field (say, an unreadable cell)."""
        return field_name in self.extra.get("failed", ())

    def add_problem(self, layout, field_name: str | None, reason) -> None:
        if field_name:
            self.extra.setdefault("failed", set()).add(field_name)
        column, letter = layout.column_of(field_name) if field_name else ("", "")
        self.problems.append(RowProblem(self.number, column, str(reason), letter))


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@dataclass
class SheetLayout:
    """Where the header row is and which column holds which field."""

    header_row: int
    header: list
    columns: dict  # field name → column index
    fields: dict  # field name → SheetField
    ignored: list
    #: The first row of a two-row header, when the header has two rows.
    first_header_row: int | None = None

    def column_of(self, field_name: str) -> tuple[str, str]:
        index = self.columns.get(field_name)
        if index is None:
            return str(self.fields[field_name].column_name), ""
        title = clean_text(self.header[index]) or str(self.fields[field_name].column_name)
        return title, column_letter(index)

    def read(self, row: SheetRow) -> None:
        """Parse every mapped cell of ``row`` into ``row.values``; bad cells become problems."""
        raw = row.raw
        width = len(raw)
        for name, index in self.columns.items():
            cell = raw[index] if index < width else None
            try:
                row.values[name] = self.fields[name].parse(cell)
            except CellError as error:
                row.values[name] = None
                row.add_problem(self, name, error)


def _is_blank(cells: Sequence) -> bool:
    return all(cell is None or (type(cell) is str and not cell.strip(_STRIP)) for cell in cells)


def _cell(cells: Sequence, index: int):
    return cells[index] if index < len(cells) else None


def _two_row_header(top: Sequence, bottom: Sequence, field_for) -> list[str]:
    """The headings of a header in two rows, column by column.

    A group title merged across columns (联系人 over 姓名 and 电话) is read in its
    first cell only, so a blank top cell takes the title on its left; a heading
    merged down both rows is read in the top cell. Where both rows speak, the
    heading is the first of title + sub-heading (联系人电话), the sub-heading alone
    (电话) and the title alone that names a column.
    """
    headings, group = [], ""
    for index in range(max(len(top), len(bottom))):
        upper, lower = clean_text(_cell(top, index)), clean_text(_cell(bottom, index))
        if upper:
            group = upper
        elif lower:
            upper = group
        if not lower or lower == upper:
            headings.append(upper)
        elif not upper:
            headings.append(lower)
        else:
            candidates = (upper + lower, lower, upper)
            headings.append(next((c for c in candidates if field_for(c)), upper + lower))
    return headings


def _is_serial_heading(cell) -> bool:
    return header_key(cell) in SERIAL_HEADINGS


def detect_layout(
    fields: dict, rows: Iterable[tuple[int, Sequence]]
) -> tuple[SheetLayout | None, list[RowProblem], Iterator[tuple[int, Sequence]]]:
    """Find the header row among the first rows and map its cells to fields.

    The header row is the one, within the first ``HEADER_SCAN_ROWS`` non-blank
    rows, that names the most known columns (at least two, or the only one).
    Returns the layout, any header problems, and the rows below the header.
    """
    lookup = {}
    for name, sheet_field in fields.items():
        for key in sheet_field.header_keys():
            lookup.setdefault(key, name)

    def field_for(cell):
        key = header_key(cell)
        if not key:
            return None
        found = lookup.get(key)
        if found is None and "万" not in key:
            # A hint in brackets (所在地区（名称或代码）); never for units, where
            # 金额（万元） must not be read as 金额 in yuan.
            found = lookup.get(_strip_bracketed(key))
        return found

    rows = iter(rows)
    needed = min(2, len(fields))
    consumed, best, scanned, since_best = [], None, 0, 0
    for number, cells in rows:
        consumed.append((number, cells))
        if _is_blank(cells):
            continue
        scanned += 1
        found = len({field_for(cell) for cell in cells} - {None})
        if found >= needed and (best is None or found > best[2]):
            best, since_best = (number, list(cells), found), 0
            if found == len(fields):
                break
        elif best is not None:
            since_best += 1
        # A few rows below a matching header are data: stop looking.
        if since_best >= 3 or scanned >= HEADER_SCAN_ROWS:
            break
    if best is None:
        expected = "、".join(str(f.column_name) for f in fields.values() if f.required)
        problem = RowProblem(
            None,
            "",
            _(
                "No header row found in the first %(count)s rows; "
                "expected columns such as %(columns)s."
            )
            % {"count": HEADER_SCAN_ROWS, "columns": expected},
        )
        return None, [problem], iter(())
    header_row, header, found = best
    first_header_row = None
    # A header in two rows: the best row and the one above or below it, when together
    # they name more columns than the best row alone.
    by_number = dict(consumed)
    if header_row + 1 not in by_number and found < len(fields):
        for number, cells in rows:
            consumed.append((number, cells))
            by_number[number] = cells
            break
    pairs = [
        (header_row - 1, header_row, by_number.get(header_row - 1), header),
        (header_row, header_row + 1, header, by_number.get(header_row + 1)),
    ]
    for upper_row, lower_row, upper, lower in pairs:
        if upper is None or lower is None or _is_blank(upper) or _is_blank(lower):
            continue
        combined = _two_row_header(upper, lower, field_for)
        count = len({field_for(cell) for cell in combined} - {None})
        if count > found:
            first_header_row, header_row, header, found = upper_row, lower_row, combined, count
    below = [(number, cells) for number, cells in consumed if number > header_row]
    columns, ignored, problems = {}, [], []
    for index, cell in enumerate(header):
        name = field_for(cell)
        if name is None:
            if clean_text(cell) and not _is_serial_heading(cell):
                ignored.append(clean_text(cell))
            continue
        if name in columns:
            problems.append(
                RowProblem(
                    header_row,
                    clean_text(cell),
                    _("this column repeats column %(letter)s “%(other)s”.")
                    % {
                        "letter": column_letter(columns[name]),
                        "other": clean_text(header[columns[name]]),
                    },
                    column_letter(index),
                )
            )
            continue
        columns[name] = index
    for name, sheet_field in fields.items():
        if sheet_field.required and name not in columns:
            problems.append(
                RowProblem(
                    None,
                    str(sheet_field.column_name),
                    _("this column is required (head it “%(title)s” or “%(name)s”).")
                    % {"title": sheet_field.column_name, "name": name},
                )
            )
    layout = SheetLayout(header_row, header, columns, fields, ignored, first_header_row)
    return layout, problems, itertools.chain(below, rows)


def data_rows(rows: Iterable[tuple[int, Sequence]], layout: SheetLayout) -> Iterator[SheetRow]:
    """The rows below the header that hold data.

    Skipped: blank rows (trailing ones too), rows whose known columns are all blank
    (a 序号 column numbered further than the data, a stray note in an unknown
    column), and a totals row (合计 in its first cell).
    """
    indexes = sorted(layout.columns.values())
    for number, cells in rows:
        if _is_blank(cells):
            continue
        width = len(cells)
        if _is_blank([cells[index] for index in indexes if index < width]):
            continue
        first = next((cell for cell in cells if not _is_blank((cell,))), None)
        if header_key(first) in TOTAL_ROW_LABELS:
            continue
        yield SheetRow(number=number, raw=cells)


def batches(iterable: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- The result of an import ----------------------------------------------------

NEW, UPDATE, UNCHANGED = RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, "unchanged"
ACTION_LABELS = {
    NEW: gettext_lazy("New"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
}


class SheetImportResult(Result):
    """django-import-export's ``Result``, with every problem and the rejected rows.

    Problems are also exposed as ``base_errors`` so that the library's ``import``
    command prints them and exits with status 1; ``rows`` stays empty so that ten
    thousand rows are summarised, not kept.
    """

    def __init__(self, *, resource_label: str = "", file_name: str = "", dry_run: bool = False):
        super().__init__()
        self.resource_label = resource_label
        self.file_name = file_name
        self.dry_run = dry_run
        self.problems: list[RowProblem] = []
        self.rejected: list[tuple[int, list, list[str]]] = []
        self.header: list = []
        self.header_row: int | None = None
        self.ignored_columns: list[str] = []
        self.preview: list[tuple[int, str, str]] = []
        self.committed = False
        self.import_record = None

    @property
    def created(self) -> int:
        return self.totals[NEW]

    @property
    def updated(self) -> int:
        return self.totals[UPDATE]

    @property
    def unchanged(self) -> int:
        return self.totals[RowResult.IMPORT_TYPE_SKIP]

    @property
    def rejected_count(self) -> int:
        return self.totals[RowResult.IMPORT_TYPE_INVALID]

    def is_clean(self) -> bool:
        return not self.problems

    def has_errors(self):
        return bool(self.problems or self.base_errors)

    def has_validation_errors(self):
        return False

    def add_problem(self, problem: RowProblem) -> None:
        self.problems.append(problem)
        self.base_errors.append(Error(SheetRowError(problem.message()), number=problem.row))

    def add_rows(self, rows: list[SheetRow], *, preview: bool) -> None:
        for row in rows:
            self.total_rows += 1
            if row.problems:
                self.totals[RowResult.IMPORT_TYPE_INVALID] += 1
                for problem in row.problems:
                    self.add_problem(problem)
                self.rejected.append(
                    (row.number, list(row.raw), [p.message() for p in row.problems])
                )
                continue
            key = RowResult.IMPORT_TYPE_SKIP if row.action == UNCHANGED else row.action
            self.totals[key] += 1
            if preview:
                self.preview.append((row.number, row.action, row.label))

    def summary(self) -> str:
        if self.problems:
            if not self.rejected_count:
                return ngettext(
                    "Nothing was imported: the sheet has %(count)s problem.",
                    "Nothing was imported: the sheet has %(count)s problems.",
                    len(self.problems),
                ) % {"count": len(self.problems)}
            return ngettext(
                "Nothing was imported: %(count)s row was rejected.",
                "Nothing was imported: %(count)s rows were rejected.",
                self.rejected_count,
            ) % {"count": self.rejected_count}
        if self.committed:
            text = _(
                "Imported %(file)s: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
        else:
            text = _(
                "Checked %(file)s: %(created)s would be created, %(updated)s updated, "
                "%(unchanged)s unchanged; nothing was written."
            )
        return text % {
            "file": self.file_name or self.resource_label,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def rejected_sheet(self) -> tuple[list, list[list]]:
        """Headers and rows of the rejected-rows file: row number first, errors last."""
        width = max([len(self.header)] + [len(raw) for _n, raw, _m in self.rejected])
        header = [clean_text(cell) for cell in self.header] + [""] * (width - len(self.header))
        rows = [
            [number, *raw, *([None] * (width - len(raw))), "\n".join(messages)]
            for number, raw, messages in self.rejected
        ]
        return [ROW_NUMBER_TITLE, *header, ERROR_TITLE], rows
