"""The database half of a backup and a restore, by the database's own tools.

* **PostgreSQL**: ``pg_dump`` (through django-dbbackup's connector, which passes the
  connection settings on) in a snapshot exported by a read-only transaction, in which the
  rows of every table are counted too; ``pg_restore`` into a new scratch database.
* **SQLite**: SQLite's online backup API, into a file (a consistent copy while the site
  runs), then back from the checked file into the live database in one write transaction.

A restore builds the scratch copy, counts its rows against the manifest and checks that its
migrations are known to this code, all before the live database is touched; only then
does the copy replace it in one step — PostgreSQL renames both databases in one
transaction, SQLite's backup API writes the live file in one transaction.
"""

import shlex
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from dbbackup.db.base import get_connector
from dbbackup.db.exceptions import CommandConnectorError
from django.core.management.base import CommandError
from django.db import DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Sessions are sign-in credentials: an archive carries none, restored users sign in again.
DATA_LEFT_OUT = ("django_session",)


def dump_file_name(vendor: str) -> str:
    try:
        return DUMP_FILES[vendor]
    except KeyError:
        raise CommandError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor}
        ) from None


def dump(database: str, directory: Path) -> tuple[Path, dict[str, int]]:
    """Write a consistent copy of ``database`` into ``directory``: its path, and the row
    count of every table in that same copy."""
    connection = connections[database]
    path = directory / dump_file_name(connection.vendor)
    if connection.vendor == "postgresql":
        return path, _pg_dump(database, path)
    return path, _sqlite_dump(database, path)


def _pg_dump(database: str, path: Path) -> dict[str, int]:
    connection = connections[database]
    with transaction.atomic(using=database), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        [snapshot] = cursor.fetchone()
        counts = _count(cursor, connection, connection.introspection.table_names(cursor))
        connector = get_connector(database)
        connector.exclude = list(DATA_LEFT_OUT)
        # Uncompressed: the archive's gzip compresses it faster (see _archive.GZIP_LEVEL).
        connector.dump_suffix = (
            f"--snapshot={shlex.quote(snapshot)} --compress=0 --file={shlex.quote(str(path))}"
        )
        try:
            connector.create_dump()
        except CommandConnectorError as error:
            raise CommandError(_("pg_dump failed: %(error)s") % {"error": error}) from error
    return counts | {table: 0 for table in DATA_LEFT_OUT if table in counts}


def _sqlite_dump(database: str, path: Path) -> dict[str, int]:
    connection = connections[database]
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # One step: the source stays read-locked for the whole copy, which is consistent.
        connection.connection.backup(copy)
        tables = _sqlite_tables(copy)
        # Overwrite the removed rows' bytes, not just unlink them.
        copy.execute("PRAGMA secure_delete = ON")
        for table in DATA_LEFT_OUT:
            if table in tables:
                copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - a constant above
        copy.commit()
        return {table: _sqlite_count(copy, table) for table in tables}
    finally:
        copy.close()


def _count(cursor, connection, tables) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name"
    )
    return [name for (name,) in rows]


def _sqlite_count(db: sqlite3.Connection, table: str) -> int:
    quoted = table.replace('"', '""')
    return db.execute(f'SELECT COUNT(*) FROM "{quoted}"').fetchone()[0]  # noqa: S608


