"""What to check: column specs derived from 信息项, the timeliness rule, and the engine's limits."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from catalog.quality.errors import QualityError
from catalog.quality.rules import Rule


class DataType(StrEnum):
    """信息项数据类型; the values are the codes of ``catalog.models.choices.ItemType``."""

    CHAR = "C"
    NUMBER = "N"
    CURRENCY = "Y"
    DATE = "D"
    DATETIME = "T"
    LOGICAL = "L"
    MEMO = "M"
    GENERAL = "G"
    DOUBLE = "B"
    INTEGER = "I"
    FLOAT = "F"
    CUSTOM = "X"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> DataType:
        """Accepts the code ("N"), the label ("数值型") or both ("数值型N")."""
        text = text.strip()
        for member in cls:
            if text in (member.value, member.label, member.label + member.value):
                return member
        raise QualityError(f"未知的数据类型：{text}")


_TYPE_LABELS = {
    DataType.CHAR: "字符型",
    DataType.NUMBER: "数值型",
    DataType.CURRENCY: "货币型",
    DataType.DATE: "日期型",
    DataType.DATETIME: "日期时间型",
    DataType.LOGICAL: "逻辑型",
    DataType.MEMO: "备注型",
    DataType.GENERAL: "通用型",
    DataType.DOUBLE: "双精度型",
    DataType.INTEGER: "整型",
    DataType.FLOAT: "浮点型",
    DataType.CUSTOM: "自定义",
}


class UpdatePeriod(StrEnum):
    """更新周期; the values are those of ``catalog.models.choices.UpdateCycle``."""

    REALTIME = "realtime"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    IRREGULAR = "irregular"

    @property
    def label(self) -> str:
        return _PERIOD_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> UpdatePeriod:
        """Accepts the value ("monthly") or the label ("每月"); 其他 counts as 不定时 (spec §5)."""
        text = text.strip()
        if text == "其他":
            return cls.IRREGULAR
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise QualityError(f"未知的更新周期：{text}")

    def due(self, latest: date, grace_days: int) -> date | None:
        """The last day the next update may arrive; None when the period is irregular (spec §5)."""
        days, months = _PERIOD_SPAN[self]
        if days is None and months is None:
            return None
        due = _add_months(latest, months) if months else latest + timedelta(days=days or 0)
        return due + timedelta(days=grace_days)


_PERIOD_LABELS = {
    UpdatePeriod.REALTIME: "实时",
    UpdatePeriod.DAILY: "每日",
    UpdatePeriod.WEEKLY: "每周",
    UpdatePeriod.MONTHLY: "每月",
    UpdatePeriod.QUARTERLY: "每季度",
    UpdatePeriod.HALF_YEARLY: "每半年",
    UpdatePeriod.YEARLY: "每年",
    UpdatePeriod.IRREGULAR: "不定时",
}

# (days, months) of one period. 实时 is stale after a day without a load (spec §5).
_PERIOD_SPAN: dict[UpdatePeriod, tuple[int | None, int | None]] = {
    UpdatePeriod.REALTIME: (1, None),
    UpdatePeriod.DAILY: (1, None),
    UpdatePeriod.WEEKLY: (7, None),
    UpdatePeriod.MONTHLY: (None, 1),
    UpdatePeriod.QUARTERLY: (None, 3),
    UpdatePeriod.HALF_YEARLY: (None, 6),
    UpdatePeriod.YEARLY: (None, 12),
    UpdatePeriod.IRREGULAR: (None, None),
}


def _add_months(day: date, months: int) -> date:
    # Calendar months, clamped: 31 January + 1 month is 28/29 February, not 3 March.
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ColumnSpec:
    """One 信息项 as the checks need it."""

    name: str
    data_type: DataType = DataType.CHAR
    length: int | None = None  # 长度; checked for 字符型 and 备注型
    required: bool = False
    unique: bool = False
    rule: Rule | None = None
    sensitive: bool = False  # 敏感: mask sample values even without a personal-data rule
    tolerance: float = 0.0  # the failure rate up to which a check still passes

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise QualityError("信息项名称不能为空")
        if self.name.startswith("__zt_"):
            raise QualityError(f"信息项名称不能以 __zt_ 开头：{self.name}")
        if self.length is not None and self.length <= 0:
            raise QualityError(f"「{self.name}」的长度应为正整数")
        if not 0 <= self.tolerance < 1:
            raise QualityError(f"「{self.name}」的容忍比例应在 0 到 1 之间")

    @property
    def personal(self) -> bool:
        return self.sensitive or (self.rule is not None and self.rule.personal)


@dataclass(frozen=True)
class TimelinessSpec:
    """Is the newest record recent enough for the resource's 更新周期?"""

    column: str
    period: UpdatePeriod
    grace_days: int = 0

    def __post_init__(self) -> None:
        if self.grace_days < 0:
            raise QualityError("宽限天数不能为负数")


@dataclass(frozen=True)
class QualityPlan:
    """Every check for one dataset. ``as_of`` dates the run (timeliness, birth dates); default today."""

    columns: tuple[ColumnSpec, ...]
    timeliness: TimelinessSpec | None = None
    as_of: date | None = None
    min_rows: int = 1
    samples: int = 5

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise QualityError(
                "信息项名称重复：" + "、".join(sorted({n for n in names if names.count(n) > 1}))
            )
        if not 0 <= self.samples <= 100:
            raise QualityError("样例行数应在 0 到 100 之间")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column the checks read, in order, the timestamp column included."""
        names = [c.name for c in self.columns]
        if self.timeliness and self.timeliness.column not in names:
            names.append(self.timeliness.column)
        return tuple(names)

    def day(self) -> date:
        return self.as_of or date.today()


@dataclass(frozen=True)
class Limits:
    """Bounds on what one run may read and how long it may take (callers pass their settings)."""

    max_file_bytes: int = 2 * 1024**3
    max_rows: int = 20_000_000
    xlsx_max_rows: int = 1_000_000
    max_line_bytes: int = 1024**2  # one CSV record; a longer one is an error, not a silent cut
    connect_timeout_s: int = 5  # libpq's minimum is 2
    load_timeout_s: float = 600.0
    check_timeout_s: float = 600.0
    memory_limit: str = "4GB"
    threads: int | None = None  # DuckDB's default: one per core
