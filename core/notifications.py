"""The one way a person is told something: an in-app notice and an email.

``notify`` is called by every service that tells people of something — a move of
their application, a membership request or decision, a reminder. One rule decides
who receives it: active accounts only, and an email only to those with an address.
"""

from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection

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


def notify(*, users, notice: Notice, connection=None, fail_silently: bool = True) -> list:
    """Tell ``users`` of ``notice``: an in-app notice each, and an email to those with an
    address. Returns the people told.

    ``fail_silently=False`` raises the mail server's error, so that a caller keeping a
    log of what it sent (the reminders) can roll back and try again later.
    """
    people = recipients(users)
    if not people:
        return []
    Notification.objects.bulk_create(
        [Notification(user=user, message=notice.message, link=notice.link) for user in people]
    )
    addresses = [user.email for user in people if user.email]
    if addresses:
        connection = connection or get_connection(fail_silently=fail_silently)
        messages = [
            EmailMessage(notice.subject, notice.body, to=[address], connection=connection)
            for address in addresses
        ]
        connection.send_messages(messages)
    return people
