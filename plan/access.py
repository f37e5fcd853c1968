"""One access-checked getter per plan model. Views and the API fetch user-supplied ids only here."""

from __future__ import annotations

from django.http import Http404

from core.models import Unit, User
from plan.models import Evidence, PlanImport, ProgressReport, Task


def get_task_for_user(user: User, pk: int, *, write: bool = False) -> Task:
    """A task the person's unit leads or supports; county-wide roles see all. Others get 404.

    `write` asks for the right to report progress: a member of an assigned unit, or the admin.
    """
    qs = Task.objects.select_related("plan", "section").prefetch_related("assignments__unit")
    try:
        task = qs.visible_to(user).get(pk=pk)
    except Task.DoesNotExist:
        raise Http404("任务不存在") from None
    if write and not can_report(user, task):
        raise Http404("任务不存在")
    return task


def can_report(user: User, task: Task) -> bool:
    if user.is_dc_admin:
        return True
    return user.unit_id is not None and any(a.unit_id == user.unit_id for a in task.assignments.all())


def reporting_units(user: User, task: Task) -> list[Unit]:
    """Units on whose behalf this person may file a report for the task."""
    units = [a.unit for a in task.assignments.all() if a.unit is not None]
    if user.is_dc_admin:
        return list(dict.fromkeys(units))
    return [u for u in dict.fromkeys(units) if u.pk == user.unit_id]


def get_import_for_user(user: User, pk: int) -> PlanImport:
    if not user.is_dc_admin:
        raise Http404("导入批次不存在")
    try:
        return PlanImport.objects.get(pk=pk)
    except PlanImport.DoesNotExist:
        raise Http404("导入批次不存在") from None


def get_report_for_user(user: User, pk: int) -> ProgressReport:
    try:
        report = ProgressReport.objects.select_related("task", "unit").get(pk=pk)
    except ProgressReport.DoesNotExist:
        raise Http404("报告不存在") from None
    get_task_for_user(user, report.task_id)
    return report


def get_evidence_for_user(user: User, pk: int) -> Evidence:
    """A report's evidence file, for whoever may see the report's task; others get 404."""
    try:
        evidence = Evidence.objects.select_related("report").get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404("材料不存在") from None
    get_task_for_user(user, evidence.report.task_id)
    return evidence
