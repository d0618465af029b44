"""Reading the spreadsheets bureaus actually receive: columns, header row, rows, problems.

Real sheets carry a title row or merged cells above the header and empty rows
at the end; ``.cells`` reads their cells and ``.readers`` streams their rows.
This module finds the header row, maps its cells to columns, and describes
every problem by the row number and column letter the user sees in Excel.
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
    header_row, header, _found = best
    below = [(number, cells) for number, cells in consumed if number > header_row]
    columns, ignored, problems = {}, [], []
    for index, cell in enumerate(header):
        name = field_for(cell)
        if name is None:
            if clean_text(cell):
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
    layout = SheetLayout(header_row, header, columns, fields, ignored)
    return layout, problems, itertools.chain(below, rows)


def data_rows(rows: Iterable[tuple[int, Sequence]]) -> Iterator[SheetRow]:
    """The non-blank rows below the header (blank rows, such as trailing ones, are skipped)."""
    for number, cells in rows:
        if not _is_blank(cells):
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
