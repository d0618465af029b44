"""Spreadsheet import and export in admin: the mixin the apps' ModelAdmins build on.

An app subclasses ``SheetImportExportMixin`` with its resources and its access
module's ``can_import`` (``enterprises.EnterpriseImportExportMixin``,
``programmes.ApplicationImportExportMixin``) and puts it in front of a ModelAdmin's
bases. Importing needs the import permission (``<app>.import_<model>``, see
``IMPORT_EXPORT_IMPORT_PERMISSION_CODE``); export follows the admin's own view
permission and exports the filtered changelist, whose rows are already scoped. The
import preview summarises and paginates; problems are listed by row, column and
reason, and the rejected rows can be downloaded with an error column. The upload, the
preview and the rejected rows wait in the storage every app server shares
(``.store``), so that confirmation may reach another server than the preview. Each
import leaves an ``ImportRecord``.
"""

import contextlib
import json
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from ..exports import SHEET_FORMATS
from . import store
from .resource import rejected_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_path(token: str, suffix: str) -> str:
    """Where a report waits in the shared storage; a token of ours or nothing."""
    if not store.is_token(token):
        raise Http404
    return f"{store.REPORTS}/{token}{suffix}"


#: Words of django-import-export's export page that its zh-hans catalogue lacks: marked
#: here so that the project's catalogue gives them.
EXPORT_PAGE_STRINGS = (gettext_noop("Resource"), gettext_noop("Select all"))


