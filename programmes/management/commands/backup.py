"""``manage.py backup OUTPUT_DIR``: the database and every private file in one archive.

The archive ``programme-desk-<UTC time>.tar.gz`` (``.tar.gz.gpg`` when
``BACKUP_GPG_RECIPIENT`` names a GnuPG public key) holds

* ``database.dump`` (PostgreSQL: ``pg_dump``'s custom format) or ``database.sqlite3``
  (SQLite: a copy by its online backup API) — a consistent snapshot of every table, the
  sessions' rows left out (``_database``);
* ``media/`` — the tree under ``PRIVATE_MEDIA_ROOT`` (the attachments);
* ``manifest.json`` — the row count of every table in the same snapshot and a SHA-256
  of the database file and of every media file, computed from the bytes archived.
  ``manage.py restore`` checks all of it before it replaces anything.

The archive is written under a temporary name, readable by its owner only (it holds
every enterprise's confidential data), and renamed when complete. Memory stays flat
whatever the size: the dump goes to a file beside the archive, and the archive is
streamed (``_archive``).
"""

import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from . import _archive, _database

EXCLUDED_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "programmes.applicationtally",
}


def backed_up_models():
    """The concrete models whose rows a restore must give back field for field (content
    types and permissions are recreated by migrations, sessions are left out, the tally
    is derived from the applications)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]


def media_files(root: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``root``."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _archive.file_digest(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


class Command(BaseCommand):
    # Plain gettext: argparse cannot format lazy strings. Commands load after set-up.
    help = _("Write the database and every private file to one timestamped archive in OUTPUT_DIR.")

    def add_arguments(self, parser):
        parser.add_argument("output_dir", help=_("Directory to write the archive to."))
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output_dir, database, **options):
        recipient = settings.BACKUP_GPG_RECIPIENT
        if recipient:
            _archive.check_recipient(recipient)
        vendor = connections[database].vendor
        _database.dump_file_name(vendor)
        target_dir = Path(output_dir)
        target_dir.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        suffix = ".tar.gz" + (_archive.ENCRYPTED_SUFFIX if recipient else "")
        archive = target_dir / f"programme-desk-{stamp}{suffix}"
        if archive.exists():
            raise CommandError(_("%(archive)s already exists.") % {"archive": archive})
        media_root = Path(settings.PRIVATE_MEDIA_ROOT)

        # Beside the archive, not in /tmp: the dump is as large as the database.
        with tempfile.TemporaryDirectory(dir=target_dir, prefix=".programme-desk-backup-") as work:
            dump_path, counts = _database.dump(database, Path(work))
            partial = archive.with_name(archive.name + ".partial")
            try:
                with _archive.writing(partial, recipient) as tar:
                    dump_digest = _archive.add_file(tar, dump_path, dump_path.name)
                    dump_path.unlink()
                    media = {}
                    for path in sorted(media_root.rglob("*")) if media_root.exists() else []:
                        if path.is_file() and not path.is_symlink():
                            relative = path.relative_to(media_root).as_posix()
                            media[relative] = _archive.add_file(
                                tar, path, f"{_archive.MEDIA}/{relative}"
                            )
                    manifest = {
                        "format": _archive.FORMAT_VERSION,
                        "created_at": timezone.now().isoformat(),
                        "database": {
                            "vendor": vendor,
                            "file": dump_path.name,
                            "sha256": dump_digest,
                            "tables": counts,
                        },
                        "media": media,
                    }
                    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                    _archive.add_bytes(tar, data, _archive.MANIFEST)
                partial.rename(archive)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise

        self.stdout.write(
            _("Backed up %(records)s rows and %(files)s files to %(archive)s")
            % {"records": sum(counts.values()), "files": len(media), "archive": archive}
        )
