"""State changes of the four lists: resources and systems, their codes, and their lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from catalog import rules, search_index
from catalog.models import (
    CatalogSettings,
    Category,
    CodeSequence,
    DataItem,
    DataResource,
    InformationSystem,
    Lifecycle,
    ReviewComment,
    ServiceMatter,
)
from core import audit
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import AuditEntry, Role, Unit, User

# Who keeps a unit's lists: its chief data officer and data officers (and the data-center admin).
KEEPER_ROLES = (Role.CDO, Role.DATA_OFFICER)

RESOURCE_FIELDS = [
    "category", "name", "summary", "format_class", "format_type", "sharing_type", "sharing_condition",
    "sharing_basis", "sharing_channel", "sharing_medium", "open_type", "open_condition", "opened_on",
    "update_cycle", "last_updated_on", "grade", "is_classified", "related_codes", "storage_total_gb",
    "record_total", "shared_storage_gb", "shared_records", "opened_storage_gb", "opened_records",
]
ITEM_FIELDS = ["name", "data_type", "length", "is_sensitive", "sharing_type", "open_type", "required", "unique",
               "validity", "description"]


def can_keep(user: User, unit: Unit) -> bool:
    """May this person edit the unit's four lists?"""
    return user.is_dc_admin or (user.unit_id == unit.pk and user.has_role(*KEEPER_ROLES))


def _require_keeper(user: User, unit: Unit) -> None:
    if not can_keep(user, unit):
        raise NotAllowed("只有本单位的首席数据官、超级数据员或大数据中心管理员可以维护目录")


def allocate_code(category: Category) -> str:
    """The next free code under the category: `{分类编码}/{6位顺序码}` (call inside a transaction)."""
    seq, _ = CodeSequence.objects.select_for_update().get_or_create(prefix=category.code)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{category.code}/{seq.last:06d}"


def _facts(resource: DataResource, items: Sequence[dict[str, Any]] | None) -> rules.ResourceFacts:
    item_facts = tuple(
        rules.ItemFacts(i["name"], i.get("sharing_type", ""), i.get("open_type", ""), bool(i.get("is_sensitive")))
        for i in (items if items is not None else
                  [{k: getattr(it, k) for k in ITEM_FIELDS} for it in resource.items.all()]))
    return rules.ResourceFacts(
        code=resource.code, category_code=resource.category.code, sharing_type=resource.sharing_type,
        sharing_condition=resource.sharing_condition, sharing_basis=resource.sharing_basis,
        sharing_channel=resource.sharing_channel, sharing_medium=resource.sharing_medium,
        open_type=resource.open_type, open_condition=resource.open_condition, grade=resource.grade,
        is_classified=resource.is_classified, format_class=resource.format_class, items=item_facts)


def validate(resource: DataResource, items: Sequence[dict[str, Any]] | None = None, *,
             general_levels: int | None = None) -> None:
    """Raise the first broken rule as a DomainError on its field."""
    if not resource.name.strip():
        raise DomainError("请填写信息资源名称", field="name")
    if not resource.summary.strip():
        raise DomainError("请填写信息资源摘要", field="summary")
    if general_levels is None:
        general_levels = CatalogSettings.current().general_levels
    violations = rules.check_resource(_facts(resource, items), general_levels=general_levels)
    if violations:
        field_name, message = violations[0]
        raise DomainError(message, field=field_name)


def _write_items(resource: DataResource, items: Sequence[dict[str, Any]]) -> None:
    resource.items.all().delete()
    DataItem.objects.bulk_create([
        DataItem(resource=resource, order=n, **{k: v for k, v in item.items() if k in ITEM_FIELDS})
        for n, item in enumerate(items, start=1)])


def _snapshot(resource: DataResource) -> dict[str, Any]:
    data = audit.snapshot(resource, ["code", "status", *RESOURCE_FIELDS])
    data["items"] = [i.name for i in resource.items.all()]
    return data


