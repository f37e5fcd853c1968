"""The platform's working-day calendar: the official one plus the local table in the database."""

from __future__ import annotations

from datetime import date

from core.models import CalendarDay, HolidayNotice
from core.workdays import WorkCalendar, missing_notice_years


def get_calendar() -> WorkCalendar:
    """A calendar built from the current local table. Two small queries; build once per job/request."""
    return WorkCalendar(
        CalendarDay.objects.all(),
        notice_years=HolidayNotice.objects.values_list("year", flat=True),
    )


def years_needing_notice(today: date, lookahead_days: int = 60) -> list[int]:
    """Years the admin should enter the State Council holiday notice for (shown as a reminder)."""
    return missing_notice_years(today, lookahead_days, HolidayNotice.objects.values_list("year", flat=True))
