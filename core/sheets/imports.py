"""Spreadsheet imports: all or nothing, audited, with history for bulk-written rows.

``sheet_import`` runs a resource (``core.sheets.resource.SheetResource``)
over the rows of a sheet in one pass: each batch is checked in Python against
lookups fetched once (or once per batch), then written in bulk inside one
transaction. After the first bad row nothing more is written, but every row is
still checked so that the user gets the whole list of problems at once; the
transaction is then rolled back, so one bad row means nothing is written. Each
run, dry or not, leaves an ``ImportRecord``.
"""

import contextlib
import gc
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, router, transaction
from django.utils.translation import gettext as _

from ..audit import audit_import
from ..models import ImportRecord
from .layout import (
    NEW,
    UPDATE,
    RowProblem,
    SheetImportResult,
    batches,
    data_rows,
    detect_layout,
)

WRITES = {NEW, UPDATE}

#: While an import runs, the cyclic garbage collector waits for this many new
#: objects instead of 700: a sheet allocates hundreds of thousands of short-lived
#: rows, values and model instances, none in reference cycles, and collecting
#: every 700 of them cost a fifth of the import's time in the benchmark.
IMPORT_GC_THRESHOLD = 50_000
_gc_lock = threading.Lock()
_gc_imports = 0
_gc_saved: tuple | None = None


@contextlib.contextmanager
def _fewer_collections():
    """Raise the collector's first threshold for the duration of the outermost import."""
    global _gc_imports, _gc_saved
    with _gc_lock:
        if _gc_imports == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(IMPORT_GC_THRESHOLD, _gc_saved[0]), *_gc_saved[1:])
        _gc_imports += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_imports -= 1
            if _gc_imports == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)


@dataclass
class ImportContext:
    """What a resource needs to know while it runs, and where it keeps its lookups."""

    user: object
    file_name: str
    dry_run: bool
    via: str
    cache: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The change reason written on every history row of the import."""
        return _("Imported from %(file)s") % {"file": self.file_name or self.via}


def sheet_import(
    *,
    resource,
    rows: Iterable[tuple[int, Sequence]],
    user=None,
    file_name: str = "",
    via: str = "cli",
    dry_run: bool = False,
    collect_preview: bool = False,
    progress=None,
) -> SheetImportResult:
    """Check and write every row of a sheet, or none of them; record the attempt.

    ``rows`` are ``(row number, cells)`` pairs as the sheet holds them, title
    rows and all. ``user`` is checked for the import permission when given
    (the command line runs as nobody and needs none). A dry run writes and
    rolls back, so it finds what the database would refuse too. ``progress``, when
    given, is called after each batch with the sheet's row number reached.
    """
    model = resource._meta.model
    if user is not None and not resource.can_import(user, model):
        raise PermissionDenied(
            _("You may not import %(what)s.") % {"what": model._meta.verbose_name_plural}
        )
    actor = user if getattr(user, "is_authenticated", False) else None
    result = SheetImportResult(
        resource_label=str(resource.get_display_name()), file_name=file_name, dry_run=dry_run
    )
    context = ImportContext(user=actor, file_name=file_name, dry_run=dry_run, via=via)
    fields = resource.sheet_fields()
    layout, header_problems, below = detect_layout(fields, rows)
    for problem in header_problems:
        result.add_problem(problem)
    if layout is not None:
        result.header, result.header_row = layout.header, layout.header_row
        result.ignored_columns = layout.ignored
    alias = router.db_for_write(model)
    try:
        with _fewer_collections(), transaction.atomic(using=alias):
            if layout is not None and not header_problems:
                _run(resource, layout, below, context, result, alias, collect_preview, progress)
            result.committed = result.is_clean() and not dry_run
            if not result.committed:
                transaction.set_rollback(True, using=alias)
    finally:
        result.import_record = import_record_create(
            user=actor, resource=resource, file_name=file_name, via=via, result=result
        )
        audit_import(record=result.import_record)
    return result


def _run(resource, layout, below, context, result, alias, collect_preview, progress) -> None:
    resource.begin_import(context)
    for batch in batches(data_rows(below, layout), resource.sheet_batch_size):
        for row in batch:
            layout.read(row)
            resource.check_row(row, layout, context)
        resource.resolve_batch(batch, layout, context)
        if result.is_clean() and not any(row.problems for row in batch):
            to_write = [row for row in batch if row.action in WRITES]
            if to_write:
                try:
                    with transaction.atomic(using=alias):
                        resource.write_batch(to_write, layout, context)
                        if any(row.problems for row in to_write):
                            raise _BatchRefused
                except _BatchRefused:
                    pass
                except (DatabaseError, ValidationError) as error:
                    first, last = to_write[0].number, to_write[-1].number
                    result.add_problem(
                        RowProblem(
                            None,
                            "",
                            _("The database refused rows %(first)s–%(last)s: %(error)s")
                            % {"first": first, "last": last, "error": error},
                        )
                    )
        result.add_rows(batch, preview=collect_preview)
        if progress is not None:
            progress(batch[-1].number)


class _BatchRefused(Exception):
    """A row of the batch was refused while writing; undo the batch's savepoint."""


def import_record_create(*, user, resource, file_name: str, via: str, result) -> ImportRecord:
    """The audit row of one import: who, which file, and what it did or would have done."""
    counted = result.committed or (result.dry_run and result.is_clean())
    resource_class = type(resource)
    return ImportRecord.objects.create(
        user=user,
        resource=f"{resource_class.__module__}.{resource_class.__qualname__}"[:100],
        file_name=(file_name or "")[:255],
        dry_run=result.dry_run,
        created_rows=result.created if counted else 0,
        updated_rows=result.updated if counted else 0,
        rejected_rows=result.rejected_count,
        committed=result.committed,
        via=via[:20],
    )
