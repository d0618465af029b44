"""Overdue obligations on the inbox and the dashboard, and in the day's reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from aftercare.models import Obligation
from aftercare.services import claw_back_order, obligation_schedule
from programmes.models import ReminderLog
from programmes.services.reminders import reminders_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(funded_project, staff):
    return obligation_schedule(
        application=funded_project,
        actor=staff,
        kind=Obligation.Kind.PROGRESS_REPORT,
        title="上半年进度报告",
        due_on=timezone.localdate() - timedelta(days=5),
    )


def test_the_bureau_inbox_lists_overdue_obligations(client, staff, overdue):
    client.force_login(staff)
    page = client.get("/inbox/").content.decode()
    section = page.split('id="aftercare"')[1].split("</section>")[0]
    assert "上半年进度报告" in section
    assert f"/aftercare/obligations/{overdue.pk}/" in section
    assert "1 obligation is past its due date." in section


def test_another_enterprise_inbox_shows_no_overdue_obligation(client, other_applicant, overdue):
    client.force_login(other_applicant)
    assert "上半年进度报告" not in client.get("/inbox/").content.decode()


def test_the_dashboard_counts_overdue_obligations(client, staff, overdue):
    client.force_login(staff)
    page = client.get("/dashboard/").content.decode()
    assert "Obligations: 1 on record, 1 waiting, 1 overdue." in page


def test_send_reminders_covers_obligations_and_repayments(
    staff, applicant, overdue, funded_project
):
    today = timezone.localdate()
    claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("5000"),
        reason="超范围使用资金",
        due_on=today + timedelta(days=7),
    )
    run = reminders_send(today=today)
    sent = {(r.kind, r.recipient.username) for r in run.sent}
    assert ("obligation_due", "applicant") in sent
    assert ("obligation_due", "staff") in sent
    assert ("repayment_due", "applicant") in sent
    assert ReminderLog.objects.filter(kind="obligation_due").count() == 2
    again = reminders_send(today=today)
    assert again.sent == [] and again.already_sent == 3


def test_the_command_names_the_obligation_kind(staff, applicant, overdue, capsys):
    call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "Obligation due → applicant" in out
    assert "Obligation due 2" in out


def test_the_reminders_log_shows_and_filters_aftercare_kinds_by_their_labels(
    client, staff, applicant, overdue, funded_project
):
    today = timezone.localdate()
    claw_back_order(
        application=funded_project,
        actor=staff,
        amount=Decimal("5000"),
        reason="超范围使用资金",
        due_on=today + timedelta(days=7),
    )
    reminders_send(today=today)
    client.force_login(staff)

    page = client.get("/admin/programmes/reminderlog/").content.decode()
    rows = page.split('id="result_list"')[1].split("</table>")[0]
    assert rows.count("Obligation due") == 2
    assert rows.count("Claw-back repayment due") == 1
    assert "obligation_due" not in rows
    filtered = client.get("/admin/programmes/reminderlog/?kind=repayment_due").content.decode()
    assert 'href="?kind=repayment_due"' in filtered
    result = filtered.split('id="result_list"')[1].split("</table>")[0]
    assert result.count("Claw-back repayment due") == 1 and "Obligation due" not in result
