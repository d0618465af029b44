"""What an applicant does to an application besides moving it: file a draft, change it,
read their notices. Submitting and withdrawing are workflow moves
(``services.workflow.application_move``), whose guards check the call and the filing.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry, Notification
from enterprises.models import Enterprise

from .. import access
from ..models import Application, Call
from .applications import DETAIL_MODELS, application_create
from .attachments import attachment_add


def application_file(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    detail: dict,
    requested_amount: Decimal | None = None,
    upload=None,
    document_type: str = "",
    no_serious_violation_declared: bool = False,
) -> Application:
    """A new draft filed through the portal, with its first document if one was given,
    and the applicant's declaration of no serious violation when they made it."""
    if not access.can_file_for(actor, enterprise):
        raise PermissionDenied
    if not call.is_open(timezone.localdate()):
        raise ValidationError(_("This call is not taking applications."))
    with transaction.atomic():
        application = application_create(
            enterprise=enterprise,
            call=call,
            actor=actor,
            title=title,
            detail=detail,
            requested_amount=requested_amount,
        )
        if no_serious_violation_declared:
            application.no_serious_violation_declared = True
            application.save(update_fields=["no_serious_violation_declared", "updated_at"])
        if upload is not None:
            attachment_add(
                application=application,
                actor=actor,
                upload=upload,
                document_type=document_type,
            )
    return application


def application_update(
    *,
    application: Application,
    actor,
    title: str,
    detail: dict,
    requested_amount: Decimal | None = None,
    no_serious_violation_declared: bool | None = None,
) -> Application:
    """Change a draft or a returned application: its title, amount, typed details and
    the declaration of no serious violation (None: left as it is)."""
    if not access.acts_for_application(actor, application):
        raise PermissionDenied
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not access.can_edit_application(actor, locked):
            raise ValidationError(
                _("The application can no longer be changed: it is “%(status)s”."),
                params={"status": locked.get_status_display()},
            )
        locked.title = title
        locked.requested_amount = requested_amount
        if no_serious_violation_declared is not None:
            locked.no_serious_violation_declared = no_serious_violation_declared
        # The status is the workflow's: protected, and not this service's to validate.
        locked.full_clean(exclude=["status"])
        locked.save()
        model = DETAIL_MODELS[locked.kind]
        record = model.objects.filter(application=locked).first() or model(application=locked)
        for field, value in detail.items():
            setattr(record, field, value)
        record.full_clean()
        record.save()
        audit_record(action=AuditEntry.Action.RECORD, actor=actor, obj=locked, detail="changed")
    application.refresh_from_db()
    return application


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notices read, or all of them when ``pk`` is None."""
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        notices = notices.filter(pk=pk)
    return notices.update(read_at=timezone.now())