@transaction.atomic
def create_resource(actor: User, unit: Unit, *, items: Sequence[dict[str, Any]] = (), code: str = "",
                    **fields: Any) -> DataResource:
    """A new resource in 草稿, with a code allocated from its category unless one is given (imports)."""
    _require_keeper(actor, unit)
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise DomainError(f"未知字段：{'、'.join(sorted(unknown))}")
    resource = DataResource(unit=unit, created_by=actor, **fields)
    resource.code = code or ""
    validate(resource, list(items))
    if code:
        if DataResource.objects.filter(code=code).exists():
            raise DomainError(f"信息资源代码 {code} 已被使用", field="code")
    else:
        resource.code = allocate_code(resource.category)
    resource.save()
    _write_items(resource, items)
    audit.record(actor, "catalog.resource.create", "新建数据资源", resource, unit=unit,
                 after=_snapshot(resource))
    return resource


@transaction.atomic
def update_resource(actor: User, resource: DataResource, *, items: Sequence[dict[str, Any]] | None = None,
                    **fields: Any) -> DataResource:
    """Edit a resource; a published one goes back to 待审核 (变更审核) and keeps its code."""
    _require_keeper(actor, resource.unit)
    resource = DataResource.objects.select_for_update().get(pk=resource.pk)
    if resource.status == Lifecycle.PENDING and not actor.is_dc_admin:
        raise InvalidTransition("资源正在审核中，审核完成前不能修改")
    before = _snapshot(resource)
    for key, value in fields.items():
        if key not in RESOURCE_FIELDS:
            raise DomainError(f"未知字段：{key}")
        setattr(resource, key, value)
    if before["category"] != resource.category_id:
        if resource.published_on:
            raise DomainError("已发布过的资源不能更改分类（代码发布后不变）", field="category")
        resource.code = allocate_code(resource.category)
    validate(resource, list(items) if items is not None else None)
    if resource.status == Lifecycle.PUBLISHED:
        resource.status = Lifecycle.PENDING
    resource.updated_at = timezone.now()
    resource.save()
    if items is not None:
        _write_items(resource, items)
    after = _snapshot(resource)
    if after != before:
        audit.record(actor, "catalog.resource.update", "修改数据资源", resource, unit=resource.unit,
                     before=before, after=after)
    return resource


@transaction.atomic
def create_resources(actor: User, drafts: Sequence[tuple[Unit, Sequence[dict[str, Any]], dict[str, Any]]], *,
                     systems: Sequence[Sequence[InformationSystem]] = ()) -> list[DataResource]:
    """Many new resources at once (the Excel import): `create_resource` for each, written in bulk.

    The same permission check, validation, code allocation and one audit entry per resource; the
    inserts are batched because a county's 10,000-row list takes minutes one resource at a time.
    Each draft is (unit, items, fields) as `create_resource` takes them; codes are always allocated.
    `systems`, when given, holds each draft's information systems: linked as `link_systems` would
    (one link audit entry per resource that has any), without its per-resource queries.
    """
    general_levels = CatalogSettings.current().general_levels
    for unit in {unit.pk: unit for unit, _, _ in drafts}.values():
        _require_keeper(actor, unit)
    resources: list[DataResource] = []
    now = timezone.now()
    for unit, items, fields in drafts:
        unknown = set(fields) - set(RESOURCE_FIELDS)
        if unknown:
            raise DomainError(f"未知字段：{'、'.join(sorted(unknown))}")
        resource = DataResource(unit=unit, created_by=actor, code="", created_at=now, updated_at=now, **fields)
        validate(resource, list(items), general_levels=general_levels)
        resources.append(resource)
    by_category: dict[int, list[DataResource]] = {}
    for resource in resources:
        by_category.setdefault(resource.category_id, []).append(resource)
    for group in by_category.values():
        category = group[0].category
        seq, _ = CodeSequence.objects.select_for_update().get_or_create(prefix=category.code)
        for resource in group:
            seq.last += 1
            resource.code = f"{category.code}/{seq.last:06d}"
        seq.save(update_fields=["last"])
    _insert_all(DataResource, resources)
    pks: dict[str, int] = {}
    codes = [resource.code for resource in resources]
    for start in range(0, len(codes), 500):
        pks.update(DataResource.objects.filter(code__in=codes[start:start + 500]).values_list("code", "pk"))
    for resource in resources:
        resource.pk = pks[resource.code]
    search_index.resources_changed(pks.values())  # bulk inserts send no save signal
    _insert_all(DataItem, [
        DataItem(resource_id=resource.pk, order=n, **{k: v for k, v in item.items() if k in ITEM_FIELDS})
        for resource, (_, items, _) in zip(resources, drafts, strict=True) for n, item in enumerate(items, start=1)])
    entries = []
    for resource, (unit, items, _) in zip(resources, drafts, strict=True):
        after = audit.snapshot(resource, ["code", "status", *RESOURCE_FIELDS])
        after["items"] = [item["name"] for item in items]
        entries.append(audit.entry(actor, "catalog.resource.create", "新建数据资源", resource, unit=unit,
                                   after=after))
    links = []
    through = DataResource.systems.through
    for resource, linked in zip(resources, systems or [()] * len(resources), strict=True):
        unique = list({system.pk: system for system in linked}.values())
        links += [through(dataresource_id=resource.pk, informationsystem_id=system.pk) for system in unique]
        if unique:
            entries.append(audit.entry(actor, "catalog.resource.link_systems", "关联信息系统", resource,
                                       unit=resource.unit, before={"systems": []},
                                       after={"systems": sorted(system.name for system in unique)}))
    _insert_all(through, links)
    _insert_all(AuditEntry, entries)
    return resources


