"""Public notice: objections from anyone, and granting once the notice period is over.

An objection is recorded and nothing else happens: staff read it and, if it holds,
make the ``register_objection`` move themselves.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry

from .. import access
from ..hooks import moves_batch
from ..models import Application, Call, Objection
from ..selectors.public import applications_in_notice, notice_entry
from .notifications import notify_objection_lodged
from .workflow import application_move


def objection_lodge(
    *, application: Application, name: str, contact: str, text: str, now: datetime | None = None
) -> Objection:
    """Record an objection against an application whose public notice is running."""
    with transaction.atomic():
        annotated = (
            applications_in_notice().select_for_update(of=("self",)).filter(pk=application.pk)
        )
        locked = annotated.first()
        if locked is None:
            raise ValidationError(_("This application is not in public notice."))
        entry = notice_entry(locked, now=now)
        if not entry.running:
            raise ValidationError(
                _("The public notice of this application has ended; objections are closed.")
            )
        objection = Objection(
            application=locked,
            name=(name or "").strip(),
            contact=(contact or "").strip(),
            text=(text or "").strip(),
        )
        objection.full_clean()
        objection.save()
        audit_record(action=AuditEntry.Action.RECORD, obj=objection, detail="lodged")
        transaction.on_commit(lambda: notify_objection_lodged(objection=objection))
    return objection


@dataclass
class NoticeConfirmation:
    granted: list[Application] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def public_notice_confirm(*, call: Call, actor) -> NoticeConfirmation:
    """Grant each of the call's applications whose notice has ended; list the others.

    This closes the round: the grants are one ``hooks.moves_batch`` that closes the
    call's round, so what the round issues (its announcement) commits with them. Each
    grant is made in its own savepoint, so one refusal does not hold back the rest;
    ``grant``'s guard refuses those whose notice still runs.
    """
    if not access.may(actor, "confirm_public_notice"):
        raise ValidationError(_("Only bureau staff confirm a public notice."))
    result = NoticeConfirmation()
    with moves_batch(closing_round=call):
        for application in applications_in_notice(call=call):
            try:
                application_move(application=application, actor=actor, move="grant")
            except ValidationError as error:
                result.refused.append((application, " ".join(error.messages)))
            else:
                result.granted.append(application)
    return result
