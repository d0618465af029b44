"""The workflow: every (state, move, role) triple against the declaration, plus key cases.

The matrix is generated from ``workflow.MOVES``; the hand-written table
below it states the rules a second time, in words a bureau would use, so a
mistake in the declaration cannot make both sides agree.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.models import Notification
from enterprises.models import Membership, Region
from programmes.exceptions import MoveRefused
from programmes.models import Application, ApplicationEvent, Kind, RewardRule
from programmes.services import application_move, available_moves
from programmes.workflow import DECIDED, MOVES, Actor, Status
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
DESIGNATION_ONLY = [move.name for move in MOVES.values() if move.designation_only]


@dataclass
class World:
    users: dict
    applications: dict  # (status, kind) -> Application
    enterprise: object


def build_world() -> World:
    """One enterprise in Nanhu (under Jiaxing), one in Xiuzhou, and an application per state.

    Every application passes every guard (open calls, complete filings, notices opened
    and over), so that the matrix sees the declaration's state, actor and comment
    rules alone; the guards have their own tests below.
    """
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
        kind: factories.open_call(
            factories.CallFactory(
                programme=factories.ProgrammeFactory(kind=kind), public_notice_days=0
            )
        )
        for kind in (Kind.PRODUCT, Kind.DESIGNATION)
    }
    applications = {}
    for status in Status.values:
        for kind, call in calls.items():
            application = factories.ApplicationFactory(
                enterprise=enterprise, call=call, status=status, title=f"{status} {kind}"
            )
            factories.ready_to_file(application)
            if status == Status.IN_PUBLIC_NOTICE:
                factories.notice_opened(application, days_ago=1)
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
    refusal: MoveRefused | None = None
    after: Application | None = None
    events: list | None = None


def attempt(application, user, move_name, comment, before=None) -> Attempt:
    """Try a move inside a savepoint that is always rolled back; report what happened.

    ``before`` is the row's snapshot when the caller already has it (the matrix
    tries many moves on one unchanged row).
    """
    pk = application.pk
    before = before or snapshot(pk)
    earlier = set(ApplicationEvent.objects.filter(application_id=pk).values_list("pk", flat=True))
    result = Attempt()
    with transaction.atomic():
        try:
            application_move(application=application, actor=user, move=move_name, comment=comment)
        except MoveRefused as refusal:
            assert application.status == before[0]
            assert snapshot(pk) == before, f"refused {move_name} still changed the row"
            result.refusal = refusal
            return result
        result.after = Application.objects.get(pk=pk)
        result.events = list(
            ApplicationEvent.objects.filter(application_id=pk).exclude(pk__in=earlier)
        )
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
    assert event.move == move.name
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
                with pytest.raises(MoveRefused):
                    application_move(application=application, actor=staff, move=name, comment="x")
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
    reachable_from = {status for move in MOVES.values() for status in move.sources}
    targets = {move.target for move in MOVES.values()}
    assert set(Status.values) - reachable_from == {
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.REVOKED,
        Status.EXPIRED,
    }
    assert set(Status.values) - targets == {Status.DRAFT}


def test_unknown_move_is_refused_and_changes_nothing(world):
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    for name in ("publish", "", "SUBMIT", "save", "delete"):
        with pytest.raises(MoveRefused) as caught:
            application_move(application=application, actor=world.users["staff"], move=name)
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
    with pytest.raises(MoveRefused):
        application_move(application=application, actor=pending, move="submit")
    assert available_moves(application=application, user=pending) == []


def test_member_without_the_applicant_role_cannot_move_the_application(world):
    user = factories.UserFactory(username="member-without-role")
    Membership.objects.create(
        user=user, enterprise=world.enterprise, status=Membership.Status.APPROVED
    )
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    with pytest.raises(MoveRefused):
        application_move(application=application, actor=user, move="submit")


def test_city_level_jurisdiction_may_recommend_a_county_application(world):
    city = Region.objects.get(code="330400")
    city_officer = factories.county_officer(city, username="city-officer")
    application = world.applications[Status.SUBMITTED, Kind.PRODUCT]
    application_move(application=application, actor=city_officer, move="recommend")
    assert application.status == Status.RECOMMENDED


def test_inactive_staff_cannot_move_anything(world):
    staff = world.users["staff"]
    staff.is_active = False
    staff.save()
    application = world.applications[Status.RECOMMENDED, Kind.PRODUCT]
    with pytest.raises(MoveRefused):
        application_move(application=application, actor=staff, move="accept")


def test_a_whole_round_leaves_a_readable_timeline(world):
    users = world.users
    application = factories.ready_to_file(
        factories.ApplicationFactory(
            enterprise=world.enterprise, call=world.applications[Status.DRAFT, Kind.PRODUCT].call
        )
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
        application_move(application=application, actor=users[role], move=name, comment=comment)
    assert application.status == Status.GRANTED
    events = list(application.events.order_by("at", "id"))
    assert [event.move for event in events] == [name for name, _, _ in steps]
    assert [event.actor_id for event in events] == [users[role].pk for _, role, _ in steps]
    assert events[1].comment == "请补充检测报告"
    for previous, event in zip(events, events[1:], strict=False):
        assert event.from_status == previous.to_status
    assert application.submitted_at == events[2].at
    assert application.decided_at is not None


@pytest.mark.parametrize("move", MOVES.values(), ids=lambda move: move.name)
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
        application_move(
            application=application,
            actor=world.users[actor_role],
            move=move.name,
            comment="理由" if move.comment_required else "",
        )
        # Nothing goes out before the transaction commits.
        assert not Notification.objects.exists()
        assert mail.outbox == []
    assert len(callbacks) == 1
    # The members hear of their application (officers and staff may hear of new work:
    # tests/programmes/test_work_notices.py).
    about_it = Notification.objects.filter(link=f"/applications/{application.pk}/")
    notified = set(about_it.values_list("user__username", flat=True))
    assert notified == {"applicant", "second-member"}
    assert all(application.title in notice.message for notice in about_it)
    members = {"applicant@example.com", "second-member@example.com"}
    to_members = [email for email in mail.outbox if set(email.to) <= members]
    assert sorted(address for email in to_members for address in email.to) == sorted(members)
    assert all(application.title in email.body for email in to_members)
    if move.comment_required:
        assert all("理由" in email.body for email in to_members)


def test_a_refused_move_notifies_nobody(world, django_capture_on_commit_callbacks):
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(MoveRefused),
    ):
        application_move(application=application, actor=world.users["staff"], move="grant")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_available_moves_are_exactly_the_permitted_ones(world):
    for (status, kind), application in world.applications.items():
        for role in ROLES:
            expected = [
                move.name
                for move in MOVES.values()
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


# --- Guards: each refuses through the one service, and its move is not offered ----------------


def offered(application, user) -> set[str]:
    return {move.name for move in available_moves(application=application, user=user)}


def refused(application, user, move_name, comment="") -> list[str]:
    before = snapshot(application.pk)
    with pytest.raises(MoveRefused) as caught:
        application_move(application=application, actor=user, move=move_name, comment=comment)
    assert snapshot(application.pk) == before
    return caught.value.messages


@pytest.mark.parametrize(
    ("opens", "closes", "words"),
    [(1, 10, "opens on"), (-10, -1, "closed on"), (None, None, "no application period")],
)
def test_a_first_filing_is_made_while_the_call_is_open_only(world, opens, closes, words):
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    applicant = world.users["applicant"]
    call = application.call
    today = timezone.localdate()
    call.opens_on = None if opens is None else today + timedelta(days=opens)
    call.closes_on = None if closes is None else today + timedelta(days=closes)
    call.save()

    assert "submit" not in offered(application, applicant)
    assert words in refused(application, applicant, "submit")[0]


def test_a_resubmission_may_follow_the_closing_date(world):
    application = world.applications[Status.RETURNED, Kind.PRODUCT]
    call = application.call
    call.closes_on = timezone.localdate() - timedelta(days=1)
    call.save()

    assert "resubmit" in offered(application, world.users["applicant"])
    application_move(application=application, actor=world.users["applicant"], move="resubmit")
    assert application.status == Status.RESUBMITTED


def test_an_incomplete_filing_is_refused_naming_every_missing_item(world):
    application = world.applications[Status.DRAFT, Kind.PRODUCT]
    applicant = world.users["applicant"]
    detail = application.product_detail
    detail.tier, detail.key_indicators = "", ""
    detail.save()
    application.attachments.all().delete()
    enterprise = application.enterprise
    enterprise.region = Region.objects.get(code="330400")  # a city: no county recommends it
    enterprise.save()

    assert "submit" not in offered(application, applicant)
    problems = refused(application, applicant, "submit")
    assert len(problems) == 4
    assert "“tier”" in problems[0]
    assert "“key indicators”" in problems[1]
    assert "Attach at least one document" in problems[2]
    assert "county" in problems[3]


def test_recommending_counts_the_county_quota_whoever_calls_the_service(world):
    officer = world.users["county"]
    first = world.applications[Status.SUBMITTED, Kind.PRODUCT]
    second = world.applications[Status.RESUBMITTED, Kind.PRODUCT]
    call = first.call
    call.recommendation_quota = 1
    call.save()
    assert "recommend" in offered(second, officer)

    application_move(application=first, actor=officer, move="recommend")

    assert "recommend" not in offered(second, officer)
    assert "1 of 1 recommended" in refused(second, officer, "recommend")[0]
    # Returned to the applicant, the first no longer holds the place.
    application_move(application=first, actor=officer, move="return_for_revision", comment="补")
    assert "recommend" in offered(second, officer)


def test_granting_waits_for_the_end_of_the_public_notice(world):
    application = world.applications[Status.IN_PUBLIC_NOTICE, Kind.PRODUCT]
    staff = world.users["staff"]
    call = application.call
    call.public_notice_days = 5
    call.save()

    assert "grant" not in offered(application, staff)
    assert "runs until" in refused(application, staff, "grant")[0]

    application.events.update(at=timezone.now() - timedelta(days=6))
    assert "grant" in offered(application, staff)
    application_move(application=application, actor=staff, move="grant")
    assert application.status == Status.GRANTED


def test_granting_without_a_record_of_the_notice_is_refused(world):
    application = world.applications[Status.IN_PUBLIC_NOTICE, Kind.PRODUCT]
    application.events.all().delete()
    assert (
        "no record of when its public notice opened"
        in refused(application, world.users["staff"], "grant")[0]
    )


def test_granting_awards_the_programmes_reward_for_the_tier_unless_another_is_given(world):
    product = world.applications[Status.IN_PUBLIC_NOTICE, Kind.PRODUCT]
    designation = world.applications[Status.IN_PUBLIC_NOTICE, Kind.DESIGNATION]
    for application, tier in ((product, "provincial_first"), (designation, "provincial")):
        RewardRule.objects.create(
            programme=application.call.programme, tier=tier, label=tier, amount=Decimal("300000")
        )
    # An amount entered beforehand gives way to the rule; another one needs a reason.
    product.awarded_amount = Decimal("120000")
    product.save()

    application_move(application=product, actor=world.users["staff"], move="grant")
    application_move(
        application=designation,
        actor=world.users["staff"],
        move="grant",
        award=Decimal("120000"),
        award_reason="预算核减",
    )

    assert product.awarded_amount == Decimal("300000")
    assert designation.awarded_amount == Decimal("120000")
