"""Linking an account to an enterprise: registering a new one, or joining one with approval."""

import pytest
from django.core import mail
from django.urls import reverse

from core import roles
from enterprises.models import Enterprise, Membership, Region
from tests import factories

pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"
BAD_CHECKSUM = "91350100M000100Y4Z"


@pytest.fixture
def newcomer():
    return factories.UserFactory(username="newcomer@example.com", email="newcomer@example.com")


@pytest.fixture
def industry():
    return factories.IndustryFactory()


CONFIRMED = {"confirmed": "yes"}


def registration_data(region, industry, **overrides):
    return {
        "name": "嘉兴新材料科技有限公司",
        "name_en": "Jiaxing New Materials Technology Co., Ltd.",
        "unified_social_credit_code": VALID_CODE,
        "region": region.code,
        "industry": industry.code,
        "address": "嘉兴市南湖区由拳路1号",
        "legal_representative": "张三",
        "contact_name": "李四",
        "contact_phone": "0573-82345678",
        "contact_email": "contact@example.com",
        **overrides,
    }


def test_unknown_credit_code_leads_to_registration(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("enterprises:link"), {"credit_code": VALID_CODE.lower()})

    assert response.status_code == 302
    assert response.url == f"{reverse('enterprises:register')}?code={VALID_CODE}"
    page = client.get(response.url).content.decode()
    assert f'value="{VALID_CODE}"' in page


def test_registering_an_enterprise_makes_the_user_its_approved_owner(
    client, newcomer, region, industry
):
    client.force_login(newcomer)

    response = client.post(reverse("enterprises:register"), registration_data(region, industry))

    enterprise = Enterprise.objects.get(unified_social_credit_code=VALID_CODE)
    assert response.status_code == 302
    assert response.url == reverse("enterprises:profile", args=[enterprise.pk])
    membership = Membership.objects.get(user=newcomer, enterprise=enterprise)
    assert membership.role == Membership.Role.OWNER
    assert membership.status == Membership.Status.APPROVED
    assert roles.is_applicant(newcomer)
    assert enterprise.region == region


def test_bad_checksum_shows_the_error_inline_and_creates_nothing(
    client, newcomer, region, industry
):
    client.force_login(newcomer)

    response = client.post(
        reverse("enterprises:register"),
        registration_data(region, industry, unified_social_credit_code=BAD_CHECKSUM),
    )

    assert response.status_code == 200
    assert "fails the GB 32100-2015 checksum" in response.content.decode()
    assert "the last character should be 3" in response.content.decode()
    assert not Enterprise.objects.exists()
    assert not Membership.objects.exists()


def test_bad_checksum_is_refused_on_the_link_page_too(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("enterprises:link"), {"credit_code": BAD_CHECKSUM})

    assert response.status_code == 200
    assert "fails the GB 32100-2015 checksum" in response.content.decode()


def test_region_choice_offers_county_level_units_only(client, newcomer, region):
    city = factories.RegionFactory(code="330400", name="嘉兴市", level=Region.Level.CITY)
    region.parent = city
    region.save()
    client.force_login(newcomer)

    response = client.get(reverse("enterprises:register"))

    page = response.content.decode()
    # Suggested as they are accepted: with the city, and the code beside.
    assert '<option value="嘉兴市南湖区">330402</option>' in page
    assert '<option value="嘉兴市">' not in page
    city_post = client.post(
        reverse("enterprises:register"),
        registration_data(city, factories.IndustryFactory()),
    )
    assert "“330400” is a city or the province" in city_post.content.decode()
    assert not Enterprise.objects.exists()


def test_second_member_waits_for_approval_then_acts_for_the_enterprise(
    client, enterprise, applicant, newcomer, django_capture_on_commit_callbacks
):
    client.force_login(newcomer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        with_request = client.post(
            reverse("enterprises:link"), {"credit_code": enterprise.unified_social_credit_code}
        )

    assert with_request.status_code == 302
    membership = Membership.objects.get(user=newcomer, enterprise=enterprise)
    assert membership.status == Membership.Status.PENDING
    assert [message.to for message in mail.outbox] == [[applicant.email]]
    # Pending: the profile is not theirs to see yet.
    assert client.get(reverse("enterprises:profile", args=[enterprise.pk])).status_code == 404

    client.force_login(applicant)
    profile = client.get(reverse("enterprises:profile", args=[enterprise.pk]))
    assert "newcomer@example.com" in profile.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approve = client.post(
            reverse("enterprises:membership-approve", args=[membership.pk]), CONFIRMED
        )

    assert approve.status_code == 302
    assert mail.outbox[-1].to == ["newcomer@example.com"]
    assert "approved" in mail.outbox[-1].body
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    client.force_login(newcomer)
    assert client.get(reverse("enterprises:profile", args=[enterprise.pk])).status_code == 200


def test_staff_may_approve_a_membership(client, enterprise, newcomer, staff):
    membership = Membership.objects.create(user=newcomer, enterprise=enterprise)
    client.force_login(staff)

    client.post(reverse("enterprises:membership-approve", args=[membership.pk]), CONFIRMED)

    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED


def test_approving_and_declining_name_the_consequence_first_and_change_nothing(
    client, enterprise, applicant, newcomer
):
    membership = Membership.objects.create(user=newcomer, enterprise=enterprise)
    client.force_login(applicant)

    approve = client.post(reverse("enterprises:membership-approve", args=[membership.pk]))
    decline = client.post(reverse("enterprises:membership-decline", args=[membership.pk]))

    assert "may then see and file every application" in approve.content.decode()
    assert "they would have to ask again" in decline.content.decode()
    for page in (approve, decline):
        assert 'name="confirmed" value="yes"' in page.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


def test_declining_removes_the_request(client, enterprise, applicant, newcomer):
    membership = Membership.objects.create(user=newcomer, enterprise=enterprise)
    client.force_login(applicant)

    client.post(reverse("enterprises:membership-decline", args=[membership.pk]), CONFIRMED)

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_members_of_another_enterprise_cannot_approve(
    client, enterprise, other_applicant, newcomer
):
    membership = Membership.objects.create(user=newcomer, enterprise=enterprise)
    client.force_login(other_applicant)

    response = client.post(
        reverse("enterprises:membership-approve", args=[membership.pk]), CONFIRMED
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


def test_a_pending_member_cannot_approve_themselves(client, enterprise, newcomer):
    membership = Membership.objects.create(user=newcomer, enterprise=enterprise)
    client.force_login(newcomer)

    response = client.post(
        reverse("enterprises:membership-approve", args=[membership.pk]), CONFIRMED
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


def test_approved_member_edits_the_profile_but_not_the_credit_code(
    client, enterprise, applicant, region
):
    client.force_login(applicant)
    industry = factories.IndustryFactory()
    code = enterprise.unified_social_credit_code

    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        {
            "region": region.code,
            "industry": industry.code,
            "address": "新地址 8 号",
            "legal_representative": "王五",
            "contact_name": "赵六",
            "contact_phone": "13905730000",
            "unified_social_credit_code": VALID_CODE,
            "above_designated_size": "on",
        },
    )

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.address == "新地址 8 号"
    assert enterprise.above_designated_size is True
    assert enterprise.unified_social_credit_code == code


def test_another_enterprise_profile_is_not_found(client, enterprise, other_applicant):
    client.force_login(other_applicant)

    assert client.get(reverse("enterprises:profile", args=[enterprise.pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[enterprise.pk])).status_code == 404
