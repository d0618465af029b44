"""Notice periods as the rules say: a programme's period in calendar or working days,
working days counted with China's public holidays and adjusted working days
(chinesecalendar); a notice shorter than the programme's refused, in admin and in the
service; a year the calendar has no data for refused rather than guessed."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from programmes.exceptions import MoveRefused
from programmes.models import ApplicationEvent
from programmes.models.catalogue import NoticeUnit
from programmes.notice_period import NoWorkingDayData, notice_end, working_days_after
from programmes.services import application_move
from programmes.workflow import MoveContext, Status, notice_period_over
from tests import factories

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_working_days_skip_the_national_day_holiday_and_count_the_adjusted_saturday():
    # 2026: 1-7 October off; Saturday 10 October is an adjusted working day.
    assert working_days_after(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert working_days_after(date(2026, 9, 30), 3) == date(2026, 10, 10)
    ends = notice_end(opened_at=at(date(2026, 9, 30)), days=3, working_days=True)
    assert ends == at(date(2026, 10, 11), 0)


def test_calendar_days_count_from_the_moment_it_opened():
    opened = at(date(2026, 9, 30))
    assert notice_end(opened_at=opened, days=3, working_days=False) == opened + timedelta(days=3)


def test_a_year_without_working_day_data_is_refused_with_the_year_named():
    with pytest.raises(NoWorkingDayData, match="2099") as refused:
        working_days_after(date(2099, 3, 2), 5)
    assert "calendar days" in str(refused.value)


@pytest.fixture
def working_call():
    programme = factories.ProgrammeFactory(notice_period=5, notice_unit=NoticeUnit.WORKING_DAYS)
    return factories.CallFactory(programme=programme, public_notice_days=5)


def test_a_call_whose_notice_is_shorter_than_the_programmes_is_refused_in_admin(
    client, staff, working_call
):
    from django.core.exceptions import ValidationError

    working_call.public_notice_days = 3
    with pytest.raises(ValidationError) as refused:
        working_call.full_clean()
    assert "runs at least 5 working days; 3 is shorter" in str(refused.value)

    client.force_login(staff)
    page = client.get(f"/admin/programmes/programme/{working_call.programme_id}/change/")
    assert 'name="notice_period"' in page.content.decode()
    assert 'name="notice_unit"' in page.content.decode()


def test_the_service_refuses_to_open_a_notice_shorter_than_the_programmes(working_call):
    from programmes.models import Call

    Call.objects.filter(pk=working_call.pk).update(public_notice_days=2)
    application = factories.ApplicationFactory(call=working_call, status=Status.APPROVED)
    staff = factories.staff_user()

    with pytest.raises(MoveRefused, match="at least 5 working days"):
        application_move(application=application, actor=staff, move="open_public_notice")
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def test_a_working_day_notice_ends_after_its_working_days_not_its_calendar_days(working_call):
    application = factories.ApplicationFactory(call=working_call, status=Status.IN_PUBLIC_NOTICE)
    opened = at(date(2026, 9, 30))
    ApplicationEvent.objects.create(
        application=application,
        at=opened,
        move="open_public_notice",
        from_status=Status.APPROVED,
        to_status=Status.IN_PUBLIC_NOTICE,
    )

    def refusal(now):
        return notice_period_over(application, MoveContext(actor=None, now=now))

    # Five working days after 30 September 2026: 8, 9, 10 (adjusted), 12 and 13 October.
    assert "runs until 2026-10-14 00:00" in refusal(at(date(2026, 10, 8)))[0]
    assert refusal(at(date(2026, 10, 13), 23))
    assert refusal(at(date(2026, 10, 14), 0)) == []
