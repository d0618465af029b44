"""The workflow: every (state, move, role) triple against the declaration, plus key cases.

The matrix is generated from ``workflow.TRANSITIONS``; the hand-written table
below it states the rules a second time, in words a bureau would use, so a
mistake in the declaration cannot make both sides agree.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import transaction
from django.db.models import Count

from enterprises.models import Membership, Region
from programmes.exceptions import TransitionRefused
from programmes.models import Application, ApplicationEvent, Kind, Notification
from programmes.services import application_transition, available_moves
from programmes.workflow import DECIDED, MOVES, TRANSITIONS, Actor, Status
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = (
    "applicant",
    "other_applicant",
    "county",
    "other_county",
    "expert",
    "staff",
    "no_group",
    "anonymous",
)
# Which role plays which declared actor; every other role is never an actor.
ROLE_ACTOR = {"applicant": Actor.APPLICANT, "county": Actor.COUNTY, "staff": Actor.STAFF}
DESIGNATION_ONLY = [move.name for move in TRANSITIONS if move.designation_only]


@dataclass
class World:
    users: dict
    applications: dict  # (status, kind) -> Application
    enterprise: object


def build_world() -> World:
    """One enterprise in Nanhu (under Jiaxing), one in Xiuzhou, and an application per state."""
    city = factories.RegionFactory(code="330400", name="嘉兴市", level=Region.Level.CITY)
    nanhu = factories.RegionFactory(code="330402", name="南湖区", parent=city)
    xiuzhou = factories.RegionFactory(code="330411", name="秀洲区", parent=city)
    ningbo = factories.RegionFactory(code="330225", name="象山县")
    enterprise = factories.EnterpriseFactory(region=nanhu)
    other_enterprise = factories.EnterpriseFactory(region=xiuzhou)
    expert = factories.expert_user(username="expert")
    users = {
        "applicant": factories.applicant_for(enterprise, username="applicant"),
        "other_applicant": factories.applicant_for(other_enterprise, username="other-applicant"),
        "county": factories.county_officer(nanhu, username="officer"),
        "other_county": factories.county_officer(ningbo, username="other-officer"),
        "expert": expert,
        "staff": factories.staff_user(username="staff"),
        "no_group": factories.UserFactory(username="nobody"),
        "anonymous": AnonymousUser(),
    }
    calls = {
        kind: factories.CallFactory(programme=factories.ProgrammeFactory(kind=kind))
        for kind in (Kind.PRODUCT, Kind.DESIGNATION)
    }
    applications = {}
    for status in Status.values:
        for kind, call in calls.items():
            application = factories.ApplicationFactory(
                enterprise=enterprise, call=call, status=status, title=f"{status} {kind}"
            )
            factories.assign(application, expert)
            applications[status, kind] = application
    return World(users=users, applications=applications, enterprise=enterprise)


@pytest.fixture
def world():
    return build_world()


def declared_outcome(move, status, kind, role, comment) -> str:
    """What the declaration says should happen: "ok" or the kind of refusal."""
    if status not in move.sources or (move.designation_only and kind != Kind.DESIGNATION):
        return "state"
    if ROLE_ACTOR.get(role) not in move.actors:
        return "role"
    if move.comment_required and not comment.strip():
        return "comment"
    return "ok"


REFUSAL_WORDS = {
    "state": "is not possible while",
    "role": "You may not",
    "comment": "needs a comment",
}


def snapshot(pk):
    """The row's workflow fields and the length of its timeline, in one query."""
    return (
        Application.objects.filter(pk=pk)
        .annotate(events_count=Count("events"))
        .values_list("status", "submitted_at", "decided_at", "updated_at", "events_count")
        .get()
    )


@dataclass
class Attempt:
    refusal: TransitionRefused | None = None
    after: Application | None = None
    events: list | None = None


