"""The admin counts a large unfiltered table from PostgreSQL's statistics, and only then."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.paginators import EstimatedCountPaginator, table_estimate
from enterprises.models import Enterprise
from programmes.models import Application, ApplicationEvent, Designation
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_class.reltuples is PostgreSQL's"
)


def analyze(model):
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@pytest.mark.parametrize("model", [Application, Enterprise, ApplicationEvent, Designation])
def test_big_tables_use_the_estimating_paginator(model):
    model_admin = admin.site._registry[model]
    assert model_admin.paginator is EstimatedCountPaginator
    assert model_admin.show_full_result_count is False


def test_small_or_unanalysed_tables_are_counted_exactly(enterprise):
    factories.ApplicationFactory.create_batch(3, enterprise=enterprise)
    paginator = EstimatedCountPaginator(Application.objects.all(), 50)
    assert paginator.count == 3


def test_sqlite_has_no_estimate(enterprise):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    assert table_estimate(Application.objects.all()) is None


@postgres_only
def test_postgresql_estimate_counts_an_unfiltered_table(enterprise, monkeypatch):
    factories.ApplicationFactory.create_batch(6, enterprise=enterprise)
    analyze(Application)
    # Two more rows after ANALYZE: the estimate still says 6, an exact count 8.
    factories.ApplicationFactory.create_batch(2, enterprise=enterprise, status=Status.GRANTED)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)

    assert table_estimate(Application.objects.all()) == 6
    assert EstimatedCountPaginator(Application.objects.all(), 50).count == 6
    assert EstimatedCountPaginator(Application.objects.select_related("call"), 50).count == 6
    # Filtered, distinct or sliced querysets are never estimated.
    filtered = Application.objects.filter(status=Status.GRANTED)
    assert table_estimate(filtered) is None
    assert EstimatedCountPaginator(filtered, 50).count == 2
    assert table_estimate(Application.objects.distinct()) is None


@postgres_only
def test_postgresql_admin_changelist_skips_count_of_the_whole_table(
    client, staff, enterprise, monkeypatch
):
    factories.EnterpriseFactory.create_batch(4)
    analyze(Enterprise)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)
    client.force_login(staff)
    table = Enterprise._meta.db_table

    with CaptureQueriesContext(connection) as unfiltered:
        response = client.get(reverse("admin:enterprises_enterprise_changelist"))
    assert response.status_code == 200
    counts = [q["sql"] for q in unfiltered if "COUNT(" in q["sql"] and table in q["sql"]]
    assert counts == []
    assert any("reltuples" in q["sql"] for q in unfiltered)

    with CaptureQueriesContext(connection) as filtered:
        client.get(reverse("admin:enterprises_enterprise_changelist") + f"?q={enterprise.name}")
    assert any("COUNT(" in q["sql"] and table in q["sql"] for q in filtered)


@postgres_only
def test_postgresql_application_changelist_is_counted_from_the_tally(
    client, staff, enterprise, monkeypatch
):
    """Exact and cheap: the tally answers before the estimate, which here is stale."""
    factories.ApplicationFactory.create_batch(4, enterprise=enterprise)
    analyze(Application)
    factories.ApplicationFactory.create_batch(2, enterprise=enterprise)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)
    client.force_login(staff)
    table = Application._meta.db_table

    with CaptureQueriesContext(connection) as unfiltered:
        response = client.get(reverse("admin:programmes_application_changelist"))
    assert response.context["cl"].result_count == 6
    assert not [q["sql"] for q in unfiltered if "COUNT(" in q["sql"] and table in q["sql"]]
    assert not any("reltuples" in q["sql"] for q in unfiltered)

    # Filtered by what the tally does not hold: counted exactly.
    with CaptureQueriesContext(connection) as filtered:
        client.get(reverse("admin:programmes_application_changelist") + "?source__exact=portal")
    assert any("COUNT(" in q["sql"] and table in q["sql"] for q in filtered)
