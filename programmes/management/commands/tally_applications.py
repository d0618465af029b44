"""Fold, check or rebuild the applications' tally (``programmes.tally``). Daily from cron
(docs/deploy.md); safe at any time, beside the running site."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from programmes import tally


class Command(BaseCommand):
    # Plain gettext: argparse cannot format lazy strings. Commands load after set-up.
    help = _(
        "Fold the tally of applications by call, status and kind into one row each "
        "(PostgreSQL keeps it as applications change); --check compares it with the "
        "applications, --rebuild counts them again."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--check",
            action="store_true",
            help=_("Compare the tally with the applications; fail if they disagree."),
        )
        action.add_argument(
            "--rebuild",
            action="store_true",
            help=_("Count the applications again (writes to them wait meanwhile)."),
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=_("Database alias."))

    def handle(self, *args, check=False, rebuild=False, database=DEFAULT_DB_ALIAS, **options):
        if not tally.kept(database):
            self.stdout.write(
                _("Only PostgreSQL keeps the tally; this database counts every time.")
            )
            return
        if check:
            wrong = tally.differences(using=database)
            for call_id, status, kind, tallied, counted in wrong:
                self.stderr.write(
                    _(
                        "call %(call)s, %(status)s, %(kind)s: tallied %(tallied)s, "
                        "counted %(counted)s"
                    )
                    % {
                        "call": call_id,
                        "status": status,
                        "kind": kind,
                        "tallied": tallied,
                        "counted": counted,
                    }
                )
            if wrong:
                raise CommandError(
                    _(
                        "The tally disagrees with the applications in %(count)s places; "
                        "run tally_applications --rebuild."
                    )
                    % {"count": len(wrong)}
                )
            self.stdout.write(_("The tally agrees with the applications."))
        elif rebuild:
            rows = tally.rebuild(using=database)
            self.stdout.write(_("Counted the applications again: %(rows)s rows.") % {"rows": rows})
        else:
            before, after = tally.compact(using=database)
            self.stdout.write(
                _("Folded %(before)s rows of the tally into %(after)s.")
                % {"before": before, "after": after}
            )
