"""``manage.py restore ARCHIVE``: put back the database and files of ``manage.py backup``.

Into an empty database only (nothing but what migrations create); ``--force`` replaces
what a database and media folder hold. All or nothing: a restore that fails leaves the
database and the media folder exactly as they were.

1. Check the target is empty (unless ``--force``).
2. Unpack the archive (decrypting it when its name ends in ``.gpg``) into a folder beside
   ``PRIVATE_MEDIA_ROOT``, and compare the database file's and every media file's SHA-256
   with the manifest.
3. Restore the database into a scratch copy (PostgreSQL: a new database; SQLite: the
   unpacked file), count every table's rows against the manifest, and refuse migrations
   this code does not know (an archive from a newer release).
4. Only then replace the live database with the copy in one step (``_database``), and
   swap the unpacked folder in for ``PRIVATE_MEDIA_ROOT``.
5. Migrate: an archive from an older release is brought up to this code as an upgrade is.
"""

import json
import shutil
import sqlite3
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.translation import gettext as _

from . import _archive, _database
from .backup import backed_up_models, media_files

# Rows that a freshly migrated database already holds (the role groups and their
# permissions): they do not make it "not empty", and the archive brings them back.
CREATED_BY_MIGRATIONS = {"auth.group"}


def records_present(database: str) -> dict[str, int]:
    """Models that hold rows a migration did not create: ``{label: count}``."""
    tables = _database.live_tables(database)
    present = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        if label in CREATED_BY_MIGRATIONS or model._meta.db_table not in tables:
            continue
        count = model._base_manager.using(database).count()
        if count:
            present[label] = count
    return present


