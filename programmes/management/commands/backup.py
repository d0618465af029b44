"""``manage.py backup OUTPUT_DIR``: every record and every private file in one archive.

The archive ``programme-desk-<UTC time>.tar.gz`` holds

* ``data.yaml`` — ``dumpdata`` of every app with natural foreign keys and the
  original primary keys (so links, API ids and audit entries stay valid), read
  in one transaction so that it is a consistent snapshot. YAML, not JSON:
  Django's JSON drops the microseconds of every timestamp, YAML keeps them;
* ``media/`` — the tree under ``PRIVATE_MEDIA_ROOT`` (the attachments);
* ``manifest.json`` — row counts per model and a SHA-256 per file, which
  ``manage.py restore`` checks after loading.

Content types, permissions and sessions are left out: migrations recreate the
first two, and restored users sign in again. The archive is written under a
temporary name and renamed when complete, readable by its owner only: it holds
every enterprise's confidential data.
"""

import hashlib
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
DATA_FILE = "data.yaml"
# The tally is derived: PostgreSQL rebuilds it as the restored applications are loaded.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "programmes.applicationtally"]
EXCLUDED_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "programmes.applicationtally",
}


def backed_up_models():
    """The concrete models whose rows the archive carries, as ``app_label.model`` labels."""
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``root``."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): file_digest(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


class Command(BaseCommand):
    # Plain gettext: argparse cannot format lazy strings. Commands load after set-up.
    help = _("Write every record and private file to one timestamped archive in OUTPUT_DIR.")

    def add_arguments(self, parser):
        parser.add_argument("output_dir", help=_("Directory to write the archive to."))
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output_dir, database, **options):
        target_dir = Path(output_dir)
        target_dir.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        archive = target_dir / f"programme-desk-{stamp}.tar.gz"
        if archive.exists():
            raise CommandError(_("%(archive)s already exists.") % {"archive": archive})
        media_root = Path(settings.PRIVATE_MEDIA_ROOT)

        with tempfile.TemporaryDirectory(prefix="programme-desk-backup-") as work:
            work = Path(work)
            data = work / DATA_FILE
            counts = self._dump(data, database)
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connections[database].vendor,
                "counts": counts,
                "media": media_files(media_root),
            }
            (work / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
            partial = archive.with_name(archive.name + ".partial")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with (
                    os.fdopen(descriptor, "wb") as raw,
                    tarfile.open(fileobj=raw, mode="w:gz") as tar,
                ):
                    tar.add(work / "manifest.json", arcname="manifest.json")
                    tar.add(data, arcname=DATA_FILE)
                    for relative in manifest["media"]:
                        tar.add(media_root / relative, arcname=f"media/{relative}")
                partial.rename(archive)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise

        total = sum(counts.values())
        self.stdout.write(
            _("Backed up %(records)s records and %(files)s files to %(archive)s")
            % {"records": total, "files": len(manifest["media"]), "archive": archive}
        )
        return None

    @staticmethod
    def _dump(path: Path, database: str) -> dict[str, int]:
        """Dump every app in one read transaction, so the rows agree with one another."""
        connection = connections[database]
        with transaction.atomic(using=database):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = {
                model._meta.label_lower: model._base_manager.using(database).count()
                for model in backed_up_models()
            }
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                format="yaml",
                natural_foreign=True,
                use_base_manager=True,
                database=database,
                output=str(path),
                verbosity=0,
            )
        return counts
