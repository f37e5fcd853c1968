"""Working-day calendar: China's official holidays and make-up workdays, plus local overrides.

Framework-free on purpose (no Django import): the platform loads its ``CalendarDay`` rows and
``HolidayNotice`` years and passes them in; anything with ``day``, ``is_workday`` and ``note``
attributes serves as an override.

Which day is a working day, in order of precedence:

1. a local override for that exact day (county holiday, an entered notice, a make-up workday);
2. the State Council calendar from ``chinese_calendar`` (holidays and 调休上班), for the years it knows;
3. otherwise the fallback: Monday to Friday work, Saturday and Sunday rest.

Conventions:

* ``add_workdays(start, n)`` implements "N个工作日内": the deadline is the end of office hours
  (``workday_end``) of the Nth working day after the start day; the start day itself is not counted
  (期间开始之日不计算在内), whether or not it is a working day, and its time of day is ignored.
  ``n = 0`` means "当日办结": the start day if it is a working day, else the next working day.
  ``n < 0`` counts back: the |n|th working day before the start day.
* ``workdays_between(a, b)`` counts working days in the half-open interval ``(a, b]``, so
  ``workdays_between(a, add_workdays(a, n).day) == n`` for every ``n >= 1``; negative when ``b < a``.
* ``add_workhours`` and ``workhours_between`` count only time inside office hours (``workday_start``
  to ``workday_end``, minus lunch) on working days. Naive datetimes are read as wall-clock time in
  ``tz``; results are aware datetimes in ``tz``.
* A result is *provisional* when some day it depended on lies in a year neither the official calendar
  nor an entered holiday notice (``notice_years``) covers, and no override decides that exact day.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "MAX_GAP_DAYS",
    "MAX_WORKDAYS",
    "DayEntry",
    "DayOverride",
    "Deadline",
    "WorkCalendar",
    "missing_notice_years",
    "official_years",
]

#: Largest |n| accepted by ``add_workdays`` (about 14 years).
MAX_WORKDAYS = 3650
#: A run of this many consecutive non-working days means the override table is broken.
MAX_GAP_DAYS = 366

SHANGHAI = ZoneInfo("Asia/Shanghai")

_OFFICIAL_HOLIDAYS: dict[date, str] = dict(chinese_calendar.holidays)
_OFFICIAL_WORKDAYS: dict[date, str] = dict(chinese_calendar.workdays)
_OFFICIAL_YEARS = range(min(d.year for d in _OFFICIAL_HOLIDAYS), max(d.year for d in _OFFICIAL_HOLIDAYS) + 1)
_CHINESE_NAMES: dict[str, str] = {h.value: h.chinese for h in chinese_calendar.Holiday}


def official_years() -> range:
    """The years the installed ``chinese_calendar`` has State Council data for (e.g. 2004–2026)."""
    return _OFFICIAL_YEARS


def missing_notice_years(
    today: date, lookahead_days: int = 60, notice_years: Iterable[int] = ()
) -> list[int]:
    """Years from ``today`` to ``today + lookahead_days`` with no State Council calendar yet.

    Neither ``chinese_calendar`` nor an entered notice (``notice_years``) covers them, so deadlines
    falling there are provisional; the platform asks the admin to enter that year's notice.
    """
    if lookahead_days < 0:
        raise ValueError("提前提醒天数不能为负数")
    entered = set(notice_years)
    last = min(today.toordinal() + lookahead_days, date.max.toordinal())
    return [
        y
        for y in range(today.year, date.fromordinal(last).year + 1)
        if y not in _OFFICIAL_YEARS and y not in entered
    ]


class DayEntry(Protocol):
    """Anything that decides one day locally, e.g. a ``core.models.CalendarDay`` row."""

    @property
    def day(self) -> date: ...
    @property
    def is_workday(self) -> bool: ...
    @property
    def note(self) -> str: ...


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One local entry: a county holiday, a make-up workday, or a day of an entered notice."""

    day: date
    is_workday: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed moment; ``provisional`` when it relied on the weekend-only fallback."""

    at: datetime
    provisional: bool

    @property
    def day(self) -> date:
        return self.at.date()


class WorkCalendar:
    """The working-day calendar for one set of local overrides and office hours.

    Build one per request/job from the database rows; per-year workday lists are cached on the
    instance, so reuse it for many computations.
    """

    def __init__(
        self,
        overrides: Iterable[DayEntry] = (),
        *,
        notice_years: Iterable[int] = (),
        workday_start: time = time(9, 0),
        workday_end: time = time(17, 30),
        lunch: tuple[time, time] | None = (time(12, 0), time(13, 30)),
        tz: ZoneInfo = SHANGHAI,
    ) -> None:
        if not workday_start < workday_end:
            raise ValueError("工作时间设置无效：上班时间必须早于下班时间")
        if lunch is not None and not workday_start <= lunch[0] < lunch[1] <= workday_end:
            raise ValueError("工作时间设置无效：午休必须在上下班时间之内且开始早于结束")
        # Later entries win over earlier ones for the same day (the database keeps days unique).
        self._overrides: dict[date, DayEntry] = {}
        for entry in overrides:
            self._overrides[entry.day] = entry
        self._override_ordinals = sorted(d.toordinal() for d in self._overrides)
        self._notice_years = frozenset(notice_years)
        self.tz = tz
        self.workday_start = workday_start
        self.workday_end = workday_end
        self.lunch = lunch
        if lunch is None:
            self._periods: tuple[tuple[time, time], ...] = ((workday_start, workday_end),)
        else:
            self._periods = tuple(
                p for p in ((workday_start, lunch[0]), (lunch[1], workday_end)) if p[0] < p[1]
            )
        self._year_cache: dict[int, list[int]] = {}

    # ---- single days -------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        d = self._local_date(d)
        entry = self._overrides.get(d)
        if entry is not None:
            return bool(entry.is_workday)
        if d.year in _OFFICIAL_YEARS:
            return d in _OFFICIAL_WORKDAYS or (d.weekday() < 5 and d not in _OFFICIAL_HOLIDAYS)
        return d.weekday() < 5

    def is_known(self, d: date) -> bool:
        """True unless ``d`` is decided only by the weekend fallback."""
        d = self._local_date(d)
        return d in self._overrides or self._year_known(d.year)

    def is_range_known(self, a: date, b: date) -> bool:
        """True if every day between ``a`` and ``b`` (inclusive, either order) is known."""
        a, b = sorted((self._local_date(a), self._local_date(b)))
        return not self._provisional(a.toordinal(), b.toordinal())

    def known_years(self) -> frozenset[int]:
        """Years decided in full: those of ``official_years()`` plus the entered ``notice_years``."""
        return frozenset(_OFFICIAL_YEARS) | self._notice_years

    def holiday_name(self, d: date) -> str | None:
        """The name of the holiday ``d`` is a day off for, e.g. "春节"; None for plain weekends and workdays.

        A local day off gives its note (or "本地休息日"); a make-up workday gives None.
        """
        d = self._local_date(d)
        entry = self._overrides.get(d)
        if entry is not None:
            return None if entry.is_workday else (entry.note or "本地休息日")
        english = _OFFICIAL_HOLIDAYS.get(d)
        if english is None:
            return None
        return _CHINESE_NAMES.get(english, english)

    def next_workday(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return date.fromordinal(next(self._iter_workdays(self._local_date(d).toordinal(), 1)))

    def previous_workday(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return date.fromordinal(next(self._iter_workdays(self._local_date(d).toordinal(), -1)))

    # ---- working days ------------------------------------------------------------------------

    def add_workdays(self, start: date | datetime, n: int) -> Deadline:
        """Deadline for "n个工作日内" counted from ``start`` (see the module docstring for the rule)."""
        if abs(n) > MAX_WORKDAYS:
            raise ValueError(f"工作日数 {n} 超出允许范围（最多 ±{MAX_WORKDAYS} 个工作日）")
        day = self._local_date(start)
        origin = day.toordinal()
        if n == 0:
            target = origin if self.is_workday(day) else next(self._iter_workdays(origin, 1))
        else:
            step = 1 if n > 0 else -1
            it = self._iter_workdays(origin, step)
            for _ in range(abs(n) - 1):
                next(it)
            target = next(it)
        lo, hi = sorted((origin if n == 0 else origin + (1 if n > 0 else -1), target))
        result = date.fromordinal(target)
        return Deadline(datetime.combine(result, self.workday_end, tzinfo=self.tz), self._provisional(lo, hi))

    def workdays_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days in ``(a, b]``; ``-workdays_between(b, a)`` when ``b < a``.

        Additive: ``between(a, b) + between(b, c) == between(a, c)``. It inverts ``add_workdays(a, n)``
        for ``n >= 1``; for ``n < 0`` it does so only when ``a`` itself is a working day.
        """
        oa, ob = self._local_date(a).toordinal(), self._local_date(b).toordinal()
        return self._count_between(oa, ob) if oa <= ob else -self._count_between(ob, oa)

    # ---- working hours -----------------------------------------------------------------------

    def workhours_between(self, a: datetime, b: datetime) -> float:
        """Hours of office time between ``a`` and ``b``; negative when ``b < a``."""
        return self._work_between(self._localize(a), self._localize(b)) / timedelta(hours=1)

    def add_workhours(self, start: datetime, hours: float) -> Deadline:
        """The earliest moment by which ``hours`` of office time have passed since ``start``.

        Ending exactly at a break returns the start of the break (e.g. 12:00, not 13:30); ``hours``
        may be negative (the latest moment that many office hours before ``start``); ``0`` returns
        ``start`` itself.
        """
        if not math.isfinite(hours) or abs(hours) * 3600 > MAX_WORKDAYS * self._day_length().total_seconds():
            raise ValueError(f"工作时长 {hours} 小时超出允许范围（最多 {MAX_WORKDAYS} 个工作日）")
        s = self._localize(start)
        need = timedelta(hours=abs(hours))
        result = self._forward(s, need) if hours >= 0 else self._backward(s, need)
        lo, hi = sorted((s.date().toordinal(), result.date().toordinal()))
        return Deadline(result, self._provisional(lo, hi))

    # ---- internals ---------------------------------------------------------------------------

    def _year_known(self, year: int) -> bool:
        return year in _OFFICIAL_YEARS or year in self._notice_years

    def _provisional(self, lo: int, hi: int) -> bool:
        """True if some day with ordinal in [lo, hi] is decided only by the weekend fallback."""
        if lo > hi:
            return False
        for year in range(date.fromordinal(lo).year, date.fromordinal(hi).year + 1):
            if self._year_known(year):
                continue
            first = max(lo, date(year, 1, 1).toordinal())
            last = min(hi, date(year, 12, 31).toordinal())
            covered = bisect.bisect_right(self._override_ordinals, last) - bisect.bisect_left(
                self._override_ordinals, first
            )
            if covered < last - first + 1:
                return True
        return False

    def _workdays_of(self, year: int) -> list[int]:
        """Sorted ordinals of the working days of ``year`` (cached)."""
        cached = self._year_cache.get(year)
        if cached is None:
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            cached = [o for o in range(first, last + 1) if self.is_workday(date.fromordinal(o))]
            self._year_cache[year] = cached
        return cached

    def _count_between(self, lo: int, hi: int) -> int:
        """Working days with ordinal in (lo, hi], for lo <= hi."""
        ya, yb = date.fromordinal(lo).year, date.fromordinal(hi).year
        first = self._workdays_of(ya)
        if ya == yb:
            return bisect.bisect_right(first, hi) - bisect.bisect_right(first, lo)
        total = len(first) - bisect.bisect_right(first, lo)
        total += sum(len(self._workdays_of(y)) for y in range(ya + 1, yb))
        return total + bisect.bisect_right(self._workdays_of(yb), hi)

    def _iter_workdays(self, origin: int, step: int) -> Iterator[int]:
        """Working-day ordinals strictly after (step=1) or before (step=-1) ``origin``, in order.

        Raises ValueError instead of scanning on when MAX_GAP_DAYS pass without a working day.
        """
        last = origin
        year = date.fromordinal(origin).year
        days = self._workdays_of(year)
        i = bisect.bisect_right(days, origin) if step > 0 else bisect.bisect_left(days, origin) - 1
        while True:
            if 0 <= i < len(days):
                found = days[i]
                if abs(found - last) > MAX_GAP_DAYS:
                    break
                yield found
                last = found
                i += step
                continue
            year += step
            if not 1 <= year <= 9999:
                raise ValueError("日期超出可计算范围，无法找到工作日")
            edge = date(year, 1, 1) if step > 0 else date(year, 12, 31)
            if abs(edge.toordinal() - last) > MAX_GAP_DAYS:
                break
            days = self._workdays_of(year)
            i = 0 if step > 0 else len(days) - 1
        raise ValueError(
            f"自 {date.fromordinal(last).isoformat()} 起连续 {MAX_GAP_DAYS} 天内无法找到工作日，"
            "请检查节假日和调休设置"
        )

    def _local_date(self, value: date | datetime) -> date:
        if isinstance(value, datetime):
            return self._localize(value).date()
        return value

    def _localize(self, value: datetime) -> datetime:
        if not isinstance(value, datetime):
            raise TypeError("需要 datetime（带时刻）而不是 date")
        if value.tzinfo is None:
            return value.replace(tzinfo=self.tz)
        return value.astimezone(self.tz)

    def _windows(self, d: date) -> list[tuple[datetime, datetime]]:
        """Office-time windows of day ``d`` as aware datetimes; empty on a non-working day."""
        if not self.is_workday(d):
            return []
        return [
            (datetime.combine(d, a, tzinfo=self.tz), datetime.combine(d, b, tzinfo=self.tz))
            for a, b in self._periods
        ]

    def _day_length(self) -> timedelta:
        return sum((_wall(b) - _wall(a) for a, b in self._periods), timedelta())

    def _overlap(self, d: date, a: datetime, b: datetime) -> timedelta:
        """Office time of day ``d`` inside [a, b]."""
        total = timedelta()
        for ws, we in self._windows(d):
            lo, hi = max(ws, a), min(we, b)
            if lo < hi:
                total += _utc(hi) - _utc(lo)
        return total

    def _work_between(self, a: datetime, b: datetime) -> timedelta:
        if b < a:
            return -self._work_between(b, a)
        da, db = a.date(), b.date()
        if da == db:
            return self._overlap(da, a, b)
        day_end = datetime.combine(da, time.max, tzinfo=self.tz)
        day_start = datetime.combine(db, time.min, tzinfo=self.tz)
        whole = self.workdays_between(da, db) - (1 if self.is_workday(db) else 0)
        return self._overlap(da, a, day_end) + whole * self._day_length() + self._overlap(db, day_start, b)

    def _forward(self, s: datetime, need: timedelta) -> datetime:
        if not need:
            return s
        d = s.date()
        remaining = need
        for ws, we in self._windows(d):
            lo = max(ws, s)
            if lo >= we:
                continue
            span = _utc(we) - _utc(lo)
            if remaining <= span:
                return (_utc(lo) + remaining).astimezone(self.tz)
            remaining -= span
        length = self._day_length()
        whole, rest = divmod(remaining, length)
        if not rest:  # ends exactly at the close of a working day
            day = self.add_workdays(d, whole).day
            return datetime.combine(day, self._periods[-1][1], tzinfo=self.tz)
        day = self.add_workdays(d, whole + 1).day
        for ws, we in self._windows(day):
            span = _utc(we) - _utc(ws)
            if rest <= span:
                return (_utc(ws) + rest).astimezone(self.tz)
            rest -= span
        raise AssertionError("unreachable: a working day has the full day length")  # pragma: no cover

    def _backward(self, s: datetime, need: timedelta) -> datetime:
        d = s.date()
        remaining = need
        for ws, we in reversed(self._windows(d)):
            hi = min(we, s)
            if hi <= ws:
                continue
            span = _utc(hi) - _utc(ws)
            if remaining <= span:
                return (_utc(hi) - remaining).astimezone(self.tz)
            remaining -= span
        length = self._day_length()
        whole, rest = divmod(remaining, length)
        if not rest:  # ends exactly at the opening of a working day
            day = self.add_workdays(d, -whole).day
            return datetime.combine(day, self._periods[0][0], tzinfo=self.tz)
        day = self.add_workdays(d, -(whole + 1)).day
        for ws, we in reversed(self._windows(day)):
            span = _utc(we) - _utc(ws)
            if rest <= span:
                return (_utc(we) - rest).astimezone(self.tz)
            rest -= span
        raise AssertionError("unreachable: a working day has the full day length")  # pragma: no cover


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _wall(value: time) -> timedelta:
    return timedelta(
        hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond
    )
