"""Bureau staff's call desk: bulk expert assignment, the ranking, workflow moves."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import roles
from enterprises.models import Membership
from programmes.models import ReviewAssignment
from programmes.selectors.reviews import call_ranking
from programmes.services.reviews import expert_assign
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return factories.CallFactory(title="First batch 2026")


def scored(application, expert, score):
    now = timezone.now()
    return ReviewAssignment.objects.create(
        application=application,
        expert=expert,
        no_conflict_declared_at=now,
        submitted_at=now,
        total_score=Decimal(score),
    )


def test_staff_assign_experts_in_bulk_and_see_a_result_per_pair(client, staff, enterprise, call):
    first = factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.ACCEPTED)
    second = factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.IN_REVIEW)
    experts = [factories.expert_user(username=f"expert-{n}") for n in range(2)]
    factories.assign(second, experts[0])
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-assign", args=[call.pk]),
        {
            "applications": [first.pk, second.pk],
            "experts": [expert.pk for expert in experts],
            "start_review": "on",
            "due_on": timezone.localdate().isoformat(),
            "confirmed": "yes",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("review:desk-call", args=[call.pk]), 302)]
    assert "4 pairs: 3 newly assigned, 0 refused." in response.content.decode()
    assert ReviewAssignment.objects.filter(application__call=call).count() == 4
    first.refresh_from_db()
    assert first.status == Status.IN_REVIEW


def test_bulk_assignment_reports_a_refused_pair_and_assigns_the_rest(
    client, staff, enterprise, call
):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_REVIEW
    )
    # An expert who also acts for the applicant enterprise.
    insider = factories.applicant_for(enterprise, username="insider")
    insider.groups.add(Group.objects.get(name=roles.EXPERTS))
    outsider = factories.expert_user(username="outsider")
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-assign", args=[call.pk]),
        {
            "applications": [application.pk],
            "experts": [insider.pk, outsider.pk],
            "due_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert errors == [
        f"insider — {application.title}: "
        "An expert cannot review their own enterprise's application."
    ]
    assert list(application.assignments.values_list("expert__username", flat=True)) == ["outsider"]


def test_experts_are_assigned_only_to_accepted_or_in_review_applications(
    client, staff, enterprise, call, expert
):
    submitted = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.SUBMITTED
    )
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-assign", args=[call.pk]),
        {
            "applications": [submitted.pk],
            "experts": [expert.pk],
            "due_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 400
    assert not ReviewAssignment.objects.exists()


def test_ranking_averages_submitted_sheets_with_spread_and_sorts_best_first(
    staff, enterprise, call
):
    experts = [factories.expert_user(username=f"e{n}") for n in range(4)]
    low = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.REVIEWED, title="Low"
    )
    high = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.REVIEWED, title="High"
    )
    unscored = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_REVIEW, title="Unscored"
    )
    factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.SUBMITTED, title="Not accepted"
    )
    scored(low, experts[0], "60")
    scored(low, experts[1], "70")
    scored(high, experts[0], "80")
    scored(high, experts[1], "90")
    scored(high, experts[2], "85")
    # A draft (not submitted) and a declared conflict do not count.
    ReviewAssignment.objects.create(
        application=high,
        expert=experts[3],
        no_conflict_declared_at=timezone.now(),
        total_score=Decimal("10"),
    )
    ReviewAssignment.objects.create(
        application=low, expert=experts[2], submitted_at=timezone.now(), comment="conflict"
    )
    factories.assign(unscored, experts[0])

    rows = call_ranking(user=staff, call=call)

    assert [row.application.title for row in rows] == ["High", "Low", "Unscored"]
    high_row, low_row, unscored_row = rows
    assert high_row.average == Decimal("85.00")
    assert high_row.spread == Decimal("10")
    assert high_row.std_dev == Decimal("4.08")
    assert (high_row.sheets, high_row.assigned, high_row.conflicts) == (3, 4, 0)
    assert low_row.average == Decimal("65.00")
    assert low_row.spread == Decimal("10")
    assert low_row.std_dev == Decimal("5.00")
    assert (low_row.sheets, low_row.assigned, low_row.conflicts) == (2, 2, 1)
    assert unscored_row.average is None
    assert unscored_row.sheets == 0


def test_ranking_page_shows_average_spread_and_sheets(client, staff, enterprise, call):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.REVIEWED, title="Ranked"
    )
    scored(application, factories.expert_user(username="a"), "72.5")
    scored(application, factories.expert_user(username="b"), "77.5")
    client.force_login(staff)

    response = client.get(reverse("review:desk-call", args=[call.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "75.00" in content
    assert "2 of 2" in content


def test_ranking_takes_few_queries(staff, enterprise, call, django_assert_max_num_queries):
    for n in range(5):
        application = factories.ApplicationFactory(
            enterprise=enterprise, call=call, status=Status.REVIEWED
        )
        scored(application, factories.expert_user(username=f"q{n}"), "70")
    staff_user = type(staff).objects.get(pk=staff.pk)
    with django_assert_max_num_queries(5):
        rows = call_ranking(user=staff_user, call=call)
        [row.average for row in rows]


def test_staff_move_an_application_through_the_desk_form(client, staff, enterprise, call):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.RECOMMENDED
    )
    client.force_login(staff)
    page = reverse("review:desk-application", args=[application.pk])

    assert "Accept (formal check passed)" in client.get(page).content.decode()
    client.post(
        reverse("review:desk-move", args=[application.pk]), {"move": "accept", "confirmed": "yes"}
    )

    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert application.events.get().actor == staff


def test_a_move_not_open_to_staff_is_rejected_by_the_form(client, staff, enterprise, call):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.SUBMITTED
    )
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-move", args=[application.pk]), {"move": "recommend"}
    )

    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_no_move_is_preselected(client, staff, enterprise, call):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_PUBLIC_NOTICE
    )
    client.force_login(staff)

    response = client.post(reverse("review:desk-move", args=[application.pk]), {"move": ""})

    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.IN_PUBLIC_NOTICE


def test_a_move_needing_a_comment_is_refused_with_a_message(client, staff, enterprise, call):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.ACCEPTED
    )
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-move", args=[application.pk]),
        {"move": "reject", "confirmed": "yes"},
        follow=True,
    )

    assert "needs a comment" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


def test_desk_index_lists_calls_with_applications(client, staff, enterprise, call):
    factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.IN_REVIEW)
    factories.CallFactory(title="Empty call")
    client.force_login(staff)

    response = client.get(reverse("review:desk"))

    assert list(response.context["calls"]) == [call]
    assert response.context["calls"][0].in_review_count == 1


@pytest.mark.parametrize("status", ["approved", "pending"])
def test_an_expert_with_any_membership_of_the_enterprise_is_not_assigned(
    staff, enterprise, call, status
):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.ACCEPTED
    )
    insider = factories.expert_user(username="insider-expert")  # not in the Applicants group
    Membership.objects.create(user=insider, enterprise=enterprise, status=status)

    with pytest.raises(ValidationError, match="own enterprise"):
        expert_assign(application=application, expert=insider, actor=staff)
    assert not ReviewAssignment.objects.exists()
