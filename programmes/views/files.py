"""Private files: every download and preview is checked against the acting user's scope,
and each one served is an audit entry (who took which file, and how)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from core.audit import audit_record
from core.models import AuditEntry

from ..access import attachment_list
from ..services.attachments import PDF, preview_type

#: Whatever a file holds, it runs nothing and loads nothing: no script, no form, no
#: request of its own. The PDF viewer's own page needs its inline styles.
PREVIEW_POLICY = {
    "pdf": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'self'; frame-ancestors 'none'",
    "image": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "frame-ancestors 'none'",
}


def _open_in_scope(request, pk, *, via: str):
    """The attachment ``pk`` and its open file, if the user may see its application; the
    file handed out is audited.

    404, not 403, when not: the existence of another enterprise's file is not disclosed.
    """
    attachment = attachment_list(user=request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (restored database, cleaned volume): a 404, not a 500.
        raise Http404 from None
    audit_record(
        action=AuditEntry.Action.EXPORT,
        actor=request.user,
        obj=attachment,
        detail=f"attachment of application {attachment.application_id} via {via}",
        request=request,
    )
    return attachment, handle


@login_required
def attachment_download(request, pk):
    """Hand out a private file to a user who may see its application, and to nobody else."""
    attachment, handle = _open_in_scope(request, pk, via="portal download")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_preview(request, pk):
    """Show a PDF, JPEG or PNG in the browser to whoever may download it.

    The type is the one recorded at upload and read again from the file's first bytes;
    anything else (a spreadsheet, a file whose content disagrees) has no preview.
    """
    attachment, handle = _open_in_scope(request, pk, via="portal preview")
    file_type = preview_type(attachment.content_type, handle)
    if file_type is None:
        handle.close()
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=attachment.original_name,
        content_type=file_type.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PREVIEW_POLICY["pdf" if file_type is PDF else "image"]
    response["Cache-Control"] = "private, no-store"
    return response
