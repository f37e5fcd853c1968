"""Indicators computed live from a ledger, registered by the app that owns the ledger.

An app registers `ComputedIndicator`s in its AppConfig.ready; `sync_computed()` (run after migrate)
makes each one an Indicator row with source=computed and its formula, reusing a row of the same
name that a plan import created — so the plan's target now points at the live value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core import audit
from indicators.models import Direction, Indicator, Measurement


@dataclass(frozen=True, slots=True)
class Value:
    """A computed value with the counts behind it, e.g. 97.3% = 73 / 75."""

    value: Decimal
    numerator: int
    denominator: int


@dataclass(frozen=True, slots=True)
class ComputedIndicator:
    code: str
    name: str
    measure_unit: str
    formula: str
    compute: Callable[[datetime], Value | None]  # None: nothing to measure yet (denominator 0)
    direction: str = Direction.AT_LEAST


REGISTRY: dict[str, ComputedIndicator] = {}


def register(spec: ComputedIndicator) -> None:
    REGISTRY[spec.code] = spec


def ratio(numerator: int, denominator: int) -> Value | None:
    if denominator == 0:
        return None
    pct = (Decimal(100) * numerator / denominator).quantize(Decimal("0.01"))
    return Value(pct, numerator, denominator)


@transaction.atomic
def sync_computed() -> list[Indicator]:
    """Create or convert the Indicator rows for every registered computed indicator."""
    rows = []
    for spec in REGISTRY.values():
        indicator = (Indicator.objects.filter(code=spec.code).first()
                     or Indicator.objects.filter(name=spec.name).first())
        if indicator is None:
            indicator = Indicator.objects.create(
                code=spec.code, name=spec.name, measure_unit=spec.measure_unit, direction=spec.direction,
                source=Indicator.Source.COMPUTED, formula=spec.formula)
            audit.record(None, "indicators.indicator.create", "新建计算指标", indicator,
                         after=audit.snapshot(indicator))
        elif (indicator.source, indicator.formula, indicator.code) != (Indicator.Source.COMPUTED, spec.formula,
                                                                       spec.code):
            before = audit.snapshot(indicator)
            indicator.source, indicator.formula, indicator.code = Indicator.Source.COMPUTED, spec.formula, spec.code
            indicator.save(update_fields=["source", "formula", "code"])
            audit.record(None, "indicators.indicator.compute", "改为台账自动计算", indicator, before=before,
                         after=audit.snapshot(indicator))
        rows.append(indicator)
    return rows


def current(code: str, now: datetime | None = None) -> Value | None:
    return REGISTRY[code].compute(now or timezone.now())


def snapshot_all(now: datetime | None = None) -> int:
    """Record today's value of every computed indicator (the daily job); returns how many were stored."""
    now = now or timezone.now()
    stored = 0
    for indicator in sync_computed():
        value = REGISTRY[indicator.code].compute(now)
        if value is None:
            continue
        Measurement.objects.create(indicator=indicator, value=value.value, measured_at=now,
                                   period_label=timezone.localdate(now).isoformat(),
                                   note=f"{value.numerator} / {value.denominator}（自动计算）")
        stored += 1
    return stored