# Values that a text, integer or boolean column's get_db_prep_save returns unchanged.
_UNCHANGED: dict[str, tuple[type, ...]] = {
    "CharField": (str,), "TextField": (str,), "BooleanField": (bool,), "IntegerField": (int,),
    "BigIntegerField": (int,), "PositiveIntegerField": (int,), "PositiveSmallIntegerField": (int,),
    "SmallIntegerField": (int,), "BigAutoField": (int,), "AutoField": (int,),
}


def _insert_all(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """bulk_create of new rows, without reading their primary keys back: for the 10,000s of an import.

    bulk_create compiles each value into the SQL one by one: on SQLite five of the twelve seconds of a
    10,000-resource import. Here each value still goes through its field's pre_save and
    get_db_prep_save, a column at a time (except the str/int/bool values those return unchanged, and
    a value that is the same object as the one above it: a shared default, the import's `now`); then
    one prepared INSERT takes every row (executemany), or on PostgreSQL one COPY.
    """
    if not objs:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key or f.generated)]
    columns: list[list[Any]] = []
    for f in fields:
        if type(f).pre_save is models.Field.pre_save:  # reads the attribute (no auto_now and the like)
            values = list(map(attrgetter(f.attname), objs))
        else:
            values = [f.pre_save(obj, True) for obj in objs]
        unchanged = _UNCHANGED.get((f.target_field if isinstance(f, models.ForeignKey) else f).get_internal_type(), ())
        if not all(value.__class__ in unchanged for value in values):
            prepared, last, done = [], object(), None
            for value in values:
                if value.__class__ not in unchanged:
                    if value is not last:
                        last, done = value, f.get_db_prep_save(value, connection)
                    value = done
                prepared.append(value)
            values = prepared
        columns.append(values)
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy"):  # psycopg 3
            # executemany there sends one statement per row: twice the time of COPY, which streams them
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})",
                               list(zip(*columns, strict=True)))
    for obj in objs:
        obj._state.adding, obj._state.db = False, alias


_TRANSITIONS: dict[str, tuple[set[str], str, str, str]] = {
    # action: (from states, to state, audit label, comment action)
    "submit": ({Lifecycle.DRAFT, Lifecycle.OFFLINE}, Lifecycle.PENDING, "提交审核", "提交审核"),
    "approve": ({Lifecycle.PENDING}, Lifecycle.PUBLISHED, "审核通过并发布", "审核通过"),
    "return": ({Lifecycle.PENDING}, Lifecycle.DRAFT, "退回修改", "退回"),
    "offline": ({Lifecycle.PUBLISHED}, Lifecycle.OFFLINE, "下线", "下线"),
}


