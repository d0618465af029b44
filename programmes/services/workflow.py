"""The one service that moves an application through the workflow.

``application_move`` makes every status change — portal, review desks, admin buttons
and bulk actions, the API, evaluations and the public-notice confirmation all call
it — from the move's declaration in ``programmes.workflow``: source states, actor,
comment, guards, effects. ``available_moves`` answers from the same declaration,
so a page offers a move exactly when it would succeed. Each move is handed to the
receivers registered in ``programmes.hooks`` (the documents it issues) inside its
transaction.
"""

from collections.abc import Collection
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.audit import audit_record
from core.models import AuditEntry

from ..access import can_make_move
from ..exceptions import MoveRefused, MoveStale
from ..hooks import MadeMove, moves_batch, record_move
from ..models import Application, ApplicationEvent, Kind
from ..workflow import DECIDED, MOVES, Move, MoveContext, reward_rule
from .notifications import notify_after_move


def move_refusal(application: Application, move: Move, context: MoveContext) -> list[str]:
    """Why ``move`` may not be made on ``application`` now, in the order a person fixes
    it: the state, the person, the comment, then the move's guards. Empty: it may."""
    return _declared_refusal(application, move, context) or guard_refusal(
        application, move, context
    )


def guard_refusal(application: Application, move: Move, context: MoveContext) -> list[str]:
    """The reasons of the first of the move's guards that says no; empty when none does."""
    for guard in move.guards:
        problems = list(guard(application, context))
        if problems:
            return problems
    return []


def _declared_refusal(application: Application, move: Move, context: MoveContext) -> list[str]:
    """The state, the person and the comment, as the move declares them."""
    label = move.label
    if not can_proceed(getattr(application, move.name)) or (
        move.designation_only and application.kind != Kind.DESIGNATION
    ):
        return [
            _("“%(action)s” is not possible while the application is “%(status)s”.")
            % {"action": label, "status": application.get_status_display()}
        ]
    if not can_make_move(context.actor, application, move):
        return [_("You may not “%(action)s” this application.") % {"action": label}]
    if move.comment_required and context.comment == "":
        return [_("“%(action)s” needs a comment that says why.") % {"action": label}]
    return []


def available_moves(*, application: Application, user) -> list[Move]:
    """The moves ``user`` may make on ``application`` now, in declaration order.

    A move that needs a comment is offered: the form asks for it.
    """
    context = MoveContext(actor=user)
    return [move for move in MOVES.values() if not move_refusal(application, move, context)]


def held_back_moves(*, application: Application, user) -> list[tuple[Move, list[str]]]:
    """The moves ``user`` could make from this state that a guard holds back now, each
    with its reasons: pages show them beside the moves on offer."""
    context = MoveContext(actor=user)
    held = []
    for move in MOVES.values():
        if not _declared_refusal(application, move, context):
            reasons = guard_refusal(application, move, context)
            if reasons:
                held.append((move, reasons))
    return held


def application_move(
    *,
    application: Application,
    actor,
    move: str,
    comment: str = "",
    expected_status: str | None = None,
    expected_versions: Collection[str] | None = None,
    award: Decimal | None = None,
    award_reason: str = "",
) -> Application:
    """Make one workflow move: lock, check, move, record, audit, notify.

    Raises ``MoveRefused`` with the reasons when the move is unknown, not open from
    the current state, not the actor's to make, needs a comment, or one of its guards
    says no; nothing is written then. ``expected_status`` is the status the person saw
    when deciding (pages send it back with the form): when a colleague has moved the
    application since, the move is refused rather than stacked on theirs (empty or
    None: not checked). ``expected_versions`` does the same with the application's
    ``version`` (the API's ``If-Match``): the move is made only while the application's
    version is one of them. Both refusals are ``MoveStale``.

    The move is one ``hooks.moves_batch``: the receivers registered there (the
    documents the move issues) write in the same transaction, and an error of theirs
    undoes the move. Inside a caller's batch, they run when that batch ends.

    ``award`` (a grant only) is an amount granted in place of the reward rule's; it
    needs ``award_reason``, which the timeline entry and the audit record keep.
    """
    declared = MOVES.get(move)
    if declared is None:
        raise MoveRefused(_("“%(move)s” is not a workflow action."), params={"move": move})
    if award is not None and declared.name != "grant":
        raise MoveRefused(_("An award is set only when granting."))
    context = MoveContext(
        actor=actor,
        comment=(comment or "").strip(),
        now=timezone.now(),
        locking=True,
        award=award,
        award_reason=(award_reason or "").strip(),
    )
    with moves_batch():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if (expected_status and locked.status != expected_status) or (
            expected_versions is not None and locked.version not in expected_versions
        ):
            raise MoveStale(
                _(
                    "“%(title)s” has changed since you opened it: it is now “%(status)s”. "
                    "Nothing was done; look at it again before deciding."
                ),
                params={"title": locked.title, "status": locked.get_status_display()},
            )
        problems = move_refusal(locked, declared, context)
        if problems:
            raise MoveRefused(problems)
        from_status = locked.status
        getattr(locked, declared.name)()
        for effect in declared.effects:
            effect(locked, context)
        if locked.status in DECIDED and from_status not in DECIDED:
            locked.decided_at = context.now
        locked.save()
        record = context.comment
        if award is not None:
            rule = reward_rule(locked)
            record = "\n".join(
                part
                for part in (
                    context.comment,
                    _("Award set to %(award)s yuan instead of %(rule)s: %(reason)s")
                    % {
                        "award": award,
                        "rule": _("the rule's %(amount)s yuan") % {"amount": rule.amount}
                        if rule
                        else _("no rule's amount"),
                        "reason": context.award_reason,
                    },
                )
                if part
            )
        event = ApplicationEvent.objects.create(
            application=locked,
            actor=actor,
            at=context.now,
            move=declared.name,
            from_status=from_status,
            to_status=locked.status,
            comment=record,
        )
        # A move that lands in a decided state is recorded as a decision.
        decided = locked.status in DECIDED and from_status != locked.status
        audit_record(
            action=AuditEntry.Action.DECISION if decided else AuditEntry.Action.MOVE,
            actor=actor,
            obj=locked,
            detail=f"{declared.name}: {from_status} → {locked.status}"
            + (f"; {record}" if award is not None else ""),
        )
        transaction.on_commit(
            lambda: notify_after_move(
                application=locked, move=declared.name, comment=context.comment, actor=actor
            )
        )
        record_move(
            MadeMove(
                application=locked,
                event_id=event.pk,
                move=declared.name,
                from_status=from_status,
                actor=actor,
                comment=context.comment,
                at=context.now,
            )
        )
    # Keep the caller's object in step with the row; the status field is protected.
    application.refresh_from_db()
    return application
