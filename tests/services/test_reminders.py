"""Overdue problems in ``manage.py send_reminders``: the owning side hears, once per problem
and due date; problems done, not yet due or without a due date stay quiet."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from core.models import Notification
from programmes.models import ReminderLog
from programmes.services.reminders import reminders_send
from services.models import Problem
from services.reminders import PROBLEM_OVERDUE
from services.services import problem_assign, problem_move

pytestmark = pytest.mark.django_db

DUE = date(2030, 1, 31)
AFTER = date(2030, 2, 3)


def assign(problem, actor, owner, due_on=DUE):
    problem_assign(problem=problem, actor=actor, department="县经信局", owner=owner, due_on=due_on)


def overdue_reminders():
    return list(ReminderLog.objects.filter(kind=PROBLEM_OVERDUE).order_by("recipient__username"))


def test_the_owner_of_an_overdue_problem_hears_once(problem, staff, officer):
    assign(problem, staff, officer)

    assert reminders_send(today=DUE).sent == []  # due today: not yet overdue
    first = reminders_send(today=AFTER)
    again = reminders_send(today=date(2030, 2, 4))

    assert [(r.kind, r.recipient) for r in first.sent] == [(PROBLEM_OVERDUE, officer)]
    assert again.sent == [] and again.already_sent == 1
    [log] = overdue_reminders()
    assert (log.object_key, log.due_on) == (f"problem:{problem.pk}:overdue", DUE)
    assert problem.title in log.message and "2030" in log.message
    notice = Notification.objects.get(user=officer, link=problem.get_absolute_url())
    assert "was due on" in notice.message
    assert not Notification.objects.filter(user=staff).exists()


def test_without_an_owner_the_officers_covering_the_county_hear(problem, staff, officer):
    assign(problem, staff, None)
    problem_move(problem=problem, actor=staff, step="start")

    call_command("send_reminders", "--today", AFTER.isoformat(), stdout=io.StringIO())

    assert [log.recipient for log in overdue_reminders()] == [officer]


def test_without_an_officer_covering_the_county_bureau_staff_hear(problem, staff):
    assign(problem, staff, None)

    reminders_send(today=AFTER)

    assert [log.recipient for log in overdue_reminders()] == [staff]


def test_a_new_due_date_is_reminded_anew(problem, staff, officer):
    assign(problem, staff, officer)
    reminders_send(today=AFTER)
    assign(problem, staff, officer, due_on=date(2030, 3, 1))

    assert reminders_send(today=date(2030, 3, 2)).sent[0].due_on == date(2030, 3, 1)
    assert len(overdue_reminders()) == 2


def test_problems_done_or_without_a_due_date_are_not_reminded(problem, other_problem, staff):
    assign(problem, staff, staff)
    problem_move(problem=problem, actor=staff, step="start")
    problem_move(problem=problem, actor=staff, step="resolve", comment="Loan arranged")
    assert Problem.objects.get(pk=other_problem.pk).due_on is None

    assert reminders_send(today=AFTER).sent == []


def test_a_dry_run_names_the_reminder_and_sends_nothing(problem, staff, officer):
    assign(problem, staff, officer)
    out = io.StringIO()

    call_command("send_reminders", "--today", AFTER.isoformat(), "--dry-run", stdout=out)

    assert "[dry run] Problem overdue → officer" in out.getvalue()
    assert problem.title in out.getvalue()
    assert not overdue_reminders()
