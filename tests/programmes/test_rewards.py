"""Rewards that follow their rules: granting awards the reward rule's amount for the
tier or level sought, and another amount only with a recorded reason.

Every reward rule of ``fixtures/04_programmes.json`` is reached by a granted
application here: a rule keyed by a tier no application can seek fails.
"""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import serializers
from django.urls import reverse

from core.models import AuditEntry
from programmes.exceptions import MoveRefused
from programmes.models import Kind, LevelSought, Programme, RewardRule
from programmes.services.workflow import application_move
from programmes.workflow import TIER_FIELDS, Status
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "04_programmes.json"


def fixture_rows():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def fixture_rules():
    return [
        (row["fields"]["programme"][0], row["fields"]["tier"], Decimal(row["fields"]["amount"]))
        for row in fixture_rows()
        if row["model"] == "programmes.rewardrule"
    ]


@pytest.fixture
def documented_rewards():
    """The programmes with reward rules, and their rules as the fixture has them."""
    rows = fixture_rows()
    with_rules = {row["fields"]["programme"][0] for row in rows if "tier" in row["fields"]}
    for row in rows:
        if row["model"] == "programmes.programme" and row["fields"]["code"] in with_rules:
            factories.ProgrammeFactory(code=row["fields"]["code"], kind=row["fields"]["kind"])
    rules = [row for row in rows if row["model"] == "programmes.rewardrule"]
    for record in serializers.deserialize("json", json.dumps(rules)):
        record.save()


def in_public_notice(programme, tier, **kwargs):
    """An application of ``programme`` seeking ``tier``, in a public notice that is over."""
    application = factories.ApplicationFactory(
        call__programme=programme,
        call__public_notice_days=0,
        status=Status.IN_PUBLIC_NOTICE,
        **kwargs,
    )
    factories.ready_to_file(application)
    detail = application.detail
    setattr(detail, TIER_FIELDS[application.kind], tier)
    # The tier must be one an application can seek: one of the field's choices.
    detail.full_clean()
    detail.save()
    factories.notice_opened(application, days_ago=1)
    return application


def grant(application, actor, **kwargs):
    return application_move(application=application, actor=actor, move="grant", **kwargs)


@pytest.mark.usefixtures("documented_rewards")
@pytest.mark.parametrize(("programme", "tier", "amount"), fixture_rules())
def test_granting_awards_each_documented_reward(staff, programme, tier, amount):
    application = in_public_notice(Programme.objects.get(code=programme), tier)

    grant(application, staff)

    assert application.status == Status.GRANTED
    assert application.awarded_amount == amount


def test_the_key_institute_and_new_quality_amounts_are_the_documented_ones(documented_rewards):
    """DOMAIN.md: a provincial key institute 3,000,000 yuan; new, quality and highly
    valuable products 100,000, 300,000 and 500,000 yuan."""
    amounts = dict(
        RewardRule.objects.values_list("tier", "amount").filter(
            programme__code__in=[
                "zj-enterprise-research-institutes",
                "zj-new-quality-valuable-products",
            ]
        )
    )
    assert amounts == {
        LevelSought.PROVINCIAL_KEY: Decimal("3000000"),
        "provincial": Decimal("1000000"),
        "new": Decimal("100000"),
        "quality": Decimal("300000"),
        "high_value": Decimal("500000"),
    }


def test_a_key_institutes_designation_is_provincial():
    assert LevelSought.designation_level(LevelSought.PROVINCIAL_KEY) == "provincial"
    assert LevelSought.designation_level(LevelSought.MUNICIPAL) == "municipal"


@pytest.fixture
def institute(documented_rewards):
    return in_public_notice(
        Programme.objects.get(code="zj-enterprise-research-institutes"), LevelSought.PROVINCIAL_KEY
    )


def test_an_amount_entered_before_the_grant_gives_way_to_the_rule(staff, institute):
    institute.awarded_amount = Decimal("120000")
    institute.save()

    grant(institute, staff)

    assert institute.awarded_amount == Decimal("3000000")


def test_without_a_rule_the_amount_entered_stands(staff):
    application = factories.ApplicationFactory(
        call__programme__kind=Kind.PROJECT,
        call__public_notice_days=0,
        status=Status.IN_PUBLIC_NOTICE,
        awarded_amount=Decimal("935000"),
    )
    factories.notice_opened(application, days_ago=1)

    grant(application, staff)

    assert application.awarded_amount == Decimal("935000")


def test_another_award_without_a_reason_is_refused_and_nothing_changes(staff, institute):
    with pytest.raises(MoveRefused) as refusal:
        grant(institute, staff, award=Decimal("2500000"))

    assert "needs a reason" in refusal.value.messages[0]
    assert "3000000" in refusal.value.messages[0]
    institute.refresh_from_db()
    assert (institute.status, institute.awarded_amount) == (Status.IN_PUBLIC_NOTICE, None)


def test_another_award_is_granted_with_its_reason_on_the_timeline_and_in_the_audit(
    staff, institute
):
    grant(institute, staff, award=Decimal("2500000"), award_reason="  预算不足，按比例核减。 ")

    assert institute.awarded_amount == Decimal("2500000")
    event = institute.events.get(move="grant")
    assert "预算不足，按比例核减。" in event.comment
    assert "3000000" in event.comment
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DECISION, object_id=str(institute.pk))
    assert "2500000" in entry.detail and "预算不足" in entry.detail


def test_a_negative_award_is_refused(staff, institute):
    with pytest.raises(MoveRefused, match="cannot be negative"):
        grant(institute, staff, award=Decimal("-1"), award_reason="typo")


def test_an_award_belongs_to_the_grant_only(staff, institute):
    with pytest.raises(MoveRefused, match="only when granting"):
        application_move(
            application=institute,
            actor=staff,
            move="register_objection",
            comment="异议",
            award=Decimal("1"),
        )


def test_the_admin_grant_form_offers_the_rule_and_takes_another_award_with_a_reason(
    client, staff, institute
):
    client.force_login(staff)
    page = client.get(reverse("admin:programmes_application_change", args=[institute.pk]))
    assert 'name="award"' in page.text
    assert "3000000" in page.text.replace(",", "").replace(".00", "")

    url = reverse("admin:programmes_application_move", args=[institute.pk])
    client.post(
        url,
        {
            "move": "grant",
            "award": "250万元",
            "expected_status": "in_public_notice",
            "confirmed": "yes",
        },
    )
    institute.refresh_from_db()
    assert institute.status == Status.IN_PUBLIC_NOTICE

    client.post(
        url,
        {
            "move": "grant",
            "award": "250万元",
            "award_reason": "按比例核减",
            "expected_status": "in_public_notice",
            "confirmed": "yes",
        },
    )
    institute.refresh_from_db()
    assert (institute.status, institute.awarded_amount) == (Status.GRANTED, Decimal("2500000"))


def test_the_api_grants_another_award_only_with_a_reason(api_client_for, staff, institute):
    client = api_client_for(staff)
    url = f"/api/v1/applications/{institute.pk}/transitions/"
    body = {"transition": "grant", "expected_status": "in_public_notice", "award": "2500000"}

    refused = client.post(url, body, format="json")
    assert refused.status_code == 409
    assert "needs a reason" in json.dumps(refused.json(), ensure_ascii=False)

    granted = client.post(url, {**body, "award_reason": "按比例核减"}, format="json")
    assert granted.status_code == 200, granted.json()
    assert granted.json()["awarded_amount"] == "2500000.00"