def attempt(application, user, move_name, comment, before=None) -> Attempt:
    """Try a move inside a savepoint that is always rolled back; report what happened.

    ``before`` is the row's snapshot when the caller already has it (the matrix
    tries many moves on one unchanged row).
    """
    pk = application.pk
    before = before or snapshot(pk)
    result = Attempt()
    with transaction.atomic():
        try:
            application_transition(
                application=application, actor=user, transition=move_name, comment=comment
            )
        except TransitionRefused as refusal:
            assert application.status == before[0]
            assert snapshot(pk) == before, f"refused {move_name} still changed the row"
            result.refusal = refusal
            return result
        result.after = Application.objects.get(pk=pk)
        result.events = list(ApplicationEvent.objects.filter(application_id=pk))
        transaction.set_rollback(True)
    assert snapshot(pk) == before
    application.refresh_from_db()  # the service refreshed it with the rolled-back move
    return result


def check_success(result, application, move, user, comment, from_status):
    after, events = result.after, result.events
    assert after.status == move.target
    assert len(events) == 1
    [event] = events
    assert event.actor_id == user.pk
    assert event.transition == move.name
    assert (event.from_status, event.to_status) == (from_status, move.target)
    assert event.comment == comment.strip()
    if move.name in {"submit", "resubmit"}:
        assert after.submitted_at == event.at
    else:
        assert after.submitted_at == application.submitted_at
    if move.target in DECIDED and from_status not in DECIDED:
        assert after.decided_at == event.at
    else:
        assert after.decided_at == application.decided_at


@pytest.mark.parametrize("move_name", list(MOVES))
def test_every_state_and_role_against_the_declaration(world, move_name):
    move = MOVES[move_name]
    kinds = [Kind.DESIGNATION, Kind.PRODUCT] if move.designation_only else [Kind.DESIGNATION]
    # Comment-required moves are tried without (blank and whitespace) and with a comment.
    comments = ["", "   ", "补充说明材料"] if move.comment_required else ["", "附言"]
    successes = 0
    for status in Status.values:
        for kind in kinds:
            application = world.applications[status, kind]
            before = snapshot(application.pk)
            for role in ROLES:
                user = world.users[role]
                for comment in comments:
                    expected = declared_outcome(move, status, kind, role, comment)
                    result = attempt(application, user, move_name, comment, before)
                    refusal = result.refusal
                    where = f"{move_name} from {status} ({kind}) by {role} with {comment!r}"
                    if expected == "ok":
                        assert refusal is None, f"{where} was refused: {refusal}"
                        check_success(result, application, move, user, comment, status)
                        successes += 1
                    else:
                        assert refusal is not None, f"{where} succeeded"
                        assert REFUSAL_WORDS[expected] in refusal.messages[0], where
    # Every move can be made by somebody from somewhere.
    assert successes >= 1


def test_designation_only_moves_exist_and_product_moves_are_refused(world):
    assert set(DESIGNATION_ONLY) == {"warn", "lift_warning", "revoke", "expire"}
    staff = world.users["staff"]
    for name in DESIGNATION_ONLY:
        move = MOVES[name]
        for status in move.sources:
            for kind in (Kind.PRODUCT, Kind.PROJECT):
                application = factories.ApplicationFactory(
                    status=status, call__programme__kind=kind
                )
                with pytest.raises(TransitionRefused):
                    application_transition(
                        application=application, actor=staff, transition=name, comment="x"
                    )
                application.refresh_from_db()
                assert application.status == status
                assert not application.events.exists()


