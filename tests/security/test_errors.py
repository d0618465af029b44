"""Errors: a plain page with no trace when something breaks, and 4xx (never 500) for bad input.

The suite runs with DEBUG off (config/settings/test.py), as production does.
"""

import logging
from urllib.parse import urlencode

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.security.urls_boom")
def test_a_server_error_shows_a_plain_page_and_is_logged(client, caplog):
    assert settings.DEBUG is False
    client.raise_request_exception = False

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "hunter2" not in page and "Traceback" not in page and "RuntimeError" not in page
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info and "hunter2" in str(record.exc_info[1])


def test_a_missing_page_is_the_plain_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_refused_page_is_the_plain_403_page(client, officer):
    client.force_login(officer)

    response = client.get("/dashboard/")

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_a_request_for_an_unknown_host_is_a_400_not_a_500(client):
    response = client.get("/", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()


# --- Bad query parameters --------------------------------------------------------------

PAGES = [
    "/",
    "/calls/",
    "/notices/",
    "/results/",
    "/applications/",
    "/notifications/",
    "/enterprise/link/",
    "/county/queue/",
    "/desk/",
    "/dashboard/",
    "/dashboard/export/announced.xlsx",
    "/admin/programmes/application/",
    "/admin/enterprises/enterprise/",
    "/admin/core/auditentry/",
    "/api/v1/applications/",
    "/api/v1/enterprises/",
    "/api/v1/calls/",
    "/api/v1/programmes/",
    "/api/v1/designations/",
    "/api/v1/regions/",
]

BAD = {
    "year": ["abc", "99999999999999999999", "-1"],
    "page": ["-1", "abc", "99999"],
    "page_size": ["100000", "abc"],
    "status": ["bogus"],
    "status__exact": ["bogus"],
    "region": ["abc", "99999999999999999999"],
    "programme": ["\x00", "nope"],
    "call": ["1e9"],
    "q": ["\x00", "x" * 5000],
    "search": ["\x00"],
    "o": ["abc", "99"],
    "ordering": ["bogus", "-password"],
    "code": ["\x00"],
    "valid_on": ["2020-13-45"],
    "submitted_after": ["yesterday"],
    "awarded_amount_min": ["1e999", "NaN"],
    "cursor": ["bogus"],
    "at__gte": ["never"],
}


def queries():
    for name, values in BAD.items():
        for value in values:
            yield urlencode({name: value})


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", PAGES)
def test_bad_query_parameters_never_cause_a_server_error(staff_client, url):
    answers = {query: staff_client.get(f"{url}?{query}").status_code for query in queries()}

    assert {query: status for query, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize("query", ["status=bogus", "year=abc", "region=abc", "search=%00"])
def test_the_api_answers_400_to_a_bad_filter(staff_client, query):
    response = staff_client.get(f"/api/v1/applications/?{query}")

    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_a_nul_character_in_a_query_is_a_400_everywhere(staff_client):
    for url in ["/results/?programme=%00", "/admin/enterprises/enterprise/?q=%00", "/?x=%00"]:
        assert staff_client.get(url).status_code == 400, url


def test_a_nul_character_in_the_token_or_the_session_cookie_is_a_400(client):
    client.raise_request_exception = False
    token = client.get("/api/v1/applications/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert token.status_code == 400
    assert token.json()["code"] == "invalid"

    cookie = "sessionid=abcdefgh\x00ijklmnop"
    assert client.get("/applications/", HTTP_COOKIE=cookie).status_code == 400
    assert client.get("/api/v1/applications/", HTTP_COOKIE=cookie).status_code == 400


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "url", ["/admin/programmes/application/", "/admin/enterprises/enterprise/"]
)
def test_an_admin_filter_no_column_can_hold_is_refused_outside_a_transaction(client, staff, url):
    """A page view runs in autocommit (no savepoint around the list): a value the database
    cannot compare (SQLite: "Python int too large") gives Django's invalid-filter redirect,
    and the connection serves the next page."""
    client.force_login(staff)
    client.raise_request_exception = False

    refused = client.get(f"{url}?region=99999999999999999999")
    listed = client.get(url)

    assert refused.status_code in (200, 302)
    if refused.status_code == 302:
        assert refused["Location"].endswith("?e=1")
    assert listed.status_code == 200
