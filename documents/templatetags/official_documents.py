"""Where people find the documents on pages other apps draw: under an application, on
*My account*, on the pages of an obligation or a claim after the grant, and beside the
public notices and the published results.

The pages live in ``programmes``, which does not know this app; their templates ask
here. Every list comes from ``access.document_list``, so a page shows only what its
reader may open.
"""

from django import template
from django.db.models import Q

from ..access import document_list
from ..models import AFTERCARE_KINDS, COUNTY_KINDS, PUBLIC_KINDS

register = template.Library()


def _readable(user):
    return document_list(user=user).select_related("issuing_body", "superseded_by")


@register.simple_tag
def application_documents(application, user):
    """The documents that concern ``application``, newest first: those addressed to it,
    and the notices, announcements, letters and tables of its call that list it."""
    rows = _readable(user).filter(
        Q(application=application)
        | Q(kind__in=PUBLIC_KINDS | COUNTY_KINDS, call_id=application.call_id)
    )
    return [
        document
        for document in rows
        if document.application_id == application.pk
        or application.pk in document.content.get("application_ids", [])
    ]


@register.simple_tag
def record_documents(record, user):
    """The documents a step after the decision issued on ``record`` (an obligation, a
    claw-back, an insurance claim), newest first."""
    key = [record._meta.label_lower, record.pk]
    rows = _readable(user).filter(application=record.subject_application, kind__in=AFTERCARE_KINDS)
    return [document for document in rows if document.content.get("record") == key]


@register.simple_tag
def recent_documents(user, limit=5):
    """The newest documents addressed to the reader's enterprises or counties (the
    published ones are on the public pages)."""
    rows = _readable(user).exclude(kind__in=PUBLIC_KINDS)
    return list(rows[: int(limit)])


@register.simple_tag
def published_documents(user, kind, *, call=None, programme=None, year=None):
    """The published documents of ``kind`` in force for a call, or for a programme's
    calls of a year."""
    if kind not in PUBLIC_KINDS:
        return []
    rows = _readable(user).current().filter(kind=kind)
    if call is not None:
        rows = rows.filter(call=call)
    if programme is not None:
        rows = rows.filter(call__programme=programme)
    if year is not None:
        rows = rows.filter(call__year=year)
    return list(rows.order_by("issued_at", "pk"))
