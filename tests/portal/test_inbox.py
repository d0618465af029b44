"""The inbox: every role's first page after sign-in, listing exactly what waits for that
person, each entry leading to where the action is taken and the action leading back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import ReviewAssignment
from programmes.selectors.inbox import bureau_inbox, county_inbox
from programmes.services.workflow import application_move
from programmes.workflow import Status
from tests import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("programmes:inbox")
PASSWORD = "correct-horse-battery"


@pytest.fixture
def call():
    return factories.open_call(factories.CallFactory(title="First batch 2026"))


def moved(application, actor, *moves):
    for move in moves:
        application_move(application=application, actor=actor, move=move, comment="ok")
    application.refresh_from_db()
    return application


# --- Landing on the inbox ------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "officer", "expert", "applicant"])
def test_every_role_lands_on_its_inbox_after_the_portal_login(client, request, role):
    user = request.getfixturevalue(role)

    response = client.post(
        reverse("enterprises:login"), {"username": user.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == INBOX
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("role", ["staff", "officer", "expert"])
def test_desk_users_land_on_their_inbox_after_the_admin_login(client, request, role):
    user = request.getfixturevalue(role)
    form = client.get(reverse("admin:login"))
    assert f'name="next" value="{INBOX}"' in form.content.decode()

    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": PASSWORD, "next": INBOX},
    )

    assert response.status_code == 302
    assert response.url == INBOX


def test_the_admin_login_keeps_a_next_it_was_given(client, staff):
    admin_index = reverse("admin:index")
    form = client.get(reverse("admin:login"), {"next": admin_index})

    assert f'name="next" value="{admin_index}"' in form.content.decode()


def test_the_header_links_the_admin_for_whom_the_admin_lets_in(client, staff, officer, applicant):
    link = f'href="{reverse("admin:index")}"'
    shown = {}
    for name, user in (("staff", staff), ("officer", officer), ("applicant", applicant)):
        client.force_login(user)
        shown[name] = link in client.get(INBOX).content.decode()
        assert shown[name] == (client.get(reverse("admin:index")).status_code == 200)

    assert shown == {"staff": True, "officer": True, "applicant": False}


def test_the_inbox_asks_for_sign_in(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("enterprises:login"))


# --- Bureau staff -----------------------------------------------------------------------


def test_staff_see_each_kind_of_waiting_work_counted_by_call_oldest_first(
    client, staff, officer, enterprise, call
):
    recommended = [
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, status=Status.SUBMITTED, title=f"Rec {n}"
        )
        for n in range(3)
    ]
    for application in recommended:
        moved(application, officer, "recommend")
    reviewed = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.REVIEWED
    )
    factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.DRAFT)
    factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.GRANTED)
    other_call = factories.open_call(factories.CallFactory(title="Other call"))
    accepted = factories.ApplicationFactory(
        enterprise=enterprise, call=other_call, status=Status.ACCEPTED
    )
    client.force_login(staff)

    response = client.get(INBOX)

    inbox = response.context["bureau"]
    assert inbox.total == 5
    totals = {work.task.key: work.count for work in inbox.totals}
    assert totals["recommended"] == 3
    assert totals["reviewed"] == 1
    assert totals["accepted"] == 1
    calls = {work.call.pk: work for p in inbox.programmes for work in p.calls}
    tasks = {work.task.key: work for work in calls[call.pk].tasks}
    assert [e.application.pk for e in tasks["recommended"].entries] == [
        a.pk for a in recommended
    ]  # oldest first: recommended in this order
    assert [e.application for e in tasks["reviewed"].entries] == [reviewed]
    assert [e.application for e in calls[other_call.pk].tasks[0].entries] == [accepted]
    html = response.content.decode()
    desk_link = reverse("review:desk-application", args=[recommended[0].pk])
    assert f'href="{desk_link}?next=%2Finbox%2F"' in html
    assign_link = reverse("review:desk-call", args=[other_call.pk])
    assert f'href="{assign_link}?next=%2Finbox%2F#assign"' in html


def test_staff_see_ended_notices_to_grant_sheets_in_and_objections(
    client, staff, expert, enterprise, call
):
    call.public_notice_days = 5
    call.save()
    ended = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_PUBLIC_NOTICE
    )
    factories.notice_opened(ended, days_ago=6)
    running = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_PUBLIC_NOTICE
    )
    factories.notice_opened(running, days_ago=1)
    running.objections.create(name="Zhang", contact="13905730000", text="Not new.")
    in_review = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_REVIEW
    )
    now = timezone.now()
    ReviewAssignment.objects.create(
        application=in_review, expert=expert, no_conflict_declared_at=now, submitted_at=now
    )
    still_scoring = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_REVIEW
    )
    factories.assign(still_scoring, expert)
    objection = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.OBJECTION
    )
    client.force_login(staff)

    inbox = client.get(INBOX).context["bureau"]

    tasks = {work.task.key: work for work in inbox.programmes[0].calls[0].tasks}
    assert [e.application for e in tasks["notice_ended"].entries] == [ended]
    assert [e.application for e in tasks["sheets_in"].entries] == [in_review]
    assert [e.application for e in tasks["objections"].entries] == [running]
    assert [e.application for e in tasks["objection"].entries] == [objection]
    assert inbox.total == 4


def test_an_empty_bureau_inbox_says_so(client, staff):
    client.force_login(staff)

    response = client.get(INBOX)

    assert response.context["bureau"].total == 0
    assert "Nothing waits for the bureau." in response.content.decode()


def test_each_staff_entry_opens_the_page_where_the_action_is_taken(
    client, staff, officer, enterprise, call
):
    application = moved(
        factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.SUBMITTED),
        officer,
        "recommend",
    )
    client.force_login(staff)
    entry = bureau_inbox(user=staff).programmes[0].calls[0].tasks[0].entries[0]

    page = client.get(entry.url, {"next": INBOX})

    assert page.status_code == 200
    assert page.context["application"] == application
    assert 'name="next" value="/inbox/"' in page.content.decode()


def test_a_move_from_the_inbox_returns_to_the_inbox(client, staff, officer, enterprise, call):
    application = moved(
        factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.SUBMITTED),
        officer,
        "recommend",
    )
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-move", args=[application.pk]),
        {
            "move": "accept",
            "comment": "",
            "expected_status": "recommended",
            "next": INBOX,
            "confirmed": "yes",
        },
    )

    assert response.status_code == 302
    assert response.url == INBOX
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    inbox = client.get(INBOX).context["bureau"]
    assert {work.task.key: work.count for work in inbox.totals}["accepted"] == 1


@pytest.mark.parametrize("unsafe", ["https://evil.example.com/", "//evil.example.com/inbox/"])
def test_a_next_leading_off_the_site_is_ignored(client, staff, officer, enterprise, call, unsafe):
    application = moved(
        factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.SUBMITTED),
        officer,
        "recommend",
    )
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-move", args=[application.pk]),
        {
            "move": "accept",
            "comment": "",
            "expected_status": "recommended",
            "next": unsafe,
            "confirmed": "yes",
        },
    )

    assert response.url == reverse("review:desk-application", args=[application.pk])
    page = client.get(reverse("review:desk-application", args=[application.pk]), {"next": unsafe})
    html = page.content.decode()
    assert 'name="next" value="' not in html.split('id="workflow"', 1)[-1]
    assert 'href="https://evil' not in html
    assert 'href="//evil' not in html


# --- The desk's call page (README step 3) ------------------------------------------------


def test_the_call_page_lists_and_links_recommended_applications(
    client, staff, officer, enterprise, call
):
    application = moved(
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, status=Status.SUBMITTED, title="Carbon fibre"
        ),
        officer,
        "recommend",
    )
    client.force_login(staff)

    response = client.get(reverse("review:desk-call", args=[call.pk]))

    html = response.content.decode()
    waiting = {work.task.key: work for work in response.context["waiting"]}
    assert [e.application for e in waiting["recommended"].entries] == [application]
    link = reverse("review:desk-application", args=[application.pk])
    assert f'href="{link}?next=' in html
    assert "Carbon fibre" in html.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert client.get(link).status_code == 200


def test_the_call_page_lists_only_its_own_call(client, staff, officer, enterprise, call):
    other = factories.open_call(factories.CallFactory())
    moved(
        factories.ApplicationFactory(enterprise=enterprise, call=other, status=Status.SUBMITTED),
        officer,
        "recommend",
    )
    client.force_login(staff)

    response = client.get(reverse("review:desk-call", args=[call.pk]))

    assert response.context["waiting"] == []
    assert "No application of this call waits for the bureau." in response.content.decode()


# --- County officers --------------------------------------------------------------------


def test_an_officer_sees_only_the_county_queue_oldest_first(
    client, officer, enterprise, other_enterprise, call
):
    first = factories.ApplicationFactory(
        enterprise=enterprise,
        call=call,
        status=Status.SUBMITTED,
        region=enterprise.region,
        submitted_at=timezone.now() - timedelta(days=3),
    )
    second = factories.ApplicationFactory(
        enterprise=enterprise,
        call=call,
        status=Status.RESUBMITTED,
        region=enterprise.region,
        submitted_at=timezone.now() - timedelta(days=1),
    )
    factories.ApplicationFactory(
        enterprise=other_enterprise,
        call=call,
        status=Status.SUBMITTED,
        region=other_enterprise.region,
        title="Other county's",
    )
    factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.DRAFT, region=enterprise.region
    )
    client.force_login(officer)

    response = client.get(INBOX)

    county = response.context["county"]
    assert [entry.application for entry in county.queue] == [first, second]
    assert "Other county&#x27;s" not in response.content.decode()
    assert response.context["bureau"] is None
    for entry in county.queue:
        assert client.get(entry.url).status_code == 200


def test_a_decision_from_the_inbox_returns_to_it(client, officer, enterprise, call):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.SUBMITTED, region=enterprise.region
    )
    client.force_login(officer)

    response = client.post(
        reverse("review:county-decide", args=[application.pk]),
        {
            "action": "recommend",
            "comment": "",
            "expected_status": "submitted",
            "next": INBOX,
            "confirmed": "yes",
        },
    )

    assert response.url == INBOX
    county = client.get(INBOX).context["county"]
    assert county.queue == []
    assert [a.pk for a in county.recommended] == [application.pk]
    assert county.recommended[0].status == Status.RECOMMENDED


def test_the_quota_shows_with_an_empty_queue(client, officer, region, call):
    call.recommendation_quota = 2
    call.save()
    client.force_login(officer)

    response = client.get(INBOX)

    county = response.context["county"]
    assert county.queue == []
    [row] = county.quotas
    assert (row.call, row.region, row.used, row.quota, row.remaining) == (call, region, 0, 2, 2)
    assert "No application waits for your recommendation." in response.content.decode()


def test_quota_used_and_left_and_past_recommendations_with_outcomes(
    officer, staff, enterprise, region, call
):
    call.recommendation_quota = 3
    call.save()
    granted_later, returned_later, waiting = (
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, status=Status.SUBMITTED, region=region
        )
        for _ in range(3)
    )
    moved(granted_later, officer, "recommend")
    moved(granted_later, staff, "accept")
    moved(returned_later, officer, "recommend")
    moved(returned_later, staff, "return_for_revision")

    county = county_inbox(user=officer)

    [row] = county.quotas
    assert (row.used, row.remaining, row.waiting) == (1, 2, 1)
    assert {a.pk: a.status for a in county.recommended} == {
        granted_later.pk: Status.ACCEPTED,
        returned_later.pk: Status.RETURNED,
    }
    assert [entry.application for entry in county.queue] == [waiting]


def test_another_countys_recommendations_never_appear(
    officer, other_officer, other_enterprise, call
):
    elsewhere = factories.ApplicationFactory(
        enterprise=other_enterprise,
        call=call,
        status=Status.SUBMITTED,
        region=other_enterprise.region,
    )
    moved(elsewhere, other_officer, "recommend")

    county = county_inbox(user=officer)

    assert county.recommended == []
    assert all(row.region.pk != other_enterprise.region_id for row in county.quotas)
    assert [a.pk for a in county_inbox(user=other_officer).recommended] == [elsewhere.pk]


# --- Experts ------------------------------------------------------------------------------


def test_an_expert_sees_own_assignments_with_their_deadlines(client, expert, enterprise, call):
    today = timezone.localdate()
    later = factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.ACCEPTED)
    sooner = factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.IN_REVIEW)
    done = factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.IN_REVIEW)
    ReviewAssignment.objects.create(
        application=later, expert=expert, due_on=today + timedelta(days=10)
    )
    ReviewAssignment.objects.create(
        application=sooner,
        expert=expert,
        due_on=today - timedelta(days=1),
        no_conflict_declared_at=timezone.now(),
    )
    ReviewAssignment.objects.create(
        application=done,
        expert=expert,
        due_on=today,
        no_conflict_declared_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    someone_else = factories.expert_user(username="someone-else")
    factories.assign(
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, status=Status.ACCEPTED, title="Not mine"
        ),
        someone_else,
    )
    client.force_login(expert)

    response = client.get(INBOX)

    inbox = response.context["expert"]
    assert [(e.application, e.deadline, e.state) for e in inbox.to_do] == [
        (sooner, today - timedelta(days=1), "open"),
        (later, today + timedelta(days=10), "pending"),
    ]
    assert [e.application for e in inbox.done] == [done]
    html = response.content.decode()
    assert "Not mine" not in html
    assert "overdue" in html
    for entry in inbox.to_do:
        assert client.get(entry.url).status_code == 200


def test_a_score_sheet_submitted_from_the_inbox_returns_to_it(client, expert, enterprise, call):
    criterion = call.programme.criteria.create(name="Novelty", weight=100, position=1)
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_REVIEW
    )
    assignment = ReviewAssignment.objects.create(
        application=application, expert=expert, no_conflict_declared_at=timezone.now()
    )
    client.force_login(expert)
    page = reverse("review:expert-assignment", args=[assignment.pk])

    response = client.post(
        f"{page}?next=/inbox/",
        {f"criterion_{criterion.pk}": "80", "comment": "", "submit": "1", "confirmed": "yes"},
    )

    assert response.status_code == 302
    assert response.url == INBOX
    assert client.get(INBOX).context["expert"].to_do == []


# --- Applicants ---------------------------------------------------------------------------


def test_an_applicant_sees_the_next_step_of_each_own_application(
    client, applicant, enterprise, other_enterprise, call
):
    draft = factories.ApplicationFactory(enterprise=enterprise, call=call, title="My draft")
    returned = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.RETURNED
    )
    submitted = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.SUBMITTED
    )
    factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.GRANTED)
    factories.ApplicationFactory(enterprise=other_enterprise, call=call, title="Theirs")
    client.force_login(applicant)

    response = client.get(INBOX)

    inbox = response.context["applicant"]
    assert {e.application: e.deadline for e in inbox.to_do} == {
        draft: call.closes_on,
        returned: None,
    }
    assert [e.application for e in inbox.waiting] == [submitted]
    assert "Theirs" not in response.content.decode()
    assert response.context["county"] is None
    for entry in inbox.to_do:
        assert client.get(entry.url).status_code == 200


def test_a_user_without_an_enterprise_is_shown_the_way_to_link_one(client):
    user = UserFactory(username="newcomer")
    client.force_login(user)

    response = client.get(INBOX)

    assert reverse("enterprises:link") in response.content.decode()
