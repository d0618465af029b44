"""Amounts and dates sent to the API are read by the rules of ``core.values``, as the forms
and sheets read them, and refused with the same messages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import values

pytestmark = pytest.mark.django_db


def message(parse, value) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(value)
    return caught.value.messages[0]


def patch(client, application, body):
    return client.patch(f"/api/v1/applications/{application.pk}/", body, format="json")


@pytest.mark.parametrize("amount", ["abc", "-5", "12.345", "-------"])
def test_a_bad_amount_is_refused_with_the_money_rules_message(world, client_for, applicant, amount):
    response = patch(client_for(applicant), world.draft, {"requested_amount": amount})

    assert response.status_code == 400
    assert response.json()["fields"]["requested_amount"] == [message(values.parse_money, amount)]
    world.draft.refresh_from_db()
    assert world.draft.requested_amount is None


@pytest.mark.parametrize(
    ("amount", "yuan"),
    [("12.5万元", Decimal("125000.00")), ("125,000元", Decimal("125000.00")), (125000, 125000)],
)
def test_an_amount_in_yuan_or_wan_is_stored_in_yuan(world, client_for, applicant, amount, yuan):
    response = patch(client_for(applicant), world.draft, {"requested_amount": amount})

    assert response.status_code == 200, response.content
    world.draft.refresh_from_db()
    assert world.draft.requested_amount == yuan


def test_a_date_is_read_as_written_and_an_impossible_one_refused(world, client_for, applicant):
    client = client_for(applicant)

    accepted = patch(client, world.draft, {"product_detail": {"first_sold_on": "2025年5月20日"}})
    refused = patch(client, world.draft, {"product_detail": {"first_sold_on": "2025-02-30"}})
    serial = patch(client, world.draft, {"product_detail": {"first_sold_on": 45797}})

    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["product_detail"]["first_sold_on"] == "2025-05-20"
    assert refused.json()["fields"]["product_detail.first_sold_on"] == [
        message(values.parse_date, "2025-02-30")
    ]
    # Excel's serial numbers are read in sheets only.
    assert serial.json()["fields"]["product_detail.first_sold_on"] == [
        message(values.parse_date, 45797)
    ]
    world.draft.detail.refresh_from_db()
    assert world.draft.detail.first_sold_on == datetime.date(2025, 5, 20)
