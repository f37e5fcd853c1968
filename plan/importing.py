"""Importing a work-points document: parse → stage → map unknown unit names → confirm (atomic).

Re-importing a revised document (same 发文字号) updates the existing plan in place: tasks are
matched by heading, then by number, so progress reports and indicator history survive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import audit
from core import services as core_services
from core.calendar import get_calendar
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import Unit, User
from core.units import UnitMatcher, is_collective, normalise
from core.workdays import WorkCalendar
from indicators import services as indicator_services
from plan.models import Plan, PlanImport, Section, Target, Task, TaskUnit
from text.documents import read_document
from text.errors import DocumentError
from text.plan_parser import parse_plan

# Task numbers are unique among a section's active tasks; during a re-import every old task is moved
# out of the way first, so a revision that swaps two numbers never collides mid-update.
RENUMBER_OFFSET = 10000


def _require_admin(actor: User) -> None:
    if not actor.is_dc_admin:
        raise NotAllowed("只有大数据中心管理员可以导入工作要点")


def parse_upload(data: bytes, filename: str) -> dict[str, Any]:
    """The parse as JSON (the shape `import_plan --dry-run` prints); DomainError on bad input."""
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise DomainError(f"文件过大（{len(data) // (1024 * 1024)} MB），不能超过 "
                          f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB")
    try:
        parsed: dict[str, Any] = parse_plan(read_document(data, filename)).to_json()
    except DocumentError as exc:
        raise DomainError(str(exc)) from exc
    return parsed


@transaction.atomic
def stage_import(actor: User, data: bytes, filename: str) -> PlanImport:
    """Parse an upload and keep it for review; nothing enters the ledger until `confirm_import`."""
    _require_admin(actor)
    parsed = parse_upload(data, filename)
    target = Plan.objects.filter(doc_number=parsed.get("doc_number") or "").first()
    imp = PlanImport.objects.create(created_by=actor, source_name=filename[:200], parsed=parsed,
                                    source_sha256=hashlib.sha256(data).hexdigest(), target_plan=target)
    audit.record(actor, "plan.import.stage", "上传工作要点待确认", imp,
                 after={"file": filename, "doc_number": parsed.get("doc_number"),
                        "tasks": sum(len(s["tasks"]) for s in parsed["sections"]),
                        "revision_of": str(target) if target else None})
    return imp


# ---- unit names --------------------------------------------------------------------------------

@dataclass
class NameResolution:
    """How one unit name written in the document resolves to the registry."""

    name: str
    status: str  # matched | mapped | collective | unknown
    unit: Unit | None = None
    where: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return {"matched": "自动匹配", "mapped": "人工对应", "collective": "泛指（不落到单位）",
                "unknown": "未识别"}[self.status]


def _task_unit_names(task: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for role, key in ((TaskUnit.Role.LEAD, "lead_units"), (TaskUnit.Role.RESPONSIBLE, "responsible_units"),
                      (TaskUnit.Role.CO, "co_units")):
        for name in task.get(key) or []:
            yield role, name


def name_resolutions(imp: PlanImport, matcher: UnitMatcher | None = None) -> list[NameResolution]:
    """Every distinct unit name in the document (the issuer first) and what it maps to."""
    matcher = matcher or UnitMatcher()
    mapped_ids = {k: v for k, v in imp.unit_mapping.items()}
    units = Unit.objects.in_bulk([v for v in mapped_ids.values() if v])
    found: dict[str, NameResolution] = {}

    def resolve(name: str, where: str) -> None:
        key = normalise(name)
        if key not in found:
            if key in mapped_ids and mapped_ids[key] in units:
                found[key] = NameResolution(key, "mapped", units[mapped_ids[key]])
            elif is_collective(key):
                found[key] = NameResolution(key, "collective")
            else:
                unit = matcher.match(key)
                found[key] = NameResolution(key, "matched" if unit else "unknown", unit)
        if where not in found[key].where:
            found[key].where.append(where)

    resolve(imp.parsed.get("issuer") or "（未识别发文机关）", "发文机关")
    for s_index, section in enumerate(imp.parsed["sections"], start=1):
        for task in section["tasks"]:
            for _, name in _task_unit_names(task):
                resolve(name, f"{s_index}-{task['number']}")
    return list(found.values())


def unknown_names(imp: PlanImport) -> list[str]:
    return [r.name for r in name_resolutions(imp) if r.status == "unknown"]


def _pending(imp: PlanImport) -> None:
    if imp.status != PlanImport.Status.PENDING:
        raise InvalidTransition(f"该导入批次{imp.get_status_display()}，不能再修改")


@transaction.atomic
def map_name(actor: User, imp: PlanImport, name: str, unit: Unit, *, remember: bool = True) -> None:
    """Map a name the registry did not know to a unit; `remember` adds it as the unit's alias."""
    _require_admin(actor)
    _pending(imp)
    key = normalise(name)
    imp.unit_mapping = {**imp.unit_mapping, key: unit.pk}
    imp.save(update_fields=["unit_mapping"])
    if remember:
        core_services.add_unit_alias(actor, unit, key)
    audit.record(actor, "plan.import.map_name", "对应单位名称", imp, unit=unit,
                 after={"name": key, "unit": str(unit)})


