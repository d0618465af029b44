"""``manage.py demo_open_notice``: the demo's public notice opened far enough in the past
that it has run its full period, so that the README's walk-through reaches the grant
without waiting.

A notice runs at least its programme's period (5 working days for the demo's programme),
and a grant waits for its end. In the demo, instead of *Open public notice* on the desk,
this command opens the notice of the demo call's approved applications through the one
service (``application_move``, one batch: one public notice lists them all) as of the
latest working morning from which the period has run by now. Everything the move writes
carries that moment — the timeline entry, its audit entry, the public notice issued and
its dates — so the records agree with each other; one more audit entry, at the real
time, says that the opening was backdated and by which command. Demo calls only (those
``setup_demo`` adds, ``demo-…``), and DEBUG only unless ``--force``.
"""

from datetime import datetime, time, timedelta
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry
from programmes.exceptions import MoveRefused
from programmes.hooks import moves_batch
from programmes.models import Application, Call
from programmes.notice_period import NoWorkingDayData, is_working_day
from programmes.services import application_move
from programmes.workflow import Status

from .setup_demo import BUREAU

DEMO_PREFIX = "demo-"
#: How far back to look for a moment from which the period has run (a long holiday
#: and the longest period fit well within it).
LOOK_BACK_DAYS = 60


def backdated_opening(call: Call, now: datetime) -> datetime:
    """The latest morning (09:00) before today, a working day when the notice counts
    working days, from which ``call``'s notice has ended by ``now``."""
    today = timezone.localdate(now)
    for back in range(1, LOOK_BACK_DAYS + 1):
        day = today - timedelta(days=back)
        if call.notice_in_working_days and not is_working_day(day):
            continue
        opened = timezone.make_aware(datetime.combine(day, time(9)))
        if call.notice_ends_at(opened) <= now:
            return opened
    raise CommandError(
        _("No moment in the last %(days)s days lets the notice of %(call)s end by now.")
        % {"days": LOOK_BACK_DAYS, "call": call.code}
    )


class Command(BaseCommand):
    help = (
        "Demo only: open the public notice of the demo call's approved applications in "
        "the past, so that it has ended and they can be granted. DEBUG only unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help=_("Run even though DEBUG is off."))

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(_("demo_open_notice is for the demo: DEBUG is off (--force)."))
        staff = get_user_model().objects.filter(username=BUREAU.username).first()
        if staff is None:
            raise CommandError(
                _("Run setup_demo first: %(user)s is missing.") % {"user": BUREAU.username}
            )
        approved = Application.objects.filter(
            call__code__startswith=DEMO_PREFIX, status=Status.APPROVED
        ).select_related("call__programme")
        by_call = {}
        for application in approved.order_by("call__code", "pk"):
            by_call.setdefault(application.call, []).append(application)
        if not by_call:
            self.stdout.write(_("No approved application of a demo call waits for its notice."))
            return
        now = timezone.now()
        for call, applications in by_call.items():
            try:
                opened = backdated_opening(call, now)
            except NoWorkingDayData as error:
                raise CommandError(str(error)) from error
            comment = _("Demo: the notice opened as of %(when)s (manage.py demo_open_notice).") % {
                "when": timezone.localtime(opened).strftime("%Y-%m-%d %H:%M")
            }
            try:
                # Every write of the move reads this moment as "now".
                with mock.patch("django.utils.timezone.now", return_value=opened), moves_batch():
                    for application in applications:
                        application_move(
                            application=application,
                            actor=staff,
                            move="open_public_notice",
                            comment=comment,
                        )
            except MoveRefused as refused:
                raise CommandError(" ".join(refused.messages)) from refused
            for application in applications:
                audit_record(
                    action=AuditEntry.Action.MOVE,
                    actor=staff,
                    obj=application,
                    detail=f"demo_open_notice: notice opened as of {opened.isoformat()}",
                )
            self.stdout.write(
                _(
                    "%(call)s: the notice of %(count)s application(s) opened as of %(when)s "
                    "and ended %(end)s; grant them now."
                )
                % {
                    "call": call.code,
                    "count": len(applications),
                    "when": timezone.localtime(opened).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(call.notice_ends_at(opened)).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                }
            )
