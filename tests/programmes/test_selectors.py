"""Scoping: every list shows a user exactly the rows their role and relations allow."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.utils import timezone

from enterprises.access import enterprise_list
from enterprises.models import Membership, Region
from programmes.access import (
    application_list,
    attachment_list,
    can_view_application,
    designation_list,
    event_list,
)
from programmes.models import Application, Attachment, Designation, Kind, Level
from programmes.selectors import application_details_fetch, open_work_by_programme
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


@dataclass
class World:
    regions: dict
    enterprises: dict
    apps: dict  # (enterprise key, status) -> Application
    users: dict


def build_world() -> World:
    province = factories.RegionFactory(code="330000", name="浙江省", level=Region.Level.PROVINCE)
    jiaxing = factories.RegionFactory(
        code="330400", name="嘉兴市", level=Region.Level.CITY, parent=province
    )
    ningbo = factories.RegionFactory(
        code="330200", name="宁波市", level=Region.Level.CITY, parent=province
    )
    regions = {
        "jiaxing": jiaxing,
        "nanhu": factories.RegionFactory(code="330402", name="南湖区", parent=jiaxing),
        "xiuzhou": factories.RegionFactory(code="330411", name="秀洲区", parent=jiaxing),
        "xiangshan": factories.RegionFactory(
            code="330225", name="象山县", level=Region.Level.COUNTY, parent=ningbo
        ),
    }
    enterprises = {
        "nanhu": factories.EnterpriseFactory(region=regions["nanhu"]),
        "xiuzhou": factories.EnterpriseFactory(region=regions["xiuzhou"]),
        "xiangshan": factories.EnterpriseFactory(region=regions["xiangshan"]),
    }
    call = factories.CallFactory(programme=factories.ProgrammeFactory(kind=Kind.DESIGNATION))
    apps = {}
    for key, enterprise in enterprises.items():
        for status in (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.GRANTED):
            apps[key, status] = factories.ApplicationFactory(
                enterprise=enterprise, call=call, status=status, title=f"{key} {status}"
            )
        Designation.objects.create(application=apps[key, Status.GRANTED], level=Level.MUNICIPAL)
    expert = factories.expert_user(username="expert")
    factories.assign(apps["nanhu", Status.IN_REVIEW], expert)
    factories.assign(apps["xiangshan", Status.IN_REVIEW], expert)
    users = {
        "nanhu_applicant": factories.applicant_for(enterprises["nanhu"], username="nanhu-app"),
        "xiuzhou_applicant": factories.applicant_for(
            enterprises["xiuzhou"], username="xiuzhou-app"
        ),
        "nanhu_officer": factories.county_officer(regions["nanhu"], username="nanhu-officer"),
        "city_officer": factories.county_officer(jiaxing, username="city-officer"),
        "xiangshan_officer": factories.county_officer(
            regions["xiangshan"], username="xiangshan-officer"
        ),
        "expert": expert,
        "idle_expert": factories.expert_user(username="idle-expert"),
        "staff": factories.staff_user(username="staff"),
        "no_group": factories.UserFactory(username="nobody"),
        "anonymous": AnonymousUser(),
    }
    pending = factories.UserFactory(username="pending", role="Applicants")
    Membership.objects.create(
        user=pending, enterprise=enterprises["nanhu"], status=Membership.Status.PENDING
    )
    users["pending_applicant"] = pending
    return World(regions=regions, enterprises=enterprises, apps=apps, users=users)


@pytest.fixture
def world():
    return build_world()


def titles(queryset):
    return sorted(application.title for application in queryset)


def expected_titles(world, pairs):
    return sorted(world.apps[pair].title for pair in pairs)


ALL_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.GRANTED)
FILED = (Status.SUBMITTED, Status.IN_REVIEW, Status.GRANTED)

# user → the (enterprise, status) pairs they see
EXPECTED = {
    "nanhu_applicant": [("nanhu", s) for s in ALL_STATUSES],
    "xiuzhou_applicant": [("xiuzhou", s) for s in ALL_STATUSES],
    "nanhu_officer": [("nanhu", s) for s in FILED],
    "city_officer": [(e, s) for e in ("nanhu", "xiuzhou") for s in FILED],
    "xiangshan_officer": [("xiangshan", s) for s in FILED],
    "expert": [("nanhu", Status.IN_REVIEW), ("xiangshan", Status.IN_REVIEW)],
    "idle_expert": [],
    "staff": [(e, s) for e in ("nanhu", "xiuzhou", "xiangshan") for s in ALL_STATUSES],
    "no_group": [],
    "anonymous": [],
    "pending_applicant": [],
}


@pytest.mark.parametrize("user_key", list(EXPECTED))
def test_application_list_is_scoped_to_the_user(world, user_key):
    seen = application_list(user=world.users[user_key])
    assert titles(seen) == expected_titles(world, EXPECTED[user_key])
    # No duplicate rows, whatever joins the scope needed.
    assert seen.count() == len(EXPECTED[user_key])


@pytest.mark.parametrize("user_key", list(EXPECTED))
def test_the_row_check_agrees_with_the_list(world, user_key):
    user = world.users[user_key]
    visible = set(EXPECTED[user_key])
    for pair, application in world.apps.items():
        assert can_view_application(user, application) == (pair in visible), (user_key, pair)


@pytest.mark.parametrize("user_key", list(EXPECTED))
def test_designation_list_follows_the_application_scope(world, user_key):
    seen = designation_list(user=world.users[user_key])
    expected = [pair for pair in EXPECTED[user_key] if pair[1] == Status.GRANTED]
    assert sorted(d.application.title for d in seen) == expected_titles(world, expected)


@pytest.mark.parametrize("user_key", list(EXPECTED))
def test_attachment_list_follows_the_application_scope(world, user_key):
    for application in world.apps.values():
        attachment = Attachment(
            application=application, original_name=f"{application.title}.pdf", size=3
        )
        attachment.file.save("form.pdf", ContentFile(b"pdf"), save=False)
        attachment.content_type = "application/pdf"
        attachment.save()
    # An expert opens files only where the no-conflict declaration is made.
    declared = world.apps["nanhu", Status.IN_REVIEW]
    declared.assignments.update(no_conflict_declared_at=timezone.now())
    expected = EXPECTED[user_key]
    if user_key == "expert":
        expected = [("nanhu", Status.IN_REVIEW)]
    seen = attachment_list(user=world.users[user_key])
    assert sorted(a.application.title for a in seen) == expected_titles(world, expected)


EXPECTED_ENTERPRISES = {
    "nanhu_applicant": {"nanhu"},
    "xiuzhou_applicant": {"xiuzhou"},
    "nanhu_officer": {"nanhu"},
    "city_officer": {"nanhu", "xiuzhou"},
    "xiangshan_officer": {"xiangshan"},
    "expert": {"nanhu", "xiangshan"},
    "idle_expert": set(),
    "staff": {"nanhu", "xiuzhou", "xiangshan"},
    "no_group": set(),
    "anonymous": set(),
    "pending_applicant": set(),
}


@pytest.mark.parametrize("user_key", list(EXPECTED_ENTERPRISES))
def test_enterprise_list_is_scoped_to_the_user(world, user_key):
    seen = list(enterprise_list(user=world.users[user_key]))
    names = {e.name for e in seen}
    assert names == {world.enterprises[key].name for key in EXPECTED_ENTERPRISES[user_key]}
    assert len(seen) == len(names)


def test_expert_assigned_twice_in_one_enterprise_sees_it_once(world):
    expert = world.users["expert"]
    factories.assign(world.apps["nanhu", Status.SUBMITTED], expert)
    enterprises = list(enterprise_list(user=expert))
    assert [e.name for e in enterprises].count(world.enterprises["nanhu"].name) == 1
    assert application_list(user=expert).count() == 3


def test_a_user_with_several_roles_sees_the_union_once(world):
    user = world.users["nanhu_applicant"]
    user.groups.add(factories.Group.objects.get(name="Experts"))
    user.groups.add(factories.Group.objects.get(name="County officers"))
    factories.Jurisdiction.objects.create(user=user, region=world.regions["xiangshan"])
    # Several experts on the same application multiply the join; rows must not repeat.
    target = world.apps["xiangshan", Status.IN_REVIEW]
    for n in range(3):
        factories.assign(target, factories.expert_user(username=f"extra-{n}"))
    factories.assign(target, user)
    factories.assign(world.apps["nanhu", Status.IN_REVIEW], user)
    user = type(user).objects.get(pk=user.pk)  # roles are cached per user object
    seen = list(application_list(user=user))
    expected = [("nanhu", s) for s in ALL_STATUSES] + [("xiangshan", s) for s in FILED]
    assert titles(seen) == expected_titles(world, expected)
    assert len(seen) == len({a.pk for a in seen})
    enterprises = list(enterprise_list(user=user))
    assert len(enterprises) == len({e.pk for e in enterprises}) == 2


def test_officer_never_sees_a_draft_withdrawn_before_it_was_filed(world):
    officer = world.users["nanhu_officer"]
    draft = world.apps["nanhu", Status.DRAFT]
    application_move(application=draft, actor=world.users["nanhu_applicant"], move="withdraw")
    assert draft.status == Status.WITHDRAWN
    assert application_list(user=officer).filter(pk=draft.pk).first() is None
    assert can_view_application(world.users["nanhu_applicant"], draft)


def test_officer_sees_an_application_withdrawn_after_filing(world):
    officer = world.users["nanhu_officer"]
    applicant = world.users["nanhu_applicant"]
    application = factories.ready_to_file(world.apps["nanhu", Status.DRAFT])
    application_move(application=application, actor=applicant, move="submit")
    application_move(application=application, actor=applicant, move="withdraw")
    assert application.status == Status.WITHDRAWN
    assert can_view_application(officer, application)


def test_draft_becomes_visible_to_the_officer_once_submitted(world):
    officer = factories.county_officer(world.regions["nanhu"], username="fresh-officer")
    draft = factories.ready_to_file(world.apps["nanhu", Status.DRAFT])
    assert application_list(user=officer).filter(pk=draft.pk).first() is None
    application_move(application=draft, actor=world.users["nanhu_applicant"], move="submit")
    assert application_list(user=officer).filter(pk=draft.pk).first() == draft


def test_officer_scope_follows_the_region_at_filing_not_the_enterprise_move(world):
    # The application keeps the region it was filed in when the enterprise moves.
    enterprise = world.enterprises["nanhu"]
    enterprise.region = world.regions["xiangshan"]
    enterprise.save()
    seen = titles(application_list(user=world.users["nanhu_officer"]))
    assert seen == expected_titles(world, [("nanhu", s) for s in FILED])


def test_event_list_follows_the_application_scope(world):
    factories.ready_to_file(world.apps["nanhu", Status.DRAFT])
    factories.ready_to_file(world.apps["xiuzhou", Status.DRAFT])
    application_move(
        application=world.apps["nanhu", Status.DRAFT],
        actor=world.users["nanhu_applicant"],
        move="submit",
    )
    application_move(
        application=world.apps["xiuzhou", Status.DRAFT],
        actor=world.users["xiuzhou_applicant"],
        move="submit",
    )
    assert event_list(user=world.users["nanhu_applicant"]).count() == 1
    assert event_list(user=world.users["city_officer"]).count() == 2
    assert event_list(user=world.users["xiangshan_officer"]).count() == 0
    assert event_list(user=world.users["staff"]).count() == 2
    assert event_list(user=world.users["anonymous"]).count() == 0


def test_a_filter_on_application_list_stays_inside_the_scope(world):
    seen = application_list(user=world.users["city_officer"]).filter(status=Status.IN_REVIEW)
    assert titles(seen) == expected_titles(
        world, [("nanhu", Status.IN_REVIEW), ("xiuzhou", Status.IN_REVIEW)]
    )


def test_open_work_counts_only_what_the_user_sees(world):
    [row] = open_work_by_programme(user=world.users["nanhu_officer"])
    assert row["total"] == 2  # submitted and in review; drafts and granted are not open
    assert {c["status"]: c["count"] for c in row["counts"]} == {
        Status.SUBMITTED: 1,
        Status.IN_REVIEW: 1,
    }
    [row] = open_work_by_programme(user=world.users["staff"])
    assert row["total"] == 6
    assert open_work_by_programme(user=world.users["no_group"]) == []


def test_listing_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    call = world.apps["nanhu", Status.DRAFT].call
    for n in range(20):
        factories.ApplicationFactory(
            enterprise=world.enterprises["nanhu"],
            call=call,
            status=Status.SUBMITTED,
            title=f"extra {n}",
        )
    for key in ("nanhu_applicant", "city_officer", "expert", "staff"):
        user = type(world.users[key]).objects.get(pk=world.users[key].pk)
        # roles, memberships or jurisdictions with the region tree, then the list itself;
        # the same however many applications there are
        with django_assert_max_num_queries(6):
            list(application_list(user=user))


def test_details_are_read_once_per_kind_on_the_page(
    enterprise, django_assert_num_queries, django_assert_max_num_queries
):
    calls = {kind: factories.CallFactory(programme__kind=kind) for kind in Kind.values}
    for n in range(9):
        factories.ApplicationFactory(enterprise=enterprise, call=calls[Kind.values[n % 3]])
    products = list(Application.objects.filter(kind=Kind.PRODUCT))
    everything = list(Application.objects.all())

    with django_assert_num_queries(1):
        application_details_fetch(products)
    with django_assert_num_queries(3):
        application_details_fetch(everything)
    with django_assert_max_num_queries(0):
        subjects = [application.headline for application in everything]

    assert len(subjects) == 9
    assert all(application.detail is not None for application in everything)