@transaction.atomic
def transition(actor: User, record: DataResource | InformationSystem, action: str, comment: str = "", *,
               today: date | None = None) -> None:
    """Move a resource or system through 草稿 → 待审核 → 已发布 → 已下线, with a comment and audit.

    `today` dates a first publication (发布日期) when a ledger kept elsewhere is brought in (the demo county).
    """
    sources, target, label, comment_action = _TRANSITIONS[action]
    if action in ("approve", "return", "offline"):
        if not actor.is_dc_admin:
            raise NotAllowed("审核、退回和下线由大数据中心管理员办理")
    else:
        _require_keeper(actor, record.unit)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.status not in sources:
        raise InvalidTransition(f"当前状态为“{record.get_status_display()}”，不能{label}")
    if action in ("return", "offline") and not comment.strip():
        raise DomainError(f"{label}须填写原因", field="comment")
    if isinstance(record, DataResource) and action in ("submit", "approve"):
        validate(record)
        if action == "submit" and not record.items.exists():
            raise DomainError("请至少登记一个信息项再提交审核", field="items")
    before = record.status
    record.status = target
    if isinstance(record, DataResource) and action == "approve" and record.published_on is None:
        record.published_on = today or timezone.localdate()
    record.updated_at = timezone.now()
    record.save()
    kind = "resource" if isinstance(record, DataResource) else "system"
    ReviewComment.objects.create(author=actor, action=comment_action, text=comment.strip()[:2000],
                                 **{kind: record})
    audit.record(actor, f"catalog.{kind}.{action}", label, record, unit=record.unit,
                 before={"status": before}, after={"status": target, "comment": comment.strip()})


SYSTEM_FIELDS = ["name", "protection_level", "deployment", "on_gov_cloud", "is_classified", "state",
                 "description"]


@transaction.atomic
def save_system(actor: User, unit: Unit, system: InformationSystem | None = None, *,
                service_matters: Sequence[Any] | None = None, **fields: Any) -> InformationSystem:
    """Create or edit an entry of the 信息系统清单."""
    _require_keeper(actor, unit)
    if not (fields.get("name") or (system and system.name) or "").strip():
        raise DomainError("请填写系统名称", field="name")
    name = (fields.get("name") or (system.name if system else "")).strip()
    clash = InformationSystem.objects.filter(unit=unit, name=name)
    if system is not None:
        clash = clash.exclude(pk=system.pk)
    if clash.exists():
        raise DomainError(f"本单位已登记名为“{name}”的系统", field="name")
    before = audit.snapshot(system, SYSTEM_FIELDS) if system else None
    if system is None:
        system = InformationSystem(unit=unit)
    for key, value in fields.items():
        if key not in SYSTEM_FIELDS:
            raise DomainError(f"未知字段：{key}")
        setattr(system, key, value)
    if system.is_classified and system.on_gov_cloud:
        raise DomainError("涉密信息系统不得部署在政务云上", field="on_gov_cloud")
    if system.status == Lifecycle.PUBLISHED and before is not None:
        system.status = Lifecycle.PENDING
    system.updated_at = timezone.now()
    system.save()
    if service_matters is not None:
        system.service_matters.set(service_matters)
    after = audit.snapshot(system, SYSTEM_FIELDS)
    if before is None:
        audit.record(actor, "catalog.system.create", "登记信息系统", system, unit=unit, after=after)
    elif before != after:
        audit.record(actor, "catalog.system.update", "修改信息系统", system, unit=unit, before=before, after=after)
    return system


@transaction.atomic
def link_systems(actor: User, resource: DataResource, systems: Sequence[InformationSystem]) -> None:
    _require_keeper(actor, resource.unit)
    before = sorted(resource.systems.values_list("name", flat=True))
    resource.systems.set(systems)
    after = sorted(s.name for s in systems)
    if before != after:
        audit.record(actor, "catalog.resource.link_systems", "关联信息系统", resource, unit=resource.unit,
                     before={"systems": before}, after={"systems": after})


@transaction.atomic
def link_service_matters(actor: User, resource: DataResource, matters: Sequence[ServiceMatter]) -> None:
    """Link the 政务服务事项 a resource serves (数据所属事项, spec §1)."""
    _require_keeper(actor, resource.unit)
    before = sorted(resource.service_matters.values_list("code", flat=True))
    resource.service_matters.set(matters)
    after = sorted(m.code for m in matters)
    if before != after:
        audit.record(actor, "catalog.resource.link_matters", "关联政务服务事项", resource, unit=resource.unit,
                     before={"service_matters": before}, after={"service_matters": after})