# The rules in words, independent of the declaration: (move, from, role, kind, allowed).
D, P = Kind.DESIGNATION, Kind.PRODUCT
KEY_CASES = [
    ("submit", Status.DRAFT, "applicant", P, True),
    ("submit", Status.DRAFT, "other_applicant", P, False),
    ("submit", Status.DRAFT, "staff", P, False),
    ("submit", Status.DRAFT, "county", P, False),
    ("submit", Status.SUBMITTED, "applicant", P, False),
    ("resubmit", Status.RETURNED, "applicant", P, True),
    ("resubmit", Status.DRAFT, "applicant", P, False),
    ("withdraw", Status.DRAFT, "applicant", P, True),
    ("withdraw", Status.IN_REVIEW, "applicant", P, True),
    ("withdraw", Status.REVIEWED, "applicant", P, False),
    ("withdraw", Status.APPROVED, "applicant", P, False),
    ("withdraw", Status.GRANTED, "applicant", P, False),
    ("withdraw", Status.SUBMITTED, "staff", P, False),
    ("recommend", Status.SUBMITTED, "county", P, True),
    ("recommend", Status.RESUBMITTED, "county", P, True),
    ("recommend", Status.SUBMITTED, "other_county", P, False),
    ("recommend", Status.SUBMITTED, "staff", P, False),
    ("recommend", Status.SUBMITTED, "applicant", P, False),
    ("recommend", Status.DRAFT, "county", P, False),
    ("return_for_revision", Status.SUBMITTED, "county", P, True),
    ("return_for_revision", Status.RECOMMENDED, "staff", P, True),
    ("return_for_revision", Status.ACCEPTED, "staff", P, False),
    ("accept", Status.RECOMMENDED, "staff", P, True),
    ("accept", Status.RECOMMENDED, "county", P, False),
    ("accept", Status.SUBMITTED, "staff", P, False),
    ("start_review", Status.ACCEPTED, "staff", P, True),
    ("start_review", Status.ACCEPTED, "expert", P, False),
    ("complete_review", Status.IN_REVIEW, "expert", P, False),
    ("complete_review", Status.IN_REVIEW, "staff", P, True),
    ("approve", Status.REVIEWED, "staff", P, True),
    ("approve", Status.REVIEWED, "expert", P, False),
    ("approve", Status.IN_REVIEW, "staff", P, False),
    ("open_public_notice", Status.APPROVED, "staff", P, True),
    ("grant", Status.IN_PUBLIC_NOTICE, "staff", P, True),
    ("grant", Status.APPROVED, "staff", P, False),
    ("grant", Status.IN_PUBLIC_NOTICE, "applicant", P, False),
    ("register_objection", Status.IN_PUBLIC_NOTICE, "staff", P, True),
    ("register_objection", Status.IN_PUBLIC_NOTICE, "anonymous", P, False),
    ("resolve_objection", Status.OBJECTION, "staff", P, True),
    ("reject", Status.OBJECTION, "staff", P, True),
    ("reject", Status.SUBMITTED, "staff", P, True),
    ("reject", Status.DRAFT, "staff", P, False),
    ("reject", Status.GRANTED, "staff", P, False),
    ("reject", Status.SUBMITTED, "county", P, False),
    ("warn", Status.GRANTED, "staff", D, True),
    ("warn", Status.GRANTED, "staff", P, False),
    ("lift_warning", Status.WARNED, "staff", D, True),
    ("revoke", Status.WARNED, "staff", D, True),
    ("revoke", Status.GRANTED, "staff", P, False),
    ("revoke", Status.REVOKED, "staff", D, False),
    ("expire", Status.GRANTED, "staff", D, True),
    ("expire", Status.EXPIRED, "staff", D, False),
    ("expire", Status.GRANTED, "applicant", D, False),
    ("grant", Status.REVOKED, "staff", D, False),
    ("submit", Status.WITHDRAWN, "applicant", P, False),
    ("recommend", Status.REJECTED, "county", P, False),
]
# An expert may make no move at all, from any state.
KEY_CASES += [(name, status, "expert", D, False) for name in MOVES for status in Status.values]
# Neither may a signed-in user with no role, nor an anonymous visitor.
KEY_CASES += [
    (name, status, role, D, False)
    for name in MOVES
    for status in Status.values
    for role in ("no_group", "anonymous")
]


