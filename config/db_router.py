"""Reads from a PostgreSQL read replica, writes to the primary; on only with DATABASE_REPLICA_URL.

``config.settings.base`` adds the ``replica`` database, this router and the
pinning middleware when ``DATABASE_REPLICA_URL`` is set; otherwise none of this
is loaded and everything uses ``default``.

A replica lags the primary by a moment, so a read goes to the primary when it
must see a recent write:

- inside a transaction on the primary (services lock rows with
  ``select_for_update`` and read back what they wrote);
- during a request that writes (any method but GET, HEAD, OPTIONS, TRACE);
- for ``REPLICA_PIN_SECONDS`` after such a request from the same browser, so the
  page shown after "save" shows what was saved (a short-lived cookie);
- always for the task queue, which the worker reads in order to claim (lock and write)
  a task: a copy a moment behind would hand it tasks already run.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "pin_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Apps whose rows are read on the primary only: django-tasks' database backend.
PRIMARY_ONLY_APPS = frozenset({"django_tasks_database"})

_pinned: ContextVar[bool] = ContextVar("db_pinned_to_primary", default=False)


def pinned_to_primary() -> bool:
    return _pinned.get()


class PrimaryReplicaRouter:
    """Writes and migrations on the primary; reads on the replica unless pinned."""

    def db_for_read(self, model, **hints):
        if REPLICA not in settings.DATABASES:
            return PRIMARY
        if _pinned.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases are the same database, one a copy of the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema by replication, never by migrate.
        return db == PRIMARY


class PinPrimaryAfterWriteMiddleware:
    """Pins a request's reads to the primary while it writes and shortly after."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in SAFE_METHODS
        token = _pinned.set(writes or PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=getattr(settings, "REPLICA_PIN_SECONDS", 15),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
