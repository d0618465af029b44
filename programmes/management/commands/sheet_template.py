"""Write the blank xlsx template of a resource: its Chinese titles and a sheet of notes."""

from pathlib import Path

from django.core.management.base import BaseCommand

from .import_sheet import RESOURCES, resource_class


class Command(BaseCommand):
    help = "Write the blank xlsx template of an import resource."

    def add_arguments(self, parser):
        parser.add_argument("resource", help=f"{', '.join(RESOURCES)} or a dotted path")
        parser.add_argument("output", help="the .xlsx file to write")

    def handle(self, *args, **options):
        resource = resource_class(options["resource"])()
        Path(options["output"]).write_bytes(resource.template_xlsx())
        self.stdout.write(options["output"])
