"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py`` (serves ``config.wsgi``).

Two synchronous workers by default: the application is CPU-bound Python in front
of a database, so one worker per core (``GUNICORN_WORKERS``) is what a two-core
machine can run; more workers only queue on the same cores. Static files are
served by whitenoise inside the workers (``python manage.py collectstatic`` first).
Listens on loopback unless ``GUNICORN_BIND`` says otherwise: nginx (or another
proxy) in front terminates TLS, see docs/deploy.md.
"""

import gc
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# Load the project once in the master and fork: workers start fast and share memory.
# Django opens no database connection at import, so nothing is shared that must not be.
preload_app = True
# Requests that take longer are killed and logged (imports run longer: raise it there).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then, so that a slow leak in a dependency never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Access log only when asked ("-" for stdout); errors always go to stderr.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind a proxy on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    """In the master, before each worker is forked: finish loading the project (the URL
    conf imports every view, admin and API module), then move all the master holds out
    of the garbage collector's reach (``gc.freeze``).

    A worker's full collection then walks only what the worker made itself. On a warm
    process serving the bench database a full collection takes 55–67 ms with nothing
    frozen, 12 ms with the loaded project frozen and 1.4 ms with the URL conf frozen
    too; such a pause lands on whichever request triggers it (the API list's p95). The collector
    no longer writes to the frozen objects either, so the forked memory stays shared.
    """
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the modules behind the URLs)
    connections.close_all()  # nothing the URL conf may have opened is shared by a fork
    gc.freeze()
