"""Write the blank xlsx template of a resource: its Chinese titles and a sheet of notes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.sheets.resource import resource_named


class Command(BaseCommand):
    help = "Write the blank xlsx template of an import resource."

    def add_arguments(self, parser):
        parser.add_argument(
            "resource", help="a short name (enterprises, results, …) or a dotted path"
        )
        parser.add_argument("output", help="the .xlsx file to write")

    def handle(self, *args, **options):
        try:
            resource = resource_named(options["resource"])()
        except LookupError as error:
            raise CommandError(str(error)) from error
        Path(options["output"]).write_bytes(resource.template_xlsx())
        self.stdout.write(options["output"])
