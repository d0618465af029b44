"""The one way a person is told something: an in-app notice and an email (queued, and
sent by the mail worker: ``core.mail``).

``notify`` is called by every service that tells people of something — a move of
their application, work that has arrived for them, a membership request or decision,
a reminder. One rule decides who receives it: active accounts only, and an email
only to those with an address. A notice of new work (``new_work=True``) also follows
each person's choices (``core.profiles``): in-app, by email, both or neither.

Each person reads the notice in their own language (``Profile.language``, set by the
language switch; the site's language for those who never chose): the notice is
rendered once per language among the recipients.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from .mail import email_queue
from .models import Notification
from .profiles import choices_of


@dataclass(frozen=True)
class Notice:
    """What is said: the email's subject and body, the in-app line, and the page it is
    about (a path on this site, or empty). The texts may be lazy translations: they
    are read in each recipient's language."""

    subject: str
    body: str
    message: str
    link: str = ""

    def __call__(self) -> "Notice":
        return Notice(
            subject=str(self.subject),
            body=str(self.body),
            message=str(self.message),
            link=str(self.link),
        )


#: A notice, or a function that writes it in the active language (from templates, or
#: from texts formatted with values).
Composer = Callable[[], Notice]


def recipients(users) -> list:
    """The one recipients rule: active accounts, each once."""
    seen, people = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    return people


def notify(*, users, notice: Notice | Composer, new_work: bool = False) -> list:
    """Tell ``users`` of ``notice``, each in their own language: an in-app notice each,
    and an email queued for those with an address (``core.mail``). With ``new_work``,
    each person's choices for notices of new work decide which of the two they get.
    Returns the people told (in-app, by email or both).

    The notices and the emails are written in one transaction (the caller's, if any);
    nothing waits for the mail server.
    """
    people = recipients(users)
    if not people:
        return []
    choices = choices_of(people)
    by_language = defaultdict(list)
    for user in people:
        by_language[choices[user.pk].language].append(user)
    notices, emails, told = [], [], []
    for language, group in by_language.items():
        with translation.override(language):
            text = notice()
        for user in group:
            in_app = not new_work or choices[user.pk].new_work_in_app
            by_email = bool(user.email) and (not new_work or choices[user.pk].new_work_by_email)
            if in_app:
                notices.append(Notification(user=user, message=text.message, link=text.link))
            if by_email:
                emails.append((user.email, text.subject, text.body))
            if in_app or by_email:
                told.append(user)
    with transaction.atomic():
        Notification.objects.bulk_create(notices)
        email_queue(messages=emails)
    return told
