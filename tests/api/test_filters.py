"""Filters, search and ordering; bad parameters answer 400 in the one error shape."""

import pytest

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
