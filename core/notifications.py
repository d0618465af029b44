"""The one way a person is told something: an in-app notice and an email (queued, and
sent by the mail worker: ``core.mail``).

``notify`` is called by every service that tells people of something — a move of
their application, a membership request or decision, a reminder. One rule decides
who receives it: active accounts only, and an email only to those with an address.
"""

from dataclasses import dataclass

from django.db import transaction

from .mail import email_queue
from .models import Notification


@dataclass(frozen=True)
class Notice:
    """What is said: the email's subject and body, the in-app line, and the page it is
    about (a path on this site, or empty)."""

    subject: str
    body: str
    message: str
    link: str = ""


def recipients(users) -> list:
    """The one recipients rule: active accounts, each once."""
    seen, people = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    return people


def notify(*, users, notice: Notice) -> list:
    """Tell ``users`` of ``notice``: an in-app notice each, and an email queued for those
    with an address (``core.mail``). Returns the people told.

    The notices and the emails are written in one transaction (the caller's, if any);
    nothing waits for the mail server.
    """
    people = recipients(users)
    if not people:
        return []
    with transaction.atomic():
        Notification.objects.bulk_create(
            [Notification(user=user, message=notice.message, link=notice.link) for user in people]
        )
        email_queue(
            messages=[(user.email, notice.subject, notice.body) for user in people if user.email]
        )
    return people
