"""Reporting periods (填报期): quarters by default, months or half-years when a task asks for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER_NAMES = "一二三四"
_LABEL = re.compile(r"^(?P<year>\d{4})(?:Q(?P<q>[1-4])|M(?P<m>0[1-9]|1[0-2])|H(?P<h>[12]))$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: date
    end: date
    label: str  # 2023Q1, 2023M03, 2023H1

    @property
    def title(self) -> str:
        year, rest = self.label[:4], self.label[4:]
        if rest.startswith("Q"):
            return f"{year}年第{_QUARTER_NAMES[int(rest[1]) - 1]}季度"
        if rest.startswith("M"):
            return f"{year}年{int(rest[1:])}月"
        return f"{year}年{'上' if rest == 'H1' else '下'}半年"

    def previous(self) -> Period:
        return period_containing(self.start - timedelta(days=1), cycle_of(self.label))

    def next(self) -> Period:
        return period_containing(self.end + timedelta(days=1), cycle_of(self.label))


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def cycle_of(label: str) -> str:
    return {"Q": "quarterly", "M": "monthly", "H": "half_yearly"}[label[4]]


def period_containing(d: date, cycle: str = "quarterly") -> Period:
    if cycle == "monthly":
        return Period(date(d.year, d.month, 1), _month_end(d.year, d.month), f"{d.year}M{d.month:02d}")
    if cycle == "half_yearly":
        half = 1 if d.month <= 6 else 2
        first = 1 if half == 1 else 7
        return Period(date(d.year, first, 1), _month_end(d.year, first + 5), f"{d.year}H{half}")
    q = (d.month - 1) // 3 + 1
    return Period(date(d.year, 3 * q - 2, 1), _month_end(d.year, 3 * q), f"{d.year}Q{q}")


def parse_period(label: str) -> Period:
    """The period a label names; ValueError with a Chinese message when it is malformed."""
    m = _LABEL.match(label.strip().upper())
    if not m:
        raise ValueError(f"填报期“{label}”格式不正确，应为 2023Q1、2023M03 或 2023H1")
    year = int(m["year"])
    if m["q"]:
        return period_containing(date(year, 3 * int(m["q"]), 1), "quarterly")
    if m["m"]:
        return period_containing(date(year, int(m["m"]), 1), "monthly")
    return period_containing(date(year, 1 if m["h"] == "1" else 7, 1), "half_yearly")


def periods_between(first: date, last: date, cycle: str = "quarterly") -> list[Period]:
    periods: list[Period] = []
    p = period_containing(first, cycle)
    while p.start <= last:
        periods.append(p)
        p = p.next()
    return periods