@transaction.atomic
def create_unit_for_name(actor: User, imp: PlanImport, name: str, *, full_name: str, kind: str,
                         parent: Unit | None = None) -> Unit:
    _require_admin(actor)
    _pending(imp)
    key = normalise(name)
    unit = core_services.create_unit(actor, short_name=key, full_name=full_name or key, kind=kind, parent=parent)
    map_name(actor, imp, key, unit, remember=False)
    return unit


@transaction.atomic
def cancel_import(actor: User, imp: PlanImport) -> None:
    _require_admin(actor)
    _pending(imp)
    imp.status = PlanImport.Status.CANCELLED
    imp.save(update_fields=["status"])
    audit.record(actor, "plan.import.cancel", "取消导入", imp)


# ---- what a revision changes -------------------------------------------------------------------

@dataclass
class TaskChange:
    code: str
    heading: str
    kind: str  # added | removed | changed
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


@dataclass
class PlanDiff:
    changes: list[TaskChange]

    @property
    def added(self) -> list[TaskChange]:
        return [c for c in self.changes if c.kind == "added"]

    @property
    def removed(self) -> list[TaskChange]:
        return [c for c in self.changes if c.kind == "removed"]

    @property
    def changed(self) -> list[TaskChange]:
        return [c for c in self.changes if c.kind == "changed"]


def _match_section(plan: Plan, index: int, parsed_section: dict[str, Any]) -> Section | None:
    sections = list(plan.sections.all())
    kind = parsed_section.get("kind") or ""
    for s in sections:
        if kind and kind != "other" and s.kind == kind:
            return s
    for s in sections:
        if normalise(s.title) == normalise(parsed_section["title"]):
            return s
    return next((s for s in sections if s.order == index), None)


def _match_tasks(section: Section | None, parsed_tasks: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Task | None]]:
    """Pair each parsed task with the old task it revises: same heading first, then same number."""
    old = list(section.tasks.all()) if section else []
    taken: set[int] = set()
    pairs: list[tuple[dict[str, Any], Task | None]] = []
    by_heading = {normalise(t.heading): t for t in old}
    for pt in parsed_tasks:
        hit = by_heading.get(normalise(pt["heading"]))
        if hit is not None and hit.pk not in taken:
            taken.add(hit.pk)
            pairs.append((pt, hit))
        else:
            pairs.append((pt, None))
    for i, (pt, hit) in enumerate(pairs):
        if hit is None:
            same_number = next((t for t in old if t.number == pt["number"] and t.pk not in taken), None)
            if same_number is not None:
                taken.add(same_number.pk)
                pairs[i] = (pt, same_number)
    return pairs


_ROLE_ORDER = {TaskUnit.Role.LEAD: 0, TaskUnit.Role.RESPONSIBLE: 1, TaskUnit.Role.CO: 2}


def _units_text(task: Task | None, parsed: dict[str, Any] | None) -> str:
    if task is not None:
        # Same order as the document lists them; the issuer filled in by default and the admin's own
        # assignment after review were not written there.
        written = sorted((a for a in task.assignments.all() if not a.is_default and not a.is_manual),
                         key=lambda a: (_ROLE_ORDER[TaskUnit.Role(a.role)], a.pk))
        return "；".join(f"{a.get_role_display()}：{a.name_as_written}" for a in written)
    assert parsed is not None
    return "；".join(f"{TaskUnit.Role(role).label}：{normalise(name)}" for role, name in _task_unit_names(parsed))