class Command(BaseCommand):
    # Plain gettext: argparse cannot format lazy strings. Commands load after set-up.
    help = _("Restore an archive written by `manage.py backup` into an empty database.")

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", help=_("The .tar.gz or .tar.gz.gpg file written by `manage.py backup`.")
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Replace whatever the database and the private media directory hold."),
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, archive, force, database, **options):
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(_("No such archive: %(archive)s") % {"archive": archive})
        if connections[database].in_atomic_block:
            raise CommandError(_("A restore cannot run inside a transaction."))
        media_root = Path(settings.PRIVATE_MEDIA_ROOT)
        if not force:
            self._check_empty(database, media_root)

        media_root.parent.mkdir(parents=True, exist_ok=True)
        holder = media_root.parent / f".{media_root.name}-restore-{uuid.uuid4().hex}"
        holder.mkdir(mode=0o700)
        scratch = None
        try:
            manifest = self._unpack(archive, holder, connections[database].vendor)
            self._check_files(holder, manifest)
            scratch = _database.scratch_for(database, holder / manifest["database"]["file"])
            self._build(scratch, manifest)
            try:
                warning = scratch.replace_live()
            except (DatabaseError, sqlite3.DatabaseError) as error:
                raise CommandError(
                    _(
                        "The live database could not be replaced (stop the application "
                        "servers and try again); nothing was changed: %(error)s"
                    )
                    % {"error": error}
                ) from error
            scratch = None
            self._swap_in(holder / _archive.MEDIA, media_root)
        finally:
            if scratch is not None:
                scratch.discard()
            shutil.rmtree(holder, ignore_errors=True)

        call_command("migrate", database=database, interactive=False, verbosity=0)
        if warning:
            self.stderr.write(warning)
        tables = manifest["database"]["tables"]
        self.stdout.write(
            _("Restored %(records)s rows and %(files)s files from %(archive)s")
            % {
                "records": sum(tables.values()),
                "files": len(manifest["media"]),
                "archive": archive,
            }
        )

    @staticmethod
    def _check_empty(database: str, media_root: Path) -> None:
        present = records_present(database)
        existing_files = media_files(media_root)
        if not (present or existing_files):
            return
        what = ", ".join(f"{label} ({count})" for label, count in sorted(present.items()))
        if existing_files:
            files = _("%(count)s files") % {"count": len(existing_files)}
            what = ", ".join(filter(None, [what, files]))
        raise CommandError(
            _(
                "The target is not empty: %(what)s. Restore into an empty database and "
                "media directory, or add --force to replace what they hold."
            )
            % {"what": what}
        )

    @staticmethod
    def _unpack(archive: Path, holder: Path, vendor: str) -> dict:
        """Extract the archive into ``holder``; its manifest, checked for this database."""
        with _archive.reading(archive) as tar:
            for member in tar:
                name = member.name
                if name != _archive.MANIFEST and not name.startswith(
                    (f"{_archive.MEDIA}/", "database.")
                ):
                    error = _("unexpected member %(name)s") % {"name": name}
                    raise CommandError(
                        _("%(archive)s is not a readable backup archive: %(error)s")
                        % {"archive": archive, "error": error}
                    )
                # The "data" filter refuses absolute paths, "..", links out of the tree
                # and device files: an archive cannot write outside ``holder``.
                tar.extract(member, holder, filter="data")
        manifest_path = holder / _archive.MANIFEST
        if not manifest_path.is_file():
            raise CommandError(
                _("%(archive)s is not a Programme Desk backup (no manifest).")
                % {"archive": archive}
            )
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != _archive.FORMAT_VERSION:
            raise CommandError(
                _("Unknown backup format %(format)r.") % {"format": manifest.get("format")}
            )
        if manifest["database"]["vendor"] != vendor:
            raise CommandError(
                _("The archive holds a %(archived)s database; this one is %(vendor)s.")
                % {"archived": manifest["database"]["vendor"], "vendor": vendor}
            )
        return manifest

    @staticmethod
    def _check_files(holder: Path, manifest: dict) -> None:
        """The database file and the media tree are exactly what the manifest lists."""
        problems = []
        dump = manifest["database"]["file"]
        if dump != _database.dump_file_name(manifest["database"]["vendor"]) or not (
            (holder / dump).is_file()
            and _archive.file_digest(holder / dump) == (manifest["database"]["sha256"])
        ):
            problems.append(_("%(file)s: missing or different") % {"file": dump})
        restored = media_files(holder / _archive.MEDIA)
        problems += [
            _("media/%(file)s: missing or different") % {"file": relative}
            for relative, digest in sorted(manifest["media"].items())
            if restored.get(relative) != digest
        ]
        problems += [
            _("media/%(file)s: not in the manifest") % {"file": relative}
            for relative in sorted(restored.keys() - manifest["media"].keys())
        ]
        if problems:
            raise CommandError(
                _("The archive's files do not match its manifest; nothing was changed:")
                + "\n  "
                + "\n  ".join(problems)
            )

    @staticmethod
    def _build(scratch, manifest: dict) -> None:
        """Load the scratch copy and check it against the manifest and this code."""
        expected = manifest["database"]["tables"]
        try:
            scratch.load()
            found = scratch.counts(expected)
            unknown = _database.unknown_migrations(scratch.applied_migrations())
        except (DatabaseError, sqlite3.DatabaseError) as error:
            raise CommandError(
                _("The archive's database could not be read; nothing was changed: %(error)s")
                % {"error": error}
            ) from error
        problems = [
            _("%(table)s: %(found)s rows, the archive has %(expected)s")
            % {
                "table": table,
                "found": _("no table") if found[table] is None else found[table],
                "expected": count,
            }
            for table, count in sorted(expected.items())
            if found[table] != count
        ]
        if problems:
            raise CommandError(
                _("The restore does not match the archive; nothing was changed:")
                + "\n  "
                + "\n  ".join(problems)
            )
        if unknown:
            raise CommandError(
                _(
                    "The archive comes from a newer release (migrations %(migrations)s); "
                    "upgrade first. Nothing was changed."
                )
                % {"migrations": ", ".join(unknown)}
            )

    @staticmethod
    def _swap_in(staged: Path, media_root: Path) -> None:
        """Put the staged folder in ``media_root``'s place; the old one goes after."""
        if not staged.exists():
            staged.mkdir()
        previous = None
        if media_root.exists():
            previous = media_root.parent / f".{media_root.name}-replaced-{uuid.uuid4().hex}"
            media_root.rename(previous)
        staged.rename(media_root)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
