"""``manage.py restore ARCHIVE``: load an archive made by ``manage.py backup``.

Into an empty database only (migrated, with nothing but what migrations create);
``--force`` replaces what a database and media folder hold. All or nothing: a restore
that fails leaves the database and the media folder exactly as they were.

1. Migrate; check the target is empty (unless ``--force``).
2. Unpack the files into a folder beside ``PRIVATE_MEDIA_ROOT`` and compare each
   file's SHA-256 with the manifest.
3. In one transaction: flush (leaving the content types and permissions that
   migrations create), load ``data.yaml``, count the applications' tally again
   (PostgreSQL), and compare every model's row count with the manifest. Any error
   rolls all of it back.
4. Only after that commits, swap the unpacked folder in for ``PRIVATE_MEDIA_ROOT``.
"""

import json
import shutil
import tarfile
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from ... import tally
from .backup import DATA_FILE, FORMAT_VERSION, backed_up_models, media_files

# Rows that a freshly migrated database already holds (the role groups and their
# permissions): they do not make it "not empty", and the archive brings them back.
CREATED_BY_MIGRATIONS = {"auth.group"}


def records_present(database: str) -> dict[str, int]:
    """Models that hold rows a migration did not create: ``{label: count}``."""
    present = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        if label in CREATED_BY_MIGRATIONS:
            continue
        count = model._base_manager.using(database).count()
        if count:
            present[label] = count
    return present


class Command(BaseCommand):
    # Plain gettext: argparse cannot format lazy strings. Commands load after set-up.
    help = _("Restore an archive written by `manage.py backup` into an empty database.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help=_("The .tar.gz file written by `manage.py backup`."))
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
        media_root = Path(settings.PRIVATE_MEDIA_ROOT)

        with tempfile.TemporaryDirectory(prefix="programme-desk-restore-") as work:
            work = Path(work)
            manifest = self._unpack(archive, work)

            call_command("migrate", database=database, interactive=False, verbosity=0)
            present = records_present(database)
            existing_files = media_files(media_root)
            if (present or existing_files) and not force:
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

            staged = self._stage_files(work / "media", media_root, manifest)
            try:
                with transaction.atomic(using=database):
                    call_command("flush", database=database, interactive=False, verbosity=0)
                    self._load(work / DATA_FILE, database)
                    if tally.kept(using=database):
                        tally.rebuild(using=database)
                    self._verify_rows(manifest, database)
            except BaseException:
                shutil.rmtree(staged, ignore_errors=True)
                raise
            self._swap_in(staged, media_root)

        total = sum(manifest["counts"].values())
        self.stdout.write(
            _("Restored %(records)s records and %(files)s files from %(archive)s")
            % {"records": total, "files": len(manifest["media"]), "archive": archive}
        )

    @staticmethod
    def _unpack(archive: Path, work: Path) -> dict:
        try:
            with tarfile.open(archive, mode="r:gz") as tar:
                # The "data" filter refuses absolute paths, "..", links out of the tree
                # and device files: an archive cannot write outside ``work``.
                tar.extractall(work, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise CommandError(
                _("%(archive)s is not a readable backup archive: %(error)s")
                % {"archive": archive, "error": error}
            ) from error
        manifest_path = work / "manifest.json"
        if not manifest_path.is_file() or not (work / DATA_FILE).is_file():
            raise CommandError(
                _("%(archive)s is not a Programme Desk backup (no manifest).")
                % {"archive": archive}
            )
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise CommandError(
                _("Unknown backup format %(format)r.") % {"format": manifest.get("format")}
            )
        return manifest

    @staticmethod
    def _load(data: Path, database: str) -> None:
        try:
            call_command("loaddata", str(data), database=database, verbosity=0)
        except Exception as error:
            raise CommandError(
                _("The archive's records could not be loaded; nothing was changed: %(error)s")
                % {"error": error}
            ) from error

    @staticmethod
    def _stage_files(source: Path, media_root: Path, manifest: dict) -> Path:
        """The archive's files in a new folder beside ``media_root`` (the same file system,
        so that swapping it in is a rename), checked against the manifest."""
        staged = media_root.parent / f".{media_root.name}-restore-{uuid.uuid4().hex}"
        media_root.parent.mkdir(parents=True, exist_ok=True)
        if source.exists():
            shutil.copytree(source, staged)
        else:
            staged.mkdir()
        restored = media_files(staged)
        problems = [
            _("media/%(file)s: missing or different") % {"file": relative}
            for relative, digest in manifest["media"].items()
            if restored.get(relative) != digest
        ]
        if problems:
            shutil.rmtree(staged, ignore_errors=True)
            raise CommandError(
                _("The archive's files do not match its manifest; nothing was changed:")
                + "\n  "
                + "\n  ".join(problems)
            )
        return staged

    @staticmethod
    def _swap_in(staged: Path, media_root: Path) -> None:
        """Put the staged folder in ``media_root``'s place; the old one goes after."""
        previous = None
        if media_root.exists():
            previous = media_root.parent / f".{media_root.name}-replaced-{uuid.uuid4().hex}"
            media_root.rename(previous)
        staged.rename(media_root)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)

    @staticmethod
    def _verify_rows(manifest: dict, database: str) -> None:
        problems = []
        for label, expected in manifest["counts"].items():
            try:
                model = apps.get_model(label)
            except LookupError:
                problems.append(_("%(label)s: no such model here") % {"label": label})
                continue
            found = model._base_manager.using(database).count()
            if found != expected:
                problems.append(
                    _("%(label)s: %(found)s rows, the archive has %(expected)s")
                    % {"label": label, "found": found, "expected": expected}
                )
        if problems:
            raise CommandError(
                _("The restore does not match the archive; nothing was changed:")
                + "\n  "
                + "\n  ".join(problems)
            )
