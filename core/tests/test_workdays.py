"""The working-day calendar, checked against the State Council notices for 2023–2025.

Every date below comes from the notices (国务院办公厅关于部分节假日安排的通知) and was checked
against ``chinese_calendar``; weekdays are noted so a wrong date is easy to spot.
"""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from core.workdays import (
    MAX_WORKDAYS,
    DayOverride,
    Deadline,
    WorkCalendar,
    missing_notice_years,
    official_years,
)

SH = ZoneInfo("Asia/Shanghai")
FIRST_UNKNOWN_YEAR = max(official_years()) + 1


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def end_of(d: date) -> datetime:
    return datetime.combine(d, time(17, 30), tzinfo=SH)


def assert_period(
    cal: WorkCalendar, off: tuple[date, date], make_up: list[date], open_days: list[date]
) -> None:
    for d in days(*off):
        assert not cal.is_workday(d), d
    for d in make_up:
        assert d.weekday() >= 5, f"{d} is not a weekend day"
        assert cal.is_workday(d), d
        assert cal.holiday_name(d) is None
    for d in open_days:
        assert d.weekday() < 5 and cal.is_workday(d), d


# ---- the official calendar -----------------------------------------------------------------------


def test_it_derives_known_years_from_the_library() -> None:
    years = official_years()
    assert years[0] == 2004
    assert {2023, 2024, 2025} <= set(years)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(FIRST_UNKNOWN_YEAR, 3, 2))
    assert WorkCalendar().known_years() == frozenset(years)


def test_it_agrees_with_chinese_calendar_on_every_known_day() -> None:
    cal = WorkCalendar()
    for d in days(date(min(official_years()), 1, 1), date(max(official_years()), 12, 31)):
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d
        assert cal.is_known(d)


def test_it_knows_the_2023_holidays() -> None:
    cal = WorkCalendar()
    # 春节 1月21日（六）至27日（五）；1月28日（六）、29日（日）上班.
    assert_period(
        cal,
        (date(2023, 1, 21), date(2023, 1, 27)),
        [date(2023, 1, 28), date(2023, 1, 29)],
        [date(2023, 1, 20), date(2023, 1, 30)],
    )
    # 劳动节 4月29日（六）至5月3日（三）；4月23日（日）、5月6日（六）上班.
    assert_period(
        cal,
        (date(2023, 4, 29), date(2023, 5, 3)),
        [date(2023, 4, 23), date(2023, 5, 6)],
        [date(2023, 4, 28), date(2023, 5, 4)],
    )
    # 中秋节、国庆节 9月29日（五）至10月6日（五）；10月7日（六）、8日（日）上班.
    assert_period(
        cal,
        (date(2023, 9, 29), date(2023, 10, 6)),
        [date(2023, 10, 7), date(2023, 10, 8)],
        [date(2023, 9, 28), date(2023, 10, 9)],
    )


def test_it_knows_the_2024_holidays() -> None:
    cal = WorkCalendar()
    # 春节 2月10日（六）至17日（六）；2月4日（日）、18日（日）上班; 除夕 2月9日（五）officially a workday.
    assert_period(
        cal,
        (date(2024, 2, 10), date(2024, 2, 17)),
        [date(2024, 2, 4), date(2024, 2, 18)],
        [date(2024, 2, 9), date(2024, 2, 19)],
    )
    # 劳动节 5月1日（三）至5日（日）；4月28日（日）、5月11日（六）上班.
    assert_period(
        cal,
        (date(2024, 5, 1), date(2024, 5, 5)),
        [date(2024, 4, 28), date(2024, 5, 11)],
        [date(2024, 4, 30), date(2024, 5, 6)],
    )
    # 国庆节 10月1日（二）至7日（一）；9月29日（日）、10月12日（六）上班.
    assert_period(
        cal,
        (date(2024, 10, 1), date(2024, 10, 7)),
        [date(2024, 9, 29), date(2024, 10, 12)],
        [date(2024, 9, 30), date(2024, 10, 8)],
    )


