"""JSON API of the indicators (/api/v1/indicators/): every logged-in caller reads; recording follows can_record."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from core.access import current_user
from core.schemas import ErrorOut
from indicators.forms import MAX_NOTE_CHARS
from indicators.models import Indicator, Measurement, format_number
from indicators.services import record_measurement
from indicators.views import get_indicator, with_list_data

router = Router(tags=["指标"])

MAX_PAGE = 100



def _indicator_or_404(pk: int) -> Indicator:
    try:
        return get_indicator(pk)
    except Http404:
        raise HttpError(404, "指标不存在") from None


class MeasurementOut(Schema):
    id: int
    value: str
    period_label: str
    measured_at: datetime
    unit: str | None
    note: str
    has_evidence: bool

    @staticmethod
    def of(m: Measurement) -> MeasurementOut:
        return MeasurementOut(id=m.pk, value=format_number(m.value), period_label=m.period_label,
                              measured_at=m.measured_at, unit=m.unit.short_name if m.unit else None, note=m.note,
                              has_evidence=bool(m.evidence))


class PlanTargetOut(Schema):
    text: str
    task_id: int | None
    task_code: str | None


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    measure_unit: str
    direction: str
    target_value: str | None
    target: str = Field(description="目标的中文表述，如“不低于 97%”")
    due_date: date | None
    due_provisional: bool
    owner_unit: str | None
    source: str
    latest: MeasurementOut | None
    met: bool | None = Field(description="最新实际值是否达标；无数值或无目标时为空")
    targets: list[PlanTargetOut]

    @staticmethod
    def fields_of(ind: Indicator) -> dict[str, Any]:
        latest = ind.latest()
        return {
            "id": ind.pk, "code": ind.code, "name": ind.name, "measure_unit": ind.measure_unit,
            "direction": ind.direction,
            "target_value": format_number(ind.target_value) if ind.target_value is not None else None,
            "target": ind.target_display(), "due_date": ind.due_date, "due_provisional": ind.due_provisional,
            "owner_unit": ind.owner_unit.short_name if ind.owner_unit else None, "source": ind.source,
            "latest": MeasurementOut.of(latest) if latest else None,
            "met": ind.meets(latest.value if latest else None),
            "targets": [PlanTargetOut(text=t.text, task_id=t.task_id, task_code=t.task.code if t.task else None)
                        for t in ind.plan_targets.all()],
        }


class IndicatorPage(Schema):
    count: int
    items: list[IndicatorOut]


class IndicatorDetailOut(IndicatorOut):
    formula: str
    description: str
    history: list[MeasurementOut]


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class MeasurementIn(Schema):
    value: Decimal = Field(description="实际值（数字）", max_digits=14, decimal_places=4)
    period_label: str = Field("", max_length=20, description="统计期，如 2023年第三季度")
    note: str = Field("", max_length=MAX_NOTE_CHARS)


@router.get("", response=IndicatorPage, summary="指标列表")
def list_indicators(request: HttpRequest, paging: Query[Paging]) -> IndicatorPage:
    indicators = Indicator.objects.order_by("name", "pk")
    page = with_list_data(indicators)[paging.offset: paging.offset + paging.limit]
    return IndicatorPage(count=indicators.count(), items=[IndicatorOut(**IndicatorOut.fields_of(i)) for i in page])


@router.get("/{indicator_id}", response={200: IndicatorDetailOut, 404: ErrorOut}, summary="指标详情")
def get_indicator_detail(request: HttpRequest, indicator_id: int) -> IndicatorDetailOut:
    ind = with_list_data(Indicator.objects.filter(pk=_indicator_or_404(indicator_id).pk)).get()
    history = ind.measurements.select_related("unit").order_by("-measured_at", "-id")
    return IndicatorDetailOut(**IndicatorOut.fields_of(ind), formula=ind.formula, description=ind.description,
                              history=[MeasurementOut.of(m) for m in history])


@router.post("/{indicator_id}/measurements",
             response={201: MeasurementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="填报指标值")
def post_measurement(request: HttpRequest, indicator_id: int, payload: MeasurementIn) -> Status[MeasurementOut]:
    """Record a measured value (evidence files go through the page)."""
    indicator = _indicator_or_404(indicator_id)
    m = record_measurement(current_user(request), indicator, value=payload.value, period_label=payload.period_label,
                           note=payload.note)
    return Status(201, MeasurementOut.of(m))
