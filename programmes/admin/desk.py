"""The desk's admin base classes, answering permissions from ``programmes.access``, and
the words the admin shows for the workflow's codes."""

from django.utils.translation import gettext_lazy as _

from core import admin as core_admin

from .. import access
from ..workflow import MOVES, Status, move_label

#: Timeline entries that are no move of the workflow, and what they are called.
OTHER_EVENTS = {"record_result": _("Recorded from a published result")}


def event_label(name: str) -> str:
    """The words for a timeline entry's action: the move's label, never its code."""
    if name in MOVES:
        return move_label(name)
    return str(OTHER_EVENTS.get(name, name))


def status_label(value: str) -> str:
    """The label of a status code; anything else as it is."""
    return str(Status(value).label) if value in Status.values else value


class DeskAdminMixin(core_admin.DeskAdminMixin):
    may = staticmethod(access.may)


class DeskInlineMixin(core_admin.DeskInlineMixin):
    may = staticmethod(access.may)


class ReadOnlyTabularInline(core_admin.ReadOnlyTabularInline):
    may = staticmethod(access.may)
