"""The services' lists read what their pages and the API show in a fixed number of
queries: one more row of anything never costs one more query."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import Programme
from services import access, stats
from services.models import (
    AnnouncedFigure,
    Event,
    Financing,
    Plan,
    PlanTarget,
    Platform,
    Problem,
    ServiceCase,
)
from tests import factories

pytestmark = pytest.mark.django_db


def add_rows(region, n):
    """``n`` more rows of each kind, each pointing at new related rows."""
    for _ in range(n):
        enterprise = factories.EnterpriseFactory(region=region)
        owner = factories.staff_user()
        plan = Plan.objects.create(code=f"plan-{Plan.objects.count()}", title="Plan", region=region)
        programme = factories.ProgrammeFactory()
        case = ServiceCase.objects.create(
            kind="visit",
            enterprise=enterprise,
            held_on=date(2030, 1, 2),
            department="d",
            conducted_by="c",
            plan=plan,
            programme=programme,
        )
        Problem.objects.create(
            enterprise=enterprise,
            case=case,
            owner=owner,
            category="other",
            title="p",
            raised_on=date(2030, 1, 3),
        )
        Financing.objects.create(kind="loan", enterprise=enterprise, amount=100, case=case)
        Platform.objects.create(
            name=f"Platform {Platform.objects.count()}", kind="incubator", region=region
        )
        Event.objects.create(
            kind="release_conference", title="Launch", held_on=date(2030, 2, 1), region=region
        )
        PlanTarget.objects.create(plan=plan, code="t", label="Robots", unit="台", target=1)
    assert Programme.objects.count() >= n


def count(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


@pytest.fixture
def grows(region):
    """``grows(call)``: the queries of ``call`` with one row of each kind, then with four."""

    def measure(call):
        add_rows(region, 1)
        call()  # what is read once per person (their roles) is read before counting
        before = count(call)
        add_rows(region, 3)
        return before, count(call)

    return measure


@pytest.mark.parametrize("resource", ["service-cases", "problems", "platforms", "events"])
def test_the_api_lists_do_not_grow_with_the_rows(grows, api_client_for, staff, resource):
    client = api_client_for(staff)
    url = f"/api/v1/{resource}/"
    before, after = grows(lambda: client.get(url).json())
    assert before == after


@pytest.mark.parametrize("name", ["services:problems", "services:cases"])
def test_the_portal_lists_do_not_grow_with_the_rows(grows, client, staff, name):
    client.force_login(staff)
    before, after = grows(lambda: client.get(reverse(name)))
    assert before == after


def test_the_lists_bring_what_each_row_shows(grows, staff):
    def read_every_row():
        shown = []
        for case in access.case_list(user=staff):
            shown += [case.enterprise.region.code, case.plan.code, case.programme.code]
        for problem in access.problem_list(user=staff):
            shown += [problem.enterprise.region.code, problem.owner.username, problem.case.pk]
        for financing in access.financing_list(user=staff):
            shown += [financing.enterprise.name, financing.case.held_on]
        for listing in (access.platform_list, access.event_list, access.plan_list):
            shown += [row.region.code for row in listing(user=staff)]
        shown += [target.plan.code for target in access.plan_target_list(user=staff)]
        return shown

    before, after = grows(read_every_row)
    assert before == after == 7


def test_announced_figures_read_their_region_with_them(region, staff):
    for year in (2019, 2020, 2021):
        AnnouncedFigure.objects.create(
            measure="inspections", region=region, year=year, value=50, source="An article"
        )
    stats.figures_beside_records(user=staff)  # the person's roles, read once
    # The figures, then one count of the records behind each.
    assert count(lambda: stats.figures_beside_records(user=staff)) == 1 + 3
