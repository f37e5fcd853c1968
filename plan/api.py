"""JSON API of the work points (/api/v1/plan/): the same getters, filters and services as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from core.access import current_user
from core.errors import NotAllowed
from core.models import User
from core.schemas import ErrorOut
from plan import access, services
from plan.forms import TaskFilterForm
from plan.models import ProgressReport, Task, TaskUnit
from plan.periods import parse_period
from plan.reporting import Dashboard, StatusCounts, build_dashboard, target_vs_actual
from plan.services import MAX_REPORT_CHARS
from plan.views import filter_tasks, resolve_dashboard, with_display_data

router = Router(tags=["工作要点"])

MAX_PAGE = 100



def _task_or_404(user: User, pk: int) -> Task:
    try:
        return access.get_task_for_user(user, pk)
    except Http404:
        raise HttpError(404, "任务不存在") from None


# ---- schemas -------------------------------------------------------------------------------------


class UnitRef(Schema):
    unit_id: int | None = Field(description="平台单位编号；泛指（如“各有关部门和单位”）为空")
    name: str
    role: str = Field(description="lead 牵头 / responsible 责任 / co 配合")
    is_default: bool = Field(description="原文未写明单位，默认由发文单位牵头")

    @staticmethod
    def of(a: TaskUnit) -> UnitRef:
        return UnitRef(unit_id=a.unit_id, name=a.unit.short_name if a.unit else a.name_as_written, role=a.role,
                       is_default=a.is_default)


class TargetOut(Schema):
    indicator_id: int
    metric: str
    text: str
    target: str
    actual: str
    met: bool | None


class TaskOut(Schema):
    id: int
    code: str = Field(description="要点序号-任务序号，如 1-4")
    plan_id: int
    section_id: int
    section: str
    heading: str
    status: str
    status_label: str
    status_reason: str
    deadline: date | None
    deadline_provisional: bool
    needs_review: bool
    lead_units: list[UnitRef]
    co_units: list[UnitRef]
    targets: list[TargetOut]

    @staticmethod
    def fields_of(task: Task) -> dict[str, Any]:
        targets = [TargetOut(indicator_id=t.indicator_id, metric=m, text=t.text, target=goal, actual=actual, met=met)
                   for t, (m, goal, actual, met) in zip(task.targets.all(), target_vs_actual(task), strict=True)]
        return {
            "id": task.pk, "code": task.code, "plan_id": task.plan_id, "section_id": task.section_id,
            "section": task.section.short_title, "heading": task.heading, "status": task.status,
            "status_label": task.get_status_display(), "status_reason": task.status_reason,
            "deadline": task.deadline, "deadline_provisional": task.deadline_provisional,
            "needs_review": task.needs_review,
            "lead_units": [UnitRef.of(a) for a in task.lead_assignments()],
            "co_units": [UnitRef.of(a) for a in task.co_assignments()],
            "targets": targets,
        }


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    url: str


class ReportOut(Schema):
    id: int
    unit_id: int
    unit: str
    period: str
    period_title: str
    text: str
    percent: int
    claims_done: bool
    problems: str
    submitted_at: datetime
    submitted_by: str
    evidence: list[EvidenceOut]

    @staticmethod
    def of(r: ProgressReport) -> ReportOut:
        from django.urls import reverse

        return ReportOut(
            id=r.pk, unit_id=r.unit_id, unit=r.unit.short_name, period=r.period,
            period_title=parse_period(r.period).title, text=r.text, percent=r.percent,
            claims_done=r.claims_done, problems=r.problems, submitted_at=r.submitted_at,
            submitted_by=str(r.submitted_by) if r.submitted_by else "",
            evidence=[EvidenceOut(id=e.pk, name=e.original_name, size=e.size,
                                  url=reverse("plan:evidence", args=[e.pk])) for e in r.evidence.all()])


class TaskDetailOut(TaskOut):
    text: str
    chapter: str
    subchapter: str
    unit_text: str
    deadline_text: str
    report_cycle: str
    review_reasons: list[str]
    can_report: bool
    reports: list[ReportOut]


class TaskFilters(Schema):
    plan: int | None = Field(None, description="文件编号")
    section: int | None = Field(None, description="要点编号")
    status: str | None = Field(None, max_length=20, description="not_started / in_progress / done / lagging")
    unit: int | None = Field(None, description="单位编号（仅县级角色）")
    mine: bool = Field(False, description="只看本单位牵头的")
    needs_review: bool = False
    q: str | None = Field(None, max_length=60, description="搜索任务名称、内容或单位")
    limit: int = Field(30, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class ReportIn(Schema):
    unit_id: int = Field(description="填报单位编号，须为本人可代表的承担单位")
    period: str = Field(min_length=6, max_length=10, description="填报期，如 2023Q2、2023M05、2023H1")
    text: str = Field(min_length=1, max_length=MAX_REPORT_CHARS, description="进展情况")
    percent: int = Field(ge=0, le=100, description="完成进度（%）")
    claims_done: bool = False
    problems: str = Field("", max_length=MAX_REPORT_CHARS)


class CountsOut(Schema):
    total: int
    done: int
    in_progress: int
    lagging: int
    not_started: int
    done_rate: float

    @staticmethod
    def of(c: StatusCounts) -> CountsOut:
        return CountsOut(total=c.total, done=c.counts["done"], in_progress=c.counts["in_progress"],
                         lagging=c.counts["lagging"], not_started=c.counts["not_started"], done_rate=c.done_rate)


class SectionCounts(Schema):
    section_id: int
    title: str
    counts: CountsOut


class UnitCounts(Schema):
    unit_id: int
    unit: str
    lead: CountsOut
    co_count: int
    reports_due: int
    reports_filed: int


class TaskBrief(Schema):
    id: int
    code: str
    heading: str
    status: str
    status_reason: str
    deadline: date | None


class IndicatorBrief(Schema):
    indicator_id: int
    name: str
    target: str
    latest: str | None
    met: bool | None


class DashboardOut(Schema):
    plan_id: int
    plan: str
    doc_number: str
    revision: int
    period: str
    period_title: str
    overall: CountsOut
    sections: list[SectionCounts]
    units: list[UnitCounts]
    lagging: list[TaskBrief]
    overdue: list[TaskBrief]
    needs_review: list[TaskBrief]
    indicators: list[IndicatorBrief]

    @staticmethod
    def of(d: Dashboard) -> DashboardOut:
        def brief(t: Task) -> TaskBrief:
            return TaskBrief(id=t.pk, code=t.code, heading=t.heading, status=t.status,
                             status_reason=t.status_reason, deadline=t.deadline)

        return DashboardOut(
            plan_id=d.plan.pk, plan=d.plan.title, doc_number=d.plan.doc_number, revision=d.plan.revision,
            period=d.period.label, period_title=d.period.title, overall=CountsOut.of(d.overall),
            sections=[SectionCounts(section_id=s.pk, title=s.short_title, counts=CountsOut.of(c))
                      for s, c in d.sections],
            units=[UnitCounts(unit_id=u.unit_id, unit=u.unit_name, lead=CountsOut.of(u.lead), co_count=u.co_count,
                              reports_due=u.reports_due, reports_filed=u.reports_filed) for u in d.units],
            lagging=[brief(t) for t in d.lagging], overdue=[brief(t) for t in d.overdue],
            needs_review=[brief(t) for t in d.needs_review],
            indicators=[IndicatorBrief(indicator_id=r.indicator.pk, name=r.indicator.name, target=r.target_text,
                                       latest=(f"{r.latest.value.normalize():f}{r.indicator.measure_unit}"
                                               if r.latest else None), met=r.met) for r in d.indicators],
        )


# ---- endpoints -----------------------------------------------------------------------------------


@router.get("/tasks", response={200: TaskPage, 400: ErrorOut}, summary="任务列表")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> Status[TaskPage | ErrorOut]:
    """The active tasks visible to the caller, filtered like the task list page."""
    user = current_user(request)
    data = {k: v for k, v in filters.dict().items() if k not in {"limit", "offset"} and v not in (None, False, "")}
    form = TaskFilterForm(data, user=user)
    if data and not form.is_valid():
        detail = "；".join(f"{form.fields[name].label if name in form.fields else name}：{'，'.join(str(e) for e in errs)}"
                          for name, errs in form.errors.items())
        return Status(400, ErrorOut(detail=detail))
    tasks = filter_tasks(user, form).order_by("-plan__year", "plan_id", "section__order", "number")
    count = tasks.count()
    page = with_display_data(tasks)[filters.offset: filters.offset + filters.limit]
    return Status(200, TaskPage(count=count, items=[TaskOut(**TaskOut.fields_of(t)) for t in page]))


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, 404: ErrorOut}, summary="任务详情")
def get_task(request: HttpRequest, task_id: int) -> TaskDetailOut:
    user = current_user(request)
    task = _task_or_404(user, task_id)
    task = with_display_data(Task.objects.filter(pk=task.pk)).get()
    reports = task.reports.select_related("unit", "submitted_by").prefetch_related("evidence").order_by(
        "-period", "unit__sort_order")
    return TaskDetailOut(
        **TaskOut.fields_of(task), text=task.text, chapter=task.chapter, subchapter=task.subchapter,
        unit_text=task.unit_text, deadline_text=task.deadline_text, report_cycle=task.report_cycle,
        review_reasons=list(task.review_reasons), can_report=access.can_report(user, task),
        reports=[ReportOut.of(r) for r in reports])


@router.post("/tasks/{task_id}/reports", response={201: ReportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                    409: ErrorOut}, summary="填报进展")
def submit_report(request: HttpRequest, task_id: int, payload: ReportIn) -> Status[ReportOut]:
    """File (or correct) a unit's progress report for one period. Evidence files go through the page."""
    user = current_user(request)
    task = _task_or_404(user, task_id)
    unit = next((u for u in access.reporting_units(user, task) if u.pk == payload.unit_id), None)
    if unit is None:
        raise NotAllowed("您只能为本单位承担的任务填报进展", field="unit_id")
    report = services.submit_report(user, task, unit, period=payload.period, text=payload.text,
                                    percent=payload.percent, claims_done=payload.claims_done,
                                    problems=payload.problems)
    report = ProgressReport.objects.select_related("unit", "submitted_by").prefetch_related("evidence").get(
        pk=report.pk)
    return Status(201, ReportOut.of(report))


@router.get("/dashboard", response={200: DashboardOut, 404: ErrorOut}, summary="督办看板")
def dashboard(request: HttpRequest, plan: int | None = None,
              period: str | None = Query(None, max_length=10)) -> DashboardOut:  # type: ignore[type-arg]
    """County-wide roles only (others get 404, as for the page)."""
    user = current_user(request)
    if not user.is_county_wide:
        raise HttpError(404, "页面不存在")
    today = timezone.localdate()
    the_plan, the_period, _ = resolve_dashboard(str(plan) if plan else None, period, today)
    if the_plan is None or the_period is None:
        raise HttpError(404, "尚未导入工作要点")
    return DashboardOut.of(build_dashboard(the_plan, the_period, today))