def test_it_knows_the_2025_holidays() -> None:
    cal = WorkCalendar()
    # 春节 1月28日（二，除夕）至2月4日（二）；1月26日（日）、2月8日（六）上班.
    assert_period(
        cal,
        (date(2025, 1, 28), date(2025, 2, 4)),
        [date(2025, 1, 26), date(2025, 2, 8)],
        [date(2025, 1, 27), date(2025, 2, 5)],
    )
    # 劳动节 5月1日（四）至5日（一）；4月27日（日）上班.
    assert_period(
        cal, (date(2025, 5, 1), date(2025, 5, 5)), [date(2025, 4, 27)], [date(2025, 4, 30), date(2025, 5, 6)]
    )
    assert cal.is_workday(date(2025, 5, 10)) is False  # a plain Saturday: no second make-up day in 2025
    # 国庆节、中秋节 10月1日（三）至8日（三）；9月28日（日）、10月11日（六）上班.
    assert_period(
        cal,
        (date(2025, 10, 1), date(2025, 10, 8)),
        [date(2025, 9, 28), date(2025, 10, 11)],
        [date(2025, 9, 30), date(2025, 10, 9)],
    )


def test_it_names_holidays_in_chinese() -> None:
    cal = WorkCalendar()
    assert cal.holiday_name(date(2025, 1, 29)) == "春节"
    assert cal.holiday_name(date(2024, 10, 1)) == "国庆节"
    assert cal.holiday_name(date(2023, 9, 29)) == "中秋"
    assert cal.holiday_name(date(2024, 5, 1)) == "劳动节"
    assert cal.holiday_name(date(2024, 1, 1)) == "元旦"
    assert cal.holiday_name(date(2023, 10, 7)) is None  # make-up workday
    assert cal.holiday_name(date(2024, 1, 6)) is None  # plain Saturday
    assert cal.holiday_name(date(FIRST_UNKNOWN_YEAR, 1, 1)) is None  # no crash outside the data


# ---- working days --------------------------------------------------------------------------------


def test_it_adds_workdays_across_a_holiday() -> None:
    cal = WorkCalendar()
    deadline = cal.add_workdays(date(2023, 9, 28), 1)
    assert deadline == Deadline(at=end_of(date(2023, 10, 7)), provisional=False)
    assert deadline.day == date(2023, 10, 7)
    # 10 working days from the last day before 春节 2024 (Fri 2月9日): Feb 18 (Sun) counts, then Feb 19–23, 26–29.
    assert cal.add_workdays(date(2024, 2, 9), 10).day == date(2024, 2, 29)


def test_it_counts_a_make_up_saturday() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2024, 10, 11), 1).day == date(2024, 10, 12)  # 调休 Saturday
    assert cal.add_workdays(date(2024, 5, 10), 2).day == date(2024, 5, 13)  # Sat 5/11, then Mon 5/13
    assert cal.add_workdays(date(2024, 1, 5), 1).day == date(2024, 1, 8)  # ordinary weekend skipped


def test_it_subtracts_with_negative_n() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2023, 10, 9), -1).day == date(2023, 10, 8)
    assert cal.add_workdays(date(2023, 10, 9), -3).day == date(2023, 9, 28)
    assert cal.add_workdays(date(2024, 10, 8), -1).day == date(2024, 9, 30)
    assert cal.add_workdays(date(2024, 10, 8), -1).at == end_of(date(2024, 9, 30))


def test_it_treats_n_zero_as_same_day_or_next_workday() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2024, 1, 8), 0).day == date(2024, 1, 8)
    assert cal.add_workdays(date(2024, 1, 6), 0).day == date(2024, 1, 8)  # Saturday
    assert cal.add_workdays(date(2023, 10, 1), 0).day == date(2023, 10, 7)  # 国庆 → first 调休 day
    assert cal.add_workdays(date(2023, 10, 7), 0).day == date(2023, 10, 7)


def test_it_ignores_the_time_of_day_but_respects_the_time_zone() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(datetime(2024, 1, 4, 23, 59), 1).day == date(2024, 1, 5)  # naive = Shanghai
    # 17:00 UTC on Jan 4 is already 01:00 on Jan 5 in Shanghai, so Jan 5 is the start day.
    assert cal.add_workdays(datetime(2024, 1, 4, 17, 0, tzinfo=UTC), 1).day == date(2024, 1, 8)
    assert cal.add_workdays(at(2024, 1, 4, 8, 0), 1).at == end_of(date(2024, 1, 5))


