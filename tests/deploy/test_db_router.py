"""The read-replica switch: off by default, on with DATABASE_REPLICA_URL, pinned when fresh."""

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config import db_router
from config.db_router import (
    PIN_COOKIE,
    PinPrimaryAfterWriteMiddleware,
    PrimaryReplicaRouter,
    pinned_to_primary,
)
from programmes.models import Application

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"


def settings_with(monkeypatch, **env):
    for name in ("DATABASE_REPLICA_URL", "REPLICA_PIN_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


def test_without_a_replica_url_there_is_one_database_and_no_router(monkeypatch):
    settings = settings_with(monkeypatch)

    assert list(settings["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in settings
    assert "config.db_router.PinPrimaryAfterWriteMiddleware" not in settings["MIDDLEWARE"]


def test_a_replica_url_adds_the_replica_the_router_and_the_pinning(monkeypatch):
    settings = settings_with(
        monkeypatch,
        DATABASE_URL="postgres://app@primary.internal:5432/desk",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/desk",
        REPLICA_PIN_SECONDS="30",
    )

    replica = settings["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "replica.internal",
        "reader",
        "desk",
    )
    assert settings["DATABASES"]["default"]["HOST"] == "primary.internal"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert settings["DATABASE_ROUTERS"] == ["config.db_router.PrimaryReplicaRouter"]
    assert settings["REPLICA_PIN_SECONDS"] == 30
    middleware = settings["MIDDLEWARE"]
    pin = middleware.index("config.db_router.PinPrimaryAfterWriteMiddleware")
    assert pin < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")


@pytest.fixture
def replica_configured(monkeypatch):
    # The router's own view of the settings and connections; Django's stay untouched.
    monkeypatch.setattr(
        db_router, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}})
    )
    monkeypatch.setattr(
        db_router, "connections", {"default": SimpleNamespace(in_atomic_block=False)}
    )
    return db_router.connections


def test_reads_go_to_the_replica_and_writes_to_the_primary(replica_configured):
    router = PrimaryReplicaRouter()

    assert router.db_for_read(Application) == "replica"
    assert router.db_for_write(Application) == "default"
    assert router.allow_migrate("default", "programmes") is True
    assert router.allow_migrate("replica", "programmes") is False


def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary(replica_configured):
    replica_configured["default"].in_atomic_block = True

    assert PrimaryReplicaRouter().db_for_read(Application) == "default"


def test_the_task_queue_is_read_on_the_primary_whatever_else_reads_the_replica(
    replica_configured,
):
    from django_tasks_db.models import DBTaskResult

    router = PrimaryReplicaRouter()

    # The worker opens its claiming transaction on the database a read of the queue uses.
    assert router.db_for_read(DBTaskResult) == "default"
    assert router.db_for_read(Application) == "replica"


def test_reads_stay_on_the_primary_when_no_replica_is_configured(monkeypatch):
    monkeypatch.setattr(db_router, "settings", SimpleNamespace(DATABASES={"default": {}}))

    assert PrimaryReplicaRouter().db_for_read(Application) == "default"


def run_through_middleware(request, router):
    seen = {}

    def view(request):
        seen["db"] = router.db_for_read(Application)
        seen["pinned"] = pinned_to_primary()
        return HttpResponse("ok")

    response = PinPrimaryAfterWriteMiddleware(view)(request)
    return seen, response


def test_a_writing_request_reads_from_the_primary_and_pins_the_browser(replica_configured):
    router = PrimaryReplicaRouter()

    seen, response = run_through_middleware(RequestFactory().post("/save/"), router)

    assert seen == {"db": "default", "pinned": True}
    assert response.cookies[PIN_COOKIE]["max-age"] == 15
    assert not pinned_to_primary()
    assert router.db_for_read(Application) == "replica"


def test_a_pinned_browser_reads_from_the_primary_until_the_cookie_expires(replica_configured):
    router = PrimaryReplicaRouter()
    pinned = RequestFactory().get("/after-save/")
    pinned.COOKIES[PIN_COOKIE] = "1"

    assert run_through_middleware(pinned, router)[0]["db"] == "default"
    seen, response = run_through_middleware(RequestFactory().get("/later/"), router)
    assert seen["db"] == "replica"
    assert PIN_COOKIE not in response.cookies
