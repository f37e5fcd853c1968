"""The 信息系统清单 workbook: one row per system, identified by its unit and name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from catalog import services
from catalog.excel.base import (
    ParsedRow,
    Units,
    check_required,
    resolve_unit,
    run_import,
)
from catalog.excel.layout import NO, STATUS_LABELS, SYSTEMS, YES
from catalog.excel.report import ImportReport
from catalog.models import InformationSystem, ServiceMatter
from core.models import Unit, User

H_NAME, H_UNIT, H_MATTERS = "系统名称", "建设单位", "关联事项编码"
FIELD_COLUMNS = [c for c in SYSTEMS.columns if c.key in services.SYSTEM_FIELDS and not c.export_only]
DEFAULTS: dict[str, Any] = {"on_gov_cloud": False, "is_classified": False, "description": ""}


@dataclass
class SystemRow:
    number: int
    unit: Unit
    fields: dict[str, Any]
    matters: list[ServiceMatter] = field(default_factory=list)
    existing: InformationSystem | None = None
    change: str = "created"


def import_systems(actor: User, unit: Unit | None, data: bytes) -> ImportReport:
    """Import a 信息系统清单 workbook: new systems are registered, known ones (unit + name) edited."""
    return run_import(actor, unit, data, SYSTEMS, "systems", "信息系统清单",
                      lambda rows, report: _records(actor, unit, rows, report),
                      lambda r: _apply(actor, r), lambda r: r.number)


def _records(actor: User, own: Unit | None, rows: list[ParsedRow], report: ImportReport) -> list[SystemRow]:
    units = Units()
    matters = {m.code: m for m in ServiceMatter.objects.all()}
    records: list[SystemRow] = []
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        complete = check_required(SYSTEMS, row, report)
        # any unit may be named: another unit's published system comes with a keeper's full export
        unit = resolve_unit(row.values.get(H_UNIT), row.number, H_UNIT, units, own, report, what="信息系统",
                            only_own=False)
        if unit is None or not complete:
            continue
        name = row.values[H_NAME]
        if (unit.pk, name) in seen:
            report.add(row.number, H_NAME, name, f"与第 {seen[unit.pk, name]} 行重复：同一单位的系统名称不能重复")
            continue
        seen[unit.pk, name] = row.number
        fields = {c.key: row.values.get(c.header, DEFAULTS.get(c.key)) for c in FIELD_COLUMNS}
        record = SystemRow(row.number, unit, fields)
        for code in row.values.get(H_MATTERS, []):
            matter = matters.get(code)
            if matter is None:
                report.add(row.number, H_MATTERS, row.raw.get(H_MATTERS), f"政务服务事项编码“{code}”不存在")
            elif matter.unit_id not in (None, unit.pk):
                report.add(row.number, H_MATTERS, row.raw.get(H_MATTERS), f"事项“{matter.name}”属于其他单位，不能关联")
            else:
                record.matters.append(matter)
        records.append(record)
    existing = {(s.unit_id, s.name): s for s in InformationSystem.objects.visible_to(actor).filter(
        unit_id__in={r.unit.pk for r in records}).prefetch_related("service_matters")}
    for record in records:
        system = existing.get((record.unit.pk, record.fields["name"]))
        if system is not None:
            record.existing = system
            now = {key: getattr(system, key) for key in record.fields}
            same_matters = {m.pk for m in system.service_matters.all()} == {m.pk for m in record.matters}
            record.change = "unchanged" if now == record.fields and same_matters else "updated"
        if record.change != "unchanged" and not services.can_keep(actor, record.unit):
            report.add(record.number, H_UNIT, record.unit.short_name,
                       f"只能导入本单位{f'（{own.short_name}）' if own else ''}的信息系统，"
                       f"不能填写“{record.unit.short_name}”")
    return records


def _apply(actor: User, record: SystemRow) -> str:
    if record.change == "unchanged":
        return "unchanged"
    services.save_system(actor, record.unit, record.existing, service_matters=record.matters, **record.fields)
    return record.change


def system_rows(systems: Iterable[InformationSystem]) -> Iterator[list[Any]]:
    """Rows in the template's layout; prefetch service_matters and select unit on the queryset."""
    for system in systems:
        values: dict[str, Any] = {
            H_NAME: system.name, H_UNIT: system.unit.short_name,
            "等保级别": system.get_protection_level_display(), "部署位置": system.get_deployment_display(),
            "是否上政务云": YES if system.on_gov_cloud else NO, "是否涉密系统": YES if system.is_classified else NO,
            "运行状态": system.get_state_display(), "系统简介": system.description or None,
            H_MATTERS: "、".join(m.code for m in system.service_matters.all()) or None,
            "审核状态": STATUS_LABELS.get(system.status, system.status),
        }
        yield [values.get(h) for h in SYSTEMS.headers]
