"""send_reminders: each reminder reaches the right people once; dry runs write nothing."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.mail import RETRY_DELAYS
from core.models import Notification, OutgoingEmail
from enterprises.models import Membership
from programmes.models import ApplicationEvent, Designation, Evaluation, Kind, Level, ReminderLog
from programmes.services.reminders import add_years, reminders_send
from programmes.workflow import Status
from tests import factories
from tests.core.mail_server import MailServer, refused_port, run_worker

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 24)
K = ReminderLog.Kind


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


class World:
    """Two staff, applicants, and one of each deadline, in and out of range."""

    def __init__(self):
        self.staff = [factories.staff_user(username=name) for name in ("staff-a", "staff-b")]
        factories.staff_user(username="staff-gone", is_active=False)
        User.objects.create_superuser("root", "root@example.com", "x" * 12)

        # A call closing in six days with one draft; another call closing later.
        self.closing = factories.CallFactory(title="Closing call", closes_on=TODAY + timedelta(6))
        factories.CallFactory(title="Later call", closes_on=TODAY + timedelta(8))
        factories.CallFactory(title="Closed call", closes_on=TODAY - timedelta(1))
        self.drafting = factories.EnterpriseFactory()
        self.drafter = factories.applicant_for(self.drafting, username="drafter")
        self.no_mail = factories.applicant_for(self.drafting, username="no-mail", email="")
        pending = factories.UserFactory(username="pending")
        Membership.objects.create(user=pending, enterprise=self.drafting)
        self.draft = factories.ApplicationFactory(
            enterprise=self.drafting, call=self.closing, title="Nano coating"
        )
        submitter = factories.EnterpriseFactory()
        factories.applicant_for(submitter, username="submitter")
        factories.ApplicationFactory(
            enterprise=submitter, call=self.closing, status=Status.SUBMITTED
        )

        # Public notices: one ends in two days, one has just opened.
        self.notice_call = factories.CallFactory(title="Notice call", public_notice_days=5)
        ending = factories.ApplicationFactory(call=self.notice_call, status=Status.IN_PUBLIC_NOTICE)
        self.notice_event(ending, TODAY - timedelta(3))
        fresh_call = factories.CallFactory(title="Fresh notice", public_notice_days=5)
        fresh = factories.ApplicationFactory(call=fresh_call, status=Status.IN_PUBLIC_NOTICE)
        self.notice_event(fresh, TODAY)

        # Designations: one expiring within 90 days, one later; evaluations due or not.
        self.holder = factories.EnterpriseFactory()
        self.holder_member = factories.applicant_for(self.holder, username="holder")
        self.expiring = self.designation(
            valid_until=TODAY + timedelta(60), designated_on=TODAY - timedelta(300)
        )
        self.designation(valid_until=TODAY + timedelta(200), designated_on=TODAY)
        self.never_evaluated = self.designation(designated_on=date(2023, 1, 10))
        self.evaluated_long_ago = self.designation(designated_on=date(2020, 1, 1))
        self.evaluate(self.evaluated_long_ago, date(2022, 3, 1), "2020–2021")
        recently = self.designation(designated_on=date(2020, 1, 1))
        self.evaluate(recently, date(2024, 5, 1), "2022–2023")
        revoked = self.designation(designated_on=date(2019, 1, 1), status=Status.REVOKED)
        assert revoked.application.status == Status.REVOKED

    @staticmethod
    def notice_event(application, day):
        ApplicationEvent.objects.create(
            application=application,
            at=at(day),
            move="open_public_notice",
            from_status=Status.APPROVED,
            to_status=Status.IN_PUBLIC_NOTICE,
        )

    def designation(self, *, status=Status.GRANTED, **dates):
        programme = factories.ProgrammeFactory(kind=Kind.DESIGNATION)
        application = factories.ApplicationFactory(
            enterprise=self.holder, call=factories.CallFactory(programme=programme), status=status
        )
        return Designation.objects.create(application=application, level=Level.MUNICIPAL, **dates)

    @staticmethod
    def evaluate(designation, day, period):
        Evaluation.objects.create(
            designation=designation, period=period, evaluated_on=day, score=80
        )


@pytest.fixture
def world():
    return World()


def sent(run):
    return {(r.kind, r.object_key, r.recipient.username, r.due_on) for r in run.sent}


def test_each_kind_reaches_the_right_people(world):
    run = reminders_send(today=TODAY)

    call_key = f"call:{world.closing.pk}"
    notice_key = f"call:{world.notice_call.pk}"
    expiring_key = f"designation:{world.expiring.pk}"
    staff = ("staff-a", "staff-b")
    expected = {
        *((K.CALL_CLOSING, call_key, name, world.closing.closes_on) for name in staff),
        (K.CALL_CLOSING, call_key, "drafter", world.closing.closes_on),
        (K.CALL_CLOSING, call_key, "no-mail", world.closing.closes_on),
        *((K.NOTICE_ENDING, notice_key, name, TODAY + timedelta(2)) for name in staff),
        *(
            (K.DESIGNATION_EXPIRING, expiring_key, name, world.expiring.valid_until)
            for name in (*staff, "holder")
        ),
        *(
            (K.EVALUATION_DUE, f"designation:{world.never_evaluated.pk}", name, date(2025, 1, 10))
            for name in staff
        ),
        *(
            (K.EVALUATION_DUE, f"designation:{world.evaluated_long_ago.pk}", name, date(2024, 3, 1))
            for name in staff
        ),
    }
    assert sent(run) == expected
    assert ReminderLog.objects.count() == len(expected)


def test_reminders_arrive_in_app_and_by_email(world):
    reminders_send(today=TODAY)

    notice = Notification.objects.get(user=world.drafter)
    assert "Closing call" in notice.message and "“Nano coating”" in notice.message
    assert notice.link == reverse("programmes:application-detail", args=[world.draft.pk])
    assert Notification.objects.filter(user=world.no_mail).exists()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert "no-mail" not in " ".join(recipients)
    assert recipients.count("drafter@example.com") == 1
    assert recipients.count("holder@example.com") == 1
    assert recipients.count("staff-a@example.com") == 5
    drafter_mail = next(m for m in mail.outbox if m.to == ["drafter@example.com"])
    assert drafter_mail.subject == "Programme Desk: a call closes soon"
    assert f"/applications/{world.draft.pk}/" in drafter_mail.body


def test_a_second_run_sends_nothing(world):
    first = reminders_send(today=TODAY)
    emails, notices = len(mail.outbox), Notification.objects.count()

    second = reminders_send(today=TODAY)

    assert second.sent == []
    assert second.already_sent == len(first.sent)
    assert len(mail.outbox) == emails
    assert Notification.objects.count() == notices


def test_the_next_day_brings_only_what_came_into_range(world):
    reminders_send(today=TODAY)

    run = reminders_send(today=TODAY + timedelta(2))

    assert {(r.kind, r.message.split("”")[0]) for r in run.sent} == {
        (K.CALL_CLOSING, "The call “Later call"),
    }


def test_a_moved_deadline_is_a_new_reminder(world):
    reminders_send(today=TODAY)
    world.closing.closes_on = TODAY + timedelta(5)
    world.closing.save()

    run = reminders_send(today=TODAY)

    assert {(r.kind, r.recipient.username) for r in run.sent} == {
        (K.CALL_CLOSING, name) for name in ("staff-a", "staff-b", "drafter", "no-mail")
    }


def test_a_designation_past_its_validity_still_held_is_told_to_staff_only(world):
    world.expiring.valid_until = TODAY - timedelta(1)
    world.expiring.save()

    run = reminders_send(today=TODAY)

    expiring = {r.recipient.username for r in run.sent if r.kind == K.DESIGNATION_EXPIRING}
    assert expiring == {"staff-a", "staff-b"}


def test_the_command_prints_each_reminder_and_a_summary(world):
    out = StringIO()

    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == ReminderLog.objects.count() + 1
    assert any(
        line.startswith("Call closing soon → drafter <drafter@example.com>: The call")
        for line in lines
    )
    assert lines[-1].startswith("2025-06-24: 13 reminders sent (Call closing soon 4, ")
    assert lines[-1].endswith("; 0 sent before.")


def test_a_dry_run_writes_and_sends_nothing(world):
    out = StringIO()

    call_command("send_reminders", "--today", TODAY.isoformat(), "--dry-run", stdout=out)

    assert ReminderLog.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 14
    assert all(line.startswith("[dry run] ") for line in lines[:-1])
    assert "13 reminders would be sent" in lines[-1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reminders_queued_while_the_mail_server_is_down_go_out_once_when_it_is_back(
    world, settings, monkeypatch
):
    """Each reminder is logged with its email queued; the worker sends the emails once
    the server answers, each once, and no run queues a reminder twice."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        refused_port(),
        1,
    )
    out = StringIO()

    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)
    run_worker()

    assert "13 reminders sent" in out.getvalue()
    assert ReminderLog.objects.count() == 13
    assert Notification.objects.count() == 13
    # Everyone with an address (all but "no-mail") has an email waiting for a next attempt.
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.WAITING).count() == 12
    assert "ConnectionRefusedError" in OutgoingEmail.objects.first().last_error
    assert reminders_send(today=TODAY).sent == []

    server = MailServer("answers")
    settings.EMAIL_PORT = server.port
    later = timezone.now() + RETRY_DELAYS[0]
    monkeypatch.setattr(timezone, "now", lambda: later)
    try:
        run_worker()
        run_worker()
    finally:
        server.close()

    recipients = sorted(address for addresses, _data in server.messages for address in addresses)
    assert len(recipients) == 12
    assert recipients.count("staff-a@example.com") == 5
    assert recipients.count("drafter@example.com") == 1
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 12
    assert OutgoingEmail.objects.count() == 12


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "24/06/2025")