def test_it_inverts_add_workdays_with_workdays_between() -> None:
    cal = WorkCalendar()
    one = timedelta(days=1)
    for start in days(date(2023, 12, 20), date(2024, 2, 20)):
        for n in (1, 2, 5, 20, 250):
            later = cal.add_workdays(start, n).day
            earlier = cal.add_workdays(start, -n).day
            assert cal.is_workday(later) and cal.is_workday(earlier)
            assert cal.workdays_between(start, later) == n, (start, n)  # (start, later]
            assert cal.workdays_between(earlier - one, start - one) == n, (start, -n)  # [earlier, start)
            assert cal.workdays_between(later, start) == -n
            if cal.is_workday(start):
                assert cal.workdays_between(start, earlier) == -n


def test_it_counts_workdays_in_2024_q4() -> None:
    cal = WorkCalendar()
    # October: 23 weekdays − 5 (Oct 1–4, 7) + Sat Oct 12 = 19; November 21; December 22.
    assert cal.workdays_between(date(2024, 9, 30), date(2024, 10, 31)) == 19
    assert cal.workdays_between(date(2024, 9, 30), date(2024, 12, 31)) == 62
    assert cal.workdays_between(date(2024, 12, 31), date(2024, 9, 30)) == -62
    assert cal.workdays_between(date(2024, 10, 1), date(2024, 10, 1)) == 0
    # Across a year boundary: (2024-12-31, 2025-01-02] = Jan 2 only (Jan 1 is 元旦).
    assert cal.workdays_between(date(2024, 12, 31), date(2025, 1, 2)) == 1


def test_it_finds_next_and_previous_workdays() -> None:
    cal = WorkCalendar()
    assert cal.next_workday(date(2025, 1, 27)) == date(2025, 2, 5)
    assert cal.previous_workday(date(2025, 2, 5)) == date(2025, 1, 27)
    assert cal.previous_workday(date(2025, 1, 27)) == date(2025, 1, 26)  # 调休 Sunday


def test_it_accepts_the_largest_allowed_n_and_rejects_more() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2024, 1, 1), MAX_WORKDAYS).provisional is True
    assert cal.add_workdays(date(2024, 1, 1), -MAX_WORKDAYS).day.year < 2010
    with pytest.raises(ValueError, match="超出允许范围"):
        cal.add_workdays(date(2024, 1, 1), MAX_WORKDAYS + 1)
    with pytest.raises(ValueError, match="超出允许范围"):
        cal.add_workdays(date(2024, 1, 1), -MAX_WORKDAYS - 1)


# ---- working hours -------------------------------------------------------------------------------


def test_it_adds_workhours_across_lunch() -> None:
    cal = WorkCalendar()
    assert cal.add_workhours(at(2024, 1, 8, 11, 0), 2).at == at(2024, 1, 8, 14, 30)
    assert cal.add_workhours(at(2024, 1, 8, 9, 0), 3).at == at(2024, 1, 8, 12, 0)  # ends at lunch, not 13:30
    assert cal.add_workhours(at(2024, 1, 8, 12, 30), 0.5).at == at(2024, 1, 8, 14, 0)  # starts in lunch


def test_it_adds_workhours_across_the_evening_and_a_weekend() -> None:
    cal = WorkCalendar()
    assert cal.add_workhours(at(2024, 1, 8, 17, 0), 1).at == at(2024, 1, 9, 9, 30)
    assert cal.add_workhours(at(2024, 1, 5, 16, 0), 1.5).at == at(2024, 1, 5, 17, 30)
    assert cal.add_workhours(at(2024, 1, 5, 16, 0), 2).at == at(2024, 1, 8, 9, 30)
    assert cal.add_workhours(at(2024, 1, 6, 10, 0), 1).at == at(2024, 1, 8, 10, 0)  # starts on Saturday
    assert cal.add_workhours(at(2024, 1, 8, 9, 0), 7 * 5).at == at(2024, 1, 12, 17, 30)  # a full week


def test_it_adds_workhours_across_a_holiday() -> None:
    cal = WorkCalendar()
    deadline = cal.add_workhours(at(2023, 9, 28, 16, 0), 3)
    assert deadline == Deadline(at=at(2023, 10, 7, 10, 30), provisional=False)
    # 09:30 UTC is 17:30 in Shanghai: nothing left on Sep 28.
    assert cal.add_workhours(datetime(2023, 9, 28, 9, 30, tzinfo=UTC), 1).at == at(2023, 10, 7, 10, 0)


