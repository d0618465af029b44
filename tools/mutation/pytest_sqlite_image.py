"""pytest plugin for ``make mutation``: each mutant's tests start from one migrated database.

mutmut runs every mutant's tests in a new pytest run, and each run would migrate a new
in-memory SQLite test database, the larger part of the time a killed mutant takes.
Here the first run migrates as usual and keeps a copy of the database it made
(``mutants/.mutation-test-db-<migrations hash>.sqlite3``); later runs copy it into
their in-memory database instead of migrating. Loaded by mutmut only (``-p`` in
``[tool.mutmut] pytest_add_cli_args``); ``make test`` never loads it.
"""

import hashlib
import os
import sqlite3
from pathlib import Path

from django.conf import settings


def _image_path() -> Path:
    """The copy for the current migrations: a changed migration makes a new one."""
    digest = hashlib.sha256()
    for path in sorted(Path(settings.BASE_DIR).glob("*/migrations/*.py")):
        digest.update(path.read_bytes())
    return Path(settings.BASE_DIR) / f".mutation-test-db-{digest.hexdigest()[:12]}.sqlite3"


def pytest_configure(config):
    from django.db.backends.sqlite3.creation import DatabaseCreation

    if getattr(DatabaseCreation.create_test_db, "from_image", False):
        return
    migrate = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = self._get_test_db_name()
        if not self.is_in_memory_db(name):
            return migrate(self, verbosity, autoclobber, serialize, keepdb)
        image = _image_path()
        if not image.exists():
            name = migrate(self, verbosity, autoclobber, serialize, keepdb)
            partial = image.with_name(f"{image.name}.{os.getpid()}")
            target = sqlite3.connect(partial)
            try:
                self.connection.connection.backup(target)
            finally:
                target.close()
            os.replace(partial, image)
            return name
        # What Django's create_test_db does around ``migrate``, with the copy instead.
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        source = sqlite3.connect(image)
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        return name

    create_test_db.from_image = True
    DatabaseCreation.create_test_db = create_test_db
