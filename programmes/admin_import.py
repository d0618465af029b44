"""Spreadsheet import and export on the Application admin (``core.sheets.admin``)."""

from core.sheets.admin import SheetImportExportMixin
from enterprises.access import can_import

from .resources import KIND_RESOURCES, ResultListResource


class ApplicationImportExportMixin(SheetImportExportMixin):
    """For the Application admin: a published results list, or one kind's applications."""

    resource_classes = [ResultListResource, *KIND_RESOURCES.values()]
    can_import = staticmethod(can_import)
