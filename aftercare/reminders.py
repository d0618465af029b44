"""Reminders of aftercare's deadlines, sent by ``manage.py send_reminders`` (registered with
``programmes.services.reminders.register_reminders``):

- an obligation (a report, the acceptance) is due within ``OBLIGATION_DUE_DAYS`` and still
  waits for the enterprise: its members; once past due, its members again and bureau staff;
- a claw-back's repayment date falls within ``REPAYMENT_DUE_DAYS`` with money still owed:
  the enterprise's members; once past, its members again and bureau staff.

An inspection waits for the bureau, not the enterprise: staff hear of it once overdue.
System reads, like programmes' reminders: they query the models directly.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Sum
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Membership
from enterprises.services import portal_url
from programmes.services.reminders import Reminder

from .flows import OPEN_OBLIGATIONS
from .models import ClawBack, Obligation
from .money import yuan

OBLIGATION_DUE_DAYS = 14
REPAYMENT_DUE_DAYS = 14
OBLIGATION_DUE = "obligation_due"
REPAYMENT_DUE = "repayment_due"
KINDS = {
    OBLIGATION_DUE: gettext_lazy("Obligation due"),
    REPAYMENT_DUE: gettext_lazy("Claw-back repayment due"),
}


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _members(enterprise_ids) -> dict[int, list]:
    members = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            enterprise_id__in=set(enterprise_ids),
            status=Membership.Status.APPROVED,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__username")
    ):
        members[membership.enterprise_id].append(membership.user)
    return members


def _obligations(today: date, staff: list) -> list[Reminder]:
    obligations = list(
        Obligation.objects.filter(
            status__in=OPEN_OBLIGATIONS,
            due_on__lte=today + timedelta(days=OBLIGATION_DUE_DAYS),
        )
        .select_related("application__enterprise")
        .order_by("due_on", "pk")
    )
    members = _members(o.application.enterprise_id for o in obligations)
    subject = _("Programme Desk: an obligation is due")
    reminders = []
    for obligation in obligations:
        values = {
            "title": obligation.title,
            "project": obligation.application.title,
            "enterprise": obligation.application.enterprise.name,
            "date": _day(obligation.due_on),
        }
        key = f"obligation:{obligation.pk}"
        link = portal_url(reverse("aftercare:obligation", args=[obligation.pk]))
        recipients = []
        reported = obligation.kind != Obligation.Kind.INSPECTION
        if obligation.due_on >= today:
            if reported:
                message = _("“%(title)s” of “%(project)s” is due on %(date)s.") % values
                recipients = [
                    (user, message) for user in members[obligation.application.enterprise_id]
                ]
        else:
            key += ":overdue"
            if reported:
                message = (
                    _("“%(title)s” of “%(project)s” was due on %(date)s: submit it now.") % values
                )
                recipients = [
                    (user, message) for user in members[obligation.application.enterprise_id]
                ]
            staff_message = (
                _("“%(title)s” of “%(project)s” (%(enterprise)s) has been overdue since %(date)s.")
                % values
            )
            recipients += [(user, staff_message) for user in staff]
        reminders += [
            Reminder(OBLIGATION_DUE, key, obligation.due_on, user, subject, message, link=link)
            for user, message in recipients
        ]
    return reminders


def _repayments(today: date, staff: list) -> list[Reminder]:
    claw_backs = list(
        ClawBack.objects.filter(
            status=ClawBack.Status.ORDERED,
            due_on__lte=today + timedelta(days=REPAYMENT_DUE_DAYS),
        )
        .annotate(repaid_sum=Sum("repayments__amount"))
        .select_related("application__enterprise")
        .order_by("due_on", "pk")
    )
    members = _members(c.application.enterprise_id for c in claw_backs)
    subject = _("Programme Desk: a repayment is due")
    reminders = []
    for claw_back in claw_backs:
        owed = claw_back.amount - (claw_back.repaid_sum or 0)
        values = {
            "owed": yuan(owed),
            "project": claw_back.application.title,
            "enterprise": claw_back.application.enterprise.name,
            "date": _day(claw_back.due_on),
        }
        key = f"claw_back:{claw_back.pk}"
        enterprise_members = members[claw_back.application.enterprise_id]
        if claw_back.due_on >= today:
            message = (
                _("%(owed)s yuan of the funds of “%(project)s” is to be repaid by %(date)s.")
                % values
            )
            recipients = [(user, message) for user in enterprise_members]
        else:
            key += ":overdue"
            message = (
                _("%(owed)s yuan of the funds of “%(project)s” was to be repaid by %(date)s.")
                % values
            )
            staff_message = (
                _("%(enterprise)s still owes %(owed)s yuan of “%(project)s”, due %(date)s.")
                % values
            )
            recipients = [(user, message) for user in enterprise_members] + [
                (user, staff_message) for user in staff
            ]
        reminders += [
            Reminder(REPAYMENT_DUE, key, claw_back.due_on, user, subject, message)
            for user, message in recipients
        ]
    return reminders


def aftercare_reminders(today: date, staff: list) -> list[Reminder]:
    return [*_obligations(today, staff), *_repayments(today, staff)]