def test_it_subtracts_workhours() -> None:
    cal = WorkCalendar()
    assert cal.add_workhours(at(2024, 1, 8, 14, 0), -1).at == at(2024, 1, 8, 11, 30)
    assert cal.add_workhours(at(2024, 1, 8, 9, 0), -7).at == at(2024, 1, 5, 9, 0)
    assert cal.add_workhours(at(2024, 1, 8, 9, 0), -7.5).at == at(2024, 1, 4, 17, 0)
    assert cal.add_workhours(at(2023, 10, 7, 10, 30), -3).at == at(2023, 9, 28, 16, 0)
    assert cal.add_workhours(at(2024, 1, 8, 10, 15), 0).at == at(2024, 1, 8, 10, 15)


def test_it_measures_workhours_between() -> None:
    cal = WorkCalendar()
    assert cal.workhours_between(at(2024, 1, 5, 16, 0), at(2024, 1, 8, 10, 0)) == 2.5
    assert cal.workhours_between(at(2024, 1, 8, 10, 0), at(2024, 1, 5, 16, 0)) == -2.5
    assert cal.workhours_between(at(2024, 1, 8, 0, 0), at(2024, 1, 13, 0, 0)) == 35
    assert cal.workhours_between(at(2023, 9, 28, 17, 0), at(2023, 10, 7, 9, 30)) == 1.0
    assert cal.workhours_between(at(2024, 1, 8, 12, 0), at(2024, 1, 8, 13, 30)) == 0
    for hours in (0.25, 3, 6.75, 7, 40.5):
        start = at(2024, 2, 7, 10, 20)
        assert cal.workhours_between(start, cal.add_workhours(start, hours).at) == pytest.approx(hours)


def test_it_uses_custom_office_hours_without_lunch() -> None:
    cal = WorkCalendar(workday_start=time(8, 30), workday_end=time(17, 0), lunch=None)
    assert cal.add_workhours(at(2024, 1, 8, 11, 0), 2).at == at(2024, 1, 8, 13, 0)
    assert cal.add_workdays(date(2024, 1, 8), 1).at == at(2024, 1, 9, 17, 0)
    with pytest.raises(ValueError, match="工作时间设置无效"):
        WorkCalendar(workday_start=time(18, 0), workday_end=time(9, 0))
    with pytest.raises(ValueError, match="超出允许范围"):
        WorkCalendar().add_workhours(at(2024, 1, 8, 9, 0), float("inf"))


# ---- local overrides -----------------------------------------------------------------------------


def test_it_applies_a_county_holiday_on_a_tuesday() -> None:
    cal = WorkCalendar([DayOverride(date(2024, 3, 12), is_workday=False, note="县庆")])
    assert cal.is_workday(date(2024, 3, 12)) is False
    assert cal.holiday_name(date(2024, 3, 12)) == "县庆"
    assert cal.add_workdays(date(2024, 3, 11), 1).day == date(2024, 3, 13)
    assert cal.workdays_between(date(2024, 3, 10), date(2024, 3, 16)) == 4
    assert cal.add_workhours(at(2024, 3, 11, 17, 0), 1).at == at(2024, 3, 13, 9, 30)
    assert WorkCalendar().add_workdays(date(2024, 3, 11), 1).day == date(2024, 3, 12)


def test_it_applies_a_make_up_workday_on_a_sunday() -> None:
    # Any object with day / is_workday / note works, e.g. a CalendarDay row.
    cal = WorkCalendar([SimpleNamespace(day=date(2024, 3, 17), is_workday=True, note="调休上班")])
    assert cal.is_workday(date(2024, 3, 17)) is True
    assert cal.holiday_name(date(2024, 3, 17)) is None
    assert cal.add_workdays(date(2024, 3, 15), 1).day == date(2024, 3, 17)
    assert cal.add_workdays(date(2024, 3, 15), 2).day == date(2024, 3, 18)


def test_it_lets_local_overrides_beat_the_official_calendar() -> None:
    cal = WorkCalendar(
        [
            DayOverride(date(2024, 10, 12), is_workday=False, note="本县不调休"),
            DayOverride(date(2024, 10, 7), is_workday=True),
        ]
    )
    assert cal.is_workday(date(2024, 10, 12)) is False
    assert cal.is_workday(date(2024, 10, 7)) is True
    assert cal.add_workdays(date(2024, 9, 30), 1).day == date(2024, 10, 7)


