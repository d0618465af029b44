"""Workflows declared once, for the records that move through states beside applications.

An application's workflow is ``programmes.workflow``. The other records that move
(a problem an enterprise raised, a project's obligation, an insurance claim) declare
theirs with this module, and move by its one service, ``Flow.move``.

A ``Flow`` names a model, the field that holds its state (a ``CharField`` with
choices), and its ``Step``s. A step names its source states, its target, who may make
it (``actors``: names that the app's access module answers for, through the flow's
``may`` function), whether it needs a comment, its guards and its effects:

- a guard is a function of the record and the ``StepContext`` that returns the reasons
  the step may not happen now (none: it may);
- an effect changes the record's own fields as the step is made.

``Flow.move`` locks the row, refuses a stale decision (``expected_status``), asks the
state, the person (``may``), the comment and the guards in that order, sets the state,
runs the effects, saves, and records the step as a ``core.FlowEvent`` (the record's
timeline) and an audit entry. Receivers registered with ``Flow.after_move`` run inside
the same transaction (an app above the flow's own adds its work there: the documents a
step issues, the notices it sends on commit); when one raises, nothing is kept.
``Flow.available`` and ``Flow.held_back`` answer from the same declaration, so a page
offers a step exactly when it would succeed.

Who may make a step is the app's access module's answer, never the flow's: ``may`` is
``(user, record, step) -> bool``, given as the function or its dotted path (resolved
when first asked, so that a model module can declare its flow before the access module
that imports the model is loaded).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .audit import audit_record
from .exceptions import Refused, Stale
from .models import AuditEntry, FlowEvent


class StepRefused(Refused):
    """A step that may not be made now, with the reasons; nothing was written."""


class StepStale(StepRefused, Stale):
    """A step decided on a state of the record that is no longer current."""


@dataclass(frozen=True)
class StepContext:
    """The circumstances of one step: who makes it, the comment they wrote, and when.

    ``comment`` is None when a page asks what is on offer: a step that needs a comment is
    offered then, and its form asks for it."""

    actor: object
    comment: str | None = None
    now: datetime | None = None

    @property
    def today(self):
        return timezone.localdate(self.now or timezone.now())


Guard = Callable[[models.Model, StepContext], list[str]]
Effect = Callable[[models.Model, StepContext], None]


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    comment_required: bool = False
    decision: bool = False
    guards: tuple[Guard, ...] = field(default=())
    effects: tuple[Effect, ...] = field(default=())


@dataclass(frozen=True)
class MadeStep:
    """One step as made: the record after it, and the step's circumstances."""

    record: models.Model
    step: Step
    from_status: str
    context: StepContext
    event: FlowEvent


