"""The declared-flow service: a step is made only from its sources, by whom the access
function allows, with its comment and past its guards; a refused or stale step writes
nothing; a made one is on the record's timeline and in the audit trail, and its
receivers run in its transaction."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.test.utils import isolate_apps

from core.flows import Flow, Step, StepRefused, StepStale
from core.models import AuditEntry, FlowEvent
from tests import factories

# transaction=True: the test models' tables are created and dropped by a schema editor,
# which SQLite refuses inside a transaction. serialized_rollback: the flush afterwards
# leaves the tables empty for the next transactional test to reload, as every other
# transactional test here expects (a flush without it recreates the content types).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# A model of the test only, in a registry of its own; its table lives while a test runs.
with isolate_apps("core"):

    class Ticket(models.Model):
        class Status(models.TextChoices):
            OPEN = "open", "open"
            DONE = "done", "done"
            CLOSED = "closed", "closed"

        title = models.CharField(max_length=20)
        status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
        note = models.CharField(max_length=50, blank=True)

        class Meta:
            app_label = "core"
            db_table = "test_flows_ticket"

        def __str__(self):
            return self.title


ALLOWED: dict[str, set[str]] = {}


def may(user, ticket, step):
    return user.username in ALLOWED.get(step.name, set())


def not_blocked(ticket, context):
    return ["The title says it is blocked."] if "blocked" in ticket.title else []


def stamp(ticket, context):
    ticket.note = f"done by {context.actor.username}"


FLOW = Flow(
    name="ticket",
    model=Ticket,
    may=may,
    steps=[
        Step(
            "finish",
            "Finish",
            ("open",),
            "done",
            ("worker",),
            guards=(not_blocked,),
            effects=(stamp,),
        ),
        Step(
            "close", "Close", ("done",), "closed", ("boss",), comment_required=True, decision=True
        ),
        Step("reopen", "Reopen", ("done", "closed"), "open", ("boss",)),
    ],
)


@pytest.fixture
def tickets():
    # The timeline names the model by its content type: a row each test makes afresh,
    # since the flush between tests empties the table the cache would point into.
    ContentType.objects.clear_cache()
    with connection.schema_editor() as editor:
        editor.create_model(Ticket)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(Ticket)
    ContentType.objects.clear_cache()


@pytest.fixture
def people():
    worker = factories.UserFactory(username="worker")
    boss = factories.UserFactory(username="boss")
    ALLOWED.clear()
    ALLOWED.update({"finish": {"worker"}, "close": {"boss"}, "reopen": {"boss"}})
    return worker, boss


def test_a_step_moves_runs_its_effects_and_is_recorded(tickets, people):
    worker, _boss = people
    ticket = Ticket.objects.create(title="paint")

    FLOW.move(ticket, "finish", actor=worker, comment="  all walls ")

    assert (ticket.status, ticket.note) == ("done", "done by worker")
    (event,) = FLOW.timeline(ticket)
    assert (event.step, event.from_status, event.to_status, event.actor, event.comment) == (
        "finish",
        "open",
        "done",
        worker,
        "all walls",
    )
    entry = AuditEntry.objects.get(object_type="core.Ticket")
    assert (entry.action, entry.actor, entry.detail) == (
        AuditEntry.Action.MOVE,
        worker,
        "ticket.finish: open → done",
    )


def test_a_decision_is_audited_as_a_decision(tickets, people):
    worker, boss = people
    ticket = Ticket.objects.create(title="paint", status="done")

    FLOW.move(ticket, "close", actor=boss, comment="checked")

    assert AuditEntry.objects.get(object_type="core.Ticket").action == AuditEntry.Action.DECISION


@pytest.mark.parametrize(
    ("status", "title", "who", "step", "comment", "reason"),
    [
        ("closed", "paint", "worker", "finish", "", "not possible while it is “closed”"),
        ("open", "paint", "boss", "finish", "", "You may not “Finish” this"),
        ("done", "paint", "boss", "close", " ", "needs a comment"),
        ("open", "blocked paint", "worker", "finish", "", "The title says it is blocked."),
    ],
)
def test_a_refused_step_says_why_and_writes_nothing(
    tickets, people, status, title, who, step, comment, reason
):
    ticket = Ticket.objects.create(title=title, status=status)
    actor = {user.username: user for user in people}[who]

    with pytest.raises(StepRefused) as refused:
        FLOW.move(ticket, step, actor=actor, comment=comment)

    assert reason in " ".join(refused.value.messages)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.note) == (status, "")
    assert not FlowEvent.objects.exists() and not AuditEntry.objects.exists()


def test_an_anonymous_visitor_may_make_no_step(tickets, people):
    from django.contrib.auth.models import AnonymousUser

    ALLOWED["finish"].add("")
    ticket = Ticket.objects.create(title="paint")

    assert FLOW.available(ticket, AnonymousUser()) == []
    with pytest.raises(StepRefused):
        FLOW.move(ticket, "finish", actor=AnonymousUser())


def test_an_unknown_step_is_refused(tickets, people):
    ticket = Ticket.objects.create(title="paint")
    with pytest.raises(StepRefused, match="not a step"):
        FLOW.move(ticket, "paint", actor=people[0])


def test_a_stale_decision_is_refused(tickets, people):
    _worker, boss = people
    ticket = Ticket.objects.create(title="paint", status="done")
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")

    with pytest.raises(StepStale, match="now “closed”"):
        FLOW.move(ticket, "reopen", actor=boss, expected_status="done")

    assert Ticket.objects.get().status == "closed"


def test_available_and_held_back_answer_from_the_declaration(tickets, people):
    worker, boss = people
    open_ticket = Ticket.objects.create(title="paint")
    blocked = Ticket.objects.create(title="blocked")
    done = Ticket.objects.create(title="paint", status="done")

    assert [step.name for step in FLOW.available(open_ticket, worker)] == ["finish"]
    assert FLOW.available(open_ticket, boss) == []
    assert FLOW.available(blocked, worker) == []
    assert [(step.name, reasons) for step, reasons in FLOW.held_back(blocked, worker)] == [
        ("finish", ["The title says it is blocked."])
    ]
    # The comment is asked by the form: a step that needs one is still offered.
    assert [step.name for step in FLOW.available(done, boss)] == ["close", "reopen"]


def test_a_receiver_that_raises_undoes_the_step(tickets, people):
    worker, _boss = people
    ticket = Ticket.objects.create(title="paint")
    seen = []

    def receiver(made):
        seen.append((made.record.status, made.from_status, made.event.step))
        raise RuntimeError("the printer is out of paper")

    flow = Flow(name="ticket", model=Ticket, may=may, steps=FLOW.steps.values())
    flow.after_move(receiver)
    flow.after_move(receiver)

    with pytest.raises(RuntimeError):
        flow.move(ticket, "finish", actor=worker)

    assert seen == [("done", "open", "finish")]
    assert Ticket.objects.get().status == "open"
    assert not FlowEvent.objects.exists() and not AuditEntry.objects.exists()


def test_a_flow_refuses_unknown_states_and_twice_declared_steps():
    with pytest.raises(ValueError, match="unknown states"):
        Flow(name="t", model=Ticket, may=may, steps=[Step("x", "X", ("open",), "lost", ())])
    with pytest.raises(ValueError, match="declared twice"):
        Flow(
            name="t",
            model=Ticket,
            may=may,
            steps=[Step("x", "X", ("open",), "done", ()), Step("x", "X", ("done",), "open", ())],
        )


def test_may_is_resolved_from_its_dotted_path(tickets, people):
    worker, _boss = people
    flow = Flow(name="ticket", model=Ticket, may=f"{__name__}.may", steps=FLOW.steps.values())
    ticket = Ticket.objects.create(title="paint")

    assert [step.name for step in flow.available(ticket, worker)] == ["finish"]
