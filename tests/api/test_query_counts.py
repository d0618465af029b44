"""Each list costs the same number of queries for a page of 2 as for a page of 20."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Industry, Membership, Region
from programmes.models import Designation, Kind, Level, RewardRule
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

ROWS = 22


@pytest.fixture
def many_rows(applicant, expert, officer, region):
    """More than 20 rows in every table the API lists, each visible to every role.

    The enterprises are in the officer's region, the applicant acts for all of them
    and the expert reviews every application.
    """
    today = date.today()
    parent = factories.RegionFactory(code="330400", level=Region.Level.CITY)
    for n in range(ROWS):
        factories.RegionFactory(code=f"3304{50 + n}", parent=parent)
        factories.IndustryFactory(code=f"C{n:02d}", name=f"行业{n}", level=Industry.Level.DIVISION)
    for _ in range(ROWS):
        programme = factories.ProgrammeFactory(kind=Kind.DESIGNATION)
        RewardRule.objects.create(programme=programme, tier="a", label="A", amount=1)
        RewardRule.objects.create(programme=programme, tier="b", label="B", amount=2)
        call = factories.CallFactory(
            programme=programme,
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=1),
        )
        member = factories.EnterpriseFactory(region=region)
        Membership.objects.create(
            user=applicant, enterprise=member, status=Membership.Status.APPROVED
        )
        application = factories.ApplicationFactory(
            enterprise=member, call=call, status=Status.GRANTED
        )
        factories.assign(application, expert)
        Designation.objects.create(application=application, level=Level.PROVINCIAL)


LISTS = [
    "regions",
    "industries",
    "enterprises",
    "programmes",
    "calls",
    "applications",
    "designations",
    "tokens",
]


@pytest.mark.parametrize("role", ["anonymous", "applicant", "officer", "expert", "staff"])
def test_list_query_count_does_not_grow_with_page_size(
    request, role, many_rows, client_for, staff, django_assert_num_queries
):
    for user in [factories.UserFactory() for _ in range(ROWS)]:
        factories.api_key(user)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    checked = []

    for endpoint in LISTS:
        url = f"/api/v1/{endpoint}/"
        with CaptureQueriesContext(connection) as small:
            response = client.get(url, {"page_size": 2})
        if response.status_code in {401, 403}:
            continue  # the access matrix covers who may list what
        assert response.status_code == 200, endpoint
        assert len(response.json()["results"]) == 2, endpoint

        with django_assert_num_queries(len(small)):
            response = client.get(url, {"page_size": 20})
        assert len(response.json()["results"]) == 20, endpoint
        checked.append(endpoint)

    expected = {
        "anonymous": ["programmes", "calls", "applications", "designations"],
        "staff": LISTS,
    }.get(role, LISTS[:-1])
    assert checked == expected
