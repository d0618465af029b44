"""The money after the decision starts at the grant's award: on the bureau desk's page, as
in admin, staff grant the reward rule's amount, or another one only with its reason,
through the one workflow service."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from programmes.models import RewardRule
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed():
    """A provincial first-batch product whose public notice is over; the programme's
    reward rule for that tier is 500,000 yuan."""
    application = factories.ApplicationFactory(
        call__public_notice_days=0, status=Status.IN_PUBLIC_NOTICE, title="高性能碳纤维"
    )
    application.product_detail.tier = "provincial_first"
    application.product_detail.save()
    RewardRule.objects.create(
        programme=application.call.programme,
        tier="provincial_first",
        label="省首批次",
        amount=Decimal("500000"),
    )
    factories.notice_opened(application, days_ago=1)
    return application


def post_grant(client, application, **fields):
    return client.post(
        reverse("review:desk-move", args=[application.pk]),
        {"move": "grant", "expected_status": application.status, **fields},
        follow=True,
    )


def test_the_desk_offers_the_award_with_the_rules_amount(client, staff, noticed):
    client.force_login(staff)

    page = client.get(reverse("review:desk-application", args=[noticed.pk])).content.decode()

    assert 'name="award"' in page and 'name="award_reason"' in page
    assert "500000" in page and "省首批次" in page


def test_the_award_fields_are_offered_only_with_a_grant(client, staff):
    accepted = factories.ApplicationFactory(status=Status.RECOMMENDED)
    client.force_login(staff)

    page = client.get(reverse("review:desk-application", args=[accepted.pk])).content.decode()

    assert 'name="award"' not in page


def test_granting_on_the_desk_awards_the_rules_amount(client, staff, noticed):
    client.force_login(staff)

    post_grant(client, noticed, confirmed="yes")

    noticed.refresh_from_db()
    assert (noticed.status, noticed.awarded_amount) == (Status.GRANTED, Decimal("500000"))


def test_another_award_without_its_reason_is_refused_and_nothing_changes(client, staff, noticed):
    client.force_login(staff)

    response = post_grant(client, noticed, award="420000", confirmed="yes")

    assert "needs a reason" in response.content.decode()
    noticed.refresh_from_db()
    assert (noticed.status, noticed.awarded_amount) == (Status.IN_PUBLIC_NOTICE, None)


def test_another_award_is_confirmed_then_granted_with_its_reason_recorded(client, staff, noticed):
    client.force_login(staff)

    asked = post_grant(client, noticed, award="420,000", award_reason="预算不足，按比例核减。")

    # First the confirmation, carrying the award and its reason; nothing is granted yet.
    page = asked.content.decode()
    assert "预算不足，按比例核减。" in page and "420000" in page
    assert 'name="award_reason"' in page
    noticed.refresh_from_db()
    assert noticed.status == Status.IN_PUBLIC_NOTICE

    post_grant(
        client, noticed, award="420,000", award_reason="预算不足，按比例核减。", confirmed="yes"
    )

    noticed.refresh_from_db()
    assert (noticed.status, noticed.awarded_amount) == (Status.GRANTED, Decimal("420000"))
    assert "预算不足，按比例核减。" in noticed.events.get(move="grant").comment
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DECISION, object_id=str(noticed.pk))
    assert "420000" in entry.detail and "预算不足" in entry.detail


def test_an_award_that_is_not_an_amount_is_refused_with_a_message(client, staff, noticed):
    client.force_login(staff)

    response = post_grant(client, noticed, award="四十万", award_reason="核减", confirmed="yes")

    assert response.status_code == 200
    assert noticed.__class__.objects.get(pk=noticed.pk).status == Status.IN_PUBLIC_NOTICE
    assert response.redirect_chain[-1][0].startswith(
        reverse("review:desk-application", args=[noticed.pk])
    )
    assert "“四十万” is not an amount of money" in response.content.decode()
