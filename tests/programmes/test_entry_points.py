"""Every way in to a move reaches the one service, and meets the same guard with the same words.

The county quota and the notice period are tried through the county desk, the bureau
desk, the admin's button and bulk action, and the API; each refuses with the text the
guard gives, and nothing changes.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from programmes.workflow import MoveContext, Status, county_quota, notice_period_over
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def through_the_api(user, application, move, comment=""):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(user)}")
    response = client.post(
        f"/api/v1/applications/{application.pk}/transitions/",
        {"transition": move, "comment": comment},
        format="json",
        HTTP_IF_MATCH=client.get(f"/api/v1/applications/{application.pk}/")["ETag"],
    )
    assert response.status_code == 409, response.content
    return response.json()["message"]


def through_the_admin_button(user, application, move, comment=""):
    response = signed_in(user).post(
        reverse("admin:programmes_application_move", args=[application.pk]),
        {"move": move, "comment": comment, "confirmed": "yes"},
    )
    return messages_of(response)


def through_the_admin_bulk_action(user, application, move, comment=""):
    response = signed_in(user).post(
        reverse("admin:programmes_application_changelist"),
        {
            "action": f"workflow_{move}",
            ACTION_CHECKBOX_NAME: [application.pk],
            "index": 0,
            "post": "yes",
            "comment": comment,
        },
    )
    return messages_of(response)


def through_the_county_desk(user, application, move, comment=""):
    response = signed_in(user).post(
        reverse("review:county-decide", args=[application.pk]),
        {"action": move, "comment": comment, "confirmed": "yes"},
    )
    return messages_of(response)


def through_the_bureau_desk(user, application, move, comment=""):
    # The desk offers only the moves that would succeed; one held back by a guard is
    # named on the page with the guard's reasons.
    response = signed_in(user).post(
        reverse("review:desk-move", args=[application.pk]), {"move": move, "comment": comment}
    )
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize(
    "way",
    [
        through_the_county_desk,
        through_the_admin_button,
        through_the_admin_bulk_action,
        through_the_api,
    ],
)
def test_the_county_quota_refuses_the_same_way_everywhere(way, quota_full, officer):
    [expected] = county_quota(quota_full, MoveContext(actor=officer))

    said = way(officer, quota_full, "recommend")

    assert expected in said
    quota_full.refresh_from_db()
    assert quota_full.status == Status.SUBMITTED
    assert not quota_full.events.exists()


@pytest.fixture
def notice_running(enterprise):
    call = factories.CallFactory(public_notice_days=5)
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_PUBLIC_NOTICE
    )
    factories.notice_opened(application, days_ago=1)
    return application


@pytest.mark.parametrize(
    "way",
    [
        through_the_bureau_desk,
        through_the_admin_button,
        through_the_admin_bulk_action,
        through_the_api,
    ],
)
def test_the_notice_period_refuses_the_same_way_everywhere(way, notice_running, staff):
    [expected] = notice_period_over(notice_running, MoveContext(actor=staff))

    said = way(staff, notice_running, "grant")

    assert expected in said
    notice_running.refresh_from_db()
    assert notice_running.status == Status.IN_PUBLIC_NOTICE
    assert notice_running.events.count() == 1


def test_confirming_a_call_s_notices_grants_only_those_whose_notice_is_over(
    enterprise, staff, notice_running
):
    over = factories.ApplicationFactory(
        enterprise=enterprise, call=notice_running.call, status=Status.IN_PUBLIC_NOTICE
    )
    factories.notice_opened(over, days_ago=6)

    response = signed_in(staff).post(
        reverse("review:desk-confirm-notice", args=[notice_running.call.pk]),
        {"confirmed": "yes"},
    )

    over.refresh_from_db()
    notice_running.refresh_from_db()
    assert (over.status, notice_running.status) == (Status.GRANTED, Status.IN_PUBLIC_NOTICE)
    end = timezone.localtime(notice_running.events.get().at + timedelta(days=5))
    end = end.strftime("%Y-%m-%d %H:%M")
    assert end in messages_of(response)


def test_the_pages_name_what_holds_a_move_back(notice_running, staff):
    [reason] = notice_period_over(notice_running, MoveContext(actor=staff))
    desk = signed_in(staff).get(reverse("review:desk-application", args=[notice_running.pk]))
    admin = signed_in(staff).get(
        reverse("admin:programmes_application_change", args=[notice_running.pk])
    )

    for page in (desk, admin):
        assert page.status_code == 200
        html = page.content.decode()
        assert "Not possible yet:" in html
        assert reason in html
        assert 'value="grant"' not in html
