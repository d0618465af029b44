"""``manage.py restore ARCHIVE``: load an archive made by ``manage.py backup``.

Into an empty database only (migrated, with nothing but what migrations create);
``--force`` empties a database that holds records first. The steps: migrate,
check the target is empty, flush (leaving the content types and permissions that
migrations create), load ``data.yaml`` in one transaction, put the files back under
``PRIVATE_MEDIA_ROOT``, then compare every model's row count and every file's
SHA-256 with the manifest. Any difference is an error.
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

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

            call_command("flush", database=database, interactive=False, verbosity=0)
            with transaction.atomic(using=database):
                call_command("loaddata", str(work / DATA_FILE), database=database, verbosity=0)
            self._put_files_back(work / "media", media_root, replace=force)
            self._verify(manifest, database, media_root)

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
    def _put_files_back(source: Path, media_root: Path, *, replace: bool) -> None:
        if replace and media_root.exists():
            for child in media_root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        media_root.mkdir(parents=True, exist_ok=True)
        if source.exists():
            shutil.copytree(source, media_root, dirs_exist_ok=True)

    @staticmethod
    def _verify(manifest: dict, database: str, media_root: Path) -> None:
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
        restored = media_files(media_root)
        for relative, digest in manifest["media"].items():
            if restored.get(relative) != digest:
                problems.append(_("media/%(file)s: missing or different") % {"file": relative})
        if problems:
            raise CommandError(
                _("The restore does not match the archive:") + "\n  " + "\n  ".join(problems)
            )
