"""The mail queue: a user's action never waits for the mail server; its email waits in
the queue, is tried again a bounded number of times, is sent once when the server
answers, and what fails for good stays in admin for staff.

These tests use the database backend and run the worker (``db_worker --batch``) as
production does, against mail servers on 127.0.0.1 (``tests/core/mail_server.py``).
"""

import time
from datetime import timedelta

import pytest
from django.core.mail.utils import DNS_NAME
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.mail import MAX_ATTEMPTS, RETRY_DELAYS, deliver_email
from core.models import AuditEntry, Notification, OutgoingEmail
from core.notifications import Notice, notify
from programmes.workflow import Status as ApplicationStatus
from tests import factories
from tests.core.mail_server import MailServer, refused_port, run_worker

# serialized_rollback: the roles (groups) come from a data migration; a flush would lose them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = OutgoingEmail.Status
NOTICE = Notice(subject="Programme Desk: a test", body="Hello.\n", message="A test")


@pytest.fixture(autouse=True)
def database_queue(settings):
    """The production backend: tasks are rows, run by the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def mail_server(settings):
    """``mail_server(behaviour, timeout=1)`` starts a server and points the site at it."""
    DNS_NAME.get_fqdn()  # looked up once per process, outside any attempt timed here
    started = []

    def start(behaviour="answers", *, timeout=1):
        if behaviour == "refuses":
            server, port = None, refused_port()
        else:
            server = MailServer(behaviour)
            started.append(server)
            port = server.port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_TIMEOUT = timeout
        return server

    yield start
    for server in started:
        server.close()


class Clock:
    """Time as everybody reads it (``django.utils.timezone.now``), moved on by hand."""

    def __init__(self, monkeypatch):
        self.offset = timedelta(0)
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)

    def advance(self, delta: timedelta):
        self.offset += delta


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def due_tasks() -> int:
    return DBTaskResult.objects.ready().count()


@pytest.mark.parametrize("behaviour", ["hangs", "refuses"])
def test_a_submit_does_not_wait_for_the_mail_server_and_its_email_waits_in_the_queue(
    client, enterprise, applicant, mail_server, behaviour
):
    # Were the email sent in the request, a server that hangs would hold it 5 s.
    server = mail_server(behaviour, timeout=5)
    application = factories.ready_to_file(
        factories.ApplicationFactory(enterprise=enterprise, title="Nano coating")
    )
    client.force_login(applicant)

    started = time.monotonic()
    response = client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "submit", "confirmed": "yes"},
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert Notification.objects.filter(user=applicant).exists()
    email = OutgoingEmail.objects.get()
    assert (email.to, email.status, email.attempts) == (applicant.email, Status.WAITING, 0)
    assert "Nano coating" in email.subject
    assert f"/applications/{application.pk}/" in email.body
    assert due_tasks() == 1
    assert server is None or server.connections == 0


def test_a_silent_server_holds_an_attempt_for_email_timeout_only_then_the_email_goes_once(
    applicant, mail_server, clock
):
    hanging = mail_server("hangs", timeout=1)
    notify(users=[applicant], notice=NOTICE)

    started = time.monotonic()
    run_worker()
    elapsed = time.monotonic() - started

    assert 1 <= elapsed < 3
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (Status.WAITING, 1)
    assert "timed out" in email.last_error
    # The next attempt is a delay after this one gave up.
    waited = email.next_attempt_at - email.last_attempt_at - RETRY_DELAYS[0]
    assert timedelta(seconds=1) <= waited < timedelta(seconds=3)
    run_worker()  # the next attempt is not due yet
    assert hanging.connections == 1

    answering = mail_server("answers")
    clock.advance(RETRY_DELAYS[0])
    run_worker()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 2, "")
    assert email.sent_at is not None
    assert [recipients for recipients, _data in answering.messages] == [[applicant.email]]
    assert b"Subject: Programme Desk: a test" in answering.messages[0][1]

    # A second task naming the same email, and later runs, send nothing more.
    deliver_email.enqueue(email.pk)
    clock.advance(timedelta(days=1))
    run_worker()
    assert len(answering.messages) == 1
    assert due_tasks() == 0


def test_an_email_the_server_keeps_refusing_is_tried_a_bounded_number_of_times_then_kept_as_failed(
    applicant, mail_server, clock
):
    dropping = mail_server("drops")
    notify(users=[applicant], notice=NOTICE)

    run_worker()
    for delay in RETRY_DELAYS:
        clock.advance(delay)
        run_worker()
    clock.advance(timedelta(days=30))
    run_worker()

    email = OutgoingEmail.objects.get()
    assert dropping.connections == email.attempts == MAX_ATTEMPTS
    assert email.status == Status.FAILED
    assert "SMTPServerDisconnected" in email.last_error
    assert due_tasks() == 0
    # The last attempt's task result keeps the traceback (Task results in admin).
    assert DBTaskResult.objects.failed().count() == 1


def test_nothing_is_queued_or_sent_for_a_rolled_back_change(applicant, mail_server):
    from django.db import transaction

    answering = mail_server("answers")

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[applicant], notice=NOTICE)
        raise RuntimeError("the change fails after its notice was written")
    run_worker()

    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert answering.messages == []


def test_staff_see_a_failed_email_and_queue_it_again_and_it_is_sent_once(
    client, staff, applicant, mail_server
):
    failed = OutgoingEmail.objects.create(
        to=applicant.email,
        subject="Programme Desk: a test",
        body="Hello.\n",
        status=Status.FAILED,
        attempts=MAX_ATTEMPTS,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    sent = OutgoingEmail.objects.create(
        to="other@example.com",
        subject="Already sent",
        body="Hello.\n",
        status=Status.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    answering = mail_server("answers")
    client.force_login(staff)
    changelist = reverse("admin:core_outgoingemail_changelist")

    page = client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert applicant.email in page and "Connection refused" in page

    response = client.post(
        changelist,
        {"action": "queue_again", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    run_worker()

    assert "1 email queued again." in response.content.decode()
    assert "can be queued again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert [recipients for recipients, _data in answering.messages] == [[applicant.email]]
    assert AuditEntry.objects.filter(
        object_type="core.OutgoingEmail", object_id=str(failed.pk), actor=staff
    ).exists()

    client.post(changelist, {"action": "queue_again", "_selected_action": [failed.pk]})
    run_worker()
    assert len(answering.messages) == 1


def test_other_desk_users_neither_see_the_mail_queue_nor_queue_again(client, applicant):
    email = OutgoingEmail.objects.create(
        to=applicant.email, subject="s", body="b", status=Status.FAILED, attempts=MAX_ATTEMPTS
    )
    expert = factories.expert_user(username="mail-expert")
    client.force_login(expert)
    changelist = reverse("admin:core_outgoingemail_changelist")

    assert client.get(changelist).status_code == 403
    response = client.post(changelist, {"action": "queue_again", "_selected_action": [email.pk]})

    assert response.status_code == 403
    email.refresh_from_db()
    assert email.status == Status.FAILED
