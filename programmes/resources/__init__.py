"""Spreadsheet resources (django-import-export) for programmes and their applications.

``python manage.py import programmes.resources.ResultListResource list.xlsx``
and ``python manage.py export xlsx programmes.resources.ResultListResource``
work with every class named here; see ``docs/spreadsheets.md`` for the columns.
"""

from core.sheets.resource import SheetResource, rejected_xlsx

from .applications import ResultListResource
from .kinds import (
    KIND_RESOURCES,
    DesignationApplicationResource,
    ProductApplicationResource,
    ProjectApplicationResource,
)

__all__ = [
    "KIND_RESOURCES",
    "DesignationApplicationResource",
    "ProductApplicationResource",
    "ProjectApplicationResource",
    "ResultListResource",
    "SheetResource",
    "rejected_xlsx",
]