def _targets_text_old(task: Task) -> str:
    return "；".join(t.text for t in task.targets.all())


def _targets_text_new(parsed: dict[str, Any]) -> str:
    return "；".join(t["text"] for t in parsed.get("targets") or [])


def plan_diff(imp: PlanImport) -> PlanDiff | None:
    """What confirming this import would change in the plan it revises (None for a new plan)."""
    plan = imp.target_plan
    if plan is None:
        return None
    changes: list[TaskChange] = []
    seen: set[int] = set()
    for index, ps in enumerate(imp.parsed["sections"], start=1):
        section = _match_section(plan, index, ps)
        for pt, old in _match_tasks(section, ps["tasks"]):
            code = f"{index}-{pt['number']}"
            if old is None:
                changes.append(TaskChange(code, pt["heading"], "added"))
                continue
            seen.add(old.pk)
            fields = [
                (label, before, after)
                for label, before, after in (
                    ("序号", str(old.number), str(pt["number"])),
                    ("任务", old.heading, pt["heading"]),
                    ("任务内容", old.text, pt["text"]),
                    ("责任单位", _units_text(old, None), _units_text(None, pt)),
                    ("量化目标", _targets_text_old(old), _targets_text_new(pt)),
                    ("时限", old.deadline_text, _deadline_text(pt)),
                )
                if before != after
            ]
            if fields:
                changes.append(TaskChange(code, pt["heading"], "changed", fields))
    for task in plan.tasks.active().select_related("section"):
        if task.pk not in seen:
            changes.append(TaskChange(task.code, task.heading, "removed"))
    return PlanDiff(changes)


# ---- confirm -----------------------------------------------------------------------------------

def _deadline(cal: WorkCalendar, parsed_task: dict[str, Any], year: int) -> tuple[date, str, bool]:
    """The task's due date on the working-day calendar, its text, and whether it is provisional.

    Annual work points without a stated time limit are due by the end of the plan year.
    """
    raw = parsed_task.get("deadline_date")
    due = date.fromisoformat(raw) if raw else date(year, 12, 31)
    if not cal.is_workday(due):
        due = cal.previous_workday(due)
    return due, _deadline_text(parsed_task), not cal.is_known(due)


def _deadline_text(parsed_task: dict[str, Any]) -> str:
    """The time limit as stored on the task (what a revision is compared against)."""
    text = parsed_task.get("deadline_text") or ("" if parsed_task.get("deadline_date") else "年度任务（默认年底）")
    return str(text)[:40]


