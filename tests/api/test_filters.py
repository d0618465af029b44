"""Filters, search and ordering; bad parameters answer 400 in the one error shape."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise
from programmes.models import Application
from tests import factories
from tests.api.conftest import ids, results

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client_for, staff):
    return client_for(staff)


def test_a_city_includes_its_counties(world, staff_client):
    everything = {a.pk for a in world.applications}

    assert ids(staff_client.get("/api/v1/applications/", {"region": "330400"})) == everything
    assert ids(staff_client.get("/api/v1/applications/", {"region": "330402"})) == {
        world.draft.pk,
        world.submitted.pk,
        world.granted.pk,
    }
    assert ids(staff_client.get("/api/v1/applications/", {"region": "330200"})) == set()


def test_region_filter_on_enterprises_includes_counties(
    world, staff_client, enterprise, other_enterprise
):
    far = factories.EnterpriseFactory(region=world.far_region)

    assert ids(staff_client.get("/api/v1/enterprises/", {"region": "330400"})) == {
        enterprise.pk,
        other_enterprise.pk,
    }
    assert ids(staff_client.get("/api/v1/enterprises/", {"region": "330200"})) == {far.pk}


def test_status_filter_takes_several_values(world, staff_client):
    granted = ids(staff_client.get("/api/v1/applications/", {"status": "granted"}))
    both = ids(staff_client.get("/api/v1/applications/?status=granted&status=draft"))

    assert granted == {world.granted.pk, world.other_granted.pk}
    assert both == granted | {world.draft.pk, world.other_draft.pk}


def test_year_programme_kind_and_level_filters(world, staff_client):
    assert ids(staff_client.get("/api/v1/applications/", {"year": 2023})) == {world.granted.pk}
    assert ids(staff_client.get("/api/v1/applications/", {"year_min": 2024, "year_max": 2024})) == {
        world.other_granted.pk
    }
    assert ids(staff_client.get("/api/v1/applications/", {"kind": "designation"})) == {
        world.other_granted.pk
    }
    assert ids(staff_client.get("/api/v1/applications/", {"programme": "tech-centre"})) == {
        world.other_granted.pk
    }
    assert ids(staff_client.get("/api/v1/applications/", {"call": "closed-2023"})) == {
        world.granted.pk
    }


def test_amount_range_filter(world, staff_client):
    response = staff_client.get(
        "/api/v1/applications/", {"requested_min": "200000", "requested_max": "1000000"}
    )

    assert ids(response) == {world.submitted.pk}
    assert ids(staff_client.get("/api/v1/applications/", {"awarded_min": "1"})) == {
        world.granted.pk
    }


def test_search_and_ordering(world, staff_client, other_enterprise):
    found = ids(staff_client.get("/api/v1/applications/", {"search": other_enterprise.name}))
    assert found == {world.other_draft.pk, world.other_submitted.pk, world.other_granted.pk}

    ordered = results(staff_client.get("/api/v1/applications/", {"ordering": "id"}))
    assert [row["id"] for row in ordered] == sorted(a.pk for a in world.applications)


def local(*args) -> datetime:
    """A moment on the project's clock (settings.TIME_ZONE, Asia/Shanghai)."""
    return datetime(*args, tzinfo=ZoneInfo(settings.TIME_ZONE))


# Around 1–30 June 2025 in Shanghai (UTC+8). 07:00 on 1 June is still 31 May in UTC,
# 02:00 on 1 July still 30 June: the filters count days on the project's clock.
MOMENTS = {
    "before": local(2025, 5, 31, 23, 59, 59),
    "first": local(2025, 6, 1, 0, 0),
    "first_utc_day_before": local(2025, 6, 1, 7, 0),
    "last": local(2025, 6, 30, 23, 59, 59, 999999),
    "after_utc_same_day": local(2025, 7, 1, 2, 0),
    "after": local(2025, 7, 1, 0, 0),
}
INSIDE = {"first", "first_utc_day_before", "last"}


@pytest.mark.parametrize("field", ["submitted", "decided", "created"])
def test_application_date_filters_take_whole_days_on_the_project_clock(
    field, staff_client, enterprise
):
    call = factories.CallFactory()
    made = {}
    for name, moment in MOMENTS.items():
        application = factories.ApplicationFactory(enterprise=enterprise, call=call)
        Application.objects.filter(pk=application.pk).update(**{f"{field}_at": moment})
        made[name] = application.pk

    both = {f"{field}_after": "2025-06-01", f"{field}_before": "2025-06-30"}
    found = ids(staff_client.get("/api/v1/applications/", both))
    from_first = ids(staff_client.get("/api/v1/applications/", {f"{field}_after": "2025-06-01"}))
    to_last = ids(staff_client.get("/api/v1/applications/", {f"{field}_before": "2025-06-30"}))

    assert found == {made[name] for name in INSIDE}
    assert from_first == {made[name] for name in MOMENTS if name != "before"}
    assert to_last == {made[name] for name in ("before", *INSIDE)}


