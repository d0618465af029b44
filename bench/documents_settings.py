"""Settings for the documents benchmark (``bench/documents.py``): the test settings with
the database (``DATABASE_URL``) and the private storage (``PRIVATE_MEDIA_ROOT``) that
the benchmark names, so that ``manage.py issue_certificates`` run as a child process
finds the same records and the same seal."""

import os
from pathlib import Path

import dj_database_url

from config.settings.test import *  # noqa: F403

DATABASES = {"default": dj_database_url.config()}
PRIVATE_MEDIA_ROOT = Path(os.environ["PRIVATE_MEDIA_ROOT"])
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
