"""State changes of the four lists: resources and systems, their codes, and their lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog import rules
from catalog.models import (
    CatalogSettings,
    Category,
    CodeSequence,
    DataItem,
    DataResource,
    InformationSystem,
    Lifecycle,
    ReviewComment,
)
from core import audit
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import Role, Unit, User

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


def validate(resource: DataResource, items: Sequence[dict[str, Any]] | None = None) -> None:
    """Raise the first broken rule as a DomainError on its field."""
    if not resource.name.strip():
        raise DomainError("请填写信息资源名称", field="name")
    if not resource.summary.strip():
        raise DomainError("请填写信息资源摘要", field="summary")
    violations = rules.check_resource(_facts(resource, items),
                                      general_levels=CatalogSettings.current().general_levels)
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


_TRANSITIONS: dict[str, tuple[set[str], str, str, str]] = {
    # action: (from states, to state, audit label, comment action)
    "submit": ({Lifecycle.DRAFT, Lifecycle.OFFLINE}, Lifecycle.PENDING, "提交审核", "提交审核"),
    "approve": ({Lifecycle.PENDING}, Lifecycle.PUBLISHED, "审核通过并发布", "审核通过"),
    "return": ({Lifecycle.PENDING}, Lifecycle.DRAFT, "退回修改", "退回"),
    "offline": ({Lifecycle.PUBLISHED}, Lifecycle.OFFLINE, "下线", "下线"),
}


@transaction.atomic
def transition(actor: User, record: DataResource | InformationSystem, action: str, comment: str = "") -> None:
    """Move a resource or system through 草稿 → 待审核 → 已发布 → 已下线, with a comment and audit."""
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
        record.published_on = timezone.localdate()
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