def test_enterprise_created_filters_take_whole_days_on_the_project_clock(staff_client):
    made = {}
    for name, moment in MOMENTS.items():
        enterprise = factories.EnterpriseFactory()
        Enterprise.objects.filter(pk=enterprise.pk).update(created_at=moment)
        made[name] = enterprise.pk

    response = staff_client.get(
        "/api/v1/enterprises/", {"created_after": "2025-06-01", "created_before": "2025-06-30"}
    )

    assert ids(response) == {made[name] for name in INSIDE}


def test_calls_filter_by_openness(world, client_for):
    anonymous = client_for(None)

    assert ids(anonymous.get("/api/v1/calls/", {"is_open": "true"})) == {world.open_call.pk}
    assert ids(anonymous.get("/api/v1/calls/", {"is_open": "false"})) == set()


def test_designations_valid_on_a_date(world, client_for):
    anonymous = client_for(None)

    assert ids(anonymous.get("/api/v1/designations/", {"valid_on": "2026-06-01"})) == {
        world.designation.pk
    }
    assert ids(anonymous.get("/api/v1/designations/", {"valid_on": "2030-01-01"})) == set()


@pytest.mark.parametrize(
    ("endpoint", "params", "field"),
    [
        ("applications", {"year": "abc"}, "year"),
        ("applications", {"year": "99999999999999999999999"}, "year"),
        ("applications", {"year": "1e400"}, "year"),
        ("applications", {"requested_min": "1e400"}, "requested_min"),
        ("applications", {"requested_min": "-5"}, "requested_min"),
        ("applications", {"awarded_max": "NaN"}, "awarded_max"),
        ("applications", {"enterprise": "99999999999999999999999999"}, "enterprise"),
        ("applications", {"region": "nowhere"}, "region"),
        ("applications", {"status": "flying"}, "status"),
        ("applications", {"created_after": "0001-01-01"}, "created_after"),
        ("applications", {"submitted_before": "not-a-date"}, "submitted_before"),
        ("applications", {"search": "a\x00b"}, "search"),
        ("enterprises", {"industry": "ZZZZZ"}, "industry"),
        ("calls", {"budget_max": "1e20"}, "budget_max"),
        ("designations", {"year": "-1"}, "year"),
        ("regions", {"level": "planet"}, "level"),
    ],
)
def test_bad_parameters_answer_400_in_the_error_shape(endpoint, params, field, staff_client):
    response = staff_client.get(f"/api/v1/{endpoint}/", params)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert body["message"]


def test_a_bogus_cursor_is_a_404_in_the_error_shape(world, staff_client):
    response = staff_client.get("/api/v1/applications/", {"cursor": "bogus"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_cursor_pagination_walks_every_application_once(world, staff_client):
    seen = []
    url = "/api/v1/applications/?page_size=2"
    while url:
        body = staff_client.get(url).json()
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]

    assert sorted(seen) == sorted(a.pk for a in world.applications)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("ordering", ["-created_at", "title", "-title", "id"])
def test_the_list_pages_in_the_order_asked(world, staff_client, ordering):
    """Pages are cut from the ids first on SQLite (``ApplicationCursorPagination``), then
    read with their joins: the rows, their order and the cursor are still the list's."""
    field = ordering.lstrip("-")
    expected = sorted(
        world.applications,
        key=lambda a: (getattr(a, field), a.pk),
        reverse=ordering.startswith("-"),
    )

    seen, url = [], f"/api/v1/applications/?ordering={ordering}&page_size=3"
    while url:
        body = staff_client.get(url).json()
        seen += [(row["id"], row["enterprise_name"]) for row in body["results"]]
        url = body["next"]

    assert len(expected) > 3
    assert seen == [(a.pk, a.enterprise.name) for a in expected]


@pytest.mark.parametrize("parameters", [{"year": 2019}, {"year_max": 2019}, {"year_min": 2019}])
def test_a_year_filtered_list_pages_through_every_row_newest_first(staff_client, parameters):
    """The year filters read the applications' own ``year`` (copied from the call): the
    cursor gives every row once, newest first, and no query joins the calls for it."""
    old = factories.CallFactory(year=2019)
    new = factories.CallFactory(year=2025)
    shanghai = ZoneInfo(settings.TIME_ZONE)
    expected = []
    for n in range(7):
        for call in (old, new):
            application = factories.ApplicationFactory(call=call)
            created = datetime(call.year, 3, 1 + n, 9, tzinfo=shanghai)
            Application.objects.filter(pk=application.pk).update(created_at=created)
            if call == old or "year_min" in parameters:
                expected.append((created, application.pk))
    expected = [pk for _created, pk in sorted(expected, reverse=True)]

    seen, url = [], "/api/v1/applications/"
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(url, {**parameters, "page_size": 3})
    filters = [query["sql"].partition(" WHERE ")[2] for query in queries]
    assert any('"programmes_application"."year"' in where for where in filters)
    assert not any('"programmes_call"."year"' in where for where in filters)
    while True:
        assert response.status_code == 200, response.content
        seen += [row["id"] for row in results(response)]
        if not response.json()["next"]:
            break
        response = staff_client.get(response.json()["next"])

    assert seen == expected
