"""Tracking the work points: progress reports, task status, reminders of missing reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core import audit
from core import services as core_services
from core.calendar import get_calendar
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import Unit, User
from core.workdays import WorkCalendar
from indicators.services import check_evidence
from plan.access import reporting_units
from plan.models import Evidence, ProgressReport, Task, TaskStatus, TaskUnit
from plan.periods import Period, parse_period, period_containing, periods_between

MAX_REPORT_CHARS = 5000
MAX_EVIDENCE_FILES = 10


def lead_units(task: Task) -> list[Unit]:
    """The named units that answer for the task (牵头/责任), in document order."""
    return [a.unit for a in task.assignments.all() if a.role != TaskUnit.Role.CO and a.unit is not None]


def reporting_period(task: Task, today: date) -> Period:
    """The period a report filed today is for: the current one, clipped to the plan year."""
    year_end = date(task.plan.year, 12, 31)
    return period_containing(min(today, year_end), task.report_cycle)


@transaction.atomic
def submit_report(
    actor: User,
    task: Task,
    unit: Unit,
    *,
    period: str,
    text: str,
    percent: int,
    claims_done: bool = False,
    problems: str = "",
    files: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> ProgressReport:
    """A unit files (or corrects) its progress report for one period, with evidence files."""
    today = today or timezone.localdate()
    if unit not in reporting_units(actor, task):
        raise NotAllowed("您只能为本单位承担的任务填报进展")
    if not task.is_active:
        raise InvalidTransition("该任务已在修订稿中删去，不再填报")
    try:
        p = parse_period(period)
    except ValueError as exc:
        raise DomainError(str(exc), field="period") from None
    if p.start > today:
        raise DomainError(f"{p.title}尚未开始，不能提前填报", field="period")
    if p.end.year != task.plan.year and p.start.year != task.plan.year:
        raise DomainError(f"填报期应在 {task.plan.year} 年内", field="period")
    text = text.strip()
    if not text:
        raise DomainError("请填写进展情况", field="text")
    if len(text) > MAX_REPORT_CHARS or len(problems) > MAX_REPORT_CHARS:
        raise DomainError(f"进展情况不能超过 {MAX_REPORT_CHARS} 字", field="text")
    if not 0 <= int(percent) <= 100:
        raise DomainError("完成进度应在 0 到 100 之间", field="percent")
    if len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(f"一次最多上传 {MAX_EVIDENCE_FILES} 个佐证材料", field="files")
    for upload in files:
        check_evidence(upload)
    percent = 100 if claims_done else int(percent)
    report = ProgressReport.objects.select_for_update().filter(task=task, unit=unit, period=p.label).first()
    before = audit.snapshot(report, ["text", "percent", "claims_done", "problems"]) if report else None
    if report is None:
        report = ProgressReport(task=task, unit=unit, period=p.label)
    report.text, report.percent, report.claims_done, report.problems = text, percent, claims_done, problems.strip()
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save()
    names = []
    for upload in files:
        name = PurePath(upload.name or "材料").name[:200]
        ev = Evidence(report=report, original_name=name, size=upload.size or 0, uploaded_by=actor)
        ev.file.save(name, upload, save=True)
        names.append(name)
    after = audit.snapshot(report, ["text", "percent", "claims_done", "problems"])
    after["evidence_added"] = names
    if before is None:
        audit.record(actor, "plan.report.submit", "填报进展", report, unit=unit, after=after)
    else:
        audit.record(actor, "plan.report.update", "修改进展", report, unit=unit, before=before, after=after)
    refresh_status(task, today=today, actor=actor)
    return report


@transaction.atomic
def assign_units(actor: User, task: Task, *, leads: Sequence[Unit], cos: Sequence[Unit] = ()) -> Task:
    """The admin settles who answers for a task (e.g. one the document left without units).

    Named units are replaced; collective phrases from the document stay. Clears 待复核.
    """
    if not actor.is_dc_admin:
        raise NotAllowed("只有大数据中心管理员可以调整任务的责任单位")
    if not leads:
        raise DomainError("请至少指定一个牵头单位", field="leads")
    overlap = {u.pk for u in leads} & {u.pk for u in cos}
    if overlap:
        raise DomainError("同一单位不能既牵头又配合", field="cos")
    before = {"units": [f"{a.get_role_display()}:{a.name_as_written}" for a in task.assignments.all()],
              "needs_review": task.needs_review}
    task.assignments.filter(unit__isnull=False).delete()
    TaskUnit.objects.bulk_create(
        [TaskUnit(task=task, unit=u, role=TaskUnit.Role.LEAD, name_as_written=u.short_name, is_manual=True)
         for u in dict.fromkeys(leads)]
        + [TaskUnit(task=task, unit=u, role=TaskUnit.Role.CO, name_as_written=u.short_name, is_manual=True)
           for u in dict.fromkeys(cos)])
    task.needs_review, task.review_reasons = False, []
    task.updated_at = timezone.now()
    task.save(update_fields=["needs_review", "review_reasons", "updated_at"])
    task = Task.objects.prefetch_related("assignments__unit").select_related("plan").get(pk=task.pk)
    audit.record(actor, "plan.task.assign", "调整责任单位", task, unit=leads[0], before=before,
                 after={"units": [f"{a.get_role_display()}:{a.name_as_written}" for a in task.assignments.all()],
                        "needs_review": False})
    refresh_status(task, actor=actor)
    return task


def compute_status(task: Task, today: date, reports: Iterable[ProgressReport]) -> tuple[str, str]:
    """What the task's status should be today, and why (shown next to it)."""
    leads = {u.pk for u in lead_units(task)}
    lead_reports = sorted((r for r in reports if r.unit_id in leads), key=lambda r: (r.period, r.submitted_at))
    done = [r for r in lead_reports if r.claims_done]
    if done:
        return TaskStatus.DONE, f"{done[-1].unit}于{parse_period(done[-1].period).title}报告完成"
    if task.deadline and today > task.deadline:
        return TaskStatus.LAGGING, f"已过完成时限（{task.deadline:%Y-%m-%d}）仍未完成"
    current = period_containing(today, task.report_cycle)
    plan_start = date(task.plan.year, 1, 1)
    closed = [p for p in periods_between(plan_start, today, task.report_cycle) if p.end < current.start]
    if closed and leads:
        last = closed[-1]
        reported = {r.unit_id for r in lead_reports if r.period == last.label}
        missing = leads - reported
        if missing:
            return TaskStatus.LAGGING, f"{last.title}有牵头单位未报送进展"
    if lead_reports:
        latest = lead_reports[-1]
        return TaskStatus.IN_PROGRESS, f"最近进展：{parse_period(latest.period).title}，完成 {latest.percent}%"
    return TaskStatus.NOT_STARTED, "尚未报送进展"


