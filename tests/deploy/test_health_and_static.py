"""Deployment hygiene: the health check a load balancer asks, and static files under
hashed names that browsers may keep for a year."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from config.settings import base

pytestmark = pytest.mark.django_db

YEAR = 365 * 24 * 3600


def health(client: Client):
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    return response.status_code, response.json(), response


def test_health_answers_200_when_the_database_cache_and_storage_answer(client):
    status, checks, response = health(client)

    assert status == 200, checks
    assert {name.split("(")[0] for name in checks} == {"Database", "Cache", "Storage"}
    assert set(checks.values()) == {"OK"}
    assert "no-cache" in response["Cache-Control"]  # a proxy never answers for the site


def test_health_answers_500_naming_the_cache_when_it_is_down(client):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with override_settings(CACHES=down):
        status, checks, _response = health(client)

    assert status == 500
    failing = [name for name, result in checks.items() if result != "OK"]
    assert [name.split("(")[0] for name in failing] == ["Cache"]


def test_health_answers_500_naming_the_storage_when_files_cannot_be_written(
    client, settings, tmp_path
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "media"},
        },
    }

    status, checks, _response = health(client)

    assert status == 500
    failing = [name for name, result in checks.items() if result != "OK"]
    assert [name.split("(")[0] for name in failing] == ["Storage"]


def test_production_serves_static_files_under_hashed_names_cached_for_a_year(settings, tmp_path):
    # The storage production uses (the test settings use plain names, for speed).
    settings.STORAGES = {**settings.STORAGES, "staticfiles": base.STORAGES["staticfiles"]}
    settings.STATIC_ROOT = tmp_path
    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)

    page = Client().get("/accounts/login/")
    assert page.status_code == 200
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page.content.decode())
    assert stylesheets, "the login page links no stylesheet"
    hashed = [url for url in stylesheets if re.search(r"\.[0-9a-f]{12}\.css$", url)]
    assert hashed == stylesheets, stylesheets

    whitenoise = WhiteNoiseMiddleware(lambda request: None)
    served = whitenoise(RequestFactory().get(hashed[0], HTTP_ACCEPT_ENCODING="gzip"))
    assert served.status_code == 200
    max_age = int(re.search(r"max-age=(\d+)", served["Cache-Control"]).group(1))
    assert max_age >= YEAR
    assert "immutable" in served["Cache-Control"]
    assert served.get("Content-Encoding") == "gzip"
