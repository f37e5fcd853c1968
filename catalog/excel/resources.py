"""The 数据资源清单 workbook: one row per 信息项, the resource's columns repeated on each of its rows.

The national 1272号 template works this way: "every row of one resource carries the same 代码" (spec
§1, Inspur QA rules). Rows group by 信息资源代码; new resources (no code yet) by 临时编号, else by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from catalog import rules, services
from catalog.excel.base import (
    ParsedRow,
    Units,
    apply_all,
    collector_paused,
    load,
    require_importer,
    resolve_unit,
)
from catalog.excel.cells import split_list
from catalog.excel.layout import NO, RESOURCES, STATUS_LABELS, YES, Column
from catalog.excel.report import ImportReport, display
from catalog.models import CatalogSettings, Category, DataItem, DataResource, InformationSystem, Lifecycle
from core.models import Unit, User

RESOURCE_COLUMNS = [c for c in RESOURCES.columns if not c.item and not c.export_only]
ITEM_COLUMNS = [c for c in RESOURCES.columns if c.item]
H_CODE, H_TEMP, H_NAME, H_CATEGORY, H_UNIT, H_SYSTEMS = (
    "信息资源代码", "临时编号", "信息资源名称", "信息资源分类", "信息资源提供方", "关联信息系统")
H_ITEM = "信息项名称"
# Columns that are not a plain service field of the resource.
_SPECIAL = {H_CODE, H_TEMP, H_CATEGORY, H_UNIT, H_SYSTEMS}
FIELD_DEFAULTS: dict[str, Any] = {
    "format_type": "", "sharing_condition": "", "sharing_basis": "", "sharing_channel": "platform",
    "sharing_medium": "", "open_condition": "", "opened_on": None, "last_updated_on": None, "is_classified": False,
    "related_codes": [], "storage_total_gb": Decimal("0.000"), "record_total": 0,
    "shared_storage_gb": Decimal("0.000"), "shared_records": 0, "opened_storage_gb": Decimal("0.000"),
    "opened_records": 0,
}
ITEM_DEFAULTS: dict[str, Any] = {"data_type": "C", "length": None, "is_sensitive": False, "sharing_type": "",
                                 "open_type": "", "required": False, "unique": False, "validity": "",
                                 "description": ""}
# The 信息资源代码 form of spec §3, as catalog.rules checks it: `{分类编码}/{6位顺序码}`.
_CODE_FORM = re.compile(r"^\d{1,40}/\d{6}$")
# The per-row loops below run 10,000s of times: the columns they walk, worked out once.
_SHARED_HEADERS = [c.header for c in RESOURCE_COLUMNS if c.header != H_TEMP]  # the same on each row of a resource
_ITEM_KEYS = [(c.header, c.key) for c in ITEM_COLUMNS]
_REQUIRED_HEADERS = [c.header for c in RESOURCE_COLUMNS if c.required]
_FIELD_COLUMNS = [(c.header, c.key, FIELD_DEFAULTS.get(c.key)) for c in RESOURCE_COLUMNS if c.header not in _SPECIAL]


@dataclass
class Group:
    """The rows of one resource, and what they resolve to."""

    key: tuple[str, str]
    rows: list[int] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # header → the resource's value (first non-blank)
    raw: dict[str, Any] = field(default_factory=dict)
    source: dict[str, int] = field(default_factory=dict)  # header → the row that value came from
    present: set[str] = field(default_factory=set)  # headers filled on some row (even if wrongly)
    items: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    unit: Unit | None = None
    existing: DataResource | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    systems: list[InformationSystem] = field(default_factory=list)
    change: str = "created"
    foreign: bool = False  # an existing resource the importer may not change
    fields_changed: bool = True
    systems_changed: bool = True

    @property
    def first(self) -> int:
        return self.rows[0]

    def item_dicts(self) -> list[dict[str, Any]]:
        return [item for _, item in self.items]


def import_resources(actor: User, unit: Unit | None, data: bytes) -> ImportReport:
    """Import a 数据资源清单 workbook: all resources through the services, or nothing and every error."""
    require_importer(actor, unit, "数据资源清单")
    report = ImportReport("resources", RESOURCES.title)
    with collector_paused():
        rows = load(RESOURCES, data, report)
        if rows is None:
            return report
        with report.timing("validate"):
            groups = _group(rows, report)
            report.records = len(groups)
            _resolve(actor, unit, groups, report)
        if report.errors:
            return report
        new = [g for g in groups if g.existing is None]
        batches: list[list[Group]] = ([new] if new else []) + [[g] for g in groups if g.existing is not None]
        apply_all(report, RESOURCES, batches, lambda batch: _apply(actor, batch), lambda batch: batch[0].first)
    return report


def _group(rows: list[ParsedRow], report: ImportReport) -> list[Group]:
    groups: dict[tuple[str, str], Group] = {}
    item_headers = {c.header for c in ITEM_COLUMNS}
    for row in rows:
        v, raw, number = row.values, row.raw, row.number
        if v.get(H_CODE):
            key = ("code", str(v[H_CODE]))
        elif v.get(H_TEMP):
            key = ("temp", str(v[H_TEMP]))
        elif v.get(H_NAME):
            key = ("name", str(v[H_NAME]))
        else:
            key = ("row", str(number))
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key)
        group.rows.append(number)
        group.present.update(raw)
        values, first_raw, source = group.values, group.raw, group.source
        for header in _SHARED_HEADERS:
            if header not in v:
                continue
            if header not in values:
                values[header], first_raw[header], source[header] = v[header], raw[header], number
            elif values[header] != v[header]:
                report.add(number, header, raw[header],
                           f"同一资源的各行应填写相同的“{header}”：第 {source[header]} 行为"
                           f"“{display(first_raw[header])}”")
        if not item_headers.isdisjoint(raw):
            if not v.get(H_ITEM):
                if H_ITEM not in raw:
                    report.add(number, H_ITEM, "", "请填写“信息项名称”（本行填写了信息项的其他列）")
                continue
            item = dict(ITEM_DEFAULTS)
            for header, field_name in _ITEM_KEYS:
                if header in v:
                    item[field_name] = v[header]
            group.items.append((number, item))
    return list(groups.values())


def _resolve(actor: User, own: Unit | None, groups: list[Group], report: ImportReport) -> None:
    categories = {c.code: c for c in Category.objects.all()}
    codes = [g.key[1] for g in groups if g.key[0] == "code"]
    existing: dict[str, DataResource] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        for resource in DataResource.objects.visible_to(actor).filter(code__in=chunk).select_related("unit"):
            existing[resource.code] = resource
    current = _current_items_and_systems([r.pk for r in existing.values()])
    units = Units()
    levels = CatalogSettings.current().general_levels
    for group in groups:
        _resolve_group(actor, own, group, units, categories, existing, levels, report)
    unit_ids = {g.unit.pk for g in groups if g.unit is not None and g.values.get(H_SYSTEMS)}
    systems = {(s.unit_id, s.name): s for s in InformationSystem.objects.filter(unit_id__in=unit_ids)}
    for group in groups:
        if group.unit is None:
            continue
        for name in split_list(group.values.get(H_SYSTEMS, "")):
            system = systems.get((group.unit.pk, name))
            if system is None:
                report.add(group.source.get(H_SYSTEMS, group.first), H_SYSTEMS, group.raw.get(H_SYSTEMS),
                           f"{group.unit.short_name}没有登记名为“{name}”的信息系统")
            elif system not in group.systems:
                group.systems.append(system)
        _compare(actor, group, current, report)


def _current_items_and_systems(pks: list[int]) -> dict[int, tuple[list[dict[str, Any]], set[int]]]:
    """Each existing resource's 信息项 (as the services take them) and linked system ids, in two queries
    per 500 resources (model instances and prefetch querysets cost more than the rest of the check)."""
    out: dict[int, tuple[list[dict[str, Any]], set[int]]] = {pk: ([], set()) for pk in pks}
    through = DataResource.systems.through
    for start in range(0, len(pks), 500):
        chunk = pks[start:start + 500]
        for row in (DataItem.objects.filter(resource_id__in=chunk).order_by("resource_id", "order", "id")
                    .values("resource_id", *services.ITEM_FIELDS)):
            out[row.pop("resource_id")][0].append(row)
        for resource_id, system_id in through.objects.filter(dataresource_id__in=chunk).values_list(
                "dataresource_id", "informationsystem_id"):
            out[resource_id][1].add(system_id)
    return out


def _resolve_group(actor: User, own: Unit | None, group: Group, units: Units, categories: dict[str, Category],
                   existing: dict[str, DataResource], levels: int, report: ImportReport) -> None:
    first, values = group.first, group.values
    code = str(values.get(H_CODE) or "")
    where = group.source.get
    if code:
        resource = existing.get(code)
        if resource is None:
            report.add(first, H_CODE, code, f"信息资源代码“{code}”不存在。新资源请不填代码，导入后由系统按分类自动编码")
            return
        named = units.find(values[H_UNIT]) if values.get(H_UNIT) else resource.unit
        if named is None:
            report.add(where(H_UNIT, first), H_UNIT, values[H_UNIT],
                       f"单位“{values[H_UNIT]}”不存在，请填写单位简称或全称（可从下拉列表选择）")
            return
        if named.pk != resource.unit_id:
            report.add(where(H_UNIT, first), H_UNIT, values.get(H_UNIT),
                       f"资源 {code} 的提供方是{resource.unit.short_name}，提供方不能通过导入更改")
            return
        # Another unit's published resource comes with a keeper's full export: fine while unchanged.
        group.foreign = not services.can_keep(actor, resource.unit)
        group.existing, group.unit = resource, resource.unit
    else:
        group.unit = resolve_unit(values.get(H_UNIT), where(H_UNIT, first), H_UNIT, units, own, report,
                                  what="数据资源")
    missing = False
    for header in _REQUIRED_HEADERS:
        if header not in values and header not in group.present:
            report.add(first, header, "", f"请填写“{header}”")
            missing = True
    category = None
    if values.get(H_CATEGORY):
        text = str(values[H_CATEGORY])
        category = categories.get(text.split()[0])
        if category is None:
            report.add(where(H_CATEGORY, first), H_CATEGORY, text,
                       f"资源分类“{text}”不存在，请从下拉列表选择或填写已有的分类编码（如 101）")
    if missing or category is None or group.unit is None:
        return
    fields: dict[str, Any] = {"category": category}
    for header, key, default in _FIELD_COLUMNS:
        fields[key] = values.get(header, default)
    for related in fields["related_codes"]:
        if not _CODE_FORM.match(related):
            report.add(where("关联资源代码", first), "关联资源代码", group.raw.get("关联资源代码"),
                       f"关联资源代码“{related}”格式不正确，应为“分类编码/6位顺序码”，如 101/000001")
    group.fields = fields
    if not group.foreign:
        _check_rules(group, code, category, levels, report)


def _facts(group: Group, code: str, category: Category, items: tuple[rules.ItemFacts, ...] = ()
           ) -> rules.ResourceFacts:
    f = group.fields
    return rules.ResourceFacts(
        code=code, category_code=category.code, sharing_type=f["sharing_type"],
        sharing_condition=f["sharing_condition"], sharing_basis=f["sharing_basis"],
        sharing_channel=f["sharing_channel"], sharing_medium=f["sharing_medium"], open_type=f["open_type"],
        open_condition=f["open_condition"], grade=f["grade"], is_classified=f["is_classified"],
        format_class=f["format_class"], items=items)


def _item_facts(item: dict[str, Any]) -> rules.ItemFacts:
    return rules.ItemFacts(item["name"], item["sharing_type"], item["open_type"], item["is_sensitive"])


def _check_rules(group: Group, code: str, category: Category, levels: int, report: ImportReport) -> None:
    """Every rule of catalog.rules, each pointed at the row and column that breaks it."""
    whole = _facts(group, code, category, tuple(_item_facts(i) for i in group.item_dicts()))
    if not rules.check_resource(whole, general_levels=levels):
        return  # the usual case; a resource that breaks a rule is checked again below, piece by piece
    facts = replace(whole, items=())
    covered: set[str] = set()
    for field_name, message in rules.check_resource(facts, general_levels=levels):
        header = H_CODE if field_name == "code" else RESOURCES.header_of(field_name) or ""
        report.add(group.source.get(header, group.first), header, group.raw.get(header, ""), message)
        covered.add(message)
    seen: dict[str, int] = {}
    for number, item in group.items:
        name = item["name"]
        if name in seen:
            report.add(number, H_ITEM, name, f"信息项“{name}”重复：第 {seen[name]} 行已有同名信息项")
            covered.add(f"信息项“{name}”重复")
            continue
        seen[name] = number
        for _, message in rules.check_items(replace(facts, items=(_item_facts(item),))):
            header = "敏感" if "敏感" in message else "信息项共享类型" if "也不能共享" in message else "信息项开放属性"
            report.add(number, header, _item_cell(item, header), message)
            covered.add(message)
    for _, message in rules.check_resource(whole, general_levels=levels):
        if message not in covered:  # a rule about the items together that this mapping does not know yet
            report.add(group.first, "", "", message)


def _item_cell(item: dict[str, Any], header: str) -> str:
    column = RESOURCES.by_header[header]
    value = item.get(column.key)
    if isinstance(value, bool):
        return YES if value else NO
    return dict(column.choices).get(str(value), str(value or ""))


def _compare(actor: User, group: Group, current: dict[int, tuple[list[dict[str, Any]], set[int]]],
             report: ImportReport) -> None:
    """Is an existing resource changed by the file? Unchanged ones are left alone (no 变更审核)."""
    resource = group.existing
    if resource is None or not group.fields:
        return
    items_now, systems_now = current[resource.pk]
    now = {key: getattr(resource, key) for key in group.fields if key != "category"}
    proposed = {key: value for key, value in group.fields.items() if key != "category"}
    group.fields_changed = (now != proposed or resource.category_id != group.fields["category"].pk
                            or items_now != group.item_dicts())
    group.systems_changed = systems_now != {s.pk for s in group.systems}
    if not (group.fields_changed or group.systems_changed):
        group.change = "unchanged"
        return
    group.change = "updated"
    if group.foreign:
        report.add(group.first, H_CODE, resource.code,
                   f"资源 {resource.code} 属于{resource.unit.short_name}，只能导入本单位的数据资源")
    elif group.fields_changed and resource.status == Lifecycle.PENDING and not actor.is_dc_admin:
        report.add(group.first, H_CODE, resource.code, f"资源“{resource.name}”正在审核中，审核完成前不能修改")


def _apply(actor: User, batch: list[Group]) -> list[str]:
    """The new resources in one bulk service call; an existing one through update_resource."""
    group = batch[0]
    if group.existing is None:
        drafts = [(g.unit, g.item_dicts(), g.fields) for g in batch if g.unit is not None]
        services.create_resources(actor, drafts, systems=[g.systems for g in batch if g.unit is not None])
        return ["created"] * len(drafts)
    if group.change == "unchanged":
        return ["unchanged"]
    if group.fields_changed:
        services.update_resource(actor, group.existing, items=group.item_dicts(), **group.fields)
    if group.systems_changed:
        services.link_systems(actor, group.existing, group.systems)
    return ["updated"]


# ---- export ---------------------------------------------------------------------------------------

def _label(column: Column, value: Any) -> Any:
    if column.kind == "bool":
        return YES if value else NO
    if column.choices:
        return dict(column.choices).get(str(value), value) if value not in (None, "") else None
    return value


def resource_rows(resources: Iterable[DataResource]) -> Iterator[list[Any]]:
    """Rows in the template's layout (one per 信息项); prefetch items and systems on the queryset."""
    for resource in resources:
        base: dict[str, Any] = {
            H_CODE: resource.code, H_NAME: resource.name,
            H_CATEGORY: f"{resource.category.code} {resource.category.name}", H_UNIT: resource.unit.short_name,
            "提供方代码": resource.unit.credit_code or None, "发布日期": resource.published_on,
            "状态": STATUS_LABELS.get(resource.status, resource.status),
            "关联资源代码": "、".join(resource.related_codes or []) or None,
            H_SYSTEMS: "、".join(sorted(s.name for s in resource.systems.all())) or None,
        }
        for column in RESOURCE_COLUMNS:
            if column.header not in base and column.key in services.RESOURCE_FIELDS:
                value = getattr(resource, column.key)
                base[column.header] = _label(column, value) if value not in ("", None) or column.kind == "bool" \
                    else None
        items: list[Any] = list(resource.items.all()) or [None]
        for item in items:
            row = []
            for column in RESOURCES.columns:
                if not column.item:
                    row.append(base.get(column.header))
                elif item is None:
                    row.append(None)
                else:
                    value = getattr(item, column.key)
                    row.append(_label(column, value) if value not in ("", None) or column.kind == "bool" else None)
            yield row
