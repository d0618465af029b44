"""The access and workflow rules, one by one, where the broader tests leave a rule unpinned.

Each test names a rule a person relies on; ``make mutation`` found a change to the rule
that no other test noticed (docs/testing.md).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from core.models import Notification
from enterprises import access as enterprise_access
from enterprises.models import Enterprise, Jurisdiction, Membership, Region
from programmes import access
from programmes.exceptions import MoveRefused
from programmes.models import Application, Designation, Evaluation, Kind, Level, RewardRule
from programmes.selectors.applicant import applicant_timeline
from programmes.services.workflow import application_move
from programmes.workflow import (
    MOVES,
    MoveContext,
    Status,
    call_closed_reason,
    filing_problems,
    move_label,
    notice_period_over,
)
from tests import factories

pytestmark = pytest.mark.django_db


def queries(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


# --- Who acts for whom, read once per request ----------------------------------------------


def test_a_users_enterprises_and_regions_are_read_once_per_request(applicant, officer):
    assert queries(lambda: enterprise_access.member_enterprise_ids(applicant)) == 2  # roles too
    assert queries(lambda: enterprise_access.member_enterprise_ids(applicant)) == 0
    assert queries(lambda: enterprise_access.jurisdiction_region_ids(officer)) > 0
    assert queries(lambda: enterprise_access.jurisdiction_region_ids(officer)) == 0


def test_a_province_jurisdiction_covers_the_counties_of_its_cities():
    province = factories.RegionFactory(code="330000", level=Region.Level.PROVINCE)
    city = factories.RegionFactory(code="330400", level=Region.Level.CITY, parent=province)
    county = factories.RegionFactory(code="330402", parent=city)
    officer = factories.county_officer(province, username="province-officer")

    assert enterprise_access.jurisdiction_region_ids(officer) == {province.pk, city.pk, county.pk}


# --- Enterprises and memberships ----------------------------------------------------------------


def test_a_user_with_two_roles_sees_the_enterprises_of_both(enterprise, other_enterprise):
    both = factories.applicant_for(enterprise, username="both-roles")
    both.groups.add(Group.objects.get(name="County officers"))
    Jurisdiction.objects.create(user=both, region=other_enterprise.region)

    seen = set(enterprise_access.enterprise_list(user=both))

    assert seen == {enterprise, other_enterprise}


def test_an_officer_views_the_enterprises_of_their_regions_only(
    officer, enterprise, other_enterprise
):
    assert enterprise_access.can_view_enterprise(officer, enterprise)
    assert not enterprise_access.can_view_enterprise(officer, other_enterprise)


def test_staff_manage_any_enterprises_profile_and_members_their_own(
    staff, applicant, enterprise, other_enterprise
):
    assert enterprise_access.can_manage_enterprise_profile(staff, other_enterprise)
    assert enterprise_access.can_manage_enterprise_profile(applicant, enterprise)
    assert not enterprise_access.can_manage_enterprise_profile(applicant, other_enterprise)


def test_nothing_to_delete_is_no_enterprise(staff):
    assert not enterprise_access.can_delete_enterprise(staff, None)
    assert not enterprise_access.can_delete_enterprise(staff, Enterprise(name="未保存"))


def test_nobody_decides_their_own_request_to_join(staff, applicant, enterprise):
    own_request = Membership.objects.create(user=staff, enterprise=enterprise)
    assert not enterprise_access.can_decide_membership(staff, own_request)
    newcomer = factories.UserFactory(username="newcomer")
    theirs = Membership.objects.create(user=newcomer, enterprise=enterprise)
    assert enterprise_access.can_decide_membership(staff, theirs)
    assert enterprise_access.can_decide_membership(applicant, theirs)
    assert not enterprise_access.can_decide_membership(newcomer, theirs)


def test_outside_the_bureau_people_list_their_own_memberships_and_jurisdictions(
    applicant, officer, other_applicant
):
    assert list(enterprise_access.membership_list(user=applicant)) == list(
        Membership.objects.filter(user=applicant)
    )
    assert list(enterprise_access.jurisdiction_list(user=officer)) == list(
        Jurisdiction.objects.filter(user=officer)
    )
    assert not enterprise_access.jurisdiction_list(user=applicant).exists()


def test_the_account_page_lists_ones_memberships_pending_last_then_by_name_in_one_query(
    applicant, enterprise
):
    pending = factories.EnterpriseFactory(name="00 First by name, still pending")
    Membership.objects.create(user=applicant, enterprise=pending)
    alpha = factories.EnterpriseFactory(name="01 Alpha Silk")
    Membership.objects.create(user=applicant, enterprise=alpha, status=Membership.Status.APPROVED)
    memberships = []

    def read():
        memberships.extend(enterprise_access.own_membership_list(user=applicant))
        for membership in memberships:
            str(membership.enterprise.region)

    assert queries(read) == 1
    assert [(m.status, m.enterprise) for m in memberships] == [
        (Membership.Status.APPROVED, alpha),
        (Membership.Status.APPROVED, enterprise),
        (Membership.Status.PENDING, pending),
    ]
    assert enterprise_access.own_membership_list(user=AnonymousUser()) == []


def test_an_app_widens_the_enterprises_a_user_sees_once_per_condition(
    monkeypatch, applicant, other_enterprise
):
    extensions = list(enterprise_access._ENTERPRISE_SCOPE_EXTENSIONS)
    monkeypatch.setattr(enterprise_access, "_ENTERPRISE_SCOPE_EXTENSIONS", extensions)
    assert not enterprise_access.can_view_enterprise(applicant, other_enterprise)

    def partners(user):
        return Q(pk=other_enterprise.pk)

    enterprise_access.extend_enterprise_scope(partners)
    enterprise_access.extend_enterprise_scope(partners)

    assert extensions.count(partners) == 1
    assert enterprise_access.can_view_enterprise(applicant, other_enterprise)
    assert other_enterprise in enterprise_access.enterprise_list(user=applicant)


def test_an_enterprises_members_are_read_with_their_accounts(applicant, enterprise):
    def read():
        return [user.email for user in enterprise_access.enterprise_members(enterprise.pk)]

    assert queries(read) == 1


def test_the_import_permission_needs_a_signed_in_active_user(staff):
    assert enterprise_access.can_import(staff, Application)
    assert not enterprise_access.can_import(AnonymousUser(), Application)
    staff.is_active = False
    assert not enterprise_access.can_import(staff, Application)


def test_an_unsaved_or_missing_row_is_nobodys(staff):
    assert not access.can_view_application(staff, None)
    assert not access.can_view_application(staff, Application())


def test_an_extension_of_the_enterprise_scope_is_added_once():
    before = list(enterprise_access._ENTERPRISE_SCOPE_EXTENSIONS)
    enterprise_access.extend_enterprise_scope(access.reviewed_enterprises)
    assert before == enterprise_access._ENTERPRISE_SCOPE_EXTENSIONS
    assert access.reviewed_enterprises in before


# --- Reviews, outcomes and records -----------------------------------------------------------


@pytest.fixture
def assignment(enterprise, expert):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    return factories.assign(application, expert)


def test_an_expert_who_left_the_experts_group_scores_no_more(assignment, expert):
    assert access.can_score(expert, assignment)
    expert.groups.clear()
    expert.__dict__.pop("_programme_desk_roles", None)
    assert not access.can_score(expert, assignment)


def test_an_assignment_is_seen_by_its_expert_and_staff_and_unassigned_before_its_sheet(
    assignment, expert, staff, officer
):
    assert access.can_view_assignment(expert, assignment)
    assert access.can_view_assignment(staff, assignment)
    assert not access.can_view_assignment(officer, assignment)
    assert access.can_unassign_expert(staff, assignment)
    assert not access.can_unassign_expert(expert, assignment)
    assignment.submitted_at = timezone.now()
    assignment.save()
    assert not access.can_unassign_expert(staff, assignment)


def test_an_unevaluated_designation_may_go_an_evaluated_one_stays(enterprise, staff, officer):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call__programme__kind=Kind.DESIGNATION, status=Status.GRANTED
    )
    designation = Designation.objects.create(application=application, level=Level.MUNICIPAL)
    assert access.can_delete_designation(staff, designation)
    assert not access.can_delete_designation(officer, designation)
    assert not access.can_delete_designation(staff, None)
    Evaluation.objects.create(
        designation=designation, period="2025", evaluated_on=date(2026, 1, 5), score=90
    )
    assert not access.can_delete_designation(staff, designation)


def test_evaluations_follow_their_designations_application(
    enterprise, other_enterprise, officer, staff
):
    evaluations = []
    for owner in (enterprise, other_enterprise):
        application = factories.ApplicationFactory(
            enterprise=owner, call__programme__kind=Kind.DESIGNATION, status=Status.GRANTED
        )
        designation = Designation.objects.create(application=application, level=Level.MUNICIPAL)
        evaluations.append(
            Evaluation.objects.create(
                designation=designation, period="2025", evaluated_on=date(2026, 1, 5), score=90
            )
        )

    assert list(access.evaluation_list(user=officer)) == [evaluations[0]]
    assert set(access.evaluation_list(user=staff)) == set(evaluations)


def test_people_see_their_own_notices_and_staff_everyones(applicant, other_applicant, staff):
    mine = Notification.objects.create(user=applicant, message="mine")
    theirs = Notification.objects.create(user=other_applicant, message="theirs")

    assert list(access.notification_list(user=applicant)) == [mine]
    assert access.can_view_notification(applicant, mine)
    assert not access.can_view_notification(applicant, theirs)
    assert access.can_view_notification(staff, theirs)
    assert access.can_view_notification(staff, None)
    assert not access.can_view_notification(applicant, None)


def test_signed_in_people_see_every_call_of_an_active_programme_the_public_open_ones(applicant):
    closed = factories.CallFactory(opens_on=date(2020, 1, 1), closes_on=date(2020, 2, 1))
    assert closed in access.call_list(user=applicant, today=timezone.localdate())
    assert closed not in access.call_list(user=AnonymousUser(), today=timezone.localdate())


def test_on_a_timeline_an_officer_acts_for_the_county_and_staff_for_the_bureau(
    enterprise, applicant, officer
):
    application = factories.ready_to_file(
        factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    )
    both = factories.staff_user(username="staff-and-officer")
    both.groups.add(Group.objects.get(name="County officers"))
    Jurisdiction.objects.create(user=both, region=enterprise.region)

    application_move(
        application=application, actor=officer, move="return_for_revision", comment="补"
    )
    application_move(application=application, actor=applicant, move="resubmit")
    application_move(
        application=application, actor=both, move="return_for_revision", comment="再补"
    )

    who = [str(entry["who"]) for entry in applicant_timeline(application=application)]
    assert who == ["Your enterprise", "County bureau", "Your enterprise", "Municipal bureau"]


# --- The workflow's guards, word for word ------------------------------------------------------


def test_a_project_filing_needs_its_requested_amount(enterprise):
    application = factories.ready_to_file(
        factories.ApplicationFactory(enterprise=enterprise, call__programme__kind=Kind.PROJECT)
    )
    assert filing_problems(application) == []
    application.requested_amount = None
    application.save()

    assert filing_problems(application) == ["Fill in “requested amount (yuan)” before submitting."]


def test_an_incomplete_filing_is_told_what_is_missing_word_for_word(enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise)
    application.enterprise.region = None
    assert filing_problems(application) == [
        "Fill in “tier” before submitting.",
        "Fill in “technology readiness level” before submitting.",
        "Fill in “key indicators” before submitting.",
        "Attach at least one document before submitting.",
        "Set your enterprise's county (district, county, county-level city or zone) in the "
        "enterprise profile before submitting, so that the right county can recommend it.",
    ]


def test_a_call_takes_filings_from_its_opening_day_to_its_closing_day():
    today = timezone.localdate()
    call = factories.CallFactory(title="首批次", opens_on=today, closes_on=today)
    assert call_closed_reason(call, today) is None
    assert call_closed_reason(call, today - timedelta(days=1)) == (
        f"The call “首批次” opens on {date_format(today)}; it cannot be submitted before."
    )
    assert call_closed_reason(call, today + timedelta(days=1)) == (
        f"The call “首批次” closed on {date_format(today)}; "
        "applications can no longer be submitted."
    )
    call.opens_on = call.closes_on = None
    assert call_closed_reason(call, today) == (
        "The call “首批次” has no application period; it takes no submissions."
    )
    # Opening today with no closing date is no period either, not "opens today".
    call.opens_on = today
    assert call_closed_reason(call, today) == (
        "The call “首批次” has no application period; it takes no submissions."
    )


def test_the_quota_refusal_names_the_places_used(quota_full, officer):
    with pytest.raises(MoveRefused) as refused:
        application_move(application=quota_full, actor=officer, move="recommend")
    assert refused.value.messages == [
        "The recommendation quota for this call is used up in this county: 1 of 1 recommended. "
        "Return or withdraw a recommendation first, or ask the bureau."
    ]


@pytest.fixture
def in_notice(enterprise):
    call = factories.CallFactory(public_notice_days=5)
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_PUBLIC_NOTICE, title="纳米涂层"
    )
    return application


def test_the_notice_runs_until_its_last_moment_and_grants_from_then(in_notice, staff):
    opened = factories.notice_opened(in_notice, days_ago=1).at
    ends = opened + timedelta(days=5)
    context = MoveContext(actor=staff, now=ends - timedelta(microseconds=1))
    assert notice_period_over(in_notice, context) == [
        "The public notice of “纳米涂层” runs until "
        f"{timezone.localtime(ends).strftime('%Y-%m-%d %H:%M')}; grant it after that."
    ]
    assert notice_period_over(in_notice, MoveContext(actor=staff, now=ends)) == []


def test_a_reopened_notice_counts_from_its_latest_opening(in_notice, staff):
    # The later opening is recorded first: the time decides, not the order of the rows.
    latest = factories.notice_opened(in_notice, days_ago=1).at
    factories.notice_opened(in_notice, days_ago=10)
    [reason] = notice_period_over(in_notice, MoveContext(actor=staff))
    assert timezone.localtime(latest + timedelta(days=5)).strftime("%Y-%m-%d %H:%M") in reason


def test_a_notice_never_opened_is_named(in_notice, staff):
    assert notice_period_over(in_notice, MoveContext(actor=staff)) == [
        "“纳米涂层” has no record of when its public notice opened."
    ]


def test_a_designation_granted_without_an_award_gets_its_levels_reward(enterprise, staff):
    application = factories.ready_to_file(
        factories.ApplicationFactory(
            enterprise=enterprise,
            call__programme__kind=Kind.DESIGNATION,
            call__public_notice_days=0,
            status=Status.IN_PUBLIC_NOTICE,
        )
    )
    factories.notice_opened(application, days_ago=1)
    RewardRule.objects.create(
        programme=application.call.programme,
        tier="provincial",
        label="省级",
        amount=Decimal("1000000"),
    )

    application_move(application=application, actor=staff, move="grant")

    assert application.awarded_amount == Decimal("1000000")


# --- The one service's words ------------------------------------------------------------------


def test_each_refusal_names_the_move_and_says_why(enterprise, applicant, officer):
    draft = factories.ApplicationFactory(enterprise=enterprise, title="纳米涂层")
    submitted = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)

    def refusal(**kwargs):
        with pytest.raises(MoveRefused) as refused:
            application_move(**kwargs)
        return refused.value.messages

    assert refusal(application=draft, actor=applicant, move="grant") == [
        "“Grant” is not possible while the application is “Draft”."
    ]
    assert refusal(application=submitted, actor=applicant, move="recommend") == [
        "You may not “Recommend” this application."
    ]
    assert refusal(application=submitted, actor=officer, move="return_for_revision") == [
        "“Return for revision” needs a comment that says why."
    ]
    assert refusal(application=draft, actor=applicant, move="publish") == [
        "“publish” is not a workflow action."
    ]
    assert refusal(
        application=draft, actor=applicant, move="withdraw", expected_status=Status.SUBMITTED
    ) == [
        "“纳米涂层” has changed since you opened it: it is now “Draft”. "
        "Nothing was done; look at it again before deciding."
    ]


def test_a_move_without_a_comment_records_none(enterprise, applicant):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    application_move(application=draft, actor=applicant, move="withdraw")
    assert draft.events.get().comment == ""


def test_a_timeline_entry_shows_its_moves_label(staff):
    assert move_label("open_public_notice") == "Open public notice"
    assert move_label("record_result") == "record_result"
    assert [str(move.label) for move in MOVES.values()][:2] == ["Submit", "Resubmit"]


def test_no_token_is_issued_by_or_to_an_inactive_account():
    from core.roles import SERVICE_ACCOUNTS

    administrator = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    service = factories.UserFactory(username="platform")
    service.set_unusable_password()
    service.save()
    service.groups.add(Group.objects.get(name=SERVICE_ACCOUNTS))
    assert enterprise_access.may_issue_token(administrator, service)
    assert enterprise_access.may_issue_token(service, service)

    service.is_active = False
    assert not enterprise_access.may_issue_token(administrator, service)
    assert not enterprise_access.may_issue_token(service, service)
    service.is_active = True
    administrator.is_active = False
    assert not enterprise_access.may_issue_token(administrator, service)
    assert not enterprise_access.may_issue_token(administrator, administrator)
