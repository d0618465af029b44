"""The base of every spreadsheet resource: bilingual headers, fast all-or-nothing import.

A ``SheetResource`` is a django-import-export ``ModelResource`` whose columns
are ``SheetField``s titled in Chinese and also recognised by their English
field name. Its ``import_data`` does not go row by row through the library's
machinery; it hands the sheet to ``core.sheets.imports.sheet_import``,
which calls the resource's four hooks per batch:

``begin_import``   fetch the lookups once (regions, industries, calls, …);
``check_row``      check one row in Python, recording problems on it;
``resolve_batch``  fetch what the batch refers to in one or two queries and
                   decide each row's action (new, update, unchanged);
``write_batch``    write the batch through the services, in bulk where possible.

Admin (``import_data`` with ``user=`` and ``file_name=``) and ``manage.py import``
(``import_file``, in ``core/management/commands/import.py``) both end up there; the
library's ``export`` command and admin's export use the resource as usual.
"""

import io
import os

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from import_export import exceptions as import_export_exceptions
from import_export.resources import ModelResource

from ..exports import neutralise_row, xlsx_bytes
from .imports import sheet_import
from .layout import (
    NEW,
    SheetField,
    SheetImportResult,
    dataset_rows,
    file_rows,
    read_ahead,
)


class SheetResource(ModelResource):
    """Import and export of one kind of sheet; subclasses declare ``SheetField``s."""

    #: Rows checked, resolved and written together.
    sheet_batch_size = 1000
    #: The app's ``access.can_import(user, model)``, as a staticmethod: who may import.
    can_import = None

    def __init__(self, user=None, request=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        #: The admin request an export comes from (its address goes into the audit trail).
        self.request = request

    # --- Columns --------------------------------------------------------------

    def sheet_fields(self) -> dict[str, SheetField]:
        """The importable columns by field name, in sheet order."""
        columns = {}
        for name in self.get_import_order():
            sheet_field = self.fields.get(name)
            if isinstance(sheet_field, SheetField) and not sheet_field.readonly:
                sheet_field.name = name
                columns[name] = sheet_field
        return columns

    def get_user_visible_fields(self):
        return list(self.sheet_fields().values())

    # --- Import ---------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ) -> SheetImportResult:
        """The library's entry point (admin's preview and confirmation), all or nothing.

        ``use_transactions`` and ``rollback_on_validation_errors`` are accepted
        and ignored: an import is always one transaction, rolled back on any
        problem. The command line reads files with ``import_file``.
        """
        user = kwargs.get("user")
        file_name = kwargs.get("file_name") or ""
        via = kwargs.get("via") or ("admin" if user is not None else "cli")
        result = sheet_import(
            resource=self,
            rows=dataset_rows(dataset),
            user=user,
            file_name=os.path.basename(file_name),
            via=via,
            dry_run=dry_run,
            collect_preview=kwargs.get("collect_preview", via == "admin"),
        )
        if raise_errors and result.has_errors():
            raise import_export_exceptions.ImportError(result.problems[0].message())
        return result

    def import_file(
        self,
        path,
        *,
        file_name: str = "",
        user=None,
        dry_run: bool = False,
        via: str = "cli",
        collect_preview: bool = False,
        progress=None,
    ) -> SheetImportResult:
        """Import an xlsx or csv file row by row. ``progress(row, total)`` is called after
        each batch with the sheet's row reached and its last row (None for csv)."""
        file_name = file_name or os.path.basename(str(path))
        rows = file_rows(path, name=file_name)
        total = getattr(rows, "total", None)
        return sheet_import(
            resource=self,
            rows=read_ahead(rows),
            user=user,
            file_name=file_name,
            via=via,
            dry_run=dry_run,
            collect_preview=collect_preview,
            progress=(lambda row: progress(row, total)) if progress else None,
        )

    # Hooks for ``sheet_import``; see the module docstring.

    def begin_import(self, context) -> None:
        pass

    def check_row(self, row, layout, context) -> None:
        pass

    def resolve_batch(self, rows, layout, context) -> None:
        for row in rows:
            row.action = row.action or NEW

    def write_batch(self, rows, layout, context) -> None:
        raise NotImplementedError

    # --- Export ---------------------------------------------------------------

    def get_export_order(self):
        return tuple(
            name
            for name in super().get_export_order()
            if getattr(self.fields.get(name), "primary", True)
        )

    def get_export_fields(self, selected_fields=None):
        return [
            export_field
            for export_field in super().get_export_fields(selected_fields)
            if getattr(export_field, "primary", True)
        ]

    def export(self, queryset=None, **kwargs):
        """The library's export (admin and ``manage.py export``), audited."""
        from ..audit import audit_export

        dataset = super().export(queryset=queryset, **kwargs)
        audit_export(
            actor=self.user,
            what=type(self).__name__,
            rows=len(dataset),
            via="admin" if self.request is not None else "cli",
            request=self.request,
        )
        return dataset

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return neutralise_row(super().export_resource(instance, selected_fields, **kwargs))

    # --- The blank template ---------------------------------------------------

    @classmethod
    def template_file_name(cls) -> str:
        return f"{cls.__name__.removesuffix('Resource').lower()}-template.xlsx"

    def template_xlsx(self) -> bytes:
        """A blank sheet with the Chinese titles, and a second sheet that explains each column."""
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        columns = [(n, f) for n, f in self.sheet_fields().items() if f.primary]
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "数据"
        bold = Font(bold=True)
        for index, (_name, sheet_field) in enumerate(columns, 1):
            cell = sheet.cell(row=1, column=index, value=str(sheet_field.column_name))
            cell.font = bold
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(
                14, 2 * len(str(sheet_field.column_name)) + 4
            )
            if sheet_field.kind in {"code", "lookup", "text", "phone", "email", "contact"}:
                # Text format keeps Excel from turning codes into numbers.
                sheet.column_dimensions[letter].number_format = "@"
        sheet.freeze_panes = "A2"
        notes = workbook.create_sheet("说明")
        notes.append(["列名", "字段名", "必填", "说明", "也可写作"])
        for cell in notes[1]:
            cell.font = bold
        for name, sheet_field in columns:
            notes.append(
                [
                    str(sheet_field.column_name),
                    name,
                    "是" if sheet_field.required else "",
                    str(sheet_field.help_text),
                    "、".join(str(alias) for alias in sheet_field.aliases),
                ]
            )
        for letter, width in zip("ABCDE", (24, 28, 6, 60, 40), strict=True):
            notes.column_dimensions[letter].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def rejected_xlsx(result: SheetImportResult) -> bytes:
    """The rejected rows as they were, with their row number first and the errors last."""
    headers, rows = result.rejected_sheet()
    return xlsx_bytes(headers, rows)


def resource_named(name: str) -> type[SheetResource]:
    """A resource by its short name (``settings.SHEET_RESOURCES``) or its dotted path;
    ``LookupError`` saying which names there are otherwise."""
    names = getattr(settings, "SHEET_RESOURCES", {})
    try:
        found = import_string(names.get(name, name))
    except ImportError:
        found = None
    if not (isinstance(found, type) and issubclass(found, SheetResource)):
        raise LookupError(
            _("Unknown resource “%(name)s”; use one of %(names)s or a dotted path.")
            % {"name": name, "names": ", ".join(names)}
        )
    return found
