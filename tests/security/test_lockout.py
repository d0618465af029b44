"""Login lock-out (django-axes) on the admin, the portal and the API's token exchange.

Five wrong passwords for one account from one address lock that pair out; the
answer is a 429 that says why and for how long; the right password is refused
too until the configured cool-off has passed; then it works again.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
ADDRESS = "203.0.113.7"


def attempt(channel, client, username, password):
    data = {"username": username, "password": password}
    if channel == "admin":
        return client.post(reverse("admin:login"), data, REMOTE_ADDR=ADDRESS)
    if channel == "portal":
        return client.post(reverse("enterprises:login"), data, REMOTE_ADDR=ADDRESS)
    return client.post("/api/v1/auth/token/", data, format="json", REMOTE_ADDR=ADDRESS)


def signed_in(channel, response) -> bool:
    if channel == "api":
        return response.status_code == 200 and "token" in response.json()
    # Both login views redirect on success and show the form again (200) on failure.
    return response.status_code == 302


def make_client(channel):
    return APIClient() if channel == "api" else Client()


def user_for(channel):
    if channel == "portal":
        return factories.applicant_for(factories.EnterpriseFactory(), username="zhang@example.com")
    return factories.staff_user(username="zhang")


def cool_off_passes():
    """Move every recorded failure back beyond the configured cool-off."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )


def test_lock_out_settings_are_a_few_failures_and_a_temporary_cool_off():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert timedelta(minutes=5) <= settings.AXES_COOLOFF_TIME <= timedelta(hours=24)
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.parametrize("channel", ["admin", "portal", "api"])
def test_repeated_failures_lock_the_account_out_until_the_cool_off_passes(channel):
    user = user_for(channel)
    client = make_client(channel)
    limit = settings.AXES_FAILURE_LIMIT

    answers = [attempt(channel, client, user.username, "wrong-guess") for _ in range(limit)]
    locked = attempt(channel, client, user.username, PASSWORD)

    assert all(a.status_code in {200, 400} for a in answers[: limit - 1])
    assert answers[-1].status_code == 429  # the failure that reaches the limit says so
    assert locked.status_code == 429
    assert not signed_in(channel, locked)
    text = locked.json()["message"] if channel == "api" else locked.content.decode()
    assert "Too many failed sign-in attempts" in text
    assert "30 minutes" in text
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())

    cool_off_passes()

    assert signed_in(channel, attempt(channel, make_client(channel), user.username, PASSWORD))


@pytest.mark.parametrize("channel", ["admin", "portal", "api"])
def test_a_lock_out_is_audited(channel):
    user = user_for(channel)
    client = make_client(channel)

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(channel, client, user.username, "wrong-guess")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_LOCKED)
    assert entry.object_repr == user.username.lower()
    assert entry.ip_address == ADDRESS


def test_a_success_before_the_limit_starts_the_count_again():
    user = factories.staff_user(username="zhang")
    client = make_client("admin")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("admin", client, user.username, "wrong-guess")
    assert signed_in("admin", attempt("admin", client, user.username, PASSWORD))
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("admin", client, user.username, "wrong-guess")

    assert signed_in("admin", attempt("admin", client, user.username, PASSWORD))


def test_a_locked_account_does_not_lock_out_a_colleague_at_the_same_address():
    user = factories.staff_user(username="zhang")
    colleague = factories.staff_user(username="li")
    client = make_client("admin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("admin", client, user.username, "wrong-guess")

    assert signed_in("admin", attempt("admin", make_client("admin"), colleague.username, PASSWORD))


def test_a_mobile_number_typed_differently_counts_as_one_account():
    user = factories.applicant_for(factories.EnterpriseFactory(), username="13800138000")
    client = make_client("portal")
    spellings = ["13800138000", "138-0013-8000", "+86 138 0013 8000", "0086 13800138000"]

    for spelling in (spellings * 2)[: settings.AXES_FAILURE_LIMIT]:
        attempt("portal", client, spelling, "wrong-guess")

    assert attempt("portal", client, user.username, PASSWORD).status_code == 429


@pytest.mark.parametrize("channel", ["admin", "portal", "api"])
def test_failures_count_against_the_account_whatever_identifier_was_typed(channel):
    if channel == "portal":
        user = factories.applicant_for(
            factories.EnterpriseFactory(), username="zhangwei", email="Zhang.Wei@example.com"
        )
    else:
        user = factories.staff_user(username="zhang", email="Zhang.Wei@example.com")
    client = make_client(channel)
    typed = [
        user.username,
        "zhang.wei@example.com",
        f"  {user.username}  ",
        "ZHANG.WEI@EXAMPLE.COM",
    ]

    for identifier in (typed * 2)[: settings.AXES_FAILURE_LIMIT]:
        attempt(channel, client, identifier, "wrong-guess")

    for identifier in [*typed, user.username.upper()]:
        response = attempt(channel, make_client(channel), identifier, PASSWORD)
        assert response.status_code == 429, identifier
        assert not signed_in(channel, response)
    cool_off_passes()
    cache.clear()  # the API's own throttle on the token exchange, apart from the lock-out
    assert signed_in(
        channel, attempt(channel, make_client(channel), "Zhang.Wei@example.com", PASSWORD)
    )