# ---- years the official calendar does not know ---------------------------------------------------


def test_it_falls_back_to_weekends_in_an_unknown_year_and_marks_provisional() -> None:
    cal = WorkCalendar()
    y = FIRST_UNKNOWN_YEAR
    start = date(y, 3, 1)
    deadline = cal.add_workdays(start, 5)
    assert deadline.provisional is True
    assert deadline.day == start + timedelta(days=[7, 7, 7, 7, 7, 6, 5][start.weekday()])  # Mon–Fri fallback
    assert cal.is_known(start) is False
    assert cal.add_workhours(datetime.combine(start, time(10, 0), tzinfo=SH), 20).provisional is True
    assert cal.next_workday(date(y, 1, 1)).weekday() < 5
    # Counting from the last known year into the unknown one is provisional; staying inside is not.
    assert cal.add_workdays(date(y - 1, 12, 20), 30).provisional is True
    assert cal.add_workdays(date(y - 1, 12, 1), 5).provisional is False
    assert cal.is_range_known(date(y - 1, 12, 1), date(y - 1, 12, 31)) is True
    assert cal.is_range_known(date(y - 1, 12, 1), date(y, 1, 1)) is False


def test_it_trusts_an_entered_notice_year() -> None:
    y = FIRST_UNKNOWN_YEAR
    new_years_day = DayOverride(date(y, 1, 1), is_workday=False, note="元旦")
    cal = WorkCalendar([new_years_day], notice_years=[y])
    assert cal.add_workdays(date(y, 3, 1), 5).provisional is False
    assert cal.add_workdays(date(y - 1, 12, 20), 30).provisional is False
    assert cal.is_known(date(y, 6, 1)) is True
    assert y in cal.known_years()
    assert cal.is_workday(date(y, 1, 1)) is False


def test_it_trusts_overrides_for_the_exact_days_counted() -> None:
    y = FIRST_UNKNOWN_YEAR
    friday = date(y, 3, 1) + timedelta(days=(4 - date(y, 3, 1).weekday()) % 7)
    saturday = friday + timedelta(days=1)
    cal = WorkCalendar([DayOverride(saturday, is_workday=True, note="调休上班")])
    assert cal.is_known(saturday) is True
    assert cal.add_workdays(friday, 1) == Deadline(at=end_of(saturday), provisional=False)
    assert cal.add_workdays(friday, 2).provisional is True


def test_it_reminds_about_missing_notice_years() -> None:
    last_known = max(official_years())
    assert missing_notice_years(date(last_known, 11, 29)) == [FIRST_UNKNOWN_YEAR]
    assert missing_notice_years(date(last_known, 9, 1)) == []
    assert missing_notice_years(date(last_known, 11, 29), notice_years=[FIRST_UNKNOWN_YEAR]) == []
    assert missing_notice_years(date(last_known + 2, 6, 1)) == [last_known + 2]
    if 2027 not in official_years():  # the brief's example with chinesecalendar 1.11.0
        assert missing_notice_years(date(2026, 11, 29)) == [2027]


# ---- pathological input and speed ----------------------------------------------------------------


def test_it_refuses_an_all_holiday_table_quickly() -> None:
    all_off = [DayOverride(d, is_workday=False) for d in days(date(2024, 1, 1), date(2025, 12, 31))]
    cal = WorkCalendar(all_off)
    started = clock.perf_counter()
    with pytest.raises(ValueError, match="无法找到工作日"):
        cal.add_workdays(date(2024, 1, 1), 1)
    with pytest.raises(ValueError, match="无法找到工作日"):
        cal.next_workday(date(2024, 6, 1))
    with pytest.raises(ValueError, match="无法找到工作日"):
        cal.add_workhours(at(2024, 6, 1, 9, 0), 1)
    assert clock.perf_counter() - started < 0.5


def test_it_adds_250_workdays_fast() -> None:
    cal = WorkCalendar()
    result = cal.add_workdays(date(2024, 3, 1), 250).day
    assert len(chinese_calendar.get_workdays(date(2024, 3, 2), result)) == 250  # independent count
    assert chinese_calendar.is_workday(result)
    started = clock.perf_counter()
    for _ in range(200):
        cal.add_workdays(date(2024, 3, 1), 250)
    assert (clock.perf_counter() - started) / 200 < 0.002
