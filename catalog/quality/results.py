"""Typed results of a quality run, with the Chinese sentences the provider reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class CheckKind(StrEnum):
    """Check families (spec §12), named as Great Expectations / Soda name them."""

    VOLUME = "volume"
    COMPLETENESS = "completeness"
    UNIQUENESS = "uniqueness"
    CONFORMITY = "conformity"  # 数据类型与长度
    VALIDITY = "validity"
    TIMELINESS = "timeliness"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    CheckKind.VOLUME: "数据量",
    CheckKind.COMPLETENESS: "完整性",
    CheckKind.UNIQUENESS: "唯一性",
    CheckKind.CONFORMITY: "类型与长度",
    CheckKind.VALIDITY: "有效性",
    CheckKind.TIMELINESS: "及时性",
}


@dataclass(frozen=True)
class Sample:
    """One failing row: ``row`` is the Excel row for xlsx, else the 1-based record number."""

    row: int
    value: str  # truncated, and masked for personal data
    reason: str = ""


@dataclass(frozen=True)
class Freshness:
    period: str  # 更新周期 label
    latest: datetime | None  # the newest timestamp not after the run day
    due: date | None  # the last day the next update may arrive (None: 不定时)
    overdue_days: int
    future_rows: int  # rows dated after the run day, left out of ``latest``


@dataclass(frozen=True)
class CheckResult:
    kind: CheckKind
    column: str | None
    rule: str  # what was checked, in Chinese ("居民身份证号（GB 11643-1999）")
    rows_checked: int
    failed: int
    threshold: float  # the failure rate up to which the check passes
    description: str
    reasons: tuple[tuple[str, int], ...] = ()  # failed rows per reason, most first
    samples: tuple[Sample, ...] = ()
    freshness: Freshness | None = None

    @property
    def failure_rate(self) -> float:
        return self.failed / self.rows_checked if self.rows_checked else 0.0

    @property
    def passed(self) -> bool:
        if self.kind in (CheckKind.VOLUME, CheckKind.TIMELINESS):
            return self.failed == 0
        return self.failed == 0 or self.failure_rate <= self.threshold

    @property
    def key(self) -> tuple[str, str, str]:
        """Identifies the same check across a run and its re-check."""
        return (self.kind.value, self.column or "", self.rule)


@dataclass(frozen=True)
class QualityReport:
    source: str
    rows: int
    as_of: date
    results: tuple[CheckResult, ...]
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def findings(self) -> tuple[CheckResult, ...]:
        """The failed checks: what goes to the provider for rectification."""
        return tuple(r for r in self.results if not r.passed)

    def summary(self) -> str:
        if self.passed:
            return f"{self.source}：{self.rows} 行，{len(self.results)} 项检查全部通过"
        return f"{self.source}：{self.rows} 行，{len(self.results)} 项检查中 {len(self.findings)} 项未通过"

    def to_json(self) -> list[dict[str, Any]]:
        """Plain JSON for a JSONField: one object per check."""
        out = []
        for r in self.results:
            item = asdict(r)
            item.update(kind=r.kind.value, failure_rate=r.failure_rate, passed=r.passed)
            if r.freshness:
                fresh = r.freshness
                item["freshness"] = {
                    **asdict(fresh),
                    "latest": fresh.latest.isoformat() if fresh.latest else None,
                    "due": fresh.due.isoformat() if fresh.due else None,
                }
            item["reasons"] = [list(pair) for pair in r.reasons]
            out.append(item)
        return out


@dataclass(frozen=True)
class Recheck:
    """One finding of the earlier run, seen again in the re-check."""

    before: CheckResult
    after: CheckResult | None  # None when the re-check no longer runs this check
    resolved: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "resolved", self.after is not None and self.after.passed)

    def describe(self) -> str:
        if self.after is None:
            return f"{self.before.description}：复查时未再检查该项"
        if self.resolved:
            return f"已整改：{self.before.description}；复查通过"
        return f"未整改到位：复查时{self.after.description}"


def compare(previous: QualityReport, current: QualityReport) -> tuple[Recheck, ...]:
    """Match each finding of ``previous`` with the same check in ``current``."""
    by_key = {r.key: r for r in current.results}
    return tuple(Recheck(before, by_key.get(before.key)) for before in previous.findings)