class SheetExportForm(SelectableFieldsExportForm):
    """The export page's boxes, one per column: in Chinese each is named by the column's
    title in the sheet; in English by the library's words for it, then that title."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        if field is not None and field.column_name and get_language().startswith("zh"):
            return field.column_name
        return super()._get_field_label(resource, field_name)


class SheetImportExportMixin(ImportExportMixin):
    """django-import-export's admin import/export, made for ``SheetResource``s."""

    formats = SHEET_FORMATS
    import_formats = SHEET_FORMATS
    export_formats = SHEET_FORMATS
    export_form_class = SheetExportForm
    import_template_name = "admin/import_export/sheet_import.html"
    # Every import is audited by an ImportRecord and history rows; ten thousand
    # admin log entries would add nothing.
    skip_admin_log = True
    preview_page_size = 50

    #: The app's ``access.can_import(user, model)``, as a staticmethod.
    can_import = None

    # --- Permissions ----------------------------------------------------------

    def has_import_permission(self, request):
        return self.can_import(request.user, self.model)

    def has_export_permission(self, request):
        # Whoever sees the changelist may export it; its rows are already scoped.
        return self.has_view_permission(request)

    # --- Resources get the acting user -----------------------------------------

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user, "request": request}

    # --- URLs -----------------------------------------------------------------

    def get_urls(self):
        info = self.get_model_info()
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/template/<int:index>/",
                wrap(self.template_view),
                name="{}_{}_import_template".format(*info),
            ),
            path(
                "import/report/<str:token>/",
                wrap(self.report_view),
                name="{}_{}_import_report".format(*info),
            ),
            path(
                "import/rejected/<str:token>/",
                wrap(self.rejected_view),
                name="{}_{}_import_rejected".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name, *args):
        info = self.get_model_info()
        return reverse(
            f"{self.admin_site.name}:{info[0]}_{info[1]}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    # --- Views ----------------------------------------------------------------

    def template_view(self, request, index):
        """The blank xlsx template of one resource, with the Chinese titles."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        classes = self.get_import_resource_classes(request)
        if not 0 <= index < len(classes):
            raise Http404
        resource = classes[index]()
        response = HttpResponse(resource.template_xlsx(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=resource.template_file_name()
        )
        return response

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if result is not None:
            report = self._store_report(request, result, context.get("confirm_form"))
            if result.has_errors():
                self._remove_upload(context.get("form"))
            context["sheet"] = self._sheet_context(request, report)
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # Imported already, removed after a day, or a name that is not an upload's.
            messages.error(
                request,
                _("This preview is no longer available: upload the file again."),
            )
            return HttpResponseRedirect(self._url("import"))

    def process_result(self, result, request):
        if result.has_errors():
            # The rows changed between preview and confirmation: show why, write nothing.
            report = self._store_report(request, result, None)
            context = self._page_context(request)
            context["sheet"] = self._sheet_context(request, report)
            return TemplateResponse(request, [self.import_template_name], context)
        messages.success(request, result.summary())
        return HttpResponseRedirect(self._url("changelist"))

    def report_view(self, request, token):
        """Another page of a preview or of a problem list."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = self._load_report(request, token)
        context = self._page_context(request)
        context["sheet"] = self._sheet_context(request, report)
        if report.get("confirm"):
            form_class = self.get_confirm_form_class(request)
            context["confirm_form"] = form_class(initial=report["confirm"])
        return TemplateResponse(request, [self.import_template_name], context)

    def rejected_view(self, request, token):
        """The rejected rows as they were, with their row number and an error column."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = self._load_report(request, token)
        rejected = store.read(_report_path(token, ".xlsx"))
        if rejected is None:
            raise Http404
        stem = Path(report["file_name"] or "import").stem
        response = HttpResponse(rejected, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{stem}-rejected.xlsx"
        )
        return response

    # --- Reports: what the preview shows, kept for paging -----------------------

    def _store_report(self, request, result, confirm_form) -> dict:
        storage = store.import_storage()
        store.clear_old(store.REPORTS, storage)
        token = store.new_token()
        report = {
            "token": token,
            "user": request.user.pk,
            "file_name": result.file_name,
            "summary": result.summary(),
            "has_errors": result.has_errors(),
            "totals": {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected_count,
            },
            "header_row": result.header_row,
            "ignored": result.ignored_columns,
            "problems": [[p.row, p.letter, p.column, p.reason] for p in result.problems],
            "rows": [list(item) for item in result.preview],
            "confirm": dict(confirm_form.initial) if confirm_form is not None else None,
            "import_record": getattr(result.import_record, "pk", None),
        }
        data = json.dumps(report, default=str).encode()
        store.write(_report_path(token, ".json"), data, storage)
        if result.rejected:
            store.write(_report_path(token, ".xlsx"), rejected_xlsx(result), storage)
            report["rejected"] = True
        return report

    def _load_report(self, request, token) -> dict:
        storage = store.import_storage()
        stored = store.read(_report_path(token, ".json"), storage)
        if stored is None:
            raise Http404
        report = json.loads(stored)
        if report.get("user") != request.user.pk:
            raise PermissionDenied
        report["rejected"] = storage.exists(_report_path(token, ".xlsx"))
        return report

    def _sheet_context(self, request, report) -> dict:
        size = self.preview_page_size
        problems = Paginator(report["problems"], size).get_page(request.GET.get("problems"))
        rows = Paginator(report["rows"], size).get_page(request.GET.get("rows"))
        return {
            **report,
            "problem_page": problems,
            "row_page": rows,
            "report_url": self._url("import_report", report["token"]),
            "rejected_url": self._url("import_rejected", report["token"])
            if report.get("rejected")
            else "",
        }

    def _page_context(self, request) -> dict:
        context = self.get_import_context_data()
        context.update(self.admin_site.each_context(request))
        context["title"] = _("Import")
        context["opts"] = self.model._meta
        request.current_app = self.admin_site.name
        return context

    def _remove_upload(self, form) -> None:
        """A rejected upload will never be confirmed: do not leave it in the temp folder."""
        upload = getattr(form, "cleaned_data", {}).get("import_file") if form else None
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
            with contextlib.suppress(OSError):
                storage.remove()

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["sheet_templates"] = [
            (resource_class.get_display_name(), self._url("import_template", index))
            for index, resource_class in enumerate(self.resource_classes)
        ]
        context["sheet_columns"] = [
            (resource_class.get_display_name(), list(resource_class().sheet_fields().items()))
            for resource_class in self.resource_classes
        ]
        return context
