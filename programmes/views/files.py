"""Private files: every download is checked against the acting user's scope."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from ..access import attachment_list


@login_required
def attachment_download(request, pk):
    """Hand out a private file to a user who may see its application, and to nobody else."""
    attachment = attachment_list(user=request.user).filter(pk=pk).first()
    if attachment is None:
        # 404, not 403: the existence of another enterprise's file is not disclosed.
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (restored database, cleaned volume): a 404, not a 500.
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