def test_key_cases(world):
    for move_name, status, role, kind, allowed in KEY_CASES:
        application = world.applications[status, kind]
        refusal = attempt(application, world.users[role], move_name, "说明理由").refusal
        where = f"{move_name} from {status} ({kind}) by {role}"
        if allowed:
            assert refusal is None, f"{where} was refused: {refusal}"
        else:
            assert refusal is not None, f"{where} succeeded"


def test_key_cases_agree_with_the_declaration():
    for move_name, status, role, kind, allowed in KEY_CASES:
        expected = declared_outcome(MOVES[move_name], status, kind, role, "说明理由") == "ok"
        assert expected == allowed, (move_name, status, role, kind)


def test_withdrawal_is_impossible_once_the_bureau_has_decided():
    assert not (set(MOVES["withdraw"].sources) & DECIDED)
    assert Status.REVIEWED not in MOVES["withdraw"].sources


def test_every_state_but_the_final_ones_has_a_way_out():
    reachable_from = {status for move in TRANSITIONS for status in move.sources}
    targets = {move.target for move in TRANSITIONS}
    assert set(Status.values) - reachable_from == {
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.REVOKED,
        Status.EXPIRED,
    }
    assert set(Status.values) - targets == {Status.DRAFT}


def test_unknown_transition_is_refused_and_changes_nothing(world):
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    for name in ("publish", "", "SUBMIT", "save", "delete"):
        with pytest.raises(TransitionRefused) as caught:
            application_transition(
                application=application, actor=world.users["staff"], transition=name
            )
        assert "is not a workflow action" in caught.value.messages[0]
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not application.events.exists()


def test_pending_member_cannot_move_the_application(world):
    pending = factories.UserFactory(role="Applicants", username="pending")
    Membership.objects.create(
        user=pending, enterprise=world.enterprise, status=Membership.Status.PENDING
    )
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    with pytest.raises(TransitionRefused):
        application_transition(application=application, actor=pending, transition="submit")
    assert available_moves(application=application, user=pending) == []


def test_member_without_the_applicant_role_cannot_move_the_application(world):
    user = factories.UserFactory(username="member-without-role")
    Membership.objects.create(
        user=user, enterprise=world.enterprise, status=Membership.Status.APPROVED
    )
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    with pytest.raises(TransitionRefused):
        application_transition(application=application, actor=user, transition="submit")


def test_city_level_jurisdiction_may_recommend_a_county_application(world):
    city = Region.objects.get(code="330400")
    city_officer = factories.county_officer(city, username="city-officer")
    application = world.applications[Status.SUBMITTED, Kind.PRODUCT]
    application_transition(application=application, actor=city_officer, transition="recommend")
    assert application.status == Status.RECOMMENDED


def test_inactive_staff_cannot_move_anything(world):
    staff = world.users["staff"]
    staff.is_active = False
    staff.save()
    application = world.applications[Status.RECOMMENDED, Kind.PRODUCT]
    with pytest.raises(TransitionRefused):
        application_transition(application=application, actor=staff, transition="accept")


def test_a_whole_round_leaves_a_readable_timeline(world):
    users = world.users
    application = factories.ApplicationFactory(
        enterprise=world.enterprise, call=world.applications[Status.DRAFT, Kind.PRODUCT].call
    )
    steps = [
        ("submit", "applicant", ""),
        ("return_for_revision", "county", "请补充检测报告"),
        ("resubmit", "applicant", ""),
        ("recommend", "county", ""),
        ("accept", "staff", ""),
        ("start_review", "staff", ""),
        ("complete_review", "staff", ""),
        ("approve", "staff", ""),
        ("open_public_notice", "staff", ""),
        ("register_objection", "staff", "有人提出异议"),
        ("resolve_objection", "staff", "异议不成立"),
        ("approve", "staff", ""),
        ("open_public_notice", "staff", ""),
        ("grant", "staff", ""),
    ]
    for name, role, comment in steps:
        application_transition(
            application=application, actor=users[role], transition=name, comment=comment
        )
    assert application.status == Status.GRANTED
    events = list(application.events.order_by("at", "id"))
    assert [event.transition for event in events] == [name for name, _, _ in steps]
    assert [event.actor_id for event in events] == [users[role].pk for _, role, _ in steps]
    assert events[1].comment == "请补充检测报告"
    for previous, event in zip(events, events[1:], strict=False):
        assert event.from_status == previous.to_status
    assert application.submitted_at == events[2].at
    assert application.decided_at is not None


