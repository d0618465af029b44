"""Writes of the documents app: numbering, issuing, correcting; and previews, which write
nothing.

A number (文号) is the issuing body's prefix, the year and a sequence:
嘉经信〔2025〕12号. The sequence is taken under a row lock of the prefix's counter for
the year, in the issuing transaction: two documents issued at once wait for each other,
and an issue that rolls back gives its number back, so the numbers have no gaps.
"""

import hashlib
from datetime import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry
from programmes.models import Application

from .compose import DOCUMENT_LANGUAGE, Subject, compose
from .models import (
    APPLICATION_KINDS,
    COUNTY_KINDS,
    Document,
    DocumentCounter,
    IssuingBody,
    Kind,
)
from .rendering import Rendition, render_pdf
from .sheets import summary_workbook

#: Where a draft's sequence will go: two ideographic spaces.
BLANK_SEQUENCE = "\u3000\u3000"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_number(prefix: str, year: int, sequence: int | None) -> str:
    """嘉经信〔2025〕12号; without a sequence (a draft), the place for it is left blank."""
    place = str(sequence) if sequence is not None else BLANK_SEQUENCE
    return f"{prefix}〔{year}〕{place}号"


def issuing_body_for(kind: str, region=None) -> IssuingBody | None:
    """Who issues a document of ``kind``: a county's letter and table its own body (of the
    county or the city above it) when it has one; everything else the bureau."""
    if kind in COUNTY_KINDS and region is not None:
        bodies = {
            body.region_id: body
            for body in IssuingBody.objects.filter(region_id__in=[region.pk, region.parent_id])
        }
        county = bodies.get(region.pk) or bodies.get(region.parent_id)
        if county is not None:
            return county
    return IssuingBody.objects.filter(is_default=True).first()


def number_allocate(*, prefix: str, year: int) -> int:
    """The next sequence under ``prefix`` in ``year``; inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A document number is taken inside the issuing transaction.")
    DocumentCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = DocumentCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _subject_columns(subject: Subject) -> dict:
    application = subject.application
    if subject.kind in APPLICATION_KINDS and application is not None:
        return {
            "application": application,
            "enterprise_id": application.enterprise_id,
            "call_id": application.call_id,
            "region_id": application.region_id,
        }
    return {"call": subject.call, "region": subject.region}


def document_issue(
    *,
    subject: Subject,
    actor,
    body: IssuingBody | None = None,
    supersedes: Document | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Document:
    """Number, compose, render and store one document; audited.

    With ``supersedes``, the new document replaces that one, which must be in force; its
    marked copy (the old PDF set again with "superseded by …") is stored with the new one.
    """
    body = body or issuing_body_for(subject.kind, subject.region)
    if body is None:
        raise ValidationError(
            _("No issuing body is set up: add the bureau's in admin (Issuing bodies).")
        )
    now = now or timezone.now()
    with transaction.atomic():
        if supersedes is not None:
            supersedes = Document.objects.select_for_update().get(pk=supersedes.pk)
            if supersedes.successor is not None:
                raise ValidationError(
                    _("%(number)s is already superseded by %(successor)s.")
                    % {"number": supersedes.number, "successor": supersedes.successor.number}
                )
        year = subject.on.year
        sequence = number_allocate(prefix=body.prefix, year=year)
        number = format_number(body.prefix, year, sequence)
        content = compose(subject, body)
        content["comment"] = subject.comment
        if subject.opened_at is not None:
            content["opened_at"] = subject.opened_at.isoformat()
        if subject.record is not None:
            content["record"] = [subject.record._meta.label_lower, subject.record.pk]
        document = Document(
            kind=subject.kind,
            number=number,
            prefix=body.prefix,
            year=year,
            sequence=sequence,
            issuing_body=body,
            title=content[DOCUMENT_LANGUAGE]["title"][:500],
            issued_on=subject.on,
            issued_at=now,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            supersedes=supersedes,
            reason=reason,
            content=content,
            **_subject_columns(subject),
        )
        pdf = render_pdf(Rendition(subject.kind, content, number, code=document.code))
        document.sha256 = sha256_hex(pdf)
        document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        if subject.kind == Kind.COUNTY_SUMMARY:
            sheet = summary_workbook(texts=content[DOCUMENT_LANGUAGE], number=number)
            document.sheet_sha256 = sha256_hex(sheet)
            document.sheet.save("summary.xlsx", ContentFile(sheet), save=False)
        if supersedes is not None:
            marked = render_pdf(
                Rendition(
                    supersedes.kind,
                    supersedes.content,
                    supersedes.number,
                    code=supersedes.code,
                    superseded_by=number,
                )
            )
            document.superseded_copy_sha256 = sha256_hex(marked)
            document.superseded_copy.save("superseded.pdf", ContentFile(marked), save=False)
        document.full_clean(exclude=["pdf", "sheet", "superseded_copy"])
        document.save()
        detail = f"issued {document.kind} {number}"
        if supersedes is not None:
            detail += f", superseding {supersedes.number}"
        audit_record(action=AuditEntry.Action.RECORD, actor=actor, obj=document, detail=detail)
    return document


def document_preview(*, subject: Subject, language: str = DOCUMENT_LANGUAGE) -> bytes:
    """The document ``subject`` would issue now, marked DRAFT, unnumbered and unstored."""
    body = issuing_body_for(subject.kind, subject.region)
    if body is None:
        raise ValidationError(
            _("No issuing body is set up: add the bureau's in admin (Issuing bodies).")
        )
    content = compose(subject, body)
    number = format_number(body.prefix, subject.on.year, None)
    return render_pdf(Rendition(subject.kind, content, number, language=language, draft=True))


def subject_of(document: Document, *, on=None) -> Subject:
    """What ``document`` concerns, read afresh: a correction is set from today's records."""
    ids = document.content.get("application_ids", [])
    found = Application.objects.in_bulk(ids)
    opened_at = document.content.get("opened_at")
    record = None
    if document.content.get("record"):
        label, pk = document.content["record"]
        record = apps.get_model(label)._default_manager.filter(pk=pk).first()
    return Subject(
        kind=document.kind,
        on=on or timezone.localdate(),
        call=document.call,
        region=document.region if document.kind in COUNTY_KINDS else None,
        application=document.application,
        applications=[found[pk] for pk in ids if pk in found],
        comment=document.content.get("comment", ""),
        opened_at=datetime.fromisoformat(opened_at) if opened_at else None,
        record=record,
    )


