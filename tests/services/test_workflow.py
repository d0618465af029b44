"""A problem's workflow: each step, who may make it, what it refuses, and what it tells."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.flows import StepRefused, StepStale
from core.models import AuditEntry, FlowEvent, Notification
from services import access
from services.models import Problem
from services.services import (
    problem_assign,
    problem_move,
    problem_raise,
    problem_record_action,
)
from services.workflow import PROBLEM_FLOW
from tests import factories

pytestmark = pytest.mark.django_db

Status = Problem.Status
DUE = date(2030, 1, 31)


def assigned(problem, actor, owner):
    return problem_assign(
        problem=problem, actor=actor, department="County finance office", owner=owner, due_on=DUE
    )


def test_whole_round_enterprise_raises_officer_assigns_owner_resolves_enterprise_confirms(
    enterprise, applicant, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        problem = problem_raise(
            actor=applicant,
            enterprise=enterprise,
            category=Problem.Category.FINANCING,
            title="Needs a loan for R&D",
        )
    assert problem.status == Status.OPEN
    assert Notification.objects.filter(user=officer, link=problem.get_absolute_url()).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assigned(problem, officer, officer)
    problem.refresh_from_db()
    assert (problem.status, problem.department, problem.due_on) == (
        Status.ASSIGNED,
        "County finance office",
        DUE,
    )
    problem_move(problem=problem, actor=officer, step="start")
    with django_capture_on_commit_callbacks(execute=True):
        problem_move(problem=problem, actor=officer, step="resolve", comment="Loan arranged")
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED
    assert problem.resolution == "Loan arranged"
    assert problem.resolved_on is not None
    assert Notification.objects.filter(user=applicant, link=problem.get_absolute_url()).exists()

    problem_move(problem=problem, actor=applicant, step="confirm")
    problem.refresh_from_db()
    assert problem.status == Status.CONFIRMED
    assert problem.confirmed_on is not None
    steps = [event.step for event in PROBLEM_FLOW.timeline(problem)]
    assert steps == ["assign", "start", "resolve", "confirm"]
    assert AuditEntry.objects.filter(detail="problem.confirm: resolved → confirmed").exists()


def test_enterprise_reopens_a_resolution_with_a_reason_and_the_owner_hears(
    problem, staff, officer, applicant, django_capture_on_commit_callbacks
):
    assigned(problem, staff, officer)
    problem_move(problem=problem, actor=officer, step="start")
    problem_move(problem=problem, actor=officer, step="resolve", comment="Done")
    with pytest.raises(StepRefused):
        problem_move(problem=problem, actor=applicant, step="reopen", comment="")
    with django_capture_on_commit_callbacks(execute=True):
        problem_move(problem=problem, actor=applicant, step="reopen", comment="Still no loan")
    problem.refresh_from_db()
    assert problem.status == Status.REOPENED
    assert problem.resolved_on is None
    assert Notification.objects.filter(user=officer, message__contains="Still no loan").exists()
    # Reopened work is assigned again.
    assigned(problem, staff, officer)
    problem.refresh_from_db()
    assert problem.status == Status.ASSIGNED


@pytest.mark.parametrize("who", ["applicant", "other_officer", "expert", "other_applicant"])
def test_only_staff_and_the_covering_officer_assign(problem, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(StepRefused):
        assigned(problem, user, None)
    problem.refresh_from_db()
    assert (problem.status, problem.department) == (Status.OPEN, "")
    assert not FlowEvent.objects.exists()


def test_assigning_needs_a_department_and_writes_nothing_without_one(problem, staff):
    with pytest.raises(StepRefused, match="department"):
        problem_assign(problem=problem, actor=staff, department="  ", owner=None, due_on=DUE)
    problem.refresh_from_db()
    assert (problem.status, problem.due_on) == (Status.OPEN, None)


def test_owner_must_be_staff_or_an_officer_covering_the_county(problem, staff, other_officer):
    with pytest.raises(ValidationError):
        assigned(problem, staff, other_officer)
    problem.refresh_from_db()
    assert problem.status == Status.OPEN


def test_owner_works_on_the_problem_but_the_enterprise_alone_confirms(problem, staff, officer):
    owner = factories.staff_user(username="owner-staff")
    assigned(problem, officer, owner)
    problem_move(problem=problem, actor=owner, step="start")
    problem_move(problem=problem, actor=owner, step="resolve", comment="Venue found")
    for user in (owner, staff, officer):
        with pytest.raises(StepRefused):
            problem_move(problem=problem, actor=user, step="confirm")
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED


def test_members_of_another_enterprise_cannot_confirm(problem, staff, other_applicant):
    assigned(problem, staff, staff)
    problem_move(problem=problem, actor=staff, step="start")
    problem_move(problem=problem, actor=staff, step="resolve", comment="Done")
    with pytest.raises(StepRefused):
        problem_move(problem=problem, actor=other_applicant, step="confirm")


def test_resolving_needs_the_resolution(problem, staff):
    assigned(problem, staff, staff)
    problem_move(problem=problem, actor=staff, step="start")
    with pytest.raises(StepRefused):
        problem_move(problem=problem, actor=staff, step="resolve", comment="  ")
    problem.refresh_from_db()
    assert problem.status == Status.IN_PROGRESS


def test_steps_out_of_order_and_stale_decisions_are_refused(problem, staff):
    with pytest.raises(StepRefused):
        problem_move(problem=problem, actor=staff, step="resolve", comment="x")
    with pytest.raises(StepRefused):
        problem_move(problem=problem, actor=staff, step="assign")
    assigned(problem, staff, staff)
    with pytest.raises(StepStale):
        problem_move(problem=problem, actor=staff, step="start", expected_status=Status.OPEN)


def test_only_members_raise_problems_and_only_for_their_enterprise(
    enterprise, other_enterprise, applicant, officer, staff
):
    for user, target in ((applicant, other_enterprise), (officer, enterprise)):
        with pytest.raises(PermissionDenied):
            problem_raise(actor=user, enterprise=target, category="other", title="x")
    with pytest.raises(ValidationError):
        problem_raise(actor=applicant, enterprise=enterprise, category="nonsense", title="x")
    assert not Problem.objects.exists()


def test_steps_taken_are_written_by_the_desk_or_owner_while_open(problem, staff, applicant):
    problem_record_action(problem=problem, actor=staff, text="Called the bank")
    with pytest.raises(PermissionDenied):
        problem_record_action(problem=problem, actor=applicant, text="Me too")
    with pytest.raises(ValidationError):
        problem_record_action(problem=problem, actor=staff, text="   ")
    assert [action.text for action in problem.actions.all()] == ["Called the bank"]


def test_available_steps_follow_the_declaration(problem, staff, officer, applicant):
    # Assigning waits for a department: held back, not hidden, for those who may assign.
    assert PROBLEM_FLOW.available(problem, officer) == []
    assert [step.name for step, _reasons in PROBLEM_FLOW.held_back(problem, officer)] == ["assign"]
    assert PROBLEM_FLOW.held_back(problem, applicant) == []
    assert PROBLEM_FLOW.available(problem, applicant) == []
    assert access.may_take_step(staff, problem, PROBLEM_FLOW.step("assign"))
