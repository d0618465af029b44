"""Password policy, and sessions that end when they should.

At least 10 characters, common ones refused, long passphrases (64+) welcome.
Signing in rotates the session key; signing out deletes the session; changing
the password or deactivating the account ends every other session and token.
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
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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


def test_a_password_change_ends_existing_sessions(applicant):
    here, elsewhere = signed_in_clients(applicant)

    applicant.set_password("a-brand-new-passphrase")
    applicant.save()

    assert elsewhere.get(reverse("enterprises:dashboard")).status_code == 302
    assert here.get(reverse("enterprises:dashboard")).status_code == 302


def test_changing_the_password_in_admin_keeps_that_session_and_ends_the_others():
    staff = factories.staff_user(username="zhang")
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


def test_a_password_reset_ends_existing_sessions(client, applicant):
    (elsewhere,) = signed_in_clients(applicant, count=1)
    uid = urlsafe_base64_encode(force_bytes(applicant.pk))
    token = default_token_generator.make_token(applicant)
    form_url = client.get(reverse("enterprises:password_reset_confirm", args=[uid, token])).url
    new = "reset-by-email-passphrase"

    client.post(form_url, {"new_password1": new, "new_password2": new})

    assert elsewhere.get(reverse("enterprises:dashboard")).status_code == 302


def test_deactivation_ends_sessions_and_tokens(applicant):
    (browser,) = signed_in_clients(applicant, count=1)
    api = APIClient()
    token = Token.objects.create(user=applicant)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/applications/").status_code == 200

    User.objects.filter(pk=applicant.pk).update(is_active=False)

    assert browser.get(reverse("enterprises:dashboard")).status_code == 302
    assert api.get("/api/v1/applications/").status_code in {401, 403}
    login = Client().post(
        reverse("enterprises:login"), {"username": applicant.username, "password": PASSWORD}
    )
    assert login.status_code == 200  # the form again, not signed in
