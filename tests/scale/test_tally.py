"""The applications' tally (``programmes.tally``): kept by PostgreSQL as applications
change, exact, and what the changelist counts a filtered list with."""

from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.paginators import EstimatedCountPaginator
from programmes import tally
from programmes.models import Application, ApplicationTally, Kind, Level
from programmes.selectors import open_work_by_programme
from programmes.services.workflow import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db
postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL keeps the tally"
)
TABLE = Application._meta.db_table
COUNT_OF_APPLICATIONS = f'SELECT COUNT(*) AS "__count" FROM "{TABLE}"'  # noqa: S608
SET_STATUS_OF_CALL = f"UPDATE {TABLE} SET status = %s WHERE call_id = %s"  # noqa: S608
SET_STATUS = f"UPDATE {TABLE} SET status = %s WHERE id = %s"  # noqa: S608


def tallied(**lookups) -> int:
    """The tally's count for ``call`` (an id), ``status`` and the like."""
    names = {"call": "call__id"}
    return tally.count({f"{names.get(k, k)}__exact": v for k, v in lookups.items()})


@pytest.fixture
def rounds(enterprise):
    """Two programmes of different kinds and levels, two rounds each, applications in
    several statuses."""
    products = factories.ProgrammeFactory(kind=Kind.PRODUCT, level=Level.PROVINCIAL)
    projects = factories.ProgrammeFactory(kind=Kind.PROJECT, level=Level.MUNICIPAL)
    calls = [
        factories.CallFactory(programme=programme, year=year)
        for programme in (products, projects)
        for year in (2024, 2025)
    ]
    statuses = [Status.GRANTED, Status.GRANTED, Status.REJECTED, Status.SUBMITTED]
    for number, call in enumerate(calls):
        for status in statuses[: number + 1]:
            factories.ApplicationFactory(enterprise=enterprise, call=call, status=status)
    return calls


def test_a_count_known_beforehand_answers_for_the_paginator(rounds):
    applications = Application.objects.all()

    assert EstimatedCountPaginator(applications, 5, count=42).count == 42
    assert EstimatedCountPaginator(applications, 5).count == 10


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite keeps no tally")
def test_sqlite_counts_every_time(client, staff, rounds):
    client.force_login(staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("admin:programmes_application_changelist"), {"status__exact": "granted"}
        )

    assert tally.count({"status__exact": "granted"}) is None
    assert response.context["cl"].result_count == 7
    assert any(COUNT_OF_APPLICATIONS in q["sql"] for q in queries)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite keeps no tally")
def test_the_command_says_sqlite_counts_every_time():
    out = StringIO()

    call_command("tally_applications", "--check", stdout=out)

    assert "Only PostgreSQL keeps the tally" in out.getvalue()


@postgresql
def test_the_tally_follows_every_way_applications_change(enterprise, applicant, rounds):
    call = rounds[0]
    draft = factories.ready_to_file(factories.ApplicationFactory(enterprise=enterprise, call=call))
    assert tallied(call=call.pk, status=Status.DRAFT) == 1

    application_move(application=draft, actor=applicant, move="submit")
    assert tallied(call=call.pk, status=Status.DRAFT) == 0
    assert tallied(call=call.pk, status=Status.SUBMITTED) == 1

    # Bulk updates, a move to another round, bulk creation, an edit that moves
    # nothing, raw SQL and deletion.
    Application.objects.filter(call__in=rounds[:2], status=Status.GRANTED).update(
        status=Status.EXPIRED
    )
    Application.objects.filter(pk=draft.pk).update(call=rounds[1])
    Application.objects.bulk_create(
        Application(
            enterprise=enterprise,
            call=rounds[3],
            programme_id=rounds[3].programme_id,
            year=rounds[3].year,
            kind=Kind.PROJECT,
            title=f"b{n}",
        )
        for n in range(3)
    )
    before = ApplicationTally.objects.count()
    Application.objects.filter(call=rounds[2]).update(requested_amount=1000)
    assert ApplicationTally.objects.count() == before
    with connection.cursor() as cursor:
        cursor.execute(SET_STATUS_OF_CALL, [Status.WITHDRAWN, rounds[3].pk])
    Application.objects.filter(call=rounds[2]).delete()

    assert tally.differences() == []
    assert tallied(status=Status.EXPIRED) == 3
    assert tallied(call=rounds[1].pk, status=Status.SUBMITTED) == 1
    assert tallied(call=rounds[3].pk, status=Status.WITHDRAWN) == 7
    assert tallied(call=rounds[2].pk) == 0


