"""Creating applications and moving them through the workflow."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from enterprises.models import Enterprise

from ..access import can_make_move
from ..exceptions import TransitionRefused
from ..models import (
    Application,
    ApplicationEvent,
    Call,
    DesignationDetail,
    Kind,
    ProductDetail,
    ProjectDetail,
    Source,
)
from ..workflow import DECIDED, MOVES, Status
from .audit import audit_transition
from .notifications import notify_members

# Fields that ``full_clean`` must not assign: the FSM refuses direct status writes.
PROTECTED_FIELDS = ["status"]

DETAIL_MODELS = {
    Kind.PRODUCT: ProductDetail,
    Kind.PROJECT: ProjectDetail,
    Kind.DESIGNATION: DesignationDetail,
}


def application_create(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    detail: dict | None = None,
    requested_amount: Decimal | None = None,
    source: str = Source.PORTAL,
    source_note: str = "",
) -> Application:
    """A new draft with the typed detail record of its call's kind."""
    with transaction.atomic():
        application = Application(
            enterprise=enterprise,
            call=call,
            kind=call.programme.kind,
            title=title,
            region_id=enterprise.region_id,
            requested_amount=requested_amount,
            source=source,
            source_note=source_note,
            created_by=actor,
        )
        # ``status`` is a protected FSM field: full_clean would assign it and raise.
        application.full_clean(exclude=PROTECTED_FIELDS)
        application.save()
        detail_record = DETAIL_MODELS[application.kind](application=application, **(detail or {}))
        detail_record.full_clean()
        detail_record.save()
    return application


def application_record_result(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    source: str,
    source_note: str,
    detail: dict | None = None,
    awarded_amount: Decimal | None = None,
) -> Application:
    """An application taken from a published results list: it enters as granted.

    Used by the results-list import; the timeline says where the record came from.
    """
    if source not in {Source.IMPORT, Source.ARTICLE, Source.ADMIN}:
        raise ValidationError(_("Only published results enter directly as granted."))
    now = timezone.now()
    with transaction.atomic():
        application = Application(
            enterprise=enterprise,
            call=call,
            kind=call.programme.kind,
            title=title,
            status=Status.GRANTED,
            region_id=enterprise.region_id,
            awarded_amount=awarded_amount,
            decided_at=now,
            source=source,
            source_note=source_note,
            created_by=actor,
        )
        application.full_clean(exclude=PROTECTED_FIELDS)
        application.save()
        detail_record = DETAIL_MODELS[application.kind](application=application, **(detail or {}))
        detail_record.full_clean()
        detail_record.save()
        ApplicationEvent.objects.create(
            application=application,
            actor=actor,
            at=now,
            transition="record_result",
            from_status=Status.DRAFT,
            to_status=Status.GRANTED,
            comment=source_note,
        )
    return application


def available_moves(*, application: Application, user) -> list:
    """The workflow moves ``user`` may make on ``application`` now, in declaration order."""
    return [
        move
        for name, move in MOVES.items()
        if can_proceed(getattr(application, name)) and can_make_move(user, application, move)
    ]


def application_transition(
    *,
    application: Application,
    actor,
    transition: str,
    comment: str = "",
    expected_status: str | None = None,
) -> Application:
    """Make one workflow move: lock, check, move, record, notify.

    Raises ``TransitionRefused`` with a message for the user when the move is
    unknown, not open from the current state, not the actor's to make, or needs a
    comment; nothing is written then. ``expected_status`` is the status the person
    saw when deciding (pages send it back with the form): when a colleague has moved
    the application since, the move is refused rather than stacked on theirs (empty or
    None: not checked).
    """
    move = MOVES.get(transition)
    if move is None:
        raise TransitionRefused(
            _("“%(transition)s” is not a workflow action."), params={"transition": transition}
        )
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if expected_status and locked.status != expected_status:
            raise TransitionRefused(
                _(
                    "“%(title)s” has changed since you opened it: it is now “%(status)s”. "
                    "Nothing was done; look at it again before deciding."
                ),
                params={"title": locked.title, "status": locked.get_status_display()},
            )
        method = getattr(locked, move.name)
        if not can_proceed(method):
            raise TransitionRefused(
                _("“%(action)s” is not possible while the application is “%(status)s”."),
                params={"action": move.label, "status": locked.get_status_display()},
            )
        if not can_make_move(actor, locked, move):
            raise TransitionRefused(
                _("You may not “%(action)s” this application."), params={"action": move.label}
            )
        if move.comment_required and not comment:
            raise TransitionRefused(
                _("“%(action)s” needs a comment that says why."), params={"action": move.label}
            )
        from_status = locked.status
        method()
        now = timezone.now()
        if move.name in {"submit", "resubmit"}:
            locked.submitted_at = now
            # The region snapshot is taken at filing: the county that must recommend it.
            locked.region_id = locked.enterprise.region_id
        if locked.status in DECIDED and from_status not in DECIDED:
            locked.decided_at = now
        locked.save()
        ApplicationEvent.objects.create(
            application=locked,
            actor=actor,
            at=now,
            transition=move.name,
            from_status=from_status,
            to_status=locked.status,
            comment=comment,
        )
        audit_transition(
            application=locked, actor=actor, move_name=move.name, from_status=from_status
        )
        transaction.on_commit(lambda: notify_members(application=locked, comment=comment))
    # Keep the caller's object in step with the row; the status field is protected.
    application.refresh_from_db()
    return application
