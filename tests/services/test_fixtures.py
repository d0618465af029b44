"""The documented service records in fixtures/08_services.json: they load (again without
duplicates) and say what the articles say, as announced figures where no record is
behind a count."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from programmes.management.commands.setup_demo import DOCUMENTED_FIXTURES
from services.models import AnnouncedFigure, Financing, Plan, PlanTarget, Platform
from services.stats import figures_beside_records, plan_progress, platform_progress

pytestmark = pytest.mark.django_db

SERVICES = [path for path in DOCUMENTED_FIXTURES if path.name == "08_services.json"]


@pytest.fixture(scope="module")
def documented_db(django_db_setup, django_db_blocker):
    """Loaded once for the module (the complete reference tables take seconds), in a
    transaction rolled back afterwards; each test's own transaction is a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def documented(documented_db):
    """For the tests that read the documented records."""


def test_services_fixture_is_among_the_documented_records():
    assert len(SERVICES) == 1


def test_loading_again_adds_nothing(documented):
    counts = (AnnouncedFigure.objects.count(), PlanTarget.objects.count(), Plan.objects.count())
    call_command("loaddata", *SERVICES, verbosity=0)
    assert counts == (
        AnnouncedFigure.objects.count(),
        PlanTarget.objects.count(),
        Plan.objects.count(),
    )
    assert counts == (3, 9, 3)


def test_xiangshan_inspections_and_problems_are_announced_beside_no_records(documented, staff):
    rows = {
        (row["measure"], row["year"]): row
        for row in figures_beside_records(user=staff, region_code="330225")
    }
    inspections = rows[(AnnouncedFigure.Measure.INSPECTIONS, 2019)]
    assert (inspections["announced"].value, inspections["announced"].more_than) == (50, True)
    assert inspections["on_record"] == 0
    solved = rows[(AnnouncedFigure.Measure.PROBLEMS_SOLVED, 2019)]
    assert (solved["announced"].value, solved["on_record"]) == (40, 0)
    assert "Xiangshan" in solved["announced"].source


def test_kpt_loan_is_a_financing_record(documented):
    loan = Financing.objects.get(enterprise__name="KPT New Materials Company")
    assert loan.kind == Financing.Kind.LOAN
    assert loan.amount == Decimal("2000000.00")
    assert loan.arranged_by == "Xiangshan Science and Technology Bureau"
    assert loan.case is None
    assert loan.enterprise.region.code == "330225"


def test_37_bay_center_holds_its_counts_and_target(documented):
    center = Platform.objects.get(name="37°Bay Xiangshan Technological Innovation Center")
    assert center.kind == Platform.Kind.INTEGRATED
    assert (center.announced_settled, center.announced_technological) == (65, 40)
    assert (center.target_projects, center.target_years) == (150, 3)
    progress = platform_progress(center)
    assert progress["settled_on_record"] == 0
    assert progress["announced_settled"] == 65


def test_jiaxing_release_conferences_2019_and_the_monthly_target(documented):
    figure = AnnouncedFigure.objects.get(
        measure=AnnouncedFigure.Measure.RELEASE_CONFERENCES, region__code="330400", year=2019
    )
    assert (figure.value, figure.more_than) == (9, False)
    target = PlanTarget.objects.get(code="release-conferences-a-month")
    assert target.target == 2
    assert target.plan.starts_on.isoformat() == "2020-04-01"
    assert target.counted_from == PlanTarget.Counted.RELEASE_CONFERENCES_A_MONTH


def test_jinhua_three_year_plan_targets(documented):
    plan = Plan.objects.get(code="jinhua-2020-intelligent-manufacturing")
    targets = {target.code: target for target in plan.targets.all()}
    assert targets["digital-workshops-smart-factories"].target == 200
    assert targets["industrial-robots"].target == 20000
    assert targets["industrial-robots"].comparison == PlanTarget.Comparison.MORE_THAN
    assert targets["key-industries-transformed"].unit == "%"
    assert targets["key-industries-transformed"].target == 80
    assert targets["national-leading-clusters"].target == 2
    assert targets["provincial-leading-clusters"].target == 10
    assert plan.announced_on.isoformat() == "2020-04-04"
    # Nothing is recorded against the plan: progress says so rather than inventing one.
    rows = plan_progress(plan)
    assert {row["actual"] for row in rows} == {None}


def test_jiaxing_new_materials_plan_has_no_invented_targets(documented):
    plan = Plan.objects.get(code="jiaxing-new-materials-cluster-2023-2025")
    assert not plan.targets.exists()
    assert "industry chain docking" in plan.description
