"""Telling an enterprise's members what happened to their application, and officers,
staff and experts of work that has arrived for them.

The in-app notice and the email are rendered from translatable templates in
``templates/emails/`` (``status_changed_notice.txt``, ``status_changed_subject.txt``,
``status_changed.txt``) and sent through ``core.notifications.notify``, which
renders them in each member's own language.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.notifications import Notice, notify
from enterprises import access as enterprise_access
from enterprises.access import enterprise_members
from enterprises.services import portal_url

from .. import access
from ..models import Application, Objection, ReviewAssignment
from ..selectors.applicant import applicant_status_name


def _render(template: str, context: dict) -> str:
    return render_to_string(f"emails/{template}", context).strip()


def notify_members(*, application: Application, comment: str = "") -> None:
    """Tell each approved member of the enterprise, in-app and by email."""
    link = reverse("programmes:application-detail", args=[application.pk])

    def notice() -> Notice:
        context = {
            "application": application,
            "enterprise": application.enterprise,
            "call": application.call,
            "status_name": applicant_status_name(application.status),
            "comment": comment,
            "link": portal_url(link),
        }
        return Notice(
            subject=" ".join(_render("status_changed_subject.txt", context).split()),
            body=_render("status_changed.txt", context) + "\n",
            message=" ".join(_render("status_changed_notice.txt", context).split()),
            link=link,
        )

    notify(users=enterprise_members(application.enterprise_id), notice=notice)


def notify_after_move(*, application: Application, move: str, comment: str, actor) -> None:
    """What a move tells, once it is committed: the enterprise's members of where their
    application stands, and whoever the move gives work to."""
    notify_members(application=application, comment=comment)
    notify_work_after_move(application=application, move=move, actor=actor)


# --- New work: officers, staff and experts hear when something waits for them ---------
#
# Each notice is a notice of new work (``notify(new_work=True)``): every person's own
# choices decide whether it comes in-app, by email, both or not at all. The person
# who made the work arrive is not told of it.


def _work_notice(*, subject, message, link: str) -> Notice:
    body = "\n\n".join(
        (
            message,
            portal_url(link),
            _("You can turn these notices off on your account page: %(url)s")
            % {"url": portal_url(reverse("enterprises:dashboard"))},
        )
    )
    return Notice(subject=subject, body=body + "\n", message=message, link=link)


def _tell_of_work(*, users, actor, compose) -> list:
    users = [user for user in users if actor is None or user.pk != actor.pk]
    return notify(users=users, notice=compose, new_work=True)


def _about(application: Application) -> dict:
    return {
        "title": application.title,
        "enterprise": application.enterprise.name,
        "call": application.call.title,
    }


def notify_work_after_move(*, application: Application, move: str, actor) -> list:
    """Tell whoever the move gives work to: the county's officers when an application is
    filed (or filed again), the bureau's staff when a county recommends one."""
    if move in {"submit", "resubmit"}:
        link = reverse("review:county-application", args=[application.pk])

        def compose() -> Notice:
            return _work_notice(
                subject=_("Programme Desk: an application waits for your county"),
                message=_(
                    "“%(title)s” of %(enterprise)s (%(call)s) waits for the county's "
                    "recommendation."
                )
                % _about(application),
                link=link,
            )

        return _tell_of_work(
            users=enterprise_access.officers_covering(application.region_id),
            actor=actor,
            compose=compose,
        )
    if move == "recommend":
        link = reverse("review:desk-application", args=[application.pk])

        def compose() -> Notice:
            return _work_notice(
                subject=_("Programme Desk: a recommended application waits for the bureau"),
                message=_(
                    "“%(title)s” of %(enterprise)s (%(call)s) is recommended by its county "
                    "and waits for the bureau's formal check."
                )
                % _about(application),
                link=link,
            )

        return _tell_of_work(users=access.bureau_staff(), actor=actor, compose=compose)
    return []


def notify_expert_assigned(*, assignment: ReviewAssignment, actor) -> list:
    """Tell an expert of an application they are asked to review, and by when."""
    application = assignment.application
    link = reverse("review:expert-assignment", args=[assignment.pk])

    def compose() -> Notice:
        return _work_notice(
            subject=_("Programme Desk: an application to review"),
            message=_(
                "You are asked to review “%(title)s” (%(call)s) by %(due)s. Declare first "
                "whether you have a conflict of interest; the file opens after that."
            )
            % {**_about(application), "due": date_format(assignment.due_on)},
            link=link,
        )

    return _tell_of_work(users=[assignment.expert], actor=actor, compose=compose)


def notify_sheets_in(*, application: Application, actor) -> list:
    """Tell the bureau's staff that every score sheet of an application is in."""
    link = reverse("review:desk-application", args=[application.pk])

    def compose() -> Notice:
        return _work_notice(
            subject=_("Programme Desk: a review can be completed"),
            message=_(
                "Every expert has submitted a score sheet for “%(title)s” of %(enterprise)s "
                "(%(call)s): the review can be completed."
            )
            % _about(application),
            link=link,
        )

    return _tell_of_work(users=access.bureau_staff(), actor=actor, compose=compose)


def notify_conflict_declared(*, assignment: ReviewAssignment, actor) -> list:
    """Tell the bureau's staff that an expert declined for a conflict of interest."""
    application = assignment.application
    link = reverse("review:desk-call", args=[application.call_id]) + "#assign"

    def compose() -> Notice:
        return _work_notice(
            subject=_("Programme Desk: an expert declared a conflict of interest"),
            message=_(
                "An expert declared a conflict of interest on “%(title)s” of %(enterprise)s "
                "(%(call)s): assign another expert."
            )
            % _about(application),
            link=link,
        )

    return _tell_of_work(users=access.bureau_staff(), actor=actor, compose=compose)


def notify_objection_lodged(*, objection: Objection) -> list:
    """Tell the bureau's staff of an objection lodged during a public notice."""
    application = objection.application
    link = reverse("review:desk-application", args=[application.pk]) + "#objections"

    def compose() -> Notice:
        return _work_notice(
            subject=_("Programme Desk: an objection was lodged"),
            message=_(
                "An objection was lodged against “%(title)s” of %(enterprise)s (%(call)s) "
                "during its public notice: read it and decide whether it holds."
            )
            % _about(application),
            link=link,
        )

    return _tell_of_work(users=access.bureau_staff(), actor=None, compose=compose)
