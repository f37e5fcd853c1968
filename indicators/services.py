"""State changes of indicators: linking plan targets, recording measured values with evidence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from pypinyin import lazy_pinyin

from core import audit
from core.errors import DomainError, NotAllowed
from core.models import Unit, User
from indicators.models import Direction, Indicator, Measurement

EVIDENCE_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".txt", ".ofd",
                                 ".zip", ".wps", ".et"})


def _code_for(name: str) -> str:
    base = slugify("-".join(lazy_pinyin(name)))[:50] or "indicator"
    code, n = base, 2
    while Indicator.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def link_target(
    actor: User | None,
    *,
    metric: str,
    comparator: str,
    value: Decimal,
    measure_unit: str,
    period: str,
    due_date: date | None,
    due_provisional: bool,
    owner_unit: Unit | None,
) -> Indicator:
    """The indicator a plan target measures: an existing one of the same name, or a new one.

    Re-importing a revised plan moves the target of the existing indicator (its history stays).
    """
    indicator = Indicator.objects.select_for_update().filter(name=metric).first()
    direction = comparator if comparator in Direction.values else Direction.AT_LEAST
    if indicator is None:
        indicator = Indicator.objects.create(
            code=_code_for(metric), name=metric, measure_unit=measure_unit, direction=direction,
            target_value=value, period=period, due_date=due_date, due_provisional=due_provisional,
            owner_unit=owner_unit)
        audit.record(actor, "indicators.indicator.create", "新建指标", indicator, unit=owner_unit,
                     after=audit.snapshot(indicator))
        return indicator
    before = audit.snapshot(indicator)
    indicator.measure_unit = measure_unit or indicator.measure_unit
    indicator.direction = direction
    indicator.target_value = value
    indicator.period = period or indicator.period
    indicator.due_date = due_date or indicator.due_date
    indicator.due_provisional = due_provisional
    indicator.owner_unit = indicator.owner_unit or owner_unit
    after = audit.snapshot(indicator)
    if after != before:
        indicator.save()
        audit.record(actor, "indicators.indicator.update_target", "更新指标目标", indicator,
                     unit=indicator.owner_unit, before=before, after=after)
    return indicator


def can_record(user: User, indicator: Indicator) -> bool:
    """The admin, or a person of a unit that owns the indicator or a task carrying its target."""
    if user.is_dc_admin:
        return True
    if user.unit_id is None:
        return False
    if indicator.owner_unit_id == user.unit_id:
        return True
    return indicator.plan_targets.filter(task__assignments__unit_id=user.unit_id).exists()


def parse_value(raw: str | Decimal | float | int) -> Decimal:
    try:
        value = Decimal(str(raw).strip().rstrip("%％"))
    except InvalidOperation:
        raise DomainError(f"“{raw}”不是有效的数值", field="value") from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise DomainError("数值超出范围", field="value")
    return value


def check_evidence(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    ext = PurePath(upload.name or "").suffix.lower()
    if ext not in EVIDENCE_EXTENSIONS:
        raise DomainError(f"不支持的佐证材料类型“{ext or '无扩展名'}”，请上传 PDF、Word、Excel、图片或压缩包",
                          field="evidence")
    if upload.size is None or upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise DomainError(f"佐证材料过大，单个文件不能超过 {limit} MB", field="evidence")
    if upload.size == 0:
        raise DomainError("佐证材料是空文件", field="evidence")


@transaction.atomic
def record_measurement(
    actor: User,
    indicator: Indicator,
    *,
    value: str | Decimal | float | int,
    period_label: str = "",
    note: str = "",
    evidence: UploadedFile | None = None,
) -> Measurement:
    """A unit records a measured value with evidence (until a ledger computes the indicator)."""
    if not can_record(actor, indicator):
        raise NotAllowed("您所在单位不负责此指标，不能填报")
    if indicator.source == Indicator.Source.COMPUTED:
        raise DomainError("此指标由台账自动计算，不能手工填报")
    number = parse_value(value)
    if indicator.measure_unit in {"%", "％"} and not Decimal(0) <= number <= Decimal(100):
        raise DomainError("百分比应在 0 到 100 之间", field="value")
    check_evidence(evidence)
    measurement = Measurement(
        indicator=indicator, value=number, period_label=period_label.strip()[:20], note=note.strip()[:300],
        unit=actor.unit, recorded_by=actor, measured_at=timezone.now())
    if evidence is not None:
        measurement.evidence_name = PurePath(evidence.name or "").name[:200]
        measurement.evidence.save(measurement.evidence_name, evidence, save=False)
    measurement.save()
    audit.record(actor, "indicators.measurement.record", "填报指标值", indicator, unit=actor.unit,
                 after={"value": str(number), "period": measurement.period_label, "note": measurement.note,
                        "evidence": measurement.evidence_name})
    return measurement