@pytest.mark.parametrize("move", TRANSITIONS, ids=lambda move: move.name)
def test_a_move_notifies_approved_members_once_committed(
    world, move, django_capture_on_commit_callbacks
):
    status = move.sources[0]
    actor_role = {Actor.APPLICANT: "applicant", Actor.COUNTY: "county", Actor.STAFF: "staff"}[
        move.actors[0]
    ]
    second = factories.UserFactory(role="Applicants", username="second-member")
    Membership.objects.create(
        user=second, enterprise=world.enterprise, status=Membership.Status.APPROVED
    )
    pending = factories.UserFactory(role="Applicants", username="pending-member")
    Membership.objects.create(
        user=pending, enterprise=world.enterprise, status=Membership.Status.PENDING
    )
    application = world.applications[status, Kind.DESIGNATION]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application_transition(
            application=application,
            actor=world.users[actor_role],
            transition=move.name,
            comment="理由" if move.comment_required else "",
        )
        # Nothing goes out before the transaction commits.
        assert not Notification.objects.exists()
        assert mail.outbox == []
    assert len(callbacks) == 1
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"applicant", "second-member"}
    assert all(
        notice.application_id == application.pk and application.title in notice.message
        for notice in Notification.objects.all()
    )
    recipients = sorted(address for email in mail.outbox for address in email.to)
    assert recipients == ["applicant@example.com", "second-member@example.com"]
    assert all(application.title in email.body for email in mail.outbox)
    if move.comment_required:
        assert all("理由" in email.body for email in mail.outbox)


def test_a_refused_move_notifies_nobody(world, django_capture_on_commit_callbacks):
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TransitionRefused),
    ):
        application_transition(
            application=application, actor=world.users["staff"], transition="grant"
        )
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_available_moves_are_exactly_the_permitted_ones(world):
    for (status, kind), application in world.applications.items():
        for role in ROLES:
            expected = [
                move.name
                for move in TRANSITIONS
                if declared_outcome(move, status, kind, role, "x") == "ok"
            ]
            got = [
                move.name
                for move in available_moves(application=application, user=world.users[role])
            ]
            assert got == expected, (status, kind, role)


def test_available_moves_by_role_spelled_out(world):
    def names(status, role, kind=Kind.PRODUCT):
        application = world.applications[status, kind]
        return {m.name for m in available_moves(application=application, user=world.users[role])}

    assert names(Status.DRAFT, "applicant") == {"submit", "withdraw"}
    assert names(Status.RETURNED, "applicant") == {"resubmit", "withdraw"}
    assert names(Status.SUBMITTED, "county") == {"recommend", "return_for_revision"}
    assert names(Status.SUBMITTED, "other_county") == set()
    assert names(Status.SUBMITTED, "staff") == {"return_for_revision", "reject"}
    assert names(Status.GRANTED, "staff") == set()
    assert names(Status.GRANTED, "staff", Kind.DESIGNATION) == {"warn", "revoke", "expire"}
    assert names(Status.WARNED, "staff", Kind.DESIGNATION) == {"lift_warning", "revoke", "expire"}
    assert names(Status.IN_REVIEW, "expert") == set()
    assert names(Status.GRANTED, "applicant") == set()
