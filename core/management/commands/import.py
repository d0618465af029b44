"""``manage.py import RESOURCE FILE``: a sheet imported whole or not at all, streamed.

It takes the place of django-import-export's command of the same name (``core`` comes
first in INSTALLED_APPS) and keeps its arguments, adding what a bureau's lists need:
the file is read row by row (bounded memory at 100,000 rows), a progress bar runs on
a terminal, the import is recorded under the file's name and, with ``--user``, under
a user who needs the import permission, and the rejected rows are written beside the
file (or where ``--rejected`` says). When anything is refused it prints every problem
and exits with status 1, having written nothing.
"""

import argparse
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.sheets.layout import CellError
from core.sheets.resource import rejected_xlsx, resource_named


class ProgressBar:
    """``[#########-----------]  45,000 / 100,001 rows  12.3 s`` on one line of a terminal."""

    WIDTH = 30

    def __init__(self, stream, label: str, *, every: float = 0.2, unit: str = "rows"):
        self.stream = stream
        self.label = label
        self.unit = unit
        self.every = every
        self.started = time.monotonic()
        self.shown = 0.0
        self.row, self.total = 0, None

    def __call__(self, row: int, total: int | None) -> None:
        """After each batch: the sheet's row reached and its last row (None if unknown)."""
        self.row, self.total = row, total
        now = time.monotonic()
        if now - self.shown >= self.every:
            self.shown = now
            self._draw(ending="")

    def finish(self) -> None:
        if self.total:
            self.row = self.total
        self._draw(ending="\n")

    def _draw(self, *, ending: str) -> None:
        elapsed = time.monotonic() - self.started
        if self.total:
            filled = int(min(self.row / self.total, 1.0) * self.WIDTH)
            bar = "[" + "#" * filled + "-" * (self.WIDTH - filled) + "]"
            text = f"{self.label} {bar} {self.row:,} / {self.total:,} {self.unit}  {elapsed:.1f} s"
        else:
            text = f"{self.label} {self.row:,} {self.unit}  {elapsed:.1f} s"
        self.stream.write("\r" + text, ending=ending)
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import a sheet (xlsx or csv) into a resource: every row or none. RESOURCE is a "
        "short name (enterprises, results, products, projects, designations) or a dotted path."
    )

    def add_arguments(self, parser):
        parser.add_argument("resource", help="a short name or a resource's dotted path")
        parser.add_argument("import_file_name", help="an .xlsx or .csv file; - for stdin")
        parser.add_argument("-n", "--dry-run", action="store_true", help="check, write nothing")
        parser.add_argument(
            "--user", help="the user name the import is recorded under (needs permission)"
        )
        parser.add_argument(
            "--rejected",
            help="where to write the rejected rows (default: <file>.rejected.xlsx beside it)",
        )
        parser.add_argument(
            "--format",
            help="xlsx or csv, for stdin or a file without an extension",
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="show a progress bar (default: when the output is a terminal)",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, **options):
        try:
            resource = resource_named(options["resource"])()
        except LookupError as error:
            raise CommandError(str(error)) from error
        user = self._user(options["user"])
        source, name, path = self._source(options["import_file_name"], options["format"])
        if (
            options["interactive"]
            and not options["dry_run"]
            and sys.stdin.isatty()
            and input(_("Import %(file)s? [yes/no]: ") % {"file": name}) != "yes"
        ):
            raise CommandError(_("Import cancelled."))
        show = options["progress"]
        if show is None:
            show = self.stderr.isatty()
        progress = ProgressBar(self.stderr, name) if show else None
        try:
            result = resource.import_file(
                source,
                file_name=name,
                user=user,
                dry_run=options["dry_run"],
                via="cli",
                progress=progress,
            )
        except (PermissionDenied, CellError) as error:
            raise CommandError(str(error)) from error
        if progress is not None:
            progress.finish()
        for problem in result.problems:
            self.stderr.write(problem.message())
        if result.rejected:
            target = Path(options["rejected"] or self._beside(path, name))
            target.write_bytes(rejected_xlsx(result))
            self.stderr.write(
                _("The rejected rows, with an error column, are in %(path)s") % {"path": target}
            )
        if result.problems:
            # As django-import-export's command did: every problem printed, status 1.
            self.stderr.write(result.summary())
            sys.exit(1)
        self.stdout.write(result.summary())

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(_("No user “%(name)s”.") % {"name": username}) from error

    def _source(self, file_name: str, file_format: str | None):
        """What to read, the name the import is recorded under, and the file's path."""
        suffix = f".{file_format.lower().lstrip('.')}" if file_format else ""
        if file_name == "-":
            name = f"stdin{suffix or '.xlsx'}"
            return sys.stdin.buffer.read(), name, None
        path = Path(file_name)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        name = path.name if not suffix or path.suffix.lower() == suffix else path.name + suffix
        return path, name, path

    @staticmethod
    def _beside(path: Path | None, name: str) -> Path:
        stem = Path(name).stem
        folder = path.parent if path is not None else Path.cwd()
        return folder / f"{stem}.rejected.xlsx"