def document_reissue(*, document: Document, actor, reason: str) -> Document:
    """Issue a correction of ``document``: a new number, set from today's records, that
    supersedes it. ``reason`` says what was corrected."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what the correction corrects."))
    return document_issue(
        subject=subject_of(document),
        actor=actor,
        body=document.issuing_body,
        supersedes=document,
        reason=reason,
    )


def rendering_for(document: Document, *, language: str = DOCUMENT_LANGUAGE) -> tuple[bytes, str]:
    """The PDF to hand out for ``document`` and a file name: the issued file; once
    superseded, its marked copy; in English, the English version set from the issued
    content (marked as such, and as superseded when it is)."""
    successor = document.successor
    if language == DOCUMENT_LANGUAGE:
        field = successor.superseded_copy if successor is not None else document.pdf
        with field.open("rb") as handle:
            return handle.read(), f"{document.number}.pdf"
    pdf = render_pdf(
        Rendition(
            document.kind,
            document.content,
            document.number,
            code=document.code,
            language=language,
            superseded_by=successor.number if successor is not None else "",
        )
    )
    return pdf, f"{document.number}-{language}.pdf"


def document_download(
    *, document: Document, actor, via: str, language: str = DOCUMENT_LANGUAGE, request=None
) -> tuple[bytes, str]:
    """``rendering_for`` a download, audited: who took which document, in which language,
    by which road (portal, verification page, API)."""
    pdf, filename = rendering_for(document, language=language)
    audit_record(
        action=AuditEntry.Action.EXPORT,
        actor=actor,
        obj=document,
        detail=f"document PDF ({language}) via {via}",
        request=request,
    )
    return pdf, filename


def document_sheet_download(*, document: Document, actor, via: str, request=None) -> bytes:
    """A county summary table's spreadsheet, audited as its PDF is."""
    with document.sheet.open("rb") as handle:
        data = handle.read()
    audit_record(
        action=AuditEntry.Action.EXPORT,
        actor=actor,
        obj=document,
        detail=f"document spreadsheet via {via}",
        request=request,
    )
    return data