@transaction.atomic
def refresh_status(task: Task, *, today: date | None = None, actor: User | None = None) -> bool:
    """Recompute and store one task's status; audit a change. True when it changed."""
    today = today or timezone.localdate()
    status, reason = compute_status(task, today, task.reports.all())
    if (status, reason) == (task.status, task.status_reason):
        return False
    before = {"status": task.get_status_display(), "reason": task.status_reason}
    changed_status = status != task.status
    task.status, task.status_reason = status, reason
    task.completed_at = (task.completed_at or timezone.now()) if status == TaskStatus.DONE else None
    task.updated_at = timezone.now()
    task.save(update_fields=["status", "status_reason", "completed_at", "updated_at"])
    if changed_status:
        audit.record(actor, "plan.task.status", "任务状态变化", task,
                     unit=next(iter(lead_units(task)), None), before=before,
                     after={"status": task.get_status_display(), "reason": reason})
    return changed_status


def refresh_statuses(tasks: QuerySet[Task], *, today: date | None = None, actor: User | None = None) -> int:
    """Recompute many tasks (the daily job); returns how many changed status."""
    today = today or timezone.localdate()
    changed = 0
    for task in tasks.select_related("plan").prefetch_related("assignments__unit", "reports"):
        changed += refresh_status(task, today=today, actor=actor)
    return changed


def reminder_window(task: Task, today: date, cal: WorkCalendar, lead_days: int) -> Period | None:
    """The period a reminder is due for today: within `lead_days` working days before it closes."""
    p = reporting_period(task, today)
    close = p.end if cal.is_workday(p.end) else cal.previous_workday(p.end)
    opens = cal.add_workdays(close, -lead_days).day
    return p if opens <= today <= close else None


def send_report_reminders(*, today: date | None = None, lead_days: int | None = None) -> int:
    """Remind units whose report for the current period is missing, N working days before it closes.

    Deduplicated per task, unit and period, so the daily job can run any number of times.
    """
    today = today or timezone.localdate()
    lead_days = settings.PLAN_REMINDER_WORKDAYS if lead_days is None else lead_days
    cal = get_calendar()
    sent = 0
    tasks = (Task.objects.active().exclude(status=TaskStatus.DONE).filter(plan__year__gte=today.year - 1)
             .select_related("plan", "section").prefetch_related("assignments__unit", "reports"))
    for task in tasks:
        p = reminder_window(task, today, cal, lead_days)
        if p is None:
            continue
        reported = {r.unit_id for r in task.reports.all() if r.period == p.label}
        close = p.end if cal.is_workday(p.end) else cal.previous_workday(p.end)
        for unit in lead_units(task):
            if unit.pk in reported:
                continue
            for person in core_services.people_of_units([unit]):
                note = core_services.notify(
                    person, kind="plan.reminder",
                    title=f"请报送{p.title}进展：{task.code} {task.heading}",
                    body=f"本期填报截止于 {close:%Y年%m月%d日}，{unit}尚未报送。",
                    link=reverse("plan:task_detail", args=[task.pk]),
                    dedupe_key=f"plan-remind:{task.pk}:{unit.pk}:{p.label}")
                sent += note is not None
    return sent


def missing_reports(units: Iterable[Unit], today: date) -> list[tuple[Task, Unit, Period]]:
    """Reports the given units still owe for the current period (shown on their home page)."""
    unit_ids = {u.pk for u in units}
    owed: list[tuple[Task, Unit, Period]] = []
    tasks = (Task.objects.active().exclude(status=TaskStatus.DONE).filter(assignments__unit_id__in=unit_ids)
             .distinct().select_related("plan", "section").prefetch_related("assignments__unit", "reports"))
    for task in tasks:
        p = reporting_period(task, today)
        if p.start > today:
            continue
        reported = {r.unit_id for r in task.reports.all() if r.period == p.label}
        for unit in lead_units(task):
            if unit.pk in unit_ids and unit.pk not in reported:
                owed.append((task, unit, p))
    return owed
