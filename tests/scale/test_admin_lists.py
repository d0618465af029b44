"""The application changelist's scale measures keep what staff see: same rows, same order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes.models import Application, Kind
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


def titles(response):
    return [application.title for application in response.context["cl"].result_list]


@pytest.fixture
def two_years(enterprise):
    """Three applications in each of two years' calls, created a day apart."""
    now = timezone.now()
    made = []
    for year in (2019, 2025):
        call = factories.CallFactory(year=year)
        for n in range(3):
            application = factories.ApplicationFactory(
                enterprise=enterprise, call=call, title=f"{year}-{n}", status=Status.GRANTED
            )
            Application.objects.filter(pk=application.pk).update(
                created_at=now - timedelta(days=(2026 - year) * 365 - n)
            )
            made.append(application)
    return made


def test_year_filter_lists_that_year_newest_first(client, staff, two_years):
    client.force_login(staff)
    url = reverse("admin:programmes_application_changelist")

    response = client.get(url, {"year": 2019})

    assert titles(response) == ["2019-2", "2019-1", "2019-0"]
    # A column chosen by the user still orders the list (here: title, ascending).
    response = client.get(url, {"year": 2019, "o": "1"})
    assert titles(response) == ["2019-0", "2019-1", "2019-2"]


def test_unfiltered_list_is_newest_first_with_each_rows_detail(client, staff, two_years):
    client.force_login(staff)

    response = client.get(reverse("admin:programmes_application_changelist"))

    assert titles(response) == ["2025-2", "2025-1", "2025-0", "2019-2", "2019-1", "2019-0"]
    assert response.content.count(b"\xe7\xba\xb3\xe7\xb1\xb3") == 6  # "纳米", the product name
    assert all(a.kind == Kind.PRODUCT for a in response.context["cl"].result_list)


def test_filter_choices_never_read_the_applications_table(client, staff, two_years):
    """Choice lists come from programmes, calls and regions (RelatedOnlyFieldListFilter
    would SELECT DISTINCT over every application on each page view)."""
    client.force_login(staff)
    url = reverse("admin:programmes_application_changelist")
    client.get(url)
    table = f'FROM "{Application._meta.db_table}"'

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    filters = {str(spec.title): spec for spec in response.context["cl"].filter_specs}
    choices = [c["display"] for c in filters["programme"].choices(response.context["cl"])]
    assert two_years[0].call.programme.name in choices
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"] and table in q["sql"]]


def call_choices(response) -> list[str]:
    """The call filter's choices; none when the admin hides it (one call or none to pick)."""
    cl = response.context["cl"]
    specs = [spec for spec in cl.filter_specs if getattr(spec, "field_path", "") == "call"]
    return [str(choice["display"]) for spec in specs for choice in spec.choices(cl)][1:]


def test_call_filter_offers_the_calls_of_the_chosen_programme_and_year(client, staff, enterprise):
    programme = factories.ProgrammeFactory()
    ours = [factories.CallFactory(programme=programme, year=year) for year in (2024, 2025, 2025)]
    other = factories.CallFactory(year=2025)
    client.force_login(staff)
    url = reverse("admin:programmes_application_changelist")

    everything = call_choices(client.get(url))
    by_programme = call_choices(client.get(url, {"programme__id__exact": programme.pk}))
    year_page = client.get(url, {"programme__id__exact": programme.pk}).content.decode()
    # Follow the year filter's own link, as staff do.
    assert "year=2025" in year_page
    by_both = call_choices(client.get(url, {"programme__id__exact": programme.pk, "year": 2025}))
    # A call already chosen stays on the list, whatever else is chosen.
    chosen = call_choices(
        client.get(url, {"programme__id__exact": programme.pk, "call__id__exact": other.pk})
    )

    assert set(everything) == {str(call) for call in [*ours, other]}
    assert set(by_programme) == {str(call) for call in ours}
    assert set(by_both) == {str(ours[1]), str(ours[2])}
    assert set(chosen) == {str(call) for call in [*ours, other]}


@pytest.mark.parametrize("query", [{}, {"year": "2019", "status__exact": "granted"}])
def test_row_links_carry_the_lists_filters_as_django_writes_them(client, staff, two_years, query):
    """Each row's link is built from one reversal per page, not a resolution per row:
    the same link Django's add_preserved_filters writes, returning to the same list."""
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
    from django.utils.http import urlencode

    client.force_login(staff)
    url = reverse("admin:programmes_application_changelist")

    response = client.get(url, query)

    preserved = urlencode({"_changelist_filters": urlencode(query)}) if query else ""
    shown = [a for a in two_years if not query or a.call.year == 2019]
    for application in shown:
        change = reverse("admin:programmes_application_change", args=[application.pk])
        expected = add_preserved_filters(
            {"preserved_filters": preserved, "opts": Application._meta}, change
        )
        assert f'href="{expected.replace("&", "&amp;")}"' in response.text
    assert ("_changelist_filters" in response.text) == bool(query)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan asked is PostgreSQL's")
def test_a_rounds_queue_is_read_in_order_from_one_index_alone(two_years):
    """Staff's queue (a programme's applications in one status, newest first) is read
    call by call: each call's entries in that status come from the (call, status,
    created_at, id) index in order, without visiting the table. With table reads and
    table-visiting index scans priced out, the planner has no other way to answer."""
    call = two_years[0].call
    queue = (
        Application.objects.filter(call=call, status=Status.GRANTED)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        for scan in ("seqscan", "indexscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        plan = queue.explain()

    assert list(queue) == [a.pk for a in reversed(two_years[:3])]
    assert "Index Only Scan using application_call_queue on programmes_application" in plan
    assert "Sort" not in plan