def stale_resources(unit: Unit | None, today: date) -> list[tuple[DataResource, date]]:
    """Published resources whose 更新周期 has passed without an update (flagged on dashboards)."""
    grace = CatalogSettings.current().stale_grace_days
    qs = DataResource.objects.filter(status=Lifecycle.PUBLISHED).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    out = []
    for resource in qs:
        since = resource.stale_since(today, grace)
        if since is not None:
            out.append((resource, since))
    return out


@dataclass
class Readiness:
    """Are a unit's lists complete enough to declare an IT project (seed point DG5)?"""

    ok: bool
    missing: list[str] = field(default_factory=list)


def lists_ready_for_project(unit: Unit) -> Readiness:
    """数据资源清单、数据共享清单作为政务信息化项目申报的必要条件 (seed DG5), plus the systems list."""
    missing = []
    published = DataResource.objects.filter(unit=unit, status=Lifecycle.PUBLISHED)
    if not published.exists():
        missing.append("数据资源清单：没有已发布的数据资源")
    elif not published.exclude(sharing_type="none").exists():
        missing.append("数据共享清单：没有可共享的数据资源")
    if not InformationSystem.objects.filter(unit=unit, status=Lifecycle.PUBLISHED).exists():
        missing.append("信息系统清单：没有已发布的信息系统")
    if DataResource.objects.filter(unit=unit, status__in=[Lifecycle.DRAFT, Lifecycle.PENDING]).exists():
        missing.append("仍有草稿或待审核的数据资源，请先完成")
    return Readiness(ok=not missing, missing=missing)


# ---- the admin's settings and classification tree ----------------------------------------------

SETTINGS_FIELDS = ["answer_days_unconditional", "answer_days_conditional", "answer_days_uncataloged",
                   "delivery_days", "rectify_days", "stale_grace_days", "general_levels"]
_GENERAL_GRADES = {1: "general_1", 2: "general_2", 3: "general_3", 4: "general_4"}


@transaction.atomic
def update_settings(actor: User, **fields: Any) -> CatalogSettings:
    """Change the catalog's editable defaults (answer limits, deadlines, grading levels)."""
    if not actor.is_dc_admin:
        raise NotAllowed("目录设置由大数据中心管理员维护")
    # The row exists once the settings were first saved; until then CatalogSettings.current() is defaults.
    settings = CatalogSettings.objects.select_for_update().order_by("pk").first() or CatalogSettings()
    before = audit.snapshot(settings, SETTINGS_FIELDS)
    for key, value in fields.items():
        if key not in SETTINGS_FIELDS:
            raise DomainError(f"未知字段：{key}")
        if not isinstance(value, int) or value < 0 or value > 365:
            raise DomainError("请填写 0 到 365 之间的整数", field=key)
        setattr(settings, key, value)
    if not 1 <= settings.general_levels <= 4:
        raise DomainError("一般数据分级数应为 1 到 4（GB/T 43697 实践中分为 1–4 级）", field="general_levels")
    for key in ("answer_days_unconditional", "answer_days_conditional", "answer_days_uncataloged",
                "delivery_days", "rectify_days"):
        if getattr(settings, key) < 1:
            raise DomainError("时限至少为 1 个工作日", field=key)
    # Lowering the number of 一般 levels must not strand resources graded at a level that no longer exists.
    dropped = [grade for level, grade in _GENERAL_GRADES.items() if level > settings.general_levels]
    in_use = DataResource.objects.filter(grade__in=dropped).count()
    if in_use:
        raise DomainError(f"仍有 {in_use} 条数据资源使用将被取消的一般数据级别，请先调整这些资源的分级",
                          field="general_levels")
    settings.save()
    after = audit.snapshot(settings, SETTINGS_FIELDS)
    if after != before:
        audit.record(actor, "catalog.settings.update", "修改目录设置", settings, before=before, after=after)
    return settings


