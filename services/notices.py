"""What the problem workflow tells, once a step is committed: the owner of an
assignment, the enterprise's members of every step, and the county of a reopening.

Registered on ``PROBLEM_FLOW`` as the app loads (``apps.ServicesConfig.ready``); each
notice is sent on commit, in each recipient's language (``core.notifications``)."""

from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.flows import MadeStep
from core.notifications import Notice, notify
from enterprises.access import enterprise_members
from enterprises.services import portal_url

from . import access
from .workflow import PROBLEM_FLOW


def _notice(problem, subject: str, message: str) -> Notice:
    link = reverse("services:problem", args=[problem.pk])
    return Notice(
        subject=subject, body=f"{message}\n\n{portal_url(link)}\n", message=message, link=link
    )


def _others(users, actor) -> list:
    return [user for user in users if user.pk != getattr(actor, "pk", None)]


def _step_notice(problem, step_label: str, status: str, comment: str) -> Notice:
    message = _("“%(title)s” (%(enterprise)s): %(step)s — now “%(status)s”.") % {
        "title": problem.title,
        "enterprise": problem.enterprise.name,
        "step": step_label,
        "status": status,
    }
    if comment:
        message = f"{message} {comment}"
    return _notice(problem, _("Programme Desk: a problem has moved"), message)


def _assigned_notice(problem) -> Notice:
    message = _("“%(title)s” (%(enterprise)s) is assigned to you, due %(due)s.") % {
        "title": problem.title,
        "enterprise": problem.enterprise.name,
        "due": problem.due_on.isoformat() if problem.due_on else _("without a due date"),
    }
    return _notice(problem, _("Programme Desk: a problem is assigned to you"), message)


def tell_after_step(made: MadeStep) -> None:
    """The enterprise's members hear of every step; the owner of an assignment; the owner
    (or the county) of a reopening."""
    problem, step, actor = made.record, made.step, made.context.actor
    comment = made.context.comment

    def moved() -> Notice:
        return _step_notice(problem, str(step.label), problem.get_status_display(), comment)

    def send():
        notify(users=_others(enterprise_members(problem.enterprise_id), actor), notice=moved)
        if step.name == "assign" and problem.owner_id:
            notify(
                users=_others([problem.owner], actor),
                notice=partial(_assigned_notice, problem),
                new_work=True,
            )
        if step.name == "reopen":
            watchers = [problem.owner] if problem.owner_id else access.problem_watchers(problem)
            notify(users=_others(watchers, actor), notice=moved, new_work=True)

    transaction.on_commit(send)


def tell_problem_raised(problem, actor) -> None:
    def compose() -> Notice:
        message = _("%(enterprise)s raised a problem: “%(title)s” (%(category)s).") % {
            "enterprise": problem.enterprise.name,
            "title": problem.title,
            "category": problem.get_category_display(),
        }
        return _notice(problem, _("Programme Desk: an enterprise raised a problem"), message)

    transaction.on_commit(
        lambda: notify(
            users=_others(access.problem_watchers(problem), actor), notice=compose, new_work=True
        )
    )


PROBLEM_FLOW.after_move(tell_after_step)
