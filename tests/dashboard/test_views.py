"""The dashboard page and its xlsx exports: who may open them, what they show, how fast."""

import io

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from programmes.workflow import Status
from tests import factories
from tests.dashboard.conftest import make_application

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboard:index")


def export_url(table):
    return reverse("dashboard:export", args=[table])


def test_staff_see_the_dashboard(client, staff, dataset):
    client.force_login(staff)

    response = client.get(INDEX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "15 announced / 3 recorded" in body
    assert "8 announced / 2 recorded" in body
    assert body.count("<svg") >= 8
    assert 'role="img"' in body
    assert '<title id="chart-programme-title">Applications and selections by programme' in body


@pytest.mark.parametrize("who", ["applicant", "officer", "expert"])
def test_other_roles_are_refused(client, request, who, dataset):
    client.force_login(request.getfixturevalue(who))

    assert client.get(INDEX).status_code == 403
    assert client.get(export_url("programme")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, dataset):
    response = client.get(INDEX)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert client.get(export_url("programme")).status_code == 302


def test_filters_come_from_the_query_string(client, staff, dataset):
    client.force_login(staff)

    response = client.get(INDEX, {"year": "2023", "region": "330400"})

    body = response.content.decode()
    assert "南湖区" in body and "秀洲区" in body
    assert "宁波市" not in body.split("<section", 1)[1]
    assert "57 announced" not in body


def test_an_invalid_filter_is_reported_and_ignored(client, staff, dataset):
    client.force_login(staff)

    response = client.get(INDEX, {"year": "1999", "region": "nowhere"})

    assert response.status_code == 200
    assert response.context["filters"].year is None
    assert response.context["filters"].region is None
    assert response.context["form"].errors.keys() == {"year", "region"}


def test_the_dashboard_renders_in_chinese(client, staff, dataset):
    client.force_login(staff)

    response = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_each_table_exports_to_xlsx_with_its_figures(client, staff, dataset):
    client.force_login(staff)

    response = client.get(export_url("region"), {"year": "2023", "region": "330400"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "programme-desk-region-2023-330400.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert rows[0] == [
        "Region",
        "Applications",
        "Selected",
        "Requested (yuan)",
        "Awarded (yuan)",
    ]
    assert rows[1] == ["南湖区", 4, 3, 0, 100000]
    assert rows[2] == ["秀洲区", 3, 2, 4050000, 3000000]
    assert rows[3] == ["Total", 7, 5, 4050000, 3100000]


@pytest.mark.parametrize("table", ["announced", "programme", "region", "year", "level", "status"])
def test_every_table_on_the_page_has_a_working_export(client, staff, dataset, table):
    client.force_login(staff)

    response = client.get(export_url(table))

    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.max_row > 4


def test_an_unknown_table_is_not_found(client, staff, dataset):
    client.force_login(staff)

    assert client.get(export_url("salaries")).status_code == 404


def test_exported_text_that_looks_like_a_formula_is_neutralised(client, staff, dataset):
    dataset.materials.name = '=HYPERLINK("http://evil.example","click")'
    dataset.materials.save()
    dataset.silk.name = "@SUM(1+1)"
    dataset.silk.save()
    client.force_login(staff)

    response = client.get(export_url("programme"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {sheet.cell(row=row, column=1).value for row in range(5, sheet.max_row + 1)}
    assert '\'=HYPERLINK("http://evil.example","click")' in names
    assert "'@SUM(1+1)" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def count_queries(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(INDEX, {"year": "2023", "region": "330400"}).status_code == 200
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_data(client, staff, dataset):
    client.force_login(staff)
    before = count_queries(client)

    for region in (dataset.nanhu, dataset.xiuzhou):
        for status in (Status.GRANTED, Status.SUBMITTED, Status.REJECTED):
            other = factories.ProgrammeFactory()
            call = factories.CallFactory(programme=other, year=2023, announced_count=3)
            make_application(call, region, status, requested=1000)
            make_application(dataset.materials_2023, region, status)

    assert count_queries(client) == before
    # The programmes' figures, then the aftercare panel's three (obligations, quota, claims).
    assert before <= 22


def test_the_portal_menu_leads_staff_and_only_staff_to_the_dashboard(client, staff, dataset):
    link = f'href="{reverse("dashboard:index")}"'
    client.force_login(staff)
    assert link in client.get(reverse("programmes:calls")).content.decode()

    client.force_login(factories.applicant_for(factories.EnterpriseFactory()))
    assert link not in client.get(reverse("programmes:calls")).content.decode()
