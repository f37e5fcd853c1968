"""Indicators: a named KPI with a target (often read from the work plan) and a history of values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import timezone

from core.models import Unit, User


class Direction(models.TextChoices):
    AT_LEAST = ">=", "不低于"
    AT_MOST = "<=", "不高于"
    EQUAL = "=", "等于"


class Indicator(models.Model):
    """指标: what is measured, in which unit, which way is better, and the target to reach by when."""

    class Source(models.TextChoices):
        MANUAL = "manual", "单位填报"
        COMPUTED = "computed", "台账自动计算"

    code = models.SlugField("指标代码", max_length=60, unique=True)
    name = models.CharField("指标名称", max_length=80)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    direction = models.CharField("达标方向", max_length=2, choices=Direction.choices, default=Direction.AT_LEAST)
    target_value = models.DecimalField("目标值", max_digits=14, decimal_places=4, null=True, blank=True)
    period = models.CharField("统计周期", max_length=10, blank=True, help_text="如 年、季、月、周")
    due_date = models.DateField("完成时限", null=True, blank=True)
    due_provisional = models.BooleanField("时限待确认", default=False)
    owner_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="负责单位")
    source = models.CharField("数据来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    formula = models.CharField("计算公式", max_length=200, blank=True)
    description = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def latest(self) -> Measurement | None:
        """The newest value: computed live for ledger indicators, else the last one recorded."""
        if self.source == self.Source.COMPUTED:
            live = self.live()
            if live is not None:
                return live
        cached: list[Measurement] | None = getattr(self, "prefetched_latest", None)
        if cached is not None:
            return cached[0] if cached else None
        return self.measurements.order_by("-measured_at", "-id").first()

    def live(self) -> Measurement | None:
        """An unsaved measurement computed from the ledger right now (None if not computable yet)."""
        if "_live" in self.__dict__:
            cached: Measurement | None = self.__dict__["_live"]
            return cached
        from indicators.computed import REGISTRY

        spec = REGISTRY.get(self.code)
        value = spec.compute(timezone.now()) if spec is not None else None
        live = None if value is None else Measurement(
            indicator=self, value=value.value, measured_at=timezone.now(),
            note=f"{value.numerator} / {value.denominator}（实时计算）")
        self.__dict__["_live"] = live
        return live

    def meets(self, value: Decimal | None) -> bool | None:
        """Does a value reach the target? None when there is no value or no target."""
        if value is None or self.target_value is None:
            return None
        if self.direction == Direction.AT_LEAST:
            return value >= self.target_value
        if self.direction == Direction.AT_MOST:
            return value <= self.target_value
        return value == self.target_value

    def is_overdue(self, today: date) -> bool:
        latest = self.latest()
        return bool(self.due_date and today > self.due_date and not self.meets(latest.value if latest else None))

    def target_display(self) -> str:
        if self.target_value is None:
            return "—"
        return f"{self.get_direction_display()} {format_number(self.target_value)}{self.measure_unit}"


def format_number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


class Measurement(models.Model):
    """One recorded value of an indicator, typed in with evidence or computed from a ledger."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField("实际值", max_digits=14, decimal_places=4)
    measured_at = models.DateTimeField("测量时间", default=timezone.now)
    period_label = models.CharField("统计期", max_length=20, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="填报单位")
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)
    evidence = models.FileField("佐证材料", upload_to="indicators/%Y/%m/", blank=True)
    evidence_name = models.CharField("材料名称", max_length=200, blank=True)

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        ordering = ["-measured_at", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator.name} = {format_number(self.value)}{self.indicator.measure_unit}"