def test_add_years_keeps_the_day_or_falls_back_from_29_february():
    assert add_years(date(2023, 1, 10), 2) == date(2025, 1, 10)
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2025, 6, 24), -2) == date(2023, 6, 24)


def test_staff_read_the_reminders_sent_in_admin_and_cannot_change_them(world, client):
    reminders_send(today=TODAY)
    staff = User.objects.get(username="staff-a")
    client.force_login(staff)

    page = client.get("/admin/programmes/reminderlog/")

    assert page.status_code == 200
    assert f"call:{world.closing.pk}" in page.content.decode()
    some = ReminderLog.objects.first()
    assert client.get(f"/admin/programmes/reminderlog/{some.pk}/delete/").status_code == 403
    assert client.get("/admin/programmes/reminderlog/add/").status_code == 403


def test_other_desk_users_cannot_read_the_reminders_log(world, client):
    reminders_send(today=TODAY)
    expert = factories.expert_user(username="reminder-expert")
    assert expert.is_staff  # experts use the admin too, so the permission check is reached
    client.force_login(expert)

    assert client.get("/admin/programmes/reminderlog/").status_code == 403
    assert "reminderlog" not in client.get("/admin/").content.decode()


# --- Experts' review deadlines, and every reminder in its recipient's language ---------


def review_assignment(expert, *, due_on, status=Status.IN_REVIEW, **fields):
    from programmes.models import ReviewAssignment

    application = factories.ApplicationFactory(status=status, title=f"Due {due_on}")
    return ReviewAssignment.objects.create(
        application=application, expert=expert, due_on=due_on, **fields
    )


