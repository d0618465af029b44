"""Spreadsheet imports: all or nothing, audited, with history for bulk-written rows.

``sheet_import`` runs a resource (``programmes.resources.base.SheetResource``)
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
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from enterprises.models import Enterprise

from .. import access
from ..models import Application, Call, Designation, ImportRecord, Kind, Source
from ..resources.sheets import (
    NEW,
    UPDATE,
    RowProblem,
    SheetImportResult,
    batches,
    data_rows,
    detect_layout,
)
from .applications import DETAIL_MODELS, application_record_result
from .audit import audit_import
from .outcomes import designation_record

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
) -> SheetImportResult:
    """Check and write every row of a sheet, or none of them; record the attempt.

    ``rows`` are ``(row number, cells)`` pairs as the sheet holds them, title
    rows and all. ``user`` is checked for the import permission when given
    (the command line runs as nobody and needs none). A dry run writes and
    rolls back, so it finds what the database would refuse too.
    """
    model = resource._meta.model
    if user is not None and not access.can_import(user, model):
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
                _run(resource, layout, below, context, result, alias, collect_preview)
            result.committed = result.is_clean() and not dry_run
            if not result.committed:
                transaction.set_rollback(True, using=alias)
    finally:
        result.import_record = import_record_create(
            user=actor, resource=resource, file_name=file_name, via=via, result=result
        )
        audit_import(record=result.import_record)
    return result


def _run(resource, layout, below, context, result, alias, collect_preview) -> None:
    resource.begin_import(context)
    for batch in batches(data_rows(below), resource.sheet_batch_size):
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


# --- Enterprises ------------------------------------------------------------------


def enterprise_bulk_create(
    *, enterprises: list[Enterprise], actor, reason: str
) -> list[Enterprise]:
    """Insert checked enterprises in bulk, each with its ``+`` history row.

    The rows were checked by the resource (credit-code checksum, lengths,
    lookups); ``Enterprise.save`` is bypassed, so codes must arrive normalised.
    """
    return bulk_create_with_history(
        enterprises,
        Enterprise,
        batch_size=None,  # let Django size the INSERTs for the backend
        default_user=actor,
        default_change_reason=reason,
    )


def enterprise_bulk_update(
    *, enterprises: list[Enterprise], fields: Iterable[str], actor, reason: str
) -> None:
    """Update checked enterprises in bulk, each with its ``~`` history row."""
    now = timezone.now()
    for enterprise in enterprises:
        enterprise.updated_at = now
    bulk_update_with_history(
        enterprises,
        Enterprise,
        sorted({*fields, "updated_at"}),
        batch_size=None,  # let Django size the INSERTs for the backend
        default_user=actor,
        default_change_reason=reason,
    )


# --- Applications from a published results list -------------------------------------


def application_result_import(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    source_note: str,
    detail: dict,
    awarded_amount: Decimal | None,
    designation: dict | None = None,
) -> Application:
    """A granted application taken from a published list, with its designation if any."""
    application = application_record_result(
        enterprise=enterprise,
        call=call,
        actor=actor,
        title=title,
        source=Source.IMPORT,
        source_note=source_note,
        detail=detail,
        awarded_amount=awarded_amount,
    )
    if designation and application.kind == Kind.DESIGNATION:
        designation_record(application=application, actor=actor, **designation)
    return application


def application_result_update(
    *,
    application: Application,
    actor,
    source_note: str,
    detail: dict,
    awarded_amount: Decimal | None,
    designation: dict | None = None,
    reason: str = "",
) -> bool:
    """Bring a granted application in line with a list imported again; True if it changed.

    Only what the list states is changed (an empty cell leaves a value alone);
    status is untouched, so no workflow move happens here.
    """
    changed = False
    with transaction.atomic():
        if awarded_amount is not None and application.awarded_amount != awarded_amount:
            application.awarded_amount = awarded_amount
            changed = True
        detail_model = DETAIL_MODELS[application.kind]
        record = detail_model.objects.filter(application=application).first() or detail_model(
            application=application
        )
        detail_changed = record.pk is None
        for name, value in detail.items():
            if value not in (None, "") and getattr(record, name) != value:
                setattr(record, name, value)
                detail_changed = True
        if detail_changed:
            record._change_reason = reason
            record.full_clean()
            record.save()
        if designation and application.kind == Kind.DESIGNATION:
            changed |= _designation_sync(application, actor, designation, reason)
        if changed or detail_changed:
            application.source_note = source_note[:255]
            application._change_reason = reason
            # ``status`` is a protected FSM field that full_clean would try to assign.
            application.full_clean(exclude=["status"])
            application.save()
    return changed or detail_changed


def _designation_sync(application, actor, values: dict, reason: str) -> bool:
    existing = Designation.objects.filter(application=application).first()
    if existing is None:
        designation_record(application=application, actor=actor, **values)
        return True
    changed = False
    for name, value in values.items():
        if value not in (None, "") and getattr(existing, name) != value:
            setattr(existing, name, value)
            changed = True
    if changed:
        existing._change_reason = reason
        existing.full_clean()
        existing.save()
    return changed
