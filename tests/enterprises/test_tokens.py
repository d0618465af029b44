"""API tokens at rest and in admin: only a digest is stored, DRF's clear keys are gone,
and staff list, issue (by the same rule as the API) and revoke them in admin."""

import hashlib
import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.roles import BUREAU_STAFF, SERVICE_ACCOUNTS
from enterprises import access
from enterprises.models import ApiToken
from enterprises.tokens import token_issue
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:enterprises_apitoken_changelist"
ADD = "admin:enterprises_apitoken_add"


@pytest.fixture
def administrator():
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def service_account():
    account = factories.UserFactory(username="provincial-platform")
    account.set_unusable_password()
    account.save()
    account.groups.add(*Group.objects.filter(name__in=[SERVICE_ACCOUNTS, BUREAU_STAFF]))
    return account


# --- At rest -------------------------------------------------------------------------


def test_only_a_digest_of_the_key_is_stored_and_backed_up(administrator, service_account):
    token, key = token_issue(user=service_account, actor=administrator, name="sync")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert len(key) == 64
    assert stored["digest"] == hashlib.sha512(key.encode()).hexdigest()
    assert key not in {str(value) for value in stored.values()}
    assert key.startswith(stored["token_key"]) and len(stored["token_key"]) == 15
    # Every row of every table, as the serializers write it: what the database holds, and
    # so what a backup (a copy of the database) carries.
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert stored["digest"] in dump.getvalue()
    assert key not in dump.getvalue()
    assert not AuditEntry.objects.filter(detail__contains=key[15:]).exists()


def test_every_token_has_a_name_and_an_expiry(applicant):
    factories.api_key(applicant, name="report")

    token = ApiToken.objects.get(user=applicant)
    assert token.name == "report"
    assert timedelta(days=89) < token.expiry - timezone.now() <= timedelta(days=90)
    assert str(token) == "applicant · report"


