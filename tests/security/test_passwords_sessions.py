"""Password policy, and sessions that end when they should.

At least 10 characters, common ones refused, long passphrases (64+) welcome.
Signing in rotates the session key; signing out deletes the session; changing
the password or deactivating the account ends every other session, and revokes every
API token, whichever way it is done.
"""

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from core.models import AuditEntry
from enterprises.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
PASSPHRASE = "梅花香自苦寒来 plum blossom fragrance comes from the bitter cold, 2024 edition!"


@pytest.mark.parametrize("password", ["Short-9ch", "abc"])
def test_a_password_under_ten_characters_is_refused(password):
    with pytest.raises(ValidationError, match="at least 10 characters"):
        validate_password(password)


@pytest.mark.parametrize("password", ["qwertyuiop", "password123", "iloveyou123"])
def test_a_common_password_is_refused(password):
    with pytest.raises(ValidationError, match="too common"):
        validate_password(password)


def test_a_long_passphrase_is_accepted_at_sign_up_and_works_for_signing_in(client):
    assert len(PASSPHRASE) >= 64
    validate_password(PASSPHRASE)

    response = client.post(
        reverse("enterprises:signup"),
        {
            "email": "long@example.com",
            "mobile": "",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
        },
    )
    assert response.status_code == 302
    client.logout()

    response = client.post(
        reverse("enterprises:login"), {"username": "long@example.com", "password": PASSPHRASE}
    )
    assert response.status_code == 302
    assert client.get(reverse("enterprises:dashboard")).status_code == 200


def test_sign_up_refuses_a_short_or_common_password(client):
    for weak in ["Short-9ch", "password123"]:
        client.post(
            reverse("enterprises:signup"),
            {"email": "weak@example.com", "mobile": "", "password1": weak, "password2": weak},
        )
    assert not User.objects.filter(email="weak@example.com").exists()


@pytest.mark.parametrize("login_url", ["enterprises:login", "admin:login"])
def test_signing_in_rotates_the_session_key(client, login_url):
    user = factories.staff_user(username="zhang")
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key

    response = client.post(reverse(login_url), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_signing_out_deletes_the_session(client, applicant):
    client.force_login(applicant)
    key = client.session.session_key
    stolen = Client()
    stolen.cookies["sessionid"] = key

    client.post(reverse("enterprises:logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert stolen.get(reverse("enterprises:dashboard")).status_code == 302  # to the login


def signed_in_clients(user, count=2):
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("enterprises:dashboard")).status_code == 200
        clients.append(client)
    return clients


def token_clients(user, names=("report", "sync")):
    """API clients sending two tokens of ``user``'s, each working."""
    clients = []
    for name in names:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(user, name=name)}")
        assert client.get("/api/v1/programmes/").status_code == 200
        clients.append(client)
    return clients


def assert_tokens_revoked(user, clients, reason):
    for client in clients:
        response = client.get("/api/v1/programmes/")
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.TOKEN, object_id=str(user.pk))
    assert entry.detail.endswith(reason)
    assert f"API tokens of {user.username} revoked (2)" in entry.detail


def test_a_password_change_ends_existing_sessions_and_tokens(applicant):
    here, elsewhere = signed_in_clients(applicant)
    apis = token_clients(applicant)

    applicant.set_password("a-brand-new-passphrase")
    applicant.save()

    assert elsewhere.get(reverse("enterprises:dashboard")).status_code == 302
    assert here.get(reverse("enterprises:dashboard")).status_code == 302
    assert_tokens_revoked(applicant, apis, "password changed")


def test_a_password_saved_alone_revokes_the_tokens(applicant):
    apis = token_clients(applicant)

    applicant.set_password("a-brand-new-passphrase")
    applicant.save(update_fields=["password"])

    assert_tokens_revoked(applicant, apis, "password changed")


def test_an_unusable_password_revokes_the_tokens(applicant):
    apis = token_clients(applicant)

    applicant.set_unusable_password()
    applicant.save()

    assert_tokens_revoked(applicant, apis, "password changed")


def test_signing_in_and_saving_other_fields_keep_the_tokens(client, applicant):
    (api,) = token_clients(applicant, names=["report"])

    assert (
        client.post(
            reverse("enterprises:login"), {"username": applicant.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    applicant.refresh_from_db()
    applicant.email = "new-address@example.com"
    applicant.save()
    applicant.is_active = True
    applicant.save(update_fields=["is_active"])

    assert api.get("/api/v1/programmes/").status_code == 200
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.TOKEN).exists()


def test_changing_the_password_in_admin_keeps_that_session_and_ends_the_others():
    staff = factories.staff_user(username="zhang")
    apis = token_clients(staff)
    here, elsewhere = Client(), Client()
    here.force_login(staff)
    elsewhere.force_login(staff)
    new = "another-long-passphrase-2026"

    response = here.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert here.get(reverse("admin:index")).status_code == 200
    assert elsewhere.get(reverse("admin:index")).status_code == 302  # to the admin login
    assert_tokens_revoked(staff, apis, "password changed")


def test_an_administrator_setting_a_users_password_revokes_their_tokens(client, applicant):
    administrator = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    apis = token_clients(applicant)
    client.force_login(administrator)
    new = "set-by-the-administrator-2026"

    response = client.post(
        reverse("admin:auth_user_password_change", args=[applicant.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content
    assert_tokens_revoked(applicant, apis, "password changed")


def test_a_password_reset_ends_existing_sessions_and_tokens(client, applicant):
    (elsewhere,) = signed_in_clients(applicant, count=1)
    apis = token_clients(applicant)
    uid = urlsafe_base64_encode(force_bytes(applicant.pk))
    token = default_token_generator.make_token(applicant)
    form_url = client.get(reverse("enterprises:password_reset_confirm", args=[uid, token])).url
    new = "reset-by-email-passphrase"

    client.post(form_url, {"new_password1": new, "new_password2": new})

    assert elsewhere.get(reverse("enterprises:dashboard")).status_code == 302
    assert_tokens_revoked(applicant, apis, "password changed")


def test_deactivation_ends_sessions_and_tokens(applicant):
    (browser,) = signed_in_clients(applicant, count=1)
    apis = token_clients(applicant)

    applicant.is_active = False
    applicant.save()

    assert browser.get(reverse("enterprises:dashboard")).status_code == 302
    assert_tokens_revoked(applicant, apis, "account deactivated")
    login = Client().post(
        reverse("enterprises:login"), {"username": applicant.username, "password": PASSWORD}
    )
    assert login.status_code == 200  # the form again, not signed in


def test_deactivation_in_admin_revokes_the_tokens(client, applicant):
    administrator = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    apis = token_clients(applicant)
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[applicant.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"password", "groups", "user_permissions", "last_login", "date_joined"}
        and value is not None
    }
    data |= {
        "groups": [group.pk for group in applicant.groups.all()],
        "date_joined_0": applicant.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": applicant.date_joined.strftime("%H:%M:%S"),
        "is_active": "",
    }
    data.pop("is_active")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    applicant.refresh_from_db()
    assert not applicant.is_active
    assert_tokens_revoked(applicant, apis, "account deactivated")


def test_a_deactivation_that_sends_no_signal_still_stops_the_tokens(applicant):
    """``QuerySet.update`` saves no user: the tokens stay, and are refused."""
    (api,) = token_clients(applicant, names=["report"])

    User.objects.filter(pk=applicant.pk).update(is_active=False)

    response = api.get("/api/v1/applications/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
