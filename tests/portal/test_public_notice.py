"""Public notice (no sign-in): end dates, objections, confirmation, and the published results."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programmes.exceptions import MoveRefused
from programmes.models import (
    ApplicationEvent,
    Kind,
    Objection,
    ProductDetail,
    ProductTier,
    RewardRule,
)
from programmes.services.public import (
    objection_lodge,
    public_notice_confirm,
)
from programmes.services.workflow import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

NOTICES = reverse("review:notices")
RESULTS = reverse("review:results")


@pytest.fixture
def call():
    return factories.CallFactory(title="First batch of new materials 2026", public_notice_days=5)


def in_notice(enterprise, call, *, opened_days_ago: float, **kwargs):
    """An application whose public notice opened ``opened_days_ago`` days ago."""
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_PUBLIC_NOTICE, **kwargs
    )
    ApplicationEvent.objects.create(
        application=application,
        at=timezone.now() - timedelta(days=opened_days_ago),
        move="open_public_notice",
        from_status=Status.APPROVED,
        to_status=Status.IN_PUBLIC_NOTICE,
    )
    return application


def test_notice_page_lists_applications_in_notice_with_end_date(client, enterprise, call):
    application = in_notice(enterprise, call, opened_days_ago=1, title="In notice")
    factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.APPROVED)
    opened = application.events.get().at

    response = client.get(NOTICES)

    assert response.status_code == 200
    [group] = response.context["groups"]
    assert group.call == call
    [entry] = group.entries
    assert entry.application == application
    assert entry.ends_at == opened + timedelta(days=5)
    assert entry.running
    expected = timezone.localtime(opened + timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    assert expected in response.content.decode()
    assert "纳米涂层材料" in response.content.decode()


def test_the_latest_opening_counts_after_a_reopened_notice(enterprise, call):
    application = in_notice(enterprise, call, opened_days_ago=20)
    ApplicationEvent.objects.create(
        application=application,
        at=timezone.now() - timedelta(days=1),
        move="open_public_notice",
        from_status=Status.APPROVED,
        to_status=Status.IN_PUBLIC_NOTICE,
    )
    with pytest.raises(MoveRefused, match="runs until"):
        application_move(application=application, actor=factories.staff_user(), move="grant")


def test_anyone_lodges_an_objection_and_nothing_else_changes(client, enterprise, call):
    application = in_notice(enterprise, call, opened_days_ago=1)
    events_before = application.events.count()
    url = reverse("review:notice-objection", args=[application.pk])

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "张三", "contact": "13800000000", "text": "The sales contract is not genuine."},
    )

    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.application, objection.name, objection.contact) == (
        application,
        "张三",
        "13800000000",
    )
    application.refresh_from_db()
    assert application.status == Status.IN_PUBLIC_NOTICE
    assert application.events.count() == events_before
    assert objection.handled_at is None


def test_objection_form_needs_every_field_and_csrf(enterprise, call):
    from django.test import Client

    application = in_notice(enterprise, call, opened_days_ago=1)
    url = reverse("review:notice-objection", args=[application.pk])
    strict = Client(enforce_csrf_checks=True)

    without_token = strict.post(url, {"name": "a", "contact": "b", "text": "c"})
    empty = Client().post(url, {"name": "", "contact": "", "text": ""})

    assert without_token.status_code == 403
    assert empty.status_code == 400
    assert not Objection.objects.exists()


def test_no_objection_to_an_application_not_in_notice_or_after_the_notice(client, enterprise, call):
    approved = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.APPROVED
    )
    ended = in_notice(enterprise, call, opened_days_ago=6)

    assert client.get(reverse("review:notice-objection", args=[approved.pk])).status_code == 404
    with pytest.raises(ValidationError, match="ended"):
        objection_lodge(application=ended, name="a", contact="b", text="c")
    assert not Objection.objects.exists()


def test_staff_see_objections_on_the_application(client, staff, enterprise, call):
    application = in_notice(enterprise, call, opened_days_ago=1)
    objection_lodge(application=application, name="李四", contact="li@example.com", text="Doubt")
    client.force_login(staff)

    response = client.get(reverse("review:desk-application", args=[application.pk]))

    assert "李四" in response.content.decode()
    assert "li@example.com" in response.content.decode()


def test_confirm_grants_only_applications_whose_notice_has_ended(
    client, staff, enterprise, other_enterprise, call
):
    ended = in_notice(enterprise, call, opened_days_ago=5.01, title="Ended")
    running = in_notice(other_enterprise, call, opened_days_ago=4.9, title="Running")
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-confirm-notice", args=[call.pk]), {"confirmed": "yes"}, follow=True
    )

    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.status == Status.GRANTED
    assert running.status == Status.IN_PUBLIC_NOTICE
    content = response.content.decode()
    assert "Granted after public notice: Ended" in content
    assert "The public notice of “Running” runs until" in content


def test_zero_notice_days_means_no_waiting(staff, enterprise):
    call = factories.CallFactory(public_notice_days=0)
    application = in_notice(enterprise, call, opened_days_ago=0)

    result = public_notice_confirm(call=call, actor=staff)

    assert result.granted == [application]
    application.refresh_from_db()
    assert application.status == Status.GRANTED


def test_a_single_grant_waits_for_the_notice_too(staff, enterprise, call):
    application = in_notice(enterprise, call, opened_days_ago=1)
    with pytest.raises(MoveRefused, match="runs until"):
        application_move(application=application, actor=staff, move="grant")
    application.refresh_from_db()
    assert application.status == Status.IN_PUBLIC_NOTICE


def test_only_staff_confirm_a_notice(applicant, enterprise, call):
    in_notice(enterprise, call, opened_days_ago=6)
    with pytest.raises(ValidationError):
        public_notice_confirm(call=call, actor=applicant)


def test_grant_sets_the_award_from_the_programmes_reward_for_the_tier(staff, enterprise):
    call = factories.CallFactory(public_notice_days=0)
    RewardRule.objects.create(
        programme=call.programme,
        tier=ProductTier.PROVINCIAL_FIRST,
        label="Provincial first batch",
        amount=Decimal("500000"),
    )
    application = in_notice(enterprise, call, opened_days_ago=0, with_detail=False)
    ProductDetail.objects.create(
        application=application, product_name="石墨烯", tier=ProductTier.PROVINCIAL_FIRST
    )

    application_move(application=application, actor=staff, move="grant")

    application.refresh_from_db()
    assert application.awarded_amount == Decimal("500000")


def test_results_list_granted_applications_only_without_private_fields(client, enterprise, call):
    enterprise.contact_phone = "0573-82345678"
    enterprise.contact_email = "secret@example.com"
    enterprise.save()
    granted = factories.ApplicationFactory(
        enterprise=enterprise,
        call=call,
        status=Status.GRANTED,
        title="Granted one",
        awarded_amount=Decimal("300000"),
        requested_amount=Decimal("987654"),
    )
    for status in (Status.IN_PUBLIC_NOTICE, Status.APPROVED, Status.REJECTED, Status.REVOKED):
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, status=status, title=f"Not {status}"
        )

    response = client.get(RESULTS)

    content = response.content.decode()
    assert response.status_code == 200
    [group] = response.context["groups"]
    assert len(group["rows"]) == 1
    assert group["rows"][0]["enterprise"] == enterprise.name
    assert "300,000" in content
    assert "纳米涂层材料" in content
    for private in (
        "987,654",
        "987654",
        "0573-82345678",
        "secret@example.com",
        enterprise.unified_social_credit_code,
        granted.title,
    ):
        assert private not in content


def test_results_filter_by_programme_and_year(client, enterprise):
    older = factories.CallFactory(year=2024)
    newer = factories.CallFactory(year=2025)
    factories.ApplicationFactory(enterprise=enterprise, call=older, status=Status.GRANTED)
    factories.ApplicationFactory(enterprise=enterprise, call=newer, status=Status.GRANTED)

    everything = client.get(RESULTS).context["groups"]
    by_year = client.get(RESULTS, {"year": 2024}).context["groups"]
    by_programme = client.get(RESULTS, {"programme": newer.programme.code}).context["groups"]

    assert [group["year"] for group in everything] == [2025, 2024]
    assert [group["year"] for group in by_year] == [2024]
    assert [group["programme"] for group in by_programme] == [newer.programme]


def test_results_show_the_designation_level(client, enterprise):
    call = factories.CallFactory(programme=factories.ProgrammeFactory(kind=Kind.DESIGNATION))
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.GRANTED
    )
    application.designation_detail.level_sought = "provincial"
    application.designation_detail.save()

    response = client.get(RESULTS)

    assert "企业技术中心" in response.content.decode()
    assert "Provincial" in response.content.decode()


def test_results_page_in_chinese(client, enterprise, call):
    factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.GRANTED)
    response = client.get(RESULTS, headers={"accept-language": "zh-hans"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


def granted_rows(count, *, enterprise, call):
    return factories.ApplicationFactory.create_batch(
        count, enterprise=enterprise, call=call, status=Status.GRANTED
    )


def numbers(response) -> list[int]:
    """The "#" column of every row on the page, in order."""
    content = response.content.decode()
    marker = '<td data-label="#">'
    return [int(cell.split("<", 1)[0]) for cell in content.split(marker)[1:]]


def test_results_show_a_hundred_rows_a_page_with_links_to_the_others(client, enterprise):
    older = factories.CallFactory(year=2024)
    newer = factories.CallFactory(year=2025)
    granted_rows(130, enterprise=enterprise, call=newer)
    granted_rows(5, enterprise=enterprise, call=older)

    first = client.get(RESULTS)
    second = client.get(RESULTS, {"page": 2})

    assert numbers(first) == list(range(1, 101))
    assert [group["year"] for group in first.context["groups"]] == [2025]
    assert 'href="?page=2"' in first.content.decode()
    assert "page 1 of 2" in first.content.decode()
    # The 2025 list goes on counting where page 1 stopped; the 2024 list starts again.
    assert numbers(second) == [*range(101, 131), *range(1, 6)]
    assert [group["year"] for group in second.context["groups"]] == [2025, 2024]
    assert 'href="?page=1"' in second.content.decode()


def test_results_page_links_keep_the_filters(client, enterprise, call):
    granted_rows(101, enterprise=enterprise, call=call)
    params = {"programme": call.programme.code, "year": call.year}

    first = client.get(RESULTS, params)
    second = client.get(RESULTS, {**params, "page": 2})

    link = f"?programme={call.programme.code}&amp;year={call.year}&amp;page=2"
    assert link in first.content.decode()
    assert numbers(second) == [101]


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 2), ("99", 2)])
def test_a_results_page_out_of_range_shows_the_nearest(client, enterprise, call, page, shown):
    granted_rows(101, enterprise=enterprise, call=call)

    response = client.get(RESULTS, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_results_page_links_in_chinese(client, enterprise, call):
    granted_rows(101, enterprise=enterprise, call=call)

    response = client.get(RESULTS, {"page": 2}, headers={"accept-language": "zh-hans"})

    content = response.content.decode()
    assert "第 2 页，共 2 页" in content
    assert "上一页" in content


def test_results_search_finds_the_enterprise_or_the_subject(client, enterprise, other_enterprise):
    call = factories.CallFactory()
    carbon = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.GRANTED, title="Unpublished title"
    )
    carbon.product_detail.product_name = "Polyacrylonitrile-based carbon fibre"
    carbon.product_detail.save()
    other = factories.ApplicationFactory(
        enterprise=other_enterprise, call=call, status=Status.GRANTED
    )

    def found(**params):
        groups = client.get(RESULTS, params).context["groups"]
        return [row["enterprise"] for group in groups for row in group["rows"]]

    assert found(q="polyacrylonitrile") == [enterprise.name]
    assert found(q=other.enterprise.name) == [other_enterprise.name]
    assert found(q="Unpublished") == []  # the application's own title is not published
    empty = client.get(RESULTS, {"q": "no such thing"})
    assert "No published result matches." in empty.content.decode()
    assert 'value="no such thing"' in empty.content.decode()


def test_results_filter_by_region_a_city_holding_its_counties(client):
    city = factories.RegionFactory(code="330400", name="嘉兴市", level="city")
    nanhu = factories.RegionFactory(code="330402", name="南湖区", parent=city)
    tongxiang = factories.RegionFactory(code="330483", name="桐乡市", parent=city)
    elsewhere = factories.RegionFactory(code="330102", name="上城区")
    call = factories.CallFactory()
    for region in (nanhu, tongxiang, elsewhere):
        factories.ApplicationFactory(
            enterprise=factories.EnterpriseFactory(region=region, name=f"{region.name}企业"),
            call=call,
            status=Status.GRANTED,
            region=region,
        )

    def found(code):
        groups = client.get(RESULTS, {"region": code}).context["groups"]
        return sorted(row["region"] for group in groups for row in group["rows"])

    assert found("330483") == ["桐乡市"]
    assert found("330400") == ["南湖区", "桐乡市"]
    page = client.get(RESULTS)
    # Each city, then its counties; a county without its city here comes last.
    assert [region.code for region in page.context["regions"]] == [
        "330400",
        "330402",
        "330483",
        "330102",
    ]


def test_a_narrowed_list_numbers_its_own_rows_across_pages(client, enterprise, other_enterprise):
    call = factories.CallFactory()
    granted_rows(101, enterprise=enterprise, call=call)
    granted_rows(50, enterprise=other_enterprise, call=call)

    second = client.get(RESULTS, {"q": enterprise.name, "page": 2})

    assert numbers(second) == [101]