def test_the_upgrade_drops_every_clear_key_of_drf_tokens(applicant):
    """DRF's table, its content types, permissions and migration records go; the admin log
    keeps its entries without the key it held as the token's name."""
    key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id integer)"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [key, timezone.now(), applicant.pk],
        )
    old_type = ContentType.objects.create(app_label="authtoken", model="tokenproxy")
    Permission.objects.create(content_type=old_type, codename="view_tokenproxy", name="x")
    logged = LogEntry.objects.create(
        user=applicant,
        content_type=old_type,
        object_id=str(applicant.pk),
        object_repr=key,
        action_flag=ADDITION,
    )
    MigrationRecorder(connection).record_applied("authtoken", "0004_alter_tokenproxy_options")
    migration = importlib.import_module("enterprises.migrations.0004_api_tokens")
    # Not entered: inside the test's transaction SQLite could not turn its key checks off.
    editor = connection.schema_editor()

    migration.drop_clear_tokens(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not Permission.objects.filter(codename="view_tokenproxy").exists()
    assert not MigrationRecorder(connection).migration_qs.filter(app="authtoken").exists()
    logged.refresh_from_db()
    assert key not in (logged.object_repr, logged.object_id)
    # Run again (a database that never had DRF's tokens): nothing to do, no error.
    migration.drop_clear_tokens(apps, editor)


# --- Admin ---------------------------------------------------------------------------


@pytest.fixture
def tokens(applicant, service_account):
    factories.api_key(applicant, name="my-script")
    factories.api_key(service_account, name="provincial-platform")
    factories.api_key(service_account, name="retired-sync")
    ApiToken.objects.filter(name="retired-sync").update(expiry=timezone.now() - timedelta(days=1))
    return {token.name: token for token in ApiToken.objects.all()}


def shown(response):
    return {token.name for token in response.context["cl"].result_list}


def test_staff_list_tokens_with_name_prefix_and_expiry_never_the_key(client, staff, tokens):
    client.force_login(staff)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert shown(response) == {"my-script", "provincial-platform", "retired-sync"}
    page = response.content.decode()
    for token in tokens.values():
        assert f"{token.token_key}…" in page
        assert token.digest not in page
    assert "provincial-platform" in page and "applicant" in page
    view = client.get(reverse("admin:enterprises_apitoken_change", args=[tokens["my-script"].pk]))
    assert view.status_code == 200
    assert tokens["my-script"].digest not in view.content.decode()


def test_staff_search_and_filter_tokens(client, staff, tokens):
    client.force_login(staff)

    def names(**query):
        return shown(client.get(reverse(CHANGELIST), query))

    assert names(q="provincial") == {"provincial-platform", "retired-sync"}  # user or name
    assert names(q="script") == {"my-script"}
    assert names(q=tokens["my-script"].token_key) == {"my-script"}
    assert names(expired="yes") == {"retired-sync"}
    assert names(expired="no") == {"my-script", "provincial-platform"}


@pytest.mark.parametrize(
    ("role", "sees"), [("staff", True), ("officer", False), ("expert", False), ("applicant", False)]
)
def test_the_token_list_is_staffs_alone(request, tokens, role, sees):
    listed = set(access.token_list(user=request.getfixturevalue(role)))

    assert listed == (set(tokens.values()) if sees else set())


@pytest.mark.parametrize("role", ["officer", "expert", "applicant"])
def test_only_staff_see_tokens_in_admin(request, client, tokens, role):
    client.force_login(request.getfixturevalue(role))
    token = tokens["my-script"]

    for url in [
        reverse(CHANGELIST),
        reverse(ADD),
        reverse("admin:enterprises_apitoken_change", args=[token.pk]),
        reverse("admin:enterprises_apitoken_delete", args=[token.pk]),
    ]:
        assert client.get(url).status_code in {302, 403}, url
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_an_administrator_issues_a_service_accounts_token_and_sees_the_key_once(
    client, administrator, service_account, staff
):
    client.force_login(administrator)

    refused = client.post(reverse(ADD), {"user": staff.pk, "name": "staff-script"})
    assert refused.status_code == 200
    assert "issued to its holder only" in refused.content.decode()
    assert not ApiToken.objects.filter(user=staff).exists()

    issued = client.post(reverse(ADD), {"user": service_account.pk, "name": "sync"})

    assert issued.status_code == 200
    token = ApiToken.objects.get(user=service_account, name="sync")
    key = issued.context["key"]
    assert hashlib.sha512(key.encode()).hexdigest() == token.digest
    assert key in issued.content.decode()
    assert "no-store" in issued["Cache-Control"]
    assert key not in client.get(reverse(CHANGELIST)).content.decode()
    assert key not in str(client.session.items())
    entry = AuditEntry.objects.get(action=AuditEntry.Action.TOKEN)
    assert (entry.actor, entry.object_id) == (administrator, str(service_account.pk))
    assert "“sync” issued to provincial-platform by root" in entry.detail
    assert not LogEntry.objects.filter(object_repr__contains=key[:15]).exists()
    # Issued again under the same name: the earlier token is replaced, not refused.
    again = client.post(reverse(ADD), {"user": service_account.pk, "name": "sync"})
    assert again.status_code == 200
    assert ApiToken.objects.filter(user=service_account).count() == 1
    assert ApiToken.objects.get(user=service_account).digest != token.digest


def test_staff_revoke_tokens_in_admin_one_or_several_audited(client, staff, tokens):
    client.force_login(staff)
    one = tokens["my-script"]

    deleted = client.post(
        reverse("admin:enterprises_apitoken_delete", args=[one.pk]), {"post": "yes"}
    )

    assert deleted.status_code == 302
    assert not ApiToken.objects.filter(pk=one.pk).exists()
    several = [tokens["provincial-platform"].pk, tokens["retired-sync"].pk]
    bulk = client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: several, "post": "yes"},
    )
    assert bulk.status_code == 302
    assert not ApiToken.objects.exists()
    details = list(
        AuditEntry.objects.filter(action=AuditEntry.Action.TOKEN)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert len(details) == 3
    assert details[0] == "API token “my-script” of applicant revoked by staff"
    assert {detail.split("”")[0] for detail in details[1:]} == {
        "API token “provincial-platform",
        "API token “retired-sync",
    }
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.RECORD).exists()