def live_tables(database: str) -> set[str]:
    """The tables the live database has (none when a PostgreSQL database does not exist)."""
    connection = connections[database]
    if connection.vendor == "postgresql" and not _pg_database_exists(database):
        return set()
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _pg_database_exists(database: str) -> bool:
    name = connections[database].settings_dict["NAME"]
    with connections[database]._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def unknown_migrations(applied: set[tuple[str, str]]) -> list[str]:
    """Migrations ``applied`` in an archive's database that this code does not have (the
    archive comes from a newer release), for the apps this code migrates."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(
        f"{app}.{name}"
        for app, name in applied
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    )


class PostgresScratch:
    """A new database ``<live>_restore_<random>`` with the live one's encoding, locale,
    owner, settings and privileges, loaded by ``pg_restore``; swapped in by renaming."""

    def __init__(self, database: str, dump_path: Path):
        self.database = database
        self.dump_path = dump_path
        self.live = connections[database].settings_dict["NAME"]
        self.name = f"{self.live[:40]}_restore_{uuid.uuid4().hex[:12]}"
        self.created = False

    def _quote(self, name: str) -> str:
        return connections[self.database].ops.quote_name(name)

    @contextmanager
    def _server(self):
        """A cursor on the server's maintenance database (autocommit)."""
        with connections[self.database]._nodb_cursor() as cursor:
            yield cursor

    @contextmanager
    def _cursor(self):
        """A cursor on the scratch database: a plain connection with the live one's
        parameters, outside Django's connection handling (the database is not the site's)."""
        params = {**connections[self.database].get_connection_params(), "dbname": self.name}
        with psycopg.connect(**params, autocommit=True) as scratch, scratch.cursor() as cursor:
            yield cursor

    def load(self) -> None:
        self._create()
        connector = get_connector(self.database)
        # The connector's settings are its own copy of the live database's.
        connector.settings["NAME"] = self.name
        # A new, empty database: nothing to drop. No single transaction: a failure
        # drops the whole scratch database instead, and parallel jobs are allowed.
        connector.drop = connector.if_exists = connector.single_transaction = False
        connector.pg_options = "--exit-on-error --jobs=2"
        connector.restore_suffix = shlex.quote(str(self.dump_path))
        try:
            connector.restore_dump(None)
        except CommandConnectorError as error:
            raise CommandError(
                _(
                    "pg_restore could not load the archive's database; nothing was "
                    "changed: %(error)s"
                )
                % {"error": error}
            ) from error

    def _create(self) -> None:
        name = self._quote(self.name)
        with self._server() as cursor:
            cursor.execute(
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype, "
                "pg_get_userbyid(datdba), oid, datacl IS NOT NULL FROM pg_database "
                "WHERE datname = %s",
                [self.live],
            )
            live = cursor.fetchone()
            if live is None:
                cursor.execute(f"CREATE DATABASE {name} TEMPLATE template0")
                self.created = True
                return
            encoding, collate, ctype, owner, oid, has_acl = live
            cursor.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 ENCODING %s LC_COLLATE %s LC_CTYPE %s",
                [encoding, collate, ctype],
            )
            self.created = True
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] != owner:
                cursor.execute(f"ALTER DATABASE {name} OWNER TO {self._quote(owner)}")
            # Per-database settings (docs/deploy.md sets the parallel workers this way).
            cursor.execute(
                "SELECT unnest(setconfig) FROM pg_db_role_setting "
                "WHERE setdatabase = %s AND setrole = 0",
                [oid],
            )
            for (setting,) in cursor.fetchall():
                key, _sep, value = setting.partition("=")
                cursor.execute(f"ALTER DATABASE {name} SET {self._quote(key)} TO %s", [value])
            if has_acl:
                cursor.execute(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC")
                cursor.execute(
                    "SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) "
                    "END, a.privilege_type, a.is_grantable FROM pg_database d, "
                    "aclexplode(d.datacl) a WHERE d.datname = %s AND a.grantee <> d.datdba",
                    [self.live],
                )
                for grantee, privilege, grantable in cursor.fetchall():
                    to = self._quote(grantee) if grantee else "PUBLIC"
                    option = " WITH GRANT OPTION" if grantable else ""
                    cursor.execute(f"GRANT {privilege} ON DATABASE {name} TO {to}{option}")

    def counts(self, tables) -> dict[str, int | None]:
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = ANY(current_schemas(false))"
            )
            present = {name for (name,) in cursor.fetchall()}
            found = _count(cursor, connections[self.database], present & set(tables))
        return {table: found.get(table) for table in tables}

    def applied_migrations(self) -> set[tuple[str, str]]:
        with self._cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            return set(cursor.fetchall())

    def replace_live(self) -> str | None:
        """Rename the live database away and the scratch one into its name, in one
        transaction; then drop the old one. Sessions still open on the live database
        (application servers) are ended first: a database in use cannot be renamed."""
        for connection in connections.all(initialized_only=True):
            if connection.vendor == "postgresql" and connection.settings_dict["NAME"] == self.live:
                connection.close()
        replaced = f"{self.live[:40]}_replaced_{uuid.uuid4().hex[:12]}"
        with self._server() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.live])
            exists = cursor.fetchone() is not None
            cursor.execute("BEGIN")
            try:
                if exists:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        [self.live],
                    )
                    cursor.execute(
                        f"ALTER DATABASE {self._quote(self.live)} RENAME TO {self._quote(replaced)}"
                    )
                cursor.execute(
                    f"ALTER DATABASE {self._quote(self.name)} RENAME TO {self._quote(self.live)}"
                )
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            self.created = False
            if exists:
                try:
                    cursor.execute(f"DROP DATABASE {self._quote(replaced)} WITH (FORCE)")
                except DatabaseError as error:
                    return _(
                        "The replaced database is kept as %(name)s: it could not be dropped "
                        "(%(error)s)."
                    ) % {"name": replaced, "error": error}
        return None

    def discard(self) -> None:
        if self.created:
            with self._server() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {self._quote(self.name)} WITH (FORCE)")
            self.created = False


class SqliteScratch:
    """The archive's SQLite file itself, as unpacked; copied into the live database by
    SQLite's backup API, whose one step is one write transaction there."""

    def __init__(self, database: str, dump_path: Path):
        self.database = database
        self.dump_path = dump_path
        self.db = None

    def load(self) -> None:
        self.db = sqlite3.connect(self.dump_path)
        try:
            self.db.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            raise CommandError(
                _("The archive's database could not be opened; nothing was changed: %(error)s")
                % {"error": error}
            ) from error

    def counts(self, tables) -> dict[str, int | None]:
        present = set(_sqlite_tables(self.db))
        return {
            table: _sqlite_count(self.db, table) if table in present else None for table in tables
        }

    def applied_migrations(self) -> set[tuple[str, str]]:
        return set(self.db.execute("SELECT app, name FROM django_migrations"))

    def replace_live(self) -> None:
        live = connections[self.database]
        live.ensure_connection()
        self.db.backup(live.connection)
        return None

    def discard(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def scratch_for(database: str, dump_path: Path) -> "PostgresScratch | SqliteScratch":
    """Each has ``load``, ``counts(tables)``, ``applied_migrations``, ``replace_live`` (a
    warning or None) and ``discard``."""
    if connections[database].vendor == "postgresql":
        return PostgresScratch(database, dump_path)
    return SqliteScratch(database, dump_path)