@transaction.atomic
def confirm_import(actor: User, imp: PlanImport) -> Plan:
    """Write the staged document into the ledger, all or nothing."""
    _require_admin(actor)
    imp = PlanImport.objects.select_for_update().get(pk=imp.pk)
    _pending(imp)
    matcher = UnitMatcher()
    resolutions = {r.name: r for r in name_resolutions(imp, matcher)}
    unknown = [r.name for r in resolutions.values() if r.status == "unknown"]
    if unknown:
        raise DomainError("以下单位名称尚未对应到单位，请先处理：" + "、".join(unknown))
    parsed = imp.parsed
    issuer = resolutions[normalise(parsed.get("issuer") or "（未识别发文机关）")].unit
    if issuer is None:
        raise DomainError("发文机关必须对应到一个具体单位")
    year = int(parsed.get("year") or timezone.localdate().year)
    cal = get_calendar()
    plan = imp.target_plan
    title = parsed.get("title") or "、".join(s["title"] for s in parsed["sections"])
    if plan is None:
        if Plan.objects.filter(doc_number=parsed.get("doc_number") or "").exists():
            raise DomainError("已存在相同发文字号的文件，请重新上传以按修订导入")
        plan = Plan.objects.create(title=title[:200], issuer=parsed.get("issuer") or "", issuer_unit=issuer,
                                   doc_number=(parsed.get("doc_number") or f"未编号-{imp.pk}")[:60], year=year,
                                   source_name=imp.source_name, imported_by=actor,
                                   appendix_tables=parsed.get("appendix_tables") or [],
                                   warnings=parsed.get("warnings") or [])
        audit.record(actor, "plan.plan.create", "导入工作要点", plan, unit=issuer, after=audit.snapshot(plan))
    else:
        before = audit.snapshot(plan)
        plan.title, plan.issuer, plan.issuer_unit, plan.year = title[:200], parsed.get("issuer") or "", issuer, year
        plan.revision += 1
        plan.source_name, plan.imported_at, plan.imported_by = imp.source_name, timezone.now(), actor
        plan.appendix_tables = parsed.get("appendix_tables") or []
        plan.warnings = parsed.get("warnings") or []
        plan.save()
        audit.record(actor, "plan.plan.revise", "按修订稿更新工作要点", plan, unit=issuer, before=before,
                     after=audit.snapshot(plan))

    kept: set[int] = set()
    section_ids: list[int] = []
    for index, ps in enumerate(parsed["sections"], start=1):
        section = _match_section(plan, index, ps) if imp.target_plan else None
        fields = {"order": index, "kind": ps.get("kind") or "", "title": ps["title"][:200],
                  "preamble": ps.get("preamble") or "", "goals": ps.get("goals") or [],
                  "measures": ps.get("measures") or []}
        if section is None:
            # Orders are unique per plan; park old sections out of the way while renumbering.
            section = Section.objects.create(plan=plan, **{**fields, "order": 1000 + index})
        else:
            for key, value in fields.items():
                setattr(section, key, value)
            section.order = 1000 + index
            section.save()
        section_ids.append(section.pk)
        pairs = _match_tasks(section, ps["tasks"]) if imp.target_plan else [(pt, None) for pt in ps["tasks"]]
        # Free the task numbers first so renumbered tasks don't collide on the unique constraint.
        section.tasks.filter(is_active=True).update(number=F("number") + RENUMBER_OFFSET)
        for pt, old in pairs:
            task = _write_task(actor, plan, section, pt, old, resolutions, issuer, cal, year)
            kept.add(task.pk)
        _write_goal_targets(actor, plan, section, ps, issuer, cal, year)
    for order, pk in enumerate(section_ids, start=1):
        Section.objects.filter(pk=pk).update(order=order)
    for task in plan.tasks.filter(is_active=True).exclude(pk__in=kept):
        task.is_active = False
        if task.number >= RENUMBER_OFFSET:
            task.number -= RENUMBER_OFFSET
        task.save(update_fields=["is_active", "number"])
        audit.record(actor, "plan.task.withdraw", "修订稿删去任务", task, after={"is_active": False})
    imp.status = PlanImport.Status.CONFIRMED
    imp.confirmed_at = timezone.now()
    imp.result_plan = plan
    imp.save(update_fields=["status", "confirmed_at", "result_plan"])
    audit.record(actor, "plan.import.confirm", "确认导入", imp, unit=issuer,
                 after={"plan": str(plan), "revision": plan.revision, "tasks": len(kept)})
    from plan.services import refresh_statuses

    refresh_statuses(plan.tasks.active(), actor=None)
    return plan


def _write_task(actor: User, plan: Plan, section: Section, pt: dict[str, Any], old: Task | None,
                resolutions: dict[str, NameResolution], issuer: Unit, cal: WorkCalendar, year: int) -> Task:
    due, due_text, provisional = _deadline(cal, pt, year)
    fields = {"number": pt["number"], "heading": pt["heading"][:200], "text": pt["text"],
              "chapter": (pt.get("chapter") or "")[:120], "subchapter": (pt.get("subchapter") or "")[:120],
              "unit_text": (pt.get("unit_text") or "")[:300], "deadline": due, "deadline_text": due_text,
              "deadline_provisional": provisional, "is_active": True}
    reasons = list(pt.get("review_reasons") or [])
    names = list(_task_unit_names(pt))
    if not any(role != TaskUnit.Role.CO for role, _ in names):
        reason = "未写明牵头或责任单位，默认由发文单位牵头"
        if reason not in reasons and not any("默认" in r for r in reasons):
            reasons.append(reason)
    # A document that still names no units must not undo the admin's assignment from a review.
    keep_manual = old is not None and not names and old.assignments.filter(is_manual=True).exists()
    if keep_manual:
        reasons = []
    fields["needs_review"] = bool(reasons)
    fields["review_reasons"] = reasons
    if old is None:
        task = Task.objects.create(plan=plan, section=section, **fields)
        before = None
    else:
        task = old
        before = audit.snapshot(task, list(fields))
        for key, value in fields.items():
            setattr(task, key, value)
        task.section = section
        task.updated_at = timezone.now()
        task.save()
    rows: list[TaskUnit] = list(task.assignments.all()) if keep_manual else _write_assignments(
        task, names, resolutions, issuer)
    lead = next((r.unit for r in rows if r.role != TaskUnit.Role.CO and r.unit is not None), issuer)
    _replace_targets(actor, plan, section, task, pt, lead, due, provisional)
    _audit_task(actor, task, before, fields, rows, lead)
    return task


