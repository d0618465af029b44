"""Who may see which document, and who manages them. One home per rule.

Builds on ``programmes.access``: a document is scoped like the application it concerns.
Read it top to bottom:

1. ``CAPABILITIES``: staff preview, issue corrections and keep the issuing bodies;
2. ``document_scope``: the condition (a ``Q``, ``None`` for every row) selecting the
   documents a user may see: staff all; everybody (signed in or not) the published ones,
   the public notices and results announcements; an applicant those addressed to its
   enterprises' applications; a county officer those of the applications filed in its
   regions and the letters and summary tables of its counties. Experts see none beyond
   the published ones. ``document_list`` and ``can_view_document`` derive from it.

The public verification page shows what a document itself says to whoever holds its
code (``views.verify``); it is not a list and needs no scope.
"""

from django.db.models import Q, QuerySet

from enterprises.access import (
    STAFF,
    holds_any,
    is_bureau_staff,
    jurisdiction_region_ids,
    row_allowed,
)
from programmes.access import county_applications, member_applications
from programmes.models import Application

from .models import COUNTY_KINDS, PUBLIC_KINDS, Document

# --- 1. Capabilities ----------------------------------------------------------------------

CAPABILITIES: dict[str, frozenset[str]] = {
    # Preview a document before the move that issues it; issue a correction.
    "issue_documents": STAFF,
    # The issuing bodies: header, number prefix, signature and seal.
    "manage_issuing_bodies": STAFF,
}


def may(user, capability: str) -> bool:
    return holds_any(user, CAPABILITIES[capability])


# --- 2. Rows ---------------------------------------------------------------------------------


def document_scope(user) -> Q | None:
    if is_bureau_staff(user):
        return None
    applications = member_applications(user) | county_applications(user)
    return (
        Q(kind__in=PUBLIC_KINDS)
        | Q(application__in=Application.objects.filter(applications).values("pk"))
        | Q(kind__in=COUNTY_KINDS, region_id__in=jurisdiction_region_ids(user))
    )


def document_list(*, user) -> QuerySet[Document]:
    scope = document_scope(user)
    return Document.objects.all() if scope is None else Document.objects.filter(scope)


def can_view_document(user, document) -> bool:
    return row_allowed(Document.objects, document_scope(user), document)
