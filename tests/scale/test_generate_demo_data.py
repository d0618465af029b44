"""generate_demo_data: labelled, valid, reproducible synthetic records (small sizes here)."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from enterprises.models import Enterprise
from enterprises.validators import validate_credit_code
from programmes import tally
from programmes.models import Application, ApplicationTally, Call, Designation, Kind
from programmes.workflow import Status

pytestmark = pytest.mark.django_db

SIZES = {"enterprises": 40, "applications": 300, "year": 2025, "quiet": True, "force": True}


def generate(seed=7, **options):
    call_command("generate_demo_data", seed=seed, **{**SIZES, **options})


def snapshot(seed):
    marker = f"generate_demo_data seed {seed}"
    return [
        (a.enterprise.name, a.call.code, a.title, a.status, a.requested_amount, a.created_at)
        for a in Application.objects.filter(source_note=marker)
        .select_related("enterprise", "call")
        .order_by("pk")
    ]


def test_generates_labelled_valid_records_with_their_details():
    generate()

    enterprises = Enterprise.objects.filter(source="generate_demo_data seed 7")
    assert enterprises.count() == 40
    codes = list(enterprises.values_list("unified_social_credit_code", flat=True))
    assert len(set(codes)) == 40
    for code in codes:
        validate_credit_code(code)
    assert all(
        name.startswith("[演示数据] ") for name in enterprises.values_list("name", flat=True)
    )
    assert all(e.region_id and e.industry_id for e in enterprises)

    applications = Application.objects.filter(source_note="generate_demo_data seed 7")
    assert applications.count() == 300
    assert all(a.title.startswith("[演示数据] ") for a in applications)
    for application in applications.select_related(
        "product_detail", "project_detail", "designation_detail"
    ):
        assert application.detail is not None, application.kind
        assert application.region_id == application.enterprise.region_id
    # The demo calls are labelled too, eight rounds per programme.
    assert all(
        c.title.startswith("[演示数据] ") for c in Call.objects.filter(code__startswith="demo-")
    )


def test_status_mix_is_realistic():
    generate(applications=600)
    statuses = Counter(
        Application.objects.filter(source_note="generate_demo_data seed 7").values_list(
            "status", flat=True
        )
    )
    assert statuses[Status.REJECTED] > statuses[Status.GRANTED] > statuses[Status.DRAFT] > 0
    # Only designations are warned, revoked or expire; each granted one has its designation.
    for status in (Status.WARNED, Status.REVOKED, Status.EXPIRED):
        assert not Application.objects.filter(status=status).exclude(kind=Kind.DESIGNATION)
    granted_designations = Application.objects.filter(kind=Kind.DESIGNATION, status=Status.GRANTED)
    assert Designation.objects.filter(application__in=granted_designations).count() == (
        granted_designations.count()
    )
    # Drafts were never submitted; decided ones carry a decision date.
    assert not Application.objects.filter(status=Status.DRAFT, submitted_at__isnull=False)
    assert not Application.objects.filter(status=Status.GRANTED, decided_at__isnull=True)


def test_same_seed_gives_the_same_records():
    generate()
    first = snapshot(7)
    generate(clear=True)
    assert snapshot(7) == first
    assert Enterprise.objects.filter(source__startswith="generate_demo_data").count() == 40


def test_a_seed_is_not_generated_twice_and_other_seeds_add_to_it():
    generate()
    with pytest.raises(CommandError, match="already"):
        generate()
    generate(seed=8)
    assert Application.objects.filter(source_note__startswith="generate_demo_data").count() == 600
    assert Enterprise.objects.values("unified_social_credit_code").distinct().count() == 80


def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_demo_data", enterprises=2, applications=2, quiet=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_planner_knows_the_generated_rows_and_calls_at_once():
    """Statistics are gathered as the command ends (not left to autovacuum), the calls'
    included: without them PostgreSQL guessed one call per programme and chose slow
    plans for a programme's lists in the first benchmark after generating."""
    generate()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [["programmes_call", "programmes_application", "enterprises_enterprise"]],
        )
        estimated = dict(cursor.fetchall())
    assert estimated == {
        "programmes_call": Call.objects.count(),
        "programmes_application": Application.objects.count(),
        "enterprises_enterprise": Enterprise.objects.count(),
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the tally")
def test_the_tally_counts_the_generated_applications_in_one_row_each():
    """Each batch written appends its rows to the tally; the command folds them."""
    generate(batch_size=50)

    keys = Application.objects.values_list("call_id", "status", "kind").distinct()
    assert tally.differences() == []
    assert ApplicationTally.objects.count() == keys.count()
