"""The pages that must stay fast at a million applications cost the same number of
queries for a few rows as for many: no query per row, no query per related record.

Small data on purpose (the suite stays fast); ``bench/pages.py`` measures the time
at full size.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes.models import (
    ApplicationEvent,
    Designation,
    Disbursement,
    Kind,
    Level,
    RewardRule,
)
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

KINDS = [Kind.PRODUCT, Kind.PROJECT, Kind.DESIGNATION]


@pytest.fixture
def world(region, enterprise):
    """One programme per kind, each with a call of this year."""
    calls = {}
    for kind in KINDS:
        programme = factories.ProgrammeFactory(kind=kind, level=Level.PROVINCIAL)
        RewardRule.objects.create(programme=programme, tier="a", label="A", amount=100_000)
        calls[kind] = factories.CallFactory(programme=programme, year=2025)
    return calls


def add_applications(calls, enterprise, count, status=Status.GRANTED):
    """``count`` applications spread over the three kinds, each with its detail and,
    for a granted designation, its designation."""
    made = []
    for n in range(count):
        kind = KINDS[n % 3]
        application = factories.ApplicationFactory(
            enterprise=enterprise, call=calls[kind], status=status
        )
        if kind == Kind.DESIGNATION and status == Status.GRANTED:
            Designation.objects.create(application=application, level=Level.PROVINCIAL)
        made.append(application)
    return made


def query_count(client, url) -> int:
    client.get(url)  # warm caches (content types, sessions) out of the count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def assert_flat(client, url, grow):
    """The page costs as many queries after ``grow()`` added rows as before."""
    before = query_count(client, url)
    grow()
    after = query_count(client, url)
    assert after == before, f"{url}: {before} queries with few rows, {after} with more"


def test_admin_changelist_queries_do_not_grow_with_rows(client, staff, enterprise, world):
    add_applications(world, enterprise, 3)
    client.force_login(staff)
    programme = world[Kind.PRODUCT].programme
    url = (
        reverse("admin:programmes_application_changelist")
        + f"?programme__id__exact={programme.pk}&status__exact=granted"
    )
    assert_flat(client, url, lambda: add_applications(world, enterprise, 12))
    assert_flat(
        client,
        reverse("admin:programmes_application_changelist"),
        lambda: add_applications(world, enterprise, 9, status=Status.SUBMITTED),
    )


def test_admin_change_page_queries_do_not_grow_with_its_records(client, staff, enterprise, world):
    application = add_applications(world, enterprise, 3)[2]  # a granted designation
    application.awarded_amount = 100_000
    application.save()
    client.force_login(staff)
    url = reverse("admin:programmes_application_change", args=[application.pk])

    def grow():
        now = timezone.now()
        for n in range(6):
            ApplicationEvent.objects.create(
                application=application,
                actor=staff,
                at=now + timedelta(minutes=n),
                move="submit",
                from_status=Status.DRAFT,
                to_status=Status.SUBMITTED,
            )
            Disbursement.objects.create(
                application=application, amount=1000, paid_on=now.date(), recorded_by=staff
            )
            factories.assign(application, factories.expert_user())
        add_applications(world, enterprise, 9)

    assert_flat(client, url, grow)


def test_api_list_queries_do_not_grow_with_rows(client, staff, enterprise, world):
    add_applications(world, enterprise, 3)
    client.force_login(staff)
    url = "/api/v1/applications/?status=granted&page_size=100"
    assert_flat(client, url, lambda: add_applications(world, enterprise, 15))


def test_anonymous_api_list_queries_do_not_grow_with_rows(client, enterprise, world):
    add_applications(world, enterprise, 3)
    url = "/api/v1/applications/?page_size=100"
    assert_flat(client, url, lambda: add_applications(world, enterprise, 15))


def test_api_detail_queries_do_not_grow_with_rows(client, staff, enterprise, world):
    application = add_applications(world, enterprise, 3)[0]
    client.force_login(staff)
    url = f"/api/v1/applications/{application.pk}/"
    assert_flat(client, url, lambda: add_applications(world, enterprise, 15))


def test_my_applications_queries_do_not_grow_with_rows(client, applicant, enterprise, world):
    add_applications(world, enterprise, 3, status=Status.SUBMITTED)
    client.force_login(applicant)
    url = reverse("programmes:applications")
    assert_flat(
        client, url, lambda: add_applications(world, enterprise, 12, status=Status.SUBMITTED)
    )


def test_public_results_queries_do_not_grow_with_rows(client, enterprise, world):
    add_applications(world, enterprise, 3)
    url = reverse("review:results")
    assert_flat(client, url, lambda: add_applications(world, enterprise, 15))
    programme = world[Kind.PROJECT].programme
    assert_flat(
        client,
        f"{url}?programme={programme.code}&year=2025",
        lambda: add_applications(world, enterprise, 6),
    )


def test_public_results_pages_cost_the_same_however_full(client, enterprise, world):
    """A second page costs one query more than the first (where its first list began),
    and neither grows with the rows on it: 10 rows on page 2, then 100. (Details are
    read once per kind on the page, so the rows here are of one kind.)"""
    call = world[Kind.PROJECT]

    def add(count):
        factories.ApplicationFactory.create_batch(
            count, enterprise=enterprise, call=call, status=Status.GRANTED
        )

    add(110)
    url = reverse("review:results")
    first = query_count(client, url)
    assert_flat(client, f"{url}?page=2", lambda: add(90))
    assert query_count(client, url) == first


def test_my_applications_pages_cost_the_same_however_full(client, applicant, enterprise, world):
    add_applications(world, enterprise, 55, status=Status.SUBMITTED)
    client.force_login(applicant)
    url = reverse("programmes:applications")
    first = query_count(client, url)
    grow = lambda: add_applications(world, enterprise, 45, status=Status.SUBMITTED)  # noqa: E731
    assert_flat(client, f"{url}?page=2", grow)
    assert query_count(client, url) == first
