"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py`` (serves ``config.wsgi``).

Two synchronous workers by default: the application is CPU-bound Python in front
of a database, so one worker per core (``GUNICORN_WORKERS``) is what a two-core
machine can run; more workers only queue on the same cores. Static files are
served by whitenoise inside the workers (``python manage.py collectstatic`` first).
Listens on loopback unless ``GUNICORN_BIND`` says otherwise: nginx (or another
proxy) in front terminates TLS, see docs/deploy.md.
"""

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
