"""Each rule of ``services.access``, asked directly, for every role: a rule broken (a role
added or dropped, a condition widened or narrowed) fails one of these tests."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from core import roles
from core.flows import StepContext
from enterprises.models import Membership
from services import access
from services.models import (
    AnnouncedFigure,
    Event,
    Financing,
    Plan,
    PlanTarget,
    Platform,
    Problem,
    ProblemAction,
    ServiceCase,
)
from services.workflow import PROBLEM_FLOW
from tests import factories

pytestmark = pytest.mark.django_db

Status = Problem.Status
ROLES = ("staff", "officer", "other_officer", "applicant", "other_applicant", "expert")


@pytest.fixture
def people(request):
    users = {name: request.getfixturevalue(name) for name in ROLES}
    users["anonymous"] = AnonymousUser()
    users["superuser"] = factories.UserFactory(username="root", is_superuser=True)
    return users


@pytest.mark.parametrize(
    ("capability", "holders"),
    [
        ("manage_services", {"staff", "superuser"}),
        ("import_services", {"staff", "superuser"}),
        ("use_services_desk", {"staff", "superuser", "officer", "other_officer"}),
        ("raise_problems", {"applicant", "other_applicant"}),
        (
            "view_service_facts",
            {"staff", "superuser", "officer", "other_officer", "applicant", "other_applicant"},
        ),
    ],
)
def test_each_capability_is_held_by_its_roles_only(people, capability, holders):
    assert {name for name, user in people.items() if access.may(user, capability)} == holders


def test_an_inactive_superuser_holds_nothing(people):
    root = people["superuser"]
    root.is_active = False
    assert not access.may(root, "manage_services")
    assert not access.can_import(root, ServiceCase)


def test_only_staff_import(people):
    importers = {name for name, user in people.items() if access.can_import(user, Event)}
    assert importers == {"staff", "superuser"}


@pytest.fixture
def records(enterprise, other_enterprise, region):
    """A case, a problem and a financing at each enterprise; one fact of each kind."""
    rows = {}
    for key, target in (("ours", enterprise), ("theirs", other_enterprise)):
        case = ServiceCase.objects.create(
            kind="visit",
            enterprise=target,
            held_on=date(2030, 1, 2),
            department="d",
            conducted_by="c",
        )
        problem = Problem.objects.create(
            enterprise=target, category="other", title=f"p-{key}", raised_on=date(2030, 1, 3)
        )
        rows[key] = {
            "case": case,
            "problem": problem,
            "action": ProblemAction.objects.create(
                problem=problem, taken_on=date(2030, 1, 4), text="called"
            ),
            "financing": Financing.objects.create(
                kind="loan", enterprise=target, amount=2_000_000, case=case
            ),
        }
    plan = Plan.objects.create(code="plan", title="Plan", region=region)
    rows["facts"] = {
        "platform": Platform.objects.create(name="Centre", kind="integrated", region=region),
        "event": Event.objects.create(
            kind="release_conference", title="Launch", held_on=date(2030, 2, 1), region=region
        ),
        "plan": plan,
        "target": PlanTarget.objects.create(
            plan=plan, code="t", label="Robots", unit="台", target=20000
        ),
        "figure": AnnouncedFigure.objects.create(
            measure="inspections", region=region, year=2020, value=50, source="An article"
        ),
    }
    return rows


def seen(rows, queryset) -> set[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return {key for key in ("ours", "theirs") if rows[key].pk in pks}


def each(records, kind):
    return {key: records[key][kind] for key in ("ours", "theirs")}


@pytest.mark.parametrize(
    ("who", "cases", "problems", "financing"),
    [
        ("staff", {"ours", "theirs"}, {"ours", "theirs"}, {"ours", "theirs"}),
        ("superuser", {"ours", "theirs"}, {"ours", "theirs"}, {"ours", "theirs"}),
        ("officer", {"ours"}, {"ours"}, {"ours"}),
        ("other_officer", {"theirs"}, {"theirs"}, {"theirs"}),
        ("applicant", set(), {"ours"}, {"ours"}),
        ("other_applicant", set(), {"theirs"}, {"theirs"}),
        ("expert", set(), set(), set()),
        ("anonymous", set(), set(), set()),
    ],
)
def test_lists_and_row_answers_agree_for_every_role(
    people, records, who, cases, problems, financing
):
    user = people[who]
    assert seen(each(records, "case"), access.case_list(user=user)) == cases
    assert seen(each(records, "problem"), access.problem_list(user=user)) == problems
    assert seen(each(records, "action"), access.problem_action_list(user=user)) == problems
    assert seen(each(records, "financing"), access.financing_list(user=user)) == financing
    for key in ("ours", "theirs"):
        assert access.can_view_case(user, records[key]["case"]) == (key in cases)
        assert access.can_view_problem(user, records[key]["problem"]) == (key in problems)


def test_an_owner_sees_the_problem_assigned_to_them_and_no_other(records, expert):
    ours = records["ours"]["problem"]
    Problem.objects.filter(pk=ours.pk).update(owner=expert)
    assert list(access.problem_list(user=expert)) == [ours]
    assert access.can_view_problem(expert, Problem.objects.get(pk=ours.pk))
    assert not access.can_view_problem(expert, records["theirs"]["problem"])
    assert not access.case_list(user=expert).exists()


def test_a_row_not_saved_is_no_row(staff):
    assert not access.can_view_case(staff, None)
    assert not access.can_view_problem(staff, Problem())


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("staff", True),
        ("officer", True),
        ("other_officer", True),
        ("applicant", True),
        ("expert", False),
        ("anonymous", False),
    ],
)
def test_public_facts_are_read_by_signed_in_desk_and_applicants(people, records, who, sees):
    user = people[who]
    facts = records["facts"]
    for listing, row in (
        (access.platform_list, facts["platform"]),
        (access.event_list, facts["event"]),
        (access.plan_list, facts["plan"]),
        (access.plan_target_list, facts["target"]),
        (access.announced_figure_list, facts["figure"]),
    ):
        assert list(listing(user=user)) == ([row] if sees else [])


def test_members_raise_for_the_enterprises_they_act_for_only(people, enterprise, other_enterprise):
    assert list(access.raising_enterprise_list(user=people["applicant"])) == [enterprise]
    assert list(access.raising_enterprise_list(user=people["other_applicant"])) == [
        other_enterprise
    ]
    for who in ("staff", "officer", "expert", "anonymous"):
        assert not access.raising_enterprise_list(user=people[who]).exists()


def test_a_problem_is_assigned_to_staff_or_an_officer_covering_its_county(people, records):
    problem = records["ours"]["problem"]
    choices = {user.username for user in access.owner_choices(problem)}
    assert choices == {"staff", "officer"}
    inactive = factories.staff_user(username="retired")
    inactive.is_active = False
    inactive.save()
    assert "retired" not in {user.username for user in access.owner_choices(problem)}


def test_the_covering_officers_watch_a_problem_else_bureau_staff(people, records, enterprise):
    assert access.problem_watchers(records["ours"]["problem"]) == [people["officer"]]
    uncovered = factories.EnterpriseFactory(
        region=factories.RegionFactory(code="330421", name="嘉善县")
    )
    problem = Problem.objects.create(
        enterprise=uncovered, category="other", title="x", raised_on=date(2030, 1, 1)
    )
    assert access.problem_watchers(problem) == [people["staff"]]


@pytest.mark.parametrize(
    ("step", "actors"),
    [
        ("assign", {"staff", "superuser", "officer"}),
        ("start", {"staff", "superuser", "officer", "owner"}),
        ("confirm", {"applicant"}),
    ],
)
def test_who_may_take_each_step_of_a_problem(people, records, step, actors):
    problem = records["ours"]["problem"]
    people["owner"] = factories.expert_user(username="owner")
    problem.owner = people["owner"]
    declared = PROBLEM_FLOW.step(step)
    allowed = {
        name for name, user in people.items() if access.may_take_step(user, problem, declared)
    }
    assert allowed == actors


def test_steps_taken_are_recorded_while_open_by_the_desk_or_the_owner(people, records):
    problem = records["ours"]["problem"]
    owner = factories.expert_user(username="owner")
    problem.owner = owner
    recorders = {
        name
        for name, user in {**people, "owner": owner}.items()
        if access.can_record_action(user, problem)
    }
    assert recorders == {"staff", "superuser", "officer", "owner"}
    for status in Status.values:
        problem.status = status
        expected = status in {Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}
        assert access.can_record_action(people["staff"], problem) == expected
        assert access.can_record_action(owner, problem) == expected


def test_an_officer_who_is_also_a_member_sees_both_sides(records, officer, other_enterprise):
    """The conditions add up: the county's rows, and those of the enterprise they act for."""
    officer.groups.add(Group.objects.get(name=roles.APPLICANTS))
    Membership.objects.create(
        user=officer,
        enterprise=other_enterprise,
        role=Membership.Role.OWNER,
        status=Membership.Status.APPROVED,
    )
    both = {"ours", "theirs"}
    assert seen(each(records, "problem"), access.problem_list(user=officer)) == both
    assert seen(each(records, "financing"), access.financing_list(user=officer)) == both
    assert seen(each(records, "case"), access.case_list(user=officer)) == {"ours"}


def test_assigning_without_a_department_says_what_to_name(records, staff):
    problem = records["ours"]["problem"]
    refusal = PROBLEM_FLOW.guard_refusal(
        problem, PROBLEM_FLOW.step("assign"), StepContext(actor=staff)
    )
    assert refusal == ["Name the department that owns the problem before assigning it."]
