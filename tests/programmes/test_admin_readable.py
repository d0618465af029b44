"""The admin reads as the desk's users speak: headings that name their workplace, labels
instead of codes, one date format per language, and a region filter down the tree."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from programmes.models import Application, ApplicationEvent
from programmes.services import application_move
from programmes.workflow import MOVES, Status
from tests import factories

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
APPLICATIONS = reverse("admin:programmes_application_changelist")


def change_url(application):
    return reverse("admin:programmes_application_change", args=[application.pk])


def history_url(application):
    return reverse("admin:programmes_application_history", args=[application.pk])


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client, url, language="en", **params):
    response = in_language(client, language).get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- Headings that name the workplace ---------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [
        ("en", "County workplace — 南湖区", "Bureau workplace"),
        ("zh-hans", "县级工作台 — 南湖区", "经信局工作台"),
    ],
)
def test_an_officers_admin_is_headed_by_their_county(client, officer, language, heading, other):
    client.force_login(officer)

    html = page(client, INDEX, language)

    assert f"<h1>{heading}</h1>" in html
    assert f'<span class="site-workplace">{heading}</span>' in html
    assert other not in html


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Bureau workplace"), ("zh-hans", "经信局工作台")]
)
def test_staff_and_experts_admin_name_their_own_workplace(client, staff, expert, language, heading):
    client.force_login(staff)
    assert f"<h1>{heading}</h1>" in page(client, INDEX, language)

    client.force_login(expert)
    html = page(client, INDEX, language)
    assert ("Expert workplace" if language == "en" else "专家工作台") in html
    assert heading not in html


def test_an_officer_of_two_counties_sees_both_named(client, officer, other_region):
    officer.jurisdictions.create(region=other_region)
    client.force_login(officer)

    assert "<h1>County workplace — 南湖区 and 秀洲区</h1>" in page(client, INDEX)


# --- The region filter goes down the tree -----------------------------------------------


def test_choosing_a_city_lists_the_applications_of_its_counties(client, staff):
    city = factories.RegionFactory(code="330400", name="嘉兴市", level="city")
    county = factories.RegionFactory(code="330483", name="桐乡市", parent=city)
    elsewhere = factories.RegionFactory(code="330225", name="象山县")
    in_county, in_city, outside = (
        factories.ApplicationFactory(
            enterprise=factories.EnterpriseFactory(region=region), title=title
        )
        for region, title in ((county, "县里的"), (city, "市里的"), (elsewhere, "别处的"))
    )
    client.force_login(staff)

    response = in_language(client, "en").get(APPLICATIONS, {"region__tree": city.pk})

    assert {row.title for row in response.context["cl"].result_list} == {"县里的", "市里的"}
    html = response.content.decode()
    block = html.split('data-filter-title="region"', 1)[1].split("</details>", 1)[0]
    assert "桐乡市" in block and "象山县" not in block
    chosen_county = in_language(client, "en").get(APPLICATIONS, {"region__tree": county.pk})
    assert list(chosen_county.context["cl"].result_list) == [in_county]
    assert Application.objects.filter(pk=outside.pk).exists()
    assert in_city.region == city


# --- Labels, never codes --------------------------------------------------------------


@pytest.fixture
def recommended(enterprise, officer):
    """An application the officer recommended through the workflow: a timeline entry,
    an audit entry and a history record of the move."""
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    application_move(application=application, actor=officer, move="recommend")
    return application


def section(html, start, end):
    return html.split(start, 1)[1].split(end, 1)[0]


def labels(language, *values):
    with translation.override(language):
        return [str(value) for value in values]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_timeline_names_the_move_and_statuses_in_words(client, staff, recommended, language):
    client.force_login(staff)

    html = page(client, change_url(recommended), language)

    timeline = section(html, 'id="events-group"', "</fieldset>")
    move, source, target = labels(
        language, MOVES["recommend"].label, Status.SUBMITTED.label, Status.RECOMMENDED.label
    )
    assert f"<p>{move}</p>" in timeline
    assert f"<p>{source}</p>" in timeline and f"<p>{target}</p>" in timeline
    assert "submitted" not in timeline and "recommended" not in timeline
    assert "recommend" not in timeline


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_history_page_shows_the_status_change_in_words(client, staff, recommended, language):
    client.force_login(staff)

    html = page(client, history_url(recommended), language)

    changes = section(html, 'id="change-history"', "</table>")
    source, target = labels(language, Status.SUBMITTED.label, Status.RECOMMENDED.label)
    assert source in changes and target in changes
    assert "submitted" not in changes and "recommended" not in changes


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_audit_entries_and_the_event_list_show_moves_in_words(client, staff, recommended, language):
    ApplicationEvent.objects.create(
        application=recommended,
        at=timezone.now(),
        move="record_result",
        from_status=Status.DRAFT,
        to_status=Status.GRANTED,
    )
    client.force_login(staff)

    entries = section(
        page(client, reverse("admin:core_auditentry_changelist"), language),
        'id="result_list"',
        "</table>",
    )
    events = section(
        page(client, reverse("admin:programmes_applicationevent_changelist"), language),
        'id="result_list"',
        "</table>",
    )

    move, source, target, recorded, kind = labels(
        language,
        MOVES["recommend"].label,
        Status.SUBMITTED.label,
        Status.RECOMMENDED.label,
        "Recorded from a published result",
        Application._meta.verbose_name,
    )
    assert f"{move}: {source} → {target}" in entries
    assert "recommend:" not in entries and "submitted" not in entries
    assert kind.capitalize() in entries and "programmes.application" not in entries
    assert move in events and (recorded if language == "en" else "根据公布结果登记") in events
    assert "record_result" not in events and ">recommend<" not in events


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_timeline_entrys_own_page_is_named_and_filled_in_words(
    client, staff, recommended, language
):
    event = recommended.events.get()
    client.force_login(staff)

    html = page(
        client, reverse("admin:programmes_applicationevent_change", args=[event.pk]), language
    )

    move, source, target = labels(
        language, MOVES["recommend"].label, Status.SUBMITTED.label, Status.RECOMMENDED.label
    )
    assert f"{recommended.title} — {move}: {source} → {target}" in html
    action = section(html, "field-action", "</div>\n")
    assert move in action and "recommend" not in action
    assert "submitted → recommended" not in html
