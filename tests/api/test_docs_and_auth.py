"""Schema, offline docs, tokens, throttling and the one error shape."""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from core.models import AuditEntry
from enterprises.models import ApiToken
from tests import factories
from tests.api.conftest import ids

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "patch", "put", "delete"}


@pytest.fixture
def schema(client_for):
    response = client_for(None).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_lists_every_resource(schema):
    resources = {path.split("/")[3] for path in schema["paths"]}

    assert {
        "regions",
        "industries",
        "enterprises",
        "programmes",
        "calls",
        "applications",
        "designations",
    } <= resources
    assert "/api/v1/applications/{id}/transitions/" in schema["paths"]


def test_every_operation_is_described_and_documents_the_error_shape(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            assert operation.get("summary"), (method, path)
            for code in ("400", "401", "403", "404", "429"):
                reference = operation["responses"][code]["content"]["application/json"]
                assert reference["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_with_a_body_shows_an_example(schema):
    def has_example(content):
        return any("example" in media or "examples" in media for media in content.values())

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            bodies = [
                response["content"]
                for code, response in operation["responses"].items()
                if code.startswith("2") and "content" in response
            ]
            if "requestBody" in operation:
                bodies.append(operation["requestBody"]["content"])
            assert all(has_example(content) for content in bodies), (method, path)


def test_transition_post_documents_409(schema):
    post = schema["paths"]["/api/v1/applications/{id}/transitions/"]["post"]

    assert "409" in post["responses"]


def test_swagger_ui_is_served_from_local_static_files(client_for):
    response = client_for(None).get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn." not in page and "jsdelivr" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_password_exchange_gives_a_token_that_works(world, client_for, applicant):
    anonymous = client_for(None)
    response = anonymous.post(
        "/api/v1/auth/token/", {"username": "applicant", "password": "correct-horse-battery"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["user"], body["username"]) == ("default", applicant.pk, "applicant")
    issued = ApiToken.objects.get(pk=body["id"], user=applicant)
    assert body["expiry"] == issued.expiry.astimezone().isoformat()
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert ids(anonymous.get("/api/v1/enterprises/")) == {applicant.memberships.get().enterprise_id}


def test_wrong_password_is_a_400_and_no_token(client_for, applicant):
    response = client_for(None).post(
        "/api/v1/auth/token/", {"username": "applicant", "password": "wrong"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not ApiToken.objects.filter(user=applicant).exists()


def test_an_overlong_user_name_is_a_400_not_a_server_error(client_for):
    response = client_for(None).post(
        "/api/v1/auth/token/", {"username": "x" * 300, "password": "correct-horse-battery"}
    )

    assert response.status_code == 400
    assert response.json()["fields"]["username"]


@pytest.fixture
def service_account():
    from django.contrib.auth.models import Group

    from core.roles import BUREAU_STAFF, SERVICE_ACCOUNTS

    account = factories.UserFactory(username="provincial-platform")
    account.set_unusable_password()
    account.save()
    account.groups.add(*Group.objects.filter(name__in=[SERVICE_ACCOUNTS, BUREAU_STAFF]))
    return account


@pytest.fixture
def administrator():
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def test_an_administrator_issues_a_service_accounts_token_and_staff_revoke_it(
    client_for, administrator, staff, service_account
):
    issued = client_for(administrator).post("/api/v1/tokens/", {"user": service_account.pk})
    assert issued.status_code == 201
    key = issued.json()["token"]
    holder = client_for(None)
    holder.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert holder.get("/api/v1/regions/").status_code == 200
    staff_client = client_for(staff)
    listed = staff_client.get("/api/v1/tokens/").json()["results"]
    (row,) = [row for row in listed if row["user"] == service_account.pk]
    assert all("key" not in row and "token" not in row and "digest" not in row for row in listed)
    assert key.startswith(row["prefix"]) and key not in json.dumps(listed)

    assert staff_client.delete(f"/api/v1/tokens/{row['id']}/").status_code == 204

    assert holder.get("/api/v1/regions/").status_code == 401
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.TOKEN).order_by("pk")
    assert [(entry.actor, entry.object_id) for entry in entries] == [
        (administrator, str(service_account.pk)),
        (staff, str(service_account.pk)),
    ]
    assert "“default” issued to provincial-platform by root" in entries[0].detail
    assert "“default” of provincial-platform revoked by staff" in entries[1].detail
    assert staff_client.delete(f"/api/v1/tokens/{row['id']}/").status_code == 404


def test_nobody_obtains_a_token_for_a_person(
    client_for, administrator, staff, applicant, service_account
):
    superuser = factories.UserFactory(username="other-root", is_staff=True, is_superuser=True)
    person_marked_as_service = factories.UserFactory(username="marked-but-signs-in")
    person_marked_as_service.groups.add(*service_account.groups.all())
    refused = [
        (staff, service_account),  # staff are not administrators
        (staff, superuser),
        (administrator, applicant),  # a person
        (administrator, superuser),
        (administrator, person_marked_as_service),  # has a password: a person
    ]
    for actor, holder in refused:
        response = client_for(actor).post("/api/v1/tokens/", {"user": holder.pk})
        assert response.status_code == 403, (actor, holder)
        assert response.json()["code"] == "permission_denied"
        assert "issued to its holder only" in response.json()["message"]
    assert set(ApiToken.objects.values_list("user__username", flat=True)) == {"root", "staff"}
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.TOKEN).exists()


def test_ones_own_token_by_password_is_audited(client_for, applicant):
    applicant.set_password("correct-horse-battery-staple")
    applicant.save()
    response = client_for(None).post(
        "/api/v1/auth/token/",
        {"username": applicant.username, "password": "correct-horse-battery-staple"},
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.TOKEN)
    assert (entry.actor, entry.object_id) == (applicant, str(applicant.pk))


def test_reissuing_under_a_name_replaces_that_token_only(
    client_for, administrator, service_account
):
    client = client_for(administrator)

    def issue(name):
        response = client.post("/api/v1/tokens/", {"user": service_account.pk, "name": name})
        assert response.status_code == 201, response.content
        return response.json()

    first, other, second = issue("sync"), issue("report"), issue("sync")

    assert first["token"] != second["token"]
    assert set(ApiToken.objects.filter(user=service_account).values_list("pk", flat=True)) == {
        other["id"],
        second["id"],
    }
    holder = client_for(None)
    for body, works in [(first, False), (other, True), (second, True)]:
        holder.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
        assert holder.get("/api/v1/regions/").status_code == (200 if works else 401)
    assert "replaces the earlier one" in AuditEntry.objects.latest("pk").detail


def test_a_holder_has_a_limited_number_of_tokens(
    settings, client_for, administrator, service_account
):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    client = client_for(administrator)
    for name in ["a", "b"]:
        assert (
            client.post("/api/v1/tokens/", {"user": service_account.pk, "name": name}).status_code
            == 201
        )

    refused = client.post("/api/v1/tokens/", {"user": service_account.pk, "name": "c"})

    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert "already holds 2 unexpired API tokens" in refused.json()["message"]
    replaced = client.post("/api/v1/tokens/", {"user": service_account.pk, "name": "b"})
    assert replaced.status_code == 201
    ApiToken.objects.filter(user=service_account, name="a").update(expiry=timezone.now())
    assert (
        client.post("/api/v1/tokens/", {"user": service_account.pk, "name": "c"}).status_code == 201
    )
    assert set(ApiToken.objects.filter(user=service_account).values_list("name", flat=True)) == {
        "b",
        "c",
    }


def test_staff_list_every_token_with_its_name_and_expiry(
    client_for, staff, administrator, service_account
):
    issued = client_for(administrator).post(
        "/api/v1/tokens/", {"user": service_account.pk, "name": "provincial-platform"}
    )
    old_key = factories.api_key(service_account, name="old")
    ApiToken.objects.filter(user=service_account, name="old").update(
        expiry=timezone.now() - timedelta(days=1)
    )

    listed = client_for(staff).get("/api/v1/tokens/").json()["results"]

    rows = {row["name"]: row for row in listed if row["user"] == service_account.pk}
    assert set(rows) == {"provincial-platform", "old"}
    token = ApiToken.objects.get(pk=issued.json()["id"])
    assert rows["provincial-platform"] == {
        "id": token.pk,
        "user": service_account.pk,
        "username": "provincial-platform",
        "name": "provincial-platform",
        "prefix": issued.json()["token"][:15],
        "created": token.created.astimezone().isoformat(),
        "expiry": token.expiry.astimezone().isoformat(),
        "expired": False,
    }
    assert rows["old"]["expired"] is True
    assert old_key not in json.dumps(listed)


def test_a_token_expires_after_the_configured_days(client_for, applicant):
    response = client_for(None).post(
        "/api/v1/auth/token/", {"username": "applicant", "password": "correct-horse-battery"}
    )

    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.expiry - token.created == pytest.approx(
        timedelta(days=90), abs=timedelta(seconds=5)
    )


def test_an_expired_token_is_refused_with_its_own_code(client_for, applicant):
    client = client_for(applicant)
    assert client.get("/api/v1/applications/").status_code == 200
    ApiToken.objects.filter(user=applicant).update(expiry=timezone.now())

    response = client.get("/api/v1/applications/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "status": 401,
        "code": "token_expired",
        "message": "This token has expired; obtain a new one.",
        "fields": {},
    }
    assert ApiToken.objects.filter(user=applicant).exists()  # listed as expired until replaced


def test_a_key_that_is_not_utf8_or_unknown_is_a_401(client_for, applicant):
    key = factories.api_key(applicant)
    client = client_for(None)
    for sent in [key[:-1] + "0" if key[-1] != "0" else key[:-1] + "1", "é" * 64, key[:15]]:
        response = client.get(
            "/api/v1/applications/", HTTP_AUTHORIZATION=f"Token {sent}".encode().decode("latin-1")
        )
        assert response.status_code == 401, sent
        assert response.json()["code"] == "authentication_failed"


def test_deleting_your_token_revokes_the_one_you_send(client_for, applicant, client):
    first, second = (client_for(None), client_for(None))
    keys = []
    for client_, name in [(first, "one"), (second, "two")]:
        body = client_.post(
            "/api/v1/auth/token/",
            {"username": "applicant", "password": "correct-horse-battery", "name": name},
        ).json()
        client_.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
        keys.append(body["token"])

    assert first.delete("/api/v1/auth/token/").status_code == 204

    assert first.get("/api/v1/programmes/").status_code == 401
    assert second.get("/api/v1/programmes/").status_code == 200
    assert "“one” of applicant revoked by applicant" in AuditEntry.objects.latest("pk").detail
    # A browser signed in with its session revokes them all.
    client.force_login(applicant)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert second.get("/api/v1/programmes/").status_code == 401
    assert not ApiToken.objects.filter(user=applicant).exists()


@pytest.mark.parametrize("path", ["/api/v1/tokens/abc/", "/api/v1/tokens/%0A7/"])
def test_a_token_path_that_is_no_id_is_a_404_in_the_error_shape(client_for, staff, path):
    response = client_for(staff).delete(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unauthenticated_answer_is_401_with_a_token_challenge(client_for):
    response = client_for(None).get("/api/v1/enterprises/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "status": 401,
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }


def test_session_authentication_works_for_signed_in_browsers(world, client, applicant):
    client.force_login(applicant)

    response = client.get("/api/v1/applications/")

    assert response.status_code == 200
    assert ids(response) == {world.draft.pk, world.submitted.pk, world.granted.pk}


def test_method_not_allowed_uses_the_error_shape(client_for, staff, world):
    response = client_for(staff).put(f"/api/v1/applications/{world.draft.pk}/", {})

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_anonymous_callers_are_throttled(settings, client_for):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/minute",
        },
    }
    anonymous = client_for(None)

    statuses = [anonymous.get("/api/v1/programmes/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    throttled = anonymous.get("/api/v1/programmes/")
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0


def test_signed_in_callers_are_throttled_by_user(settings, client_for, applicant):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "2/minute",
        },
    }
    client = client_for(applicant)

    statuses = [client.get("/api/v1/programmes/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert client_for(None).get("/api/v1/programmes/").status_code == 200


# serialized_rollback: the roles (groups) come from a data migration, and an earlier
# transactional test may have flushed them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_http_client_reads_with_a_token(live_server, staff, world):
    """Through a real socket with the standard library: no test client involved."""
    key = factories.api_key(staff)
    url = f"{live_server.url}/api/v1/applications/?region=330400&status=granted"

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{live_server.url}/api/v1/enterprises/", timeout=10)  # noqa: S310
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["code"] == "not_authenticated"

    signed = urllib.request.Request(url, headers={"Authorization": f"Token {key}"})  # noqa: S310
    with urllib.request.urlopen(signed, timeout=10) as response:  # noqa: S310
        body = json.loads(response.read())
    assert {row["id"] for row in body["results"]} == {world.granted.pk, world.other_granted.pk}

    move = urllib.request.Request(  # noqa: S310
        f"{live_server.url}/api/v1/applications/{world.draft.pk}/transitions/",
        data=json.dumps({"transition": "grant", "expected_status": "draft"}).encode(),
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as conflict:
        urllib.request.urlopen(move, timeout=10)  # noqa: S310
    assert conflict.value.code == 409
    assert json.loads(conflict.value.read())["code"] == "transition_refused"

    bundle = (
        f"{live_server.url}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    )
    with urllib.request.urlopen(bundle, timeout=10) as response:  # noqa: S310
        assert response.status == 200


def test_the_api_root_links_every_resource_and_the_docs(client_for):
    response = client_for(None).get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert {
        "regions",
        "industries",
        "enterprises",
        "programmes",
        "calls",
        "applications",
        "designations",
    } <= set(body["resources"])
    assert body["resources"]["applications"] == "http://testserver/api/v1/applications/"
    assert body["docs"] == "http://testserver/api/v1/docs/"
    assert client_for(None).get(body["schema"]).status_code == 200
    assert client_for(None).get(body["docs"]).status_code == 200
    assert client_for(None).get(body["resources"]["regions"]).status_code == 401
