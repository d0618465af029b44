"""Import a large sheet streamed row by row, as a named user, with the rejected rows saved.

django-import-export's own ``manage.py import RESOURCE FILE [--dry-run]`` works
with every resource too; this command adds what it cannot do: read the file
without loading it whole (bounded memory at 100,000 rows), record the import
under a user, and choose where the rejected rows go.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.sheets.layout import CellError
from programmes.resources import rejected_xlsx

#: Short names for the resources, besides their dotted paths.
RESOURCES = {
    "enterprises": "enterprises.resources.EnterpriseResource",
    "results": "programmes.resources.ResultListResource",
    "products": "programmes.resources.ProductApplicationResource",
    "projects": "programmes.resources.ProjectApplicationResource",
    "designations": "programmes.resources.DesignationApplicationResource",
}


def resource_class(name: str):
    try:
        return import_string(RESOURCES.get(name, name))
    except ImportError as error:
        raise CommandError(
            _("Unknown resource “%(name)s”; use one of %(names)s or a dotted path.")
            % {"name": name, "names": ", ".join(RESOURCES)}
        ) from error


class Command(BaseCommand):
    help = "Import an enterprise sheet or a results list (xlsx or csv); all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("resource", help=f"{', '.join(RESOURCES)} or a dotted path")
        parser.add_argument("file", help="an .xlsx or .csv file")
        parser.add_argument("-n", "--dry-run", action="store_true", help="check, write nothing")
        parser.add_argument("--user", help="username recorded as the importer (needs permission)")
        parser.add_argument(
            "--rejected",
            help="where to write the rejected rows (default: <file>.rejected.xlsx beside it)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as error:
                raise CommandError(_("No user “%(name)s”.") % {"name": options["user"]}) from error
        resource = resource_class(options["resource"])()
        try:
            result = resource.import_file(path, user=user, dry_run=options["dry_run"], via="cli")
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        except CellError as error:
            raise CommandError(str(error)) from error
        for problem in result.problems:
            self.stderr.write(problem.message())
        if result.rejected:
            target = Path(options["rejected"] or path.with_name(f"{path.stem}.rejected.xlsx"))
            target.write_bytes(rejected_xlsx(result))
            self.stderr.write(_("Rejected rows: %(path)s") % {"path": target})
        if result.problems:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
