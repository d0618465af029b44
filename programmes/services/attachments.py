"""Accepting an uploaded document: its type by content as well as name, its size, its name.

Only PDF, JPEG, PNG, XLSX and DOCX are taken. The extension must be one of
those and the first bytes must agree with it: an HTML page renamed ``.pdf`` is
refused. The file is stored under a generated name (``attachment_path``); the
uploader's name is kept, stripped of any directories, for display only.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry

from ..access import can_edit_application
from ..models import Application, Attachment


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    content_type: str
    label: str


PDF = FileType((".pdf",), "application/pdf", "PDF")
JPEG = FileType((".jpg", ".jpeg"), "image/jpeg", "JPEG")
PNG = FileType((".png",), "image/png", "PNG")
XLSX = FileType(
    (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
)
DOCX = FileType(
    (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
)
FILE_TYPES = (PDF, JPEG, PNG, XLSX, DOCX)
ALLOWED_EXTENSIONS = tuple(ext for file_type in FILE_TYPES for ext in file_type.extensions)


def upload_rules() -> str:
    """What an upload may be, said beside each file field: the types and the size limit."""
    return _("Accepted: %(types)s, at most %(limit)s per file.") % {
        "types": ", ".join(file_type.label for file_type in FILE_TYPES),
        "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }


def _head(upload, length: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _office_parts(upload) -> list[str] | None:
    """The part names of an Office Open XML package, or None when it is not a ZIP."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            return package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _content_matches(file_type: FileType, upload) -> bool:
    head = _head(upload)
    if file_type is PDF:
        return head.startswith(b"%PDF-")
    if file_type is JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if file_type is PNG:
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if not head.startswith(b"PK\x03\x04"):
        return False
    parts = _office_parts(upload)
    if not parts or "[Content_Types].xml" not in parts:
        return False
    folder = "xl/" if file_type is XLSX else "word/"
    return any(part.startswith(folder) for part in parts)


#: Shown inline by the browser (``views.files.attachment_preview``); the others are
#: only downloaded.
PREVIEWABLE = (PDF, JPEG, PNG)
PREVIEWABLE_CONTENT_TYPES = frozenset(file_type.content_type for file_type in PREVIEWABLE)


def preview_type(content_type: str, handle) -> FileType | None:
    """The stored file's type when it may be shown inline: recorded as a PDF, JPEG or PNG
    and its first bytes saying so. None otherwise, whatever the name says."""
    for file_type in PREVIEWABLE:
        if content_type == file_type.content_type and _content_matches(file_type, handle):
            return file_type
    return None


def safe_original_name(name: str) -> str:
    """The bare file name, without any directory a client sent with it."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(char for char in name if char.isprintable()).strip().lstrip(".")
    return name[-255:] or "document"


def attachment_check(upload) -> FileType:
    """The upload's file type, or ValidationError saying what is wrong with it."""
    name = safe_original_name(getattr(upload, "name", ""))
    suffix = PurePosixPath(name).suffix.lower()
    file_type = next((t for t in FILE_TYPES if suffix in t.extensions), None)
    if file_type is None:
        raise ValidationError(
            _("Only PDF, JPG, PNG, XLSX and DOCX files are accepted; “%(name)s” is not one."),
            code="file_type",
            params={"name": name},
        )
    size = upload.size
    if size is None or size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than the limit of %(limit)s."),
            code="file_size",
            params={"name": name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="file_empty", params={"name": name})
    if not _content_matches(file_type, upload):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file: its content does not match its name."),
            code="file_content",
            params={"name": name, "type": file_type.label},
        )
    return file_type


def attachment_add(
    *, application: Application, actor, upload, document_type: str = Attachment.DocumentType.OTHER
) -> Attachment:
    """Store a checked document on an application the actor may still edit."""
    if not can_edit_application(actor, application):
        raise PermissionDenied
    file_type = attachment_check(upload)
    original_name = safe_original_name(upload.name)
    with transaction.atomic():
        attachment = Attachment(
            application=application,
            document_type=document_type or Attachment.DocumentType.OTHER,
            original_name=original_name,
            content_type=file_type.content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        # ``attachment_path`` generates the stored name from the suffix only.
        attachment.file.save(original_name, upload, save=False)
        try:
            attachment.full_clean()
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=application,
            detail=f"document attached: {original_name}",
        )
    return attachment


def attachment_delete(*, attachment: Attachment, actor) -> None:
    """Remove a document while its application may still be edited."""
    if not can_edit_application(actor, attachment.application):
        raise PermissionDenied
    stored = attachment.file.name
    storage = attachment.file.storage
    with transaction.atomic():
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=attachment.application,
            detail=f"document removed: {attachment.original_name}",
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(stored))
