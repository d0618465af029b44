"""A decision taken on a page a colleague has since acted on is refused, not stacked.

Every page that moves an application sends back the status it showed; the service
compares it under the row lock (``application_move(expected_status=...)``).
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from programmes.exceptions import MoveRefused
from programmes.models import ApplicationEvent
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(enterprise):
    return factories.ApplicationFactory(enterprise=enterprise, status=Status.REVIEWED)


@pytest.fixture
def colleague():
    return factories.staff_user(username="colleague")


def approved_by(user, application):
    """The colleague approves first, from their own page."""
    application_move(application=application, actor=user, move="approve")


def test_the_service_refuses_a_move_based_on_an_old_status(reviewed, staff, colleague):
    approved_by(colleague, reviewed)

    with pytest.raises(MoveRefused) as refused:
        application_move(
            application=reviewed,
            actor=staff,
            move="reject",
            comment="材料不实",
            expected_status=Status.REVIEWED,
        )

    assert "has changed since you opened it" in refused.value.messages[0]
    assert "Approved" in refused.value.messages[0]
    reviewed.refresh_from_db()
    assert reviewed.status == Status.APPROVED
    assert ApplicationEvent.objects.filter(application=reviewed).count() == 1


def test_without_an_expected_status_the_move_is_judged_on_the_current_state(
    reviewed, staff, colleague
):
    approved_by(colleague, reviewed)

    application_move(application=reviewed, actor=staff, move="reject", comment="材料不实")

    reviewed.refresh_from_db()
    assert reviewed.status == Status.REJECTED


def test_the_desk_page_sends_the_status_it_showed_and_a_stale_decision_is_refused(
    client, reviewed, staff, colleague
):
    client.force_login(staff)
    page = client.get(reverse("review:desk-application", args=[reviewed.pk])).content.decode()
    assert 'name="expected_status" value="reviewed"' in page

    approved_by(colleague, reviewed)
    response = client.post(
        reverse("review:desk-move", args=[reviewed.pk]),
        {
            "move": "reject",
            "comment": "材料不实",
            "expected_status": "reviewed",
            "confirmed": "yes",
        },
        follow=True,
    )

    assert "has changed since you opened it" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Status.APPROVED


def test_the_admin_page_sends_the_status_it_showed_and_a_stale_decision_is_refused(
    client, reviewed, staff, colleague
):
    client.force_login(staff)
    change = reverse("admin:programmes_application_change", args=[reviewed.pk])
    assert 'name="expected_status" value="reviewed"' in client.get(change).content.decode()

    approved_by(colleague, reviewed)
    response = client.post(
        reverse("admin:programmes_application_move", args=[reviewed.pk]),
        {
            "move": "reject",
            "comment": "材料不实",
            "expected_status": "reviewed",
            "confirmed": "yes",
        },
        follow=True,
    )

    assert "has changed since you opened it" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Status.APPROVED


def test_two_county_officers_cannot_recommend_and_return_the_same_application(
    client, enterprise, officer, region
):
    application = factories.ApplicationFactory(
        enterprise=enterprise, status=Status.SUBMITTED, region=region
    )
    other = factories.county_officer(region, username="officer-2")
    client.force_login(officer)
    queue = client.get(reverse("review:county-queue")).content.decode()
    assert 'name="expected_status" value="submitted"' in queue

    application_move(application=application, actor=other, move="recommend", comment="同意推荐")
    response = client.post(
        reverse("review:county-decide", args=[application.pk]),
        {
            "action": "return_for_revision",
            "comment": "请补充",
            "expected_status": "submitted",
            "confirmed": "yes",
        },
        follow=True,
    )

    assert "has changed since you opened it" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED


def test_the_api_answers_409_to_a_move_based_on_an_old_status(reviewed, staff, colleague):
    approved_by(colleague, reviewed)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(staff)}")

    response = api.post(
        f"/api/v1/applications/{reviewed.pk}/transitions/",
        {"transition": "reject", "comment": "材料不实", "expected_status": "reviewed"},
        format="json",
    )

    assert response.status_code == 409, response.content
    assert "has changed since you opened it" in response.json()["message"]
    reviewed.refresh_from_db()
    assert reviewed.status == Status.APPROVED
