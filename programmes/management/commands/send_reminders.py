"""Send the day's reminders: calls closing, public notices ending, designations expiring,
evaluations due, and those the apps above programmes register (obligations, repayments).
Safe to run daily from cron; a reminder already sent is never sent again.
Emails are queued for the mail worker, which sends them whether or not the mail server
is up at the time of the run."""

from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.services.reminders import reminder_kinds, reminders_send


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("--today takes a date as YYYY-MM-DD, not “%(value)s”.") % {"value": value}
        ) from error


class Command(BaseCommand):
    # Plain gettext: argparse cannot format lazy strings. Commands load after set-up.
    help = _(
        "Notify staff and applicants of calls closing soon, public notices ending, "
        "designations expiring and evaluations due. Each reminder goes out once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=parse_day,
            help=_("Run as if it were this day (YYYY-MM-DD); default: today."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Show what would be sent; send and record nothing."),
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        today = today or timezone.localdate()
        run = reminders_send(today=today, dry_run=dry_run)
        labels = dict(reminder_kinds())
        prefix = _("[dry run] ") if dry_run else ""
        for reminder in run.sent:
            self.stdout.write(
                _("%(prefix)s%(kind)s → %(user)s%(email)s: %(message)s")
                % {
                    "prefix": prefix,
                    "kind": labels[reminder.kind],
                    "user": reminder.recipient.get_username(),
                    "email": f" <{reminder.recipient.email}>" if reminder.recipient.email else "",
                    "message": reminder.message,
                }
            )
        counts = Counter(reminder.kind for reminder in run.sent)
        by_kind = ", ".join(f"{label} {counts[kind]}" for kind, label in reminder_kinds())
        values = {
            "date": today.isoformat(),
            "count": len(run.sent),
            "by_kind": by_kind,
            "already": run.already_sent,
        }
        if dry_run:
            summary = ngettext(
                "%(date)s: %(count)s reminder would be sent (%(by_kind)s); "
                "%(already)s sent before.",
                "%(date)s: %(count)s reminders would be sent (%(by_kind)s); "
                "%(already)s sent before.",
                len(run.sent),
            )
        else:
            summary = ngettext(
                "%(date)s: %(count)s reminder sent (%(by_kind)s); %(already)s sent before.",
                "%(date)s: %(count)s reminders sent (%(by_kind)s); %(already)s sent before.",
                len(run.sent),
            )
        self.stdout.write(summary % values)
