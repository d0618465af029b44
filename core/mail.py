"""The outgoing mail queue: every email the site sends is a row (``OutgoingEmail``)
and a task that sends it, run by the worker (``manage.py db_worker``).

A request, a workflow move or a reminder run only writes the row; it never waits for
the mail server. The worker makes one attempt at a time, bounded by ``EMAIL_TIMEOUT``.
An attempt that fails is tried again after ``RETRY_DELAYS``, ``MAX_ATTEMPTS`` times in
all; an email that still fails stays in admin as failed, with the server's last
answer, until staff queue it again.

Each email is sent once: an attempt first claims the row (waiting → being sent) in a
transaction of its own, so a second task naming the same email, or a second worker,
finds nothing to send. A worker killed in the middle of an attempt leaves the row
"being sent"; whether the server took the message is then unknown, and staff decide
(``email_queue_again``).
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .audit import audit_record
from .models import AuditEntry, OutgoingEmail

logger = logging.getLogger(__name__)

Status = OutgoingEmail.Status

#: How long to wait before each further attempt: about eleven hours from the first
#: attempt to the last, so that a mail server down overnight is waited for.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

#: An attempt takes a few ``EMAIL_TIMEOUT``s at most; one "being sent" for longer than
#: this was cut off (the worker was killed) and may be queued again.
STUCK_AFTER = timedelta(minutes=15)


def email_queue(*, messages: Iterable[tuple[str, str, str]]) -> list[OutgoingEmail]:
    """Queue one email per ``(address, subject, body)``, in the caller's transaction;
    returns the rows.

    The task backend keeps its tasks in this database (``TASKS`` in the settings), so
    the emails, their tasks and what they tell of commit together or not at all, and
    the worker sees them once committed. (The tests' immediate backend sends on the spot.)
    """
    emails = [OutgoingEmail(to=to, subject=subject, body=body) for to, subject, body in messages]
    if not emails:
        return []
    with transaction.atomic():
        emails = OutgoingEmail.objects.bulk_create(emails)
        _enqueue([email.pk for email in emails])
    return emails


def _enqueue(ids: list[int], *, at=None) -> None:
    queued = deliver_email.using(run_after=at) if at is not None else deliver_email
    for pk in ids:
        queued.enqueue(pk)


@task()
def deliver_email(email_id: int) -> str:
    """One attempt at sending the email ``email_id``, if it is still waiting."""
    with transaction.atomic():
        claimed = OutgoingEmail.objects.filter(pk=email_id, status=Status.WAITING).update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=timezone.now(),
            next_attempt_at=None,
        )
        if not claimed:
            # Sent, being sent or failed already: another task named it too.
            return "nothing to send"
        email = OutgoingEmail.objects.get(pk=email_id)
    try:
        # The connection is opened here, with EMAIL_TIMEOUT on every wait for the server.
        EmailMessage(email.subject, email.body, to=[email.to]).send()
    except OSError as error:  # smtplib's errors, refusals and timeouts are OSErrors
        return _attempt_failed(email, error)
    except Exception as error:
        # Not the server's answer (a malformed message, a bug): trying again would fail
        # again. Failed at once, and raised so the task result keeps the traceback.
        _update(email, status=Status.FAILED, last_error=_describe(error))
        logger.exception("Email %s to %s cannot be sent", email.pk, email.to)
        raise
    _update(email, status=Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def _attempt_failed(email: OutgoingEmail, error: OSError) -> str:
    detail = _describe(error)
    if email.attempts >= MAX_ATTEMPTS:
        _update(email, status=Status.FAILED, last_error=detail)
        logger.error(
            "Email %s to %s failed %s times, the last: %s; it is left in admin as failed",
            email.pk,
            email.to,
            email.attempts,
            detail,
        )
        raise error
    retry_at = timezone.now() + RETRY_DELAYS[email.attempts - 1]
    with transaction.atomic():
        _update(email, status=Status.WAITING, next_attempt_at=retry_at, last_error=detail)
        # Only a backend that can hold a task until a given time retries by itself; the
        # immediate backend leaves the email waiting (tests only).
        if deliver_email.get_backend().supports_defer:
            _enqueue([email.pk], at=retry_at)
    logger.warning(
        "Email %s to %s not sent (attempt %s of %s: %s); trying again at %s",
        email.pk,
        email.to,
        email.attempts,
        MAX_ATTEMPTS,
        detail,
        retry_at.isoformat(),
    )
    return "will retry"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _update(email: OutgoingEmail, **values) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(**values)


def may_queue_again() -> Q:
    """The emails staff may queue again: failed ones, and those cut off while being sent."""
    return Q(status=Status.FAILED) | Q(
        status=Status.SENDING, last_attempt_at__lt=timezone.now() - STUCK_AFTER
    )


def email_queue_again(*, emails, actor, request=None) -> int:
    """Queue failed (or cut-off) emails again for a new round of attempts, each one
    audited. Returns how many were queued."""
    with transaction.atomic():
        chosen = list(
            OutgoingEmail.objects.select_for_update()
            .filter(may_queue_again(), pk__in=[email.pk for email in emails])
            .order_by("pk")
        )
        for email in chosen:
            _update(email, status=Status.WAITING, attempts=0, next_attempt_at=None)
            audit_record(
                action=AuditEntry.Action.RECORD,
                actor=actor,
                obj=email,
                detail=f"queued again, was {email.status} after {email.attempts} attempts: "
                f"{email.last_error}",
                request=request,
            )
        _enqueue([email.pk for email in chosen])
    return len(chosen)