class Flow:
    """The states and steps of one model, and the one service that moves its rows."""

    def __init__(
        self,
        *,
        name: str,
        model: type[models.Model],
        steps: Iterable[Step],
        may: Callable[[object, models.Model, Step], bool] | str,
        status_field: str = "status",
    ):
        self.name = name
        self.model = model
        self.status_field = status_field
        self.steps: dict[str, Step] = {}
        for step in steps:
            if step.name in self.steps:
                raise ValueError(f"{name}: the step {step.name!r} is declared twice")
            self.steps[step.name] = step
        states = {value for value, _label in model._meta.get_field(status_field).choices}
        for step in self.steps.values():
            unknown = {*step.sources, step.target} - states
            if unknown:
                raise ValueError(f"{name}.{step.name}: unknown states {sorted(unknown)}")
        self._may = may
        self._receivers: list[Callable[[MadeStep], None]] = []

    def __repr__(self) -> str:
        return f"<Flow {self.name}>"

    # --- asking ---------------------------------------------------------------------------

    def may(self, user, record, step: Step) -> bool:
        if isinstance(self._may, str):
            self._may = import_string(self._may)
        return bool(getattr(user, "is_authenticated", False) and self._may(user, record, step))

    def step(self, name: str) -> Step:
        try:
            return self.steps[name]
        except KeyError:
            raise StepRefused(
                _("“%(step)s” is not a step of this record."), params={"step": name}
            ) from None

    def status_label(self, record) -> str:
        return getattr(record, f"get_{self.status_field}_display")()

    def declared_refusal(self, record, step: Step, context: StepContext) -> list[str]:
        """The state, the person and the comment, as the step declares them."""
        if getattr(record, self.status_field) not in step.sources:
            return [
                _("“%(action)s” is not possible while it is “%(status)s”.")
                % {"action": step.label, "status": self.status_label(record)}
            ]
        if not self.may(context.actor, record, step):
            return [_("You may not “%(action)s” this.") % {"action": step.label}]
        if step.comment_required and context.comment == "":
            return [_("“%(action)s” needs a comment that says why.") % {"action": step.label}]
        return []

    def guard_refusal(self, record, step: Step, context: StepContext) -> list[str]:
        """The reasons of the first guard that says no; empty when none does."""
        for guard in step.guards:
            problems = list(guard(record, context))
            if problems:
                return problems
        return []

    def refusal(self, record, step: Step, context: StepContext) -> list[str]:
        return self.declared_refusal(record, step, context) or self.guard_refusal(
            record, step, context
        )

    def available(self, record, user) -> list[Step]:
        """The steps ``user`` may make on ``record`` now, in declaration order."""
        context = StepContext(actor=user, now=timezone.now())
        return [step for step in self.steps.values() if not self.refusal(record, step, context)]

    def held_back(self, record, user) -> list[tuple[Step, list[str]]]:
        """The steps ``user`` could make from this state that a guard holds back now."""
        context = StepContext(actor=user, now=timezone.now())
        held = []
        for step in self.steps.values():
            if not self.declared_refusal(record, step, context):
                reasons = self.guard_refusal(record, step, context)
                if reasons:
                    held.append((step, reasons))
        return held

    # --- moving ---------------------------------------------------------------------------

    def after_move(self, receiver: Callable[[MadeStep], None]) -> None:
        """Run ``receiver(made)`` inside each step's transaction (once per receiver)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def move(
        self,
        record,
        name: str,
        *,
        actor,
        comment: str = "",
        expected_status: str | None = None,
    ):
        """Make one step: lock, check, move, record, audit, hand to the receivers.

        Raises ``StepRefused`` with the reasons (``StepStale`` when the record's state is
        no longer ``expected_status``); nothing is written then. Returns the record as
        saved, and refreshes the caller's object.
        """
        step = self.step(name)
        context = StepContext(actor=actor, comment=(comment or "").strip(), now=timezone.now())
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=record.pk)
            current = getattr(locked, self.status_field)
            if expected_status and current != expected_status:
                raise StepStale(
                    _(
                        "“%(record)s” has changed since you opened it: it is now "
                        "“%(status)s”. Nothing was done; look at it again before deciding."
                    ),
                    params={"record": str(locked), "status": self.status_label(locked)},
                )
            problems = self.refusal(locked, step, context)
            if problems:
                raise StepRefused(problems)
            setattr(locked, self.status_field, step.target)
            for effect in step.effects:
                effect(locked, context)
            locked.save()
            event = FlowEvent.objects.create(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=locked.pk,
                flow=self.name,
                step=step.name,
                from_status=current,
                to_status=step.target,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                comment=context.comment,
                at=context.now,
            )
            audit_record(
                action=AuditEntry.Action.DECISION if step.decision else AuditEntry.Action.MOVE,
                actor=actor,
                obj=locked,
                detail=f"{self.name}.{step.name}: {current} → {step.target}",
            )
            made = MadeStep(
                record=locked, step=step, from_status=current, context=context, event=event
            )
            for receiver in self._receivers:
                receiver(made)
        record.refresh_from_db()
        return locked

    def timeline(self, record) -> list[FlowEvent]:
        """The steps made on ``record``, oldest first, with their people."""
        return list(
            FlowEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=record.pk,
            )
            .select_related("actor")
            .order_by("at", "pk")
        )

    def step_label(self, name: str) -> str:
        step = self.steps.get(name)
        return str(step.label) if step else name
