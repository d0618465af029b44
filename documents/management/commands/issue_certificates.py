"""``manage.py issue_certificates CALL``: the certificates of a call's granted
applications, with a progress bar.

Each granted application of the call that holds no certificate (a designation) or
approval or funding notice (a product or project) in force is issued one, dated today,
through ``documents.issuing.grant_documents_issue``, the service admin's *Issue the
certificates of a call* runs; those that hold one are skipped, so running it again
issues nothing twice. ``--user`` records the documents under a staff user.
"""

import argparse
import importlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from documents import access
from documents.issuing import grant_documents_due, grant_documents_issue
from programmes.models import Call

# ``manage.py import``'s bar; its module's name is a keyword, so it is imported by name.
ProgressBar = importlib.import_module("core.management.commands.import").ProgressBar


class Command(BaseCommand):
    help = (
        "Issue the certificates (or approval and funding notices) of a call's granted "
        "applications that hold none in force; the others are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("call", help="the call's code")
        parser.add_argument(
            "--user", help="the staff user the documents are issued by (default: none named)"
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="show a progress bar (default: when the output is a terminal)",
        )

    def handle(self, *args, **options):
        call = Call.objects.filter(code=options["call"]).first()
        if call is None:
            raise CommandError(_("No call has the code “%(code)s”.") % {"code": options["call"]})
        user = self._user(options["user"])
        show = options["progress"]
        if show is None:
            show = self.stderr.isatty()
        progress = None
        if show:
            progress = ProgressBar(self.stderr, call.code, unit=_("applications"))
            progress(0, grant_documents_due(call).count())
        try:
            result = grant_documents_issue(call=call, actor=user, progress=progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if progress is not None:
            progress.finish()
        self.stdout.write(
            _("%(call)s: %(issued)s issued, %(skipped)s skipped (they hold theirs already).")
            % {"call": call.code, "issued": len(result.issued), "skipped": result.skipped}
        )

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user “%(name)s”.") % {"name": username})
        if not access.may(user, "issue_documents"):
            raise CommandError(
                _("%(name)s may not issue documents: bureau staff only.") % {"name": username}
            )
        return user