# 目 is 3 digits, 细目 is variable (spec §3); "variable" is capped at 10 to keep codes readable.
_CHILD_SEGMENT = {Category.Level.ITEM: (Category.Level.SUBJECT, 3, 3),
                  Category.Level.SUBJECT: (Category.Level.DETAIL, 1, 10)}


@transaction.atomic
def add_category(actor: User, parent: Category, segment: str, name: str) -> Category:
    """Add a 目 under a 项, or a 细目 under a 目 (类 and 项 come from the national classification)."""
    if not actor.is_dc_admin:
        raise NotAllowed("资源分类由大数据中心管理员维护")
    if parent.level not in _CHILD_SEGMENT:
        raise DomainError("只能在“项”下增加“目”，或在“目”下增加“细目”", field="parent")
    level, shortest, longest = _CHILD_SEGMENT[Category.Level(parent.level)]
    segment = (segment or "").strip()
    if not segment.isascii() or not segment.isdigit() or not shortest <= len(segment) <= longest:
        size = f"{shortest} 位数字" if shortest == longest else f"{shortest}–{longest} 位数字"
        raise DomainError(f"{Category.Level(level).label}的本级编码应为 {size}", field="segment")
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写分类名称", field="name")
    if len(name) > 60:
        raise DomainError("分类名称不能超过 60 字", field="name")
    code = parent.code + segment
    if Category.objects.filter(code=code).exists():
        raise DomainError(f"分类编码 {code} 已存在", field="segment")
    if parent.children.filter(name=name).exists():
        raise DomainError(f"“{parent.name}”下已有名为“{name}”的分类", field="name")
    category = Category.objects.create(parent=parent, level=level, segment=segment, code=code, name=name)
    audit.record(actor, "catalog.category.create", "新增资源分类", category,
                 after=audit.snapshot(category, ["parent", "level", "segment", "code", "name"]))
    return category


# ---- 共享清单 ---------------------------------------------------------------------------------------

SHARING_FIELDS = ["consumer", "medium", "purpose", "since", "active"]


@transaction.atomic
def save_sharing_entry(actor: User, resource: DataResource, entry: Any = None, *, items: Sequence[DataItem] | None = None,
                       **fields: Any) -> Any:
    """Create or edit a line of the 共享清单: the provider's resource (or some 信息项) shared to a unit."""
    from catalog.models import SharingEntry, SharingType

    _require_keeper(actor, resource.unit)
    if resource.is_classified or resource.sharing_type == SharingType.NONE:
        kind = "涉密" if resource.is_classified else "不予共享"
        raise DomainError(f"“{resource.name}”为{kind}资源，不能登记共享", field="resource")
    if entry is not None and entry.resource_id != resource.pk:
        raise DomainError("共享记录不属于该资源", field="resource")
    before = None
    if entry is not None:
        before = audit.snapshot(entry, SHARING_FIELDS)
        before["items"] = sorted(i.name for i in entry.items.all())
    else:
        entry = SharingEntry(resource=resource)
    for key, value in fields.items():
        if key not in SHARING_FIELDS:
            raise DomainError(f"未知字段：{key}")
        setattr(entry, key, value)
    if entry.consumer_id is None:
        raise DomainError("请选择使用单位", field="consumer")
    if entry.consumer_id == resource.unit_id:
        raise DomainError("不能登记向本单位共享", field="consumer")
    if not entry.medium:
        raise DomainError("请选择共享方式", field="medium")
    if len(entry.purpose or "") > 300:
        raise DomainError("用途不能超过 300 字", field="purpose")
    if items is not None and any(i.resource_id != resource.pk for i in items):
        raise DomainError("只能选择该资源的信息项", field="items")
    entry.save()
    if items is not None:
        entry.items.set(items)
    after = audit.snapshot(entry, SHARING_FIELDS)
    after["items"] = sorted(i.name for i in entry.items.all())
    if before is None:
        audit.record(actor, "catalog.sharing.create", "登记共享", entry, unit=resource.unit, after=after)
    elif before != after:
        audit.record(actor, "catalog.sharing.update", "修改共享记录", entry, unit=resource.unit, before=before,
                     after=after)
    return entry
