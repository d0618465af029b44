"""Statistics of problems and service cases by county, category or kind, and month, as
each person's lists give them; the staff dashboard's way to them."""

from datetime import date

import pytest
from django.urls import reverse

from services import stats
from services.models import Problem, ServiceCase

pytestmark = pytest.mark.django_db

TODAY = date(2030, 6, 15)


@pytest.fixture
def records(enterprise, other_enterprise):
    """Nanhu: two problems (one overdue, one confirmed) and three cases over two months;
    Xiuzhou: one problem and one case."""

    def problem(target, category, raised_on, status=Problem.Status.OPEN, due_on=None):
        row = Problem.objects.create(
            enterprise=target, category=category, title="p", raised_on=raised_on, due_on=due_on
        )
        Problem.objects.filter(pk=row.pk).update(status=status)

    def case(target, kind, held_on):
        ServiceCase.objects.create(
            kind=kind, enterprise=target, held_on=held_on, department="d", conducted_by="c"
        )

    problem(enterprise, "financing", date(2030, 5, 2), Problem.Status.ASSIGNED, date(2030, 6, 1))
    problem(enterprise, "financing", date(2030, 6, 3), Problem.Status.CONFIRMED, date(2030, 6, 1))
    problem(other_enterprise, "venue", date(2030, 6, 4))
    case(enterprise, "visit", date(2030, 5, 10))
    case(enterprise, "visit", date(2030, 6, 10))
    case(enterprise, "diagnosis", date(2030, 6, 11))
    case(other_enterprise, "inspection", date(2030, 6, 12))


def test_cases_by_county_kind_and_month_for_staff(staff, records):
    by_county = {row["key"]: row for row in stats.cases_by(user=staff, field="county")}
    assert {k: (r["total"], r["visit"], r["diagnosis"]) for k, r in by_county.items()} == {
        "南湖区": (3, 2, 1),
        "秀洲区": (1, 0, 0),
    }
    by_kind = {row["key"]: row["total"] for row in stats.cases_by(user=staff, field="kind")}
    assert by_kind == {"diagnosis": 1, "inspection": 1, "visit": 2}
    by_month = [
        (row["key"].month, row["total"]) for row in stats.cases_by(user=staff, field="month")
    ]
    assert by_month == [(5, 1), (6, 3)]


def test_an_officer_counts_only_the_county_they_cover(officer, records):
    assert [row["key"] for row in stats.cases_by(user=officer, field="county")] == ["南湖区"]
    assert stats.problem_totals(user=officer, today=TODAY) == {
        "total": 2,
        "waiting": 1,
        "overdue": 1,
        "done": 1,
    }
    by_category = stats.problems_by(user=officer, field="category")
    assert [(row["total"], row["done"]) for row in by_category] == [(2, 1)]


def test_the_services_page_shows_cases_and_the_staff_dashboard_leads_there(client, staff, records):
    client.force_login(staff)
    page = client.get(reverse("services:dashboard"))
    assert page.status_code == 200
    assert page.context["problem_totals"]["total"] == 3
    text = page.content.decode()
    assert 'id="cases"' in text and "2030-05" in text

    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert f'href="{reverse("services:dashboard")}#problems"' in dashboard


def test_applicants_see_no_services_statistics(client, applicant, records):
    client.force_login(applicant)
    assert client.get(reverse("services:dashboard")).status_code == 403
