"""The desk's admin base classes, answering permissions from ``programmes.access``."""

from core import admin as core_admin

from .. import access


class DeskAdminMixin(core_admin.DeskAdminMixin):
    may = staticmethod(access.may)


class DeskInlineMixin(core_admin.DeskInlineMixin):
    may = staticmethod(access.may)


class ReadOnlyTabularInline(core_admin.ReadOnlyTabularInline):
    may = staticmethod(access.may)
