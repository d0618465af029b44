"""How long a public notice runs: a programme's period in calendar days or in working
days, and when a notice opened at a moment ends.

Working days follow China's public holidays and adjusted working days (调休) as the
State Council publishes them each year, read from the ``chinesecalendar`` package
(imported as ``chinese_calendar``). A year it has no data for is refused, never
guessed: ``NoWorkingDayData``.

A notice of N calendar days ends N full days after the moment it opened. A notice of N
working days runs for N whole working days after the day it opened, and ends at the
midnight (Asia/Shanghai, the project's time zone) after the last of them: opened on a
Friday for 5 working days, with no holiday in between, it ends at the start of the
second Saturday after.
"""

from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext as _


class NoWorkingDayData(ValueError):
    """The working-day calendar has no data for a year a notice would run in."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "China's working days for %(year)s are not in the working-day calendar this "
                "site uses (chinesecalendar %(version)s, which covers %(first)s to %(last)s): "
                "update it once the State Council has published the year's holidays, or set "
                "the programme's notice period in calendar days."
            )
            % {
                "year": year,
                "version": chinese_calendar.__version__,
                "first": min(chinese_calendar.holidays).year,
                "last": max(chinese_calendar.holidays).year,
            }
        )


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise NoWorkingDayData(day.year) from None


def working_days_after(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself when count is 0)."""
    found = day
    while count > 0:
        found += timedelta(days=1)
        if is_working_day(found):
            count -= 1
    return found


def notice_end(*, opened_at: datetime, days: int, working_days: bool) -> datetime:
    """When a notice opened at ``opened_at`` for ``days`` (calendar or working) ends."""
    if not working_days:
        return opened_at + timedelta(days=days)
    if days == 0:
        return opened_at
    opened_on = timezone.localtime(opened_at).date()
    last = working_days_after(opened_on, days)
    return timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