def _write_assignments(task: Task, names: list[tuple[str, str]], resolutions: dict[str, NameResolution],
                       issuer: Unit) -> list[TaskUnit]:
    task.assignments.all().delete()
    seen: set[tuple[int | None, str]] = set()
    rows: list[TaskUnit] = []
    for role, name in names:
        res = resolutions[normalise(name)]
        unit = res.unit
        if unit is not None and (unit.pk, role) in seen:
            continue
        seen.add((unit.pk if unit else None, role))
        rows.append(TaskUnit(task=task, unit=unit, role=role, name_as_written=res.name[:80],
                             is_collective=res.status == "collective"))
    if not any(r.role != TaskUnit.Role.CO for r in rows):
        rows.insert(0, TaskUnit(task=task, unit=issuer, role=TaskUnit.Role.LEAD, name_as_written=issuer.short_name,
                                is_default=True))
    TaskUnit.objects.bulk_create(rows)
    return rows


def _replace_targets(actor: User, plan: Plan, section: Section, task: Task, pt: dict[str, Any], lead: Unit,
                     due: date, provisional: bool) -> None:
    task.targets.all().delete()
    for pt_target in pt.get("targets") or []:
        _write_target(actor, plan, section, task, pt_target, lead, due, provisional, origin=f"任务 {task.code}")


def _audit_task(actor: User, task: Task, before: dict[str, Any] | None, fields: dict[str, Any],
                rows: list[TaskUnit], lead: Unit) -> None:
    after = audit.snapshot(task, list(fields))
    after["units"] = [f"{r.get_role_display()}:{r.name_as_written}" for r in rows]
    if before is None:
        audit.record(actor, "plan.task.create", "新建任务", task, unit=lead, after=after)
    elif {k: v for k, v in after.items() if k != "units"} != before:
        audit.record(actor, "plan.task.update", "修订任务", task, unit=lead, before=before, after=after)


def _write_target(actor: User, plan: Plan, section: Section, task: Task | None, t: dict[str, Any],
                  owner: Unit, due: date, provisional: bool, *, origin: str) -> Target:
    value = Decimal(str(t["value"]))
    indicator = indicator_services.link_target(
        actor, metric=t["metric"][:80], comparator=t.get("comparator") or ">=", value=value,
        measure_unit=(t.get("unit") or "")[:20], period=(t.get("period") or "")[:10], due_date=due,
        due_provisional=provisional, owner_unit=owner)
    return Target.objects.create(plan=plan, section=section, task=task, origin=origin[:60], text=t["text"][:200],
                                 metric=t["metric"][:80], comparator=t.get("comparator") or ">=", value=value,
                                 measure_unit=(t.get("unit") or "")[:20], period=(t.get("period") or "")[:10],
                                 indicator=indicator)


def _write_goal_targets(actor: User, plan: Plan, section: Section, ps: dict[str, Any], issuer: Unit,
                        cal: WorkCalendar, year: int) -> None:
    """Targets in 工作目标 / 保障措施 belong to the section and are owned by the issuing office."""
    section.targets.filter(task__isnull=True).delete()
    due = date(year, 12, 31)
    if not cal.is_workday(due):
        due = cal.previous_workday(due)
    for label, items in (("工作目标", ps.get("goals") or []), ("保障措施", ps.get("measures") or [])):
        for item in items:
            for t in item.get("targets") or []:
                _write_target(actor, plan, section, None, t, issuer, due, not cal.is_known(due), origin=label)
