"""Reminders of overdue problems, sent by ``manage.py send_reminders`` (registered with
``programmes.services.reminders.register_reminders`` in ``apps.ServicesConfig.ready``).

A problem still waiting for the bureau's side (open, assigned, in progress or reopened)
whose due date has passed: its owner hears of it, or, while nobody owns it, the officers
covering the enterprise's county (bureau staff where no officer covers it,
``access.problem_watchers``). Each hears once per problem and due date (the reminders
log); a new due date set when the problem is assigned again is reminded anew.

A system read, like programmes' reminders: it queries the models directly.
"""

from datetime import date

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.services import portal_url
from programmes.services.reminders import Reminder

from . import access
from .models import Problem
from .workflow import OPEN_STATES

PROBLEM_OVERDUE = "problem_overdue"
KINDS = {PROBLEM_OVERDUE: gettext_lazy("Problem overdue")}


def _recipients(problem) -> list:
    if problem.owner_id:
        return [problem.owner] if problem.owner.is_active else []
    return [user for user in access.problem_watchers(problem) if user.is_active]


def problem_reminders(today: date, staff: list) -> list[Reminder]:
    """The problems past their due date that wait for the bureau's side."""
    problems = (
        Problem.objects.filter(status__in=OPEN_STATES, due_on__lt=today)
        .select_related("enterprise", "owner")
        .order_by("due_on", "pk")
    )
    subject = _("Programme Desk: a problem is overdue")
    reminders = []
    for problem in problems:
        message = _(
            "“%(title)s” of %(enterprise)s (%(department)s) was due on %(date)s and is still "
            "“%(status)s”: resolve it, or assign it again with a new due date."
        ) % {
            "title": problem.title,
            "enterprise": problem.enterprise.name,
            "department": problem.department or _("no department named"),
            "date": date_format(problem.due_on, "DATE_FORMAT"),
            "status": problem.get_status_display(),
        }
        link = portal_url(reverse("services:problem", args=[problem.pk]))
        reminders += [
            Reminder(
                PROBLEM_OVERDUE,
                f"problem:{problem.pk}:overdue",
                problem.due_on,
                user,
                subject,
                message,
                link=link,
            )
            for user in _recipients(problem)
        ]
    return reminders
