"""``/api/v1/`` services resources: scoped like the portal, out of scope answers 404."""

import pytest

from services.models import Platform

pytestmark = pytest.mark.django_db


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_problems_are_scoped_by_role(
    api_client_for, problem, other_problem, applicant, officer, staff, expert
):
    assert set(ids(api_client_for(staff).get("/api/v1/problems/"))) == {
        problem.pk,
        other_problem.pk,
    }
    assert ids(api_client_for(applicant).get("/api/v1/problems/")) == [problem.pk]
    assert ids(api_client_for(officer).get("/api/v1/problems/")) == [problem.pk]
    assert ids(api_client_for(expert).get("/api/v1/problems/")) == []
    assert api_client_for(applicant).get(f"/api/v1/problems/{other_problem.pk}/").status_code == 404
    assert api_client_for(None).get("/api/v1/problems/").status_code == 401


def test_cases_are_for_the_desk_of_the_county(
    api_client_for, case, officer, other_officer, applicant
):
    assert ids(api_client_for(officer).get("/api/v1/service-cases/")) == [case.pk]
    assert ids(api_client_for(other_officer).get("/api/v1/service-cases/")) == []
    assert api_client_for(applicant).get(f"/api/v1/service-cases/{case.pk}/").status_code == 404
    row = api_client_for(officer).get(f"/api/v1/service-cases/{case.pk}/").json()
    assert (row["kind"], row["enterprise"]) == ("inspection", case.enterprise.name)


def test_platforms_and_events_are_public_facts_filtered_by_region(
    api_client_for, region, other_region, applicant, expert
):
    here = Platform.objects.create(name="Here", kind="incubator", region=region)
    Platform.objects.create(name="There", kind="incubator", region=other_region)
    response = api_client_for(applicant).get("/api/v1/platforms/", {"region": region.code})
    assert ids(response) == [here.pk]
    assert response.json()["results"][0]["settled_on_record"] == 0
    assert ids(api_client_for(expert).get("/api/v1/platforms/")) == []
    assert api_client_for(applicant).get("/api/v1/events/").status_code == 200
    assert api_client_for(applicant).get("/api/v1/events/", {"year": "99999"}).status_code == 400
