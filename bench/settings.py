"""Settings for the page benchmarks (``bench/pages.py``): the test settings plus

* the database named by ``DATABASE_URL`` (the cached benchmark database), with a
  persistent connection as in production (``CONN_MAX_AGE``; otherwise every
  in-process request would pay for a new PostgreSQL connection);
* the naive baselines mounted beside the real pages (``bench/urls.py``);
* static files as in production: WhiteNoise indexes them once at start-up instead of
  looking each request's path up on disk (the test settings' autorefresh);
* no API throttling: one client makes thousands of requests on purpose.
"""

import os

import dj_database_url

from config.settings.test import *  # noqa: F403
from config.settings.test import REST_FRAMEWORK

DATABASES = {
    "default": dj_database_url.config(
        default="sqlite:///bench/.data/bench.sqlite3",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
    )
}
ROOT_URLCONF = "bench.urls"
WHITENOISE_AUTOREFRESH = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # 404s of probing requests are not news here.
    "loggers": {"django.request": {"level": "ERROR"}},
}
