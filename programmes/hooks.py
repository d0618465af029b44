"""Declared points where an app built on programmes adds its own work to a workflow write.

programmes imports nothing above it. An app that builds on it (``documents``) registers
here, in its ``AppConfig.ready()``:

- ``register_after_moves(receiver)``: ``receiver(batch)`` is called with the moves a
  write made, inside the write's transaction, after the moves are saved and recorded.
  What the receiver writes commits with the moves, and when it raises, nothing of the
  write is kept and the error goes to the caller.
- ``register_demo_setup(step)``: ``step()`` runs at the end of ``manage.py setup_demo``
  and returns a line for its report (or "").
- ``register_panel(page, template, context)``: a section of one of programmes' pages
  (``"inbox"``, ``"dashboard"``), rendered from ``template`` with ``panel`` set to
  ``context(user, today)``; a context of None shows no section to that person.

A batch is the moves of one write: ``application_move`` makes a batch of one; a write
that makes several moves at once (a bulk action, closing a round) opens ``moves_batch``
around them, and the receivers see them together, once, at its end. Batches nest: the
moves of an inner batch belong to the outermost one.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction


@dataclass(frozen=True)
class MadeMove:
    """One move as made: the application after the move, and the move's circumstances."""

    application: object
    event_id: int
    move: str
    from_status: str
    actor: object
    comment: str
    at: datetime


@dataclass
class MoveBatch:
    """The moves of one write. ``closing_round``: the call whose round the write closes
    (``services.public.public_notice_confirm``), or None."""

    closing_round: object = None
    moves: list[MadeMove] = field(default_factory=list)
    # Writes that joined this batch from inside it; with none, no move can have been undone.
    joined: int = 0

    def of(self, move: str) -> list[MadeMove]:
        return [made for made in self.moves if made.move == move]


_after_moves: list[Callable[[MoveBatch], None]] = []
_demo_steps: list[Callable[[], str]] = []
_panels: dict[str, list[tuple[str, Callable]]] = {}
_current: ContextVar[MoveBatch | None] = ContextVar("programmes_move_batch", default=None)


def register_after_moves(receiver: Callable[[MoveBatch], None]) -> None:
    if receiver not in _after_moves:
        _after_moves.append(receiver)


def register_demo_setup(step: Callable[[], str]) -> None:
    if step not in _demo_steps:
        _demo_steps.append(step)


def demo_setup_steps() -> list[Callable[[], str]]:
    return list(_demo_steps)


def register_panel(page: str, template: str, context: Callable) -> None:
    entry = (template, context)
    if entry not in _panels.setdefault(page, []):
        _panels[page].append(entry)


def panels(page: str, user, today) -> list[tuple[str, dict]]:
    """The registered sections of ``page`` that ``user`` sees: (template, context)."""
    shown = []
    for template, context in _panels.get(page, []):
        panel = context(user, today)
        if panel is not None:
            shown.append((template, panel))
    return shown


@contextmanager
def moves_batch(*, closing_round=None) -> Iterator[MoveBatch]:
    """One transaction around the moves made inside; the receivers run at its end.

    Inside another batch, the moves join the outer one (in a savepoint of its
    transaction), which hands them on when it ends.
    """
    outer = _current.get()
    if outer is not None:
        if closing_round is not None and outer.closing_round is None:
            outer.closing_round = closing_round
        outer.joined += 1
        with transaction.atomic():
            yield outer
        return
    batch = MoveBatch(closing_round=closing_round)
    token = _current.set(batch)
    try:
        with transaction.atomic():
            yield batch
            if batch.moves and batch.joined and _after_moves:
                _drop_undone(batch)
            if batch.moves:
                for receiver in _after_moves:
                    receiver(batch)
    finally:
        _current.reset(token)


def _drop_undone(batch: MoveBatch) -> None:
    """Forget the moves that a savepoint rolled back after they were recorded (a caller
    that caught an error around them): their timeline entries are gone."""
    from .models import ApplicationEvent

    kept = set(
        ApplicationEvent.objects.filter(pk__in=[made.event_id for made in batch.moves]).values_list(
            "pk", flat=True
        )
    )
    batch.moves = [made for made in batch.moves if made.event_id in kept]


def record_move(made: MadeMove) -> None:
    """Add a move to the batch being made. Called by ``application_move`` as the last
    write of the move, inside ``moves_batch``: a move refused or undone before it is
    never handed on."""
    batch = _current.get()
    if batch is None:
        raise RuntimeError("record_move is called inside moves_batch only.")
    batch.moves.append(made)
