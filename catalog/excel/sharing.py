"""The 共享清单 workbook: one row per line of the list (a resource, or some 信息项, shared to a unit)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from catalog import services
from catalog.access import sharing_entries_for_user
from catalog.excel.base import (
    ParsedRow,
    Units,
    check_required,
    resolve_unit,
    run_import,
)
from catalog.excel.cells import split_list
from catalog.excel.layout import NO, SHARING, YES
from catalog.excel.report import ImportReport
from catalog.models import DataItem, DataResource, SharingEntry
from core.models import Unit, User

H_PK, H_CODE, H_CONSUMER, H_ITEMS = "共享编号", "信息资源代码", "使用单位", "共享信息项"


@dataclass
class SharingRow:
    number: int
    resource: DataResource
    fields: dict[str, Any]
    items: list[DataItem] = field(default_factory=list)
    existing: SharingEntry | None = None
    change: str = "created"


def import_sharing(actor: User, unit: Unit | None, data: bytes) -> ImportReport:
    """Import a 共享清单 workbook: rows with a 共享编号 edit that line, the others add lines."""
    return run_import(actor, unit, data, SHARING, "sharing", "共享清单",
                      lambda rows, report: _records(actor, unit, rows, report),
                      lambda r: _apply(actor, r), lambda r: r.number)


def _records(actor: User, own: Unit | None, rows: list[ParsedRow], report: ImportReport) -> list[SharingRow]:
    units = Units()
    codes = {str(r.values[H_CODE]) for r in rows if r.values.get(H_CODE)}
    resources = {r.code: r for r in DataResource.objects.visible_to(actor).filter(code__in=codes)
                 .select_related("unit").prefetch_related("items")}
    pks = {int(r.values[H_PK]) for r in rows if r.values.get(H_PK)}
    entries = {e.pk: e for e in sharing_entries_for_user(actor).filter(pk__in=pks)
               .select_related("resource__unit", "consumer").prefetch_related("items")}
    today = timezone.localdate()
    records: list[SharingRow] = []
    seen: dict[int, int] = {}
    for row in rows:
        v = row.values
        complete = check_required(SHARING, row, report)
        consumer = resolve_unit(v.get(H_CONSUMER), row.number, H_CONSUMER, units, None, report, what="共享记录")
        resource = resources.get(str(v.get(H_CODE, "")))
        if v.get(H_CODE) and resource is None:
            report.add(row.number, H_CODE, v[H_CODE], f"信息资源代码“{v[H_CODE]}”不存在")
        existing = None
        if v.get(H_PK):
            pk = int(v[H_PK])
            existing = entries.get(pk)
            if existing is None:
                report.add(row.number, H_PK, v[H_PK], f"共享编号 {pk} 不存在；新增共享记录请不填编号")
            elif pk in seen:
                report.add(row.number, H_PK, v[H_PK], f"与第 {seen[pk]} 行的共享编号重复")
                existing = None
            elif resource is not None and existing.resource_id != resource.pk:
                report.add(row.number, H_CODE, v[H_CODE],
                           f"共享编号 {pk} 登记的是资源 {existing.resource.code}，不能改为其他资源")
                existing = None
            seen.setdefault(pk, row.number)
        if resource is None or consumer is None or not complete:
            continue
        items = {i.name: i for i in resource.items.all()}
        chosen = []
        for name in split_list(v.get(H_ITEMS, "")):
            if name not in items:
                report.add(row.number, H_ITEMS, v.get(H_ITEMS), f"资源“{resource.name}”没有名为“{name}”的信息项")
            else:
                chosen.append(items[name])
        since = v.get("开始共享日期") or (existing.since if existing else today)
        fields = {"consumer": consumer, "medium": v["共享方式"], "purpose": v.get("用途", ""), "since": since,
                  "active": v.get("是否有效", True)}
        record = SharingRow(row.number, resource, fields, chosen, existing)
        if existing is not None:
            now = {"consumer": existing.consumer, "medium": existing.medium, "purpose": existing.purpose,
                   "since": existing.since, "active": existing.active}
            same_items = {i.pk for i in existing.items.all()} == {i.pk for i in chosen}
            record.change = "unchanged" if now == fields and same_items else "updated"
        # lines another unit provides (to this unit) come with a keeper's export: fine while unchanged
        if record.change != "unchanged" and not services.can_keep(actor, resource.unit):
            report.add(row.number, H_CODE, v[H_CODE],
                       f"资源 {resource.code} 由{resource.unit.short_name}提供，只能登记本单位提供的资源")
            continue
        records.append(record)
    return records


def _apply(actor: User, record: SharingRow) -> str:
    if record.change == "unchanged":
        return "unchanged"
    services.save_sharing_entry(actor, record.resource, record.existing, items=record.items, **record.fields)
    return record.change


def sharing_rows(entries: Iterable[SharingEntry]) -> Iterator[list[Any]]:
    """Rows in the template's layout; select resource__unit and consumer, prefetch items."""
    for entry in entries:
        values: dict[str, Any] = {
            H_PK: entry.pk, H_CODE: entry.resource.code, "信息资源名称": entry.resource.name,
            "信息资源提供方": entry.resource.unit.short_name, H_CONSUMER: entry.consumer.short_name,
            "共享方式": entry.get_medium_display(),
            H_ITEMS: "、".join(i.name for i in entry.items.all()) or None, "用途": entry.purpose or None,
            "开始共享日期": entry.since, "是否有效": YES if entry.active else NO, "来源需求编号": entry.demand_id,
        }
        yield [values.get(h) for h in SHARING.headers]
