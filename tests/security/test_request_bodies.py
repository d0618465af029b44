"""Request bodies within limits: a deep or oversized JSON body is a 400 in the API's error
shape, never a server error, on every endpoint that reads one, anonymous or signed in."""

import json
import urllib.error
import urllib.request

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from core.api import JSON_MAX_DEPTH, json_depth
from tests import factories

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000


def staff_client(staff):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(staff)}")
    return client


def assert_bad_body(response, words):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "parse_error"
    assert words in body["message"]
    assert body["fields"] == {}


def test_a_deeply_nested_body_is_refused_anonymously():
    response = APIClient().post("/api/v1/auth/token/", DEEP, content_type="application/json")

    assert_bad_body(response, f"deeper than {JSON_MAX_DEPTH} levels")


def test_a_deeply_nested_body_is_refused_on_every_writing_endpoint(staff, enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise)
    client = staff_client(staff)
    for url in (
        "/api/v1/applications/",
        f"/api/v1/applications/{application.pk}/transitions/",
        "/api/v1/tokens/",
    ):
        response = client.post(url, DEEP, content_type="application/json")
        assert_bad_body(response, "deeper than")
    response = client.patch(
        f"/api/v1/applications/{application.pk}/", DEEP, content_type="application/json"
    )
    assert_bad_body(response, "deeper than")
    application.refresh_from_db()
    assert application.events.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_size_limit_is_refused(staff):
    body = json.dumps({"username": "x" * 2000, "password": "y"})

    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")

    assert_bad_body(response, "larger than 1000 bytes")


def test_brackets_inside_strings_do_not_count(staff):
    staff.set_password("correct-horse-battery-staple")
    staff.save()
    body = json.dumps({"username": staff.username, "password": "[" * 500 + '"{' * 100})

    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] != "parse_error"  # read, then refused as wrong credentials


def test_depth_counts_arrays_and_objects_outside_strings():
    assert json_depth('{"a": [1, {"b": [2]}]}') == 4
    assert json_depth('{"a": "[[[[", "b": "\\"[{"}') == 1
    assert json_depth('"unclosed [[[[') == 0
    assert json_depth("") == 0


def test_over_real_http_the_answer_is_json_not_a_server_error(live_server):
    request = urllib.request.Request(  # noqa: S310  (the test's own server)
        f"{live_server.url}/api/v1/auth/token/",
        data=DEEP.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310

    assert refused.value.code == 400
    assert json.load(refused.value)["code"] == "parse_error"
