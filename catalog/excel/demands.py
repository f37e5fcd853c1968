"""The 需求清单 workbook: rows without a 需求编号 are filed as new demands; the others are left as they are.

A demand is a workflow (answer, delivery, rating, each with a deadline), so a spreadsheet can start one
but not move it: answers and ratings are given on the demand's page, where their limits are enforced.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from catalog import demands
from catalog.excel.base import (
    ParsedRow,
    Units,
    check_required,
    resolve_unit,
    run_import,
)
from catalog.excel.layout import DEMANDS
from catalog.excel.report import ImportReport
from catalog.models import DataResource, Demand
from core.models import Unit, User

H_PK, H_REQUESTER, H_PROVIDER, H_RESOURCE = "需求编号", "需求单位", "提供单位", "所需资源代码"
TEXT_FIELDS = {"wanted_name": "所需数据", "wanted_items": "所需信息项", "purpose": "用途", "legal_basis": "依据"}


@dataclass
class DemandRow:
    number: int
    requester: Unit
    provider: Unit | None
    resource: DataResource | None
    fields: dict[str, Any]
    existing: Demand | None = None


def import_demands(actor: User, unit: Unit | None, data: bytes) -> ImportReport:
    """Import a 需求清单 workbook: file every new demand (all of them, or none)."""
    return run_import(actor, unit, data, DEMANDS, "demands", "需求清单",
                      lambda rows, report: _records(actor, unit, rows, report),
                      lambda r: _apply(actor, r), lambda r: r.number)


def _records(actor: User, own: Unit | None, rows: list[ParsedRow], report: ImportReport) -> list[DemandRow]:
    units = Units()
    codes = {str(r.values[H_RESOURCE]) for r in rows if r.values.get(H_RESOURCE)}
    resources = {r.code: r for r in DataResource.objects.visible_to(actor).filter(code__in=codes)
                 .select_related("unit")}
    pks = {int(r.values[H_PK]) for r in rows if r.values.get(H_PK)}
    existing = Demand.objects.visible_to(actor).select_related("resource").in_bulk(list(pks))
    records: list[DemandRow] = []
    for row in rows:
        v = row.values
        complete = check_required(DEMANDS, row, report)
        # a filed demand comes back with its requester, which may be another unit when this one provides
        requester = resolve_unit(v.get(H_REQUESTER), row.number, H_REQUESTER, units, own, report, what="数据需求",
                                 only_own=not v.get(H_PK))
        provider = resolve_unit(v.get(H_PROVIDER), row.number, H_PROVIDER, units, None, report, what="数据需求",
                                required=False)
        resource = None
        if v.get(H_RESOURCE):
            resource = resources.get(str(v[H_RESOURCE]))
            if resource is None:
                report.add(row.number, H_RESOURCE, v[H_RESOURCE], f"信息资源代码“{v[H_RESOURCE]}”不存在")
                continue
            if provider is not None and provider.pk != resource.unit_id:
                report.add(row.number, H_PROVIDER, v.get(H_PROVIDER),
                           f"资源 {resource.code} 由{resource.unit.short_name}提供，与所填提供单位不一致")
                continue
            provider = resource.unit
        elif provider is None and H_PROVIDER not in row.raw:
            report.add(row.number, H_PROVIDER, "", "请填写“提供单位”或“所需资源代码”")
        if not v.get("所需数据") and resource is None and "所需数据" not in row.raw:
            report.add(row.number, "所需数据", "", "请填写“所需数据”（目录中没有该资源时写明所需数据的名称）")
            continue
        if requester is None or provider is None or not complete:
            continue
        fields = {key: v.get(header, "") for key, header in TEXT_FIELDS.items()}
        fields["medium"] = v.get("期望共享方式", "api")
        record = DemandRow(row.number, requester, provider, resource, fields)
        if v.get(H_PK):
            demand = existing.get(int(v[H_PK]))
            if demand is None:
                report.add(row.number, H_PK, v[H_PK], f"需求编号 {v[H_PK]} 不存在；新提出的需求请不填编号")
                continue
            now = {key: getattr(demand, key) for key in fields}
            if resource is not None and not fields["wanted_name"]:
                fields["wanted_name"] = demand.wanted_name
            if (now != fields or demand.requester_id != requester.pk or demand.provider_id != provider.pk
                    or demand.resource_id != (resource.pk if resource else None)):
                report.add(row.number, H_PK, v[H_PK], f"需求 {demand.pk} 已经提出，不能通过导入修改；"
                                                     "答复、交付和评价请在需求页面办理")
                continue
            record.existing = demand
        records.append(record)
    return records


def _apply(actor: User, record: DemandRow) -> str:
    if record.existing is not None:
        return "unchanged"
    demands.file_demand(actor, record.requester, resource=record.resource,
                        provider=None if record.resource else record.provider, **record.fields)
    return "created"


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def demand_rows(entries: Iterable[Demand]) -> Iterator[list[Any]]:
    """Rows in the template's layout; select requester, provider and resource on the queryset."""
    for d in entries:
        values: dict[str, Any] = {
            H_PK: d.pk, H_REQUESTER: d.requester.short_name, H_PROVIDER: d.provider.short_name,
            H_RESOURCE: d.resource.code if d.resource else None, "所需数据": d.wanted_name,
            "所需信息项": d.wanted_items or None, "用途": d.purpose, "依据": d.legal_basis,
            "期望共享方式": d.get_medium_display(), "状态": d.get_state_display(), "提出时间": _local(d.submitted_at),
            "答复期限": _local(d.answer_due), "答复时间": _local(d.answered_at), "答复意见": d.answer_reason or None,
            "共享条件": d.conditions or None, "交付时间": _local(d.delivered_at),
            "交付说明": d.delivery_note or None, "评价": d.rating, "评价意见": d.rating_comment or None,
        }
        yield [values.get(h) for h in DEMANDS.headers]