def test_an_expert_is_reminded_of_a_review_due_soon_and_once_more_when_overdue():
    expert = factories.expert_user(username="expert-due")
    soon = review_assignment(expert, due_on=TODAY + timedelta(days=3))
    later = review_assignment(expert, due_on=TODAY + timedelta(days=4))  # not yet in range
    review_assignment(
        expert, due_on=TODAY, submitted_at=timezone.now(), no_conflict_declared_at=timezone.now()
    )  # the sheet is in
    review_assignment(expert, due_on=TODAY, status=Status.REVIEWED)  # the review is over

    run = reminders_send(today=TODAY)

    reviews = [reminder for reminder in run.sent if reminder.kind == K.REVIEW_DUE]
    assert [(r.recipient, r.object_key) for r in reviews] == [(expert, f"assignment:{soon.pk}")]
    assert "is due on" in reviews[0].message
    assert f"/expert/assignments/{soon.pk}/" in reviews[0].link
    assert [r for r in reminders_send(today=TODAY).sent if r.kind == K.REVIEW_DUE] == []
    overdue = [
        r for r in reminders_send(today=TODAY + timedelta(days=4)).sent if r.kind == K.REVIEW_DUE
    ]
    assert [r.object_key for r in overdue] == [
        f"assignment:{soon.pk}:overdue",
        f"assignment:{later.pk}",
    ]
    assert "was due on" in overdue[0].message


def test_each_reminder_is_written_in_its_recipients_language():
    from core.models import Profile

    chinese = factories.expert_user(username="expert-zh")
    english = factories.expert_user(username="expert-en")
    Profile.objects.create(user=chinese, language="zh-hans")
    Profile.objects.create(user=english, language="en")
    for expert in (chinese, english):
        review_assignment(expert, due_on=TODAY + timedelta(days=1))

    reminders_send(today=TODAY)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[chinese.email].startswith("项目申报管理平台")
    assert subjects[english.email] == "Programme Desk: a review is due"
    logged = dict(ReminderLog.objects.values_list("recipient__username", "message"))
    assert "Your review of" in logged["expert-en"]
    assert "Your review of" not in logged["expert-zh"]