@postgresql
def test_compacting_folds_the_rows_and_keeps_the_sums(enterprise, rounds):
    Application.objects.filter(status=Status.GRANTED).update(status=Status.EXPIRED)
    Application.objects.filter(status=Status.EXPIRED).update(status=Status.GRANTED)
    sums = {
        (row.call_id, row.status, row.kind): tallied(call=row.call_id, status=row.status)
        for row in ApplicationTally.objects.all()
    }
    out = StringIO()

    call_command("tally_applications", stdout=out)

    keys = Application.objects.values_list("call_id", "status", "kind").distinct()
    assert ApplicationTally.objects.count() == keys.count()
    assert all(row.count > 0 for row in ApplicationTally.objects.all())
    assert {key: tallied(call=key[0], status=key[1]) for key in sums} == sums
    assert "into 7" in out.getvalue()
    assert tally.differences() == []


@postgresql
def test_check_finds_a_wrong_tally_and_rebuild_mends_it(rounds):
    ApplicationTally.objects.create(call=rounds[0], status=Status.GRANTED, kind="product", count=5)

    with pytest.raises(CommandError, match="disagrees with the applications in 1 places"):
        call_command("tally_applications", "--check", stdout=StringIO(), stderr=StringIO())
    call_command("tally_applications", "--rebuild", stdout=StringIO())

    out = StringIO()
    call_command("tally_applications", "--check", stdout=out)
    assert "agrees" in out.getvalue()
    assert tallied(call=rounds[0].pk, status=Status.GRANTED) == 1


@postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_to_the_same_round_never_wait_for_each_other(enterprise):
    """Two transactions move applications of the same round between the same statuses:
    the second neither waits for the first (the tally only appends) nor deadlocks."""
    call = factories.CallFactory()
    first, second = (
        factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.SUBMITTED)
        for _ in range(2)
    )
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )
    try:
        other.execute(SET_STATUS, [Status.ACCEPTED, first.pk])  # not committed yet
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            Application.objects.filter(pk=second.pk).update(status=Status.ACCEPTED)
        other.commit()
    finally:
        other.close()

    assert tallied(call=call.pk, status=Status.ACCEPTED) == 2
    assert tallied(call=call.pk, status=Status.SUBMITTED) == 0
    assert tally.differences() == []


FILTERS = [
    {"status__exact": "granted"},
    {"programme__id__exact": "PROGRAMME", "status__exact": "granted"},
    {"programme__level__exact": "municipal"},
    {"year": "2025", "kind__exact": "project"},
    {"call__id__exact": "CALL", "status__exact": "rejected"},
    {"programme__id__exact": "PROGRAMME", "o": "2", "p": "1"},
]


@postgresql
@pytest.mark.parametrize("query", FILTERS)
def test_the_changelist_counts_a_filtered_list_from_the_tally(client, staff, rounds, query):
    query = {
        name: {"PROGRAMME": rounds[0].programme_id, "CALL": rounds[1].pk}.get(value, value)
        for name, value in query.items()
    }
    client.force_login(staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:programmes_application_changelist"), query)

    cl = response.context["cl"]
    lookups = {name: value for name, value in query.items() if name not in ("o", "p")}
    assert cl.result_count == Application.objects.filter(**lookups).count()
    assert len(cl.result_list) == cl.result_count
    assert not [q["sql"] for q in queries if COUNT_OF_APPLICATIONS in q["sql"]]


@postgresql
@pytest.mark.parametrize(
    "query", [{"region__id__exact": "REGION"}, {"q": "Application"}, {"source__exact": "portal"}]
)
def test_other_filters_and_searches_are_counted(client, staff, region, rounds, query):
    query = {name: region.pk if value == "REGION" else value for name, value in query.items()}
    client.force_login(staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:programmes_application_changelist"), query)

    assert response.context["cl"].result_count == 10
    assert [q["sql"] for q in queries if COUNT_OF_APPLICATIONS in q["sql"]]


@postgresql
def test_a_scoped_users_list_is_counted_in_their_scope(client, officer, other_enterprise, rounds):
    factories.ApplicationFactory(enterprise=other_enterprise, call=rounds[0], status="granted")
    client.force_login(officer)

    response = client.get(
        reverse("admin:programmes_application_changelist"), {"status__exact": "granted"}
    )

    assert response.context["cl"].result_count == 7  # not the other region's eighth
    assert tallied(status=Status.GRANTED) == 8


@postgresql
def test_open_work_is_read_from_the_tally(staff, rounds):
    with CaptureQueriesContext(connection) as queries:
        rows = open_work_by_programme(user=staff)

    counts = {
        (row["programme"].pk, count["status"]): count["count"]
        for row in rows
        for count in row["counts"]
    }
    expected = {
        (call.programme_id, status): Application.objects.filter(
            programme=call.programme_id, status=status
        ).count()
        for call in rounds
        for status in (Status.SUBMITTED,)
    }
    assert counts == {key: value for key, value in expected.items() if value}
    assert not [q["sql"] for q in queries if f'"{TABLE}"' in q["sql"]]
