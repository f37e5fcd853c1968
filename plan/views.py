"""Pages of the work-points ledger: import, task list and detail, progress reports, the dashboard.

Views validate input with forms, fetch user-supplied ids only through ``plan.access``, and call the
same service functions as the API and the management commands. Every mutation is POST-only.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.access import current_user
from core.errors import DomainError
from core.models import AuditEntry, Unit, User
from core.views import require_admin
from indicators.models import Measurement
from plan import access, importing, services
from plan.forms import (
    AssignUnitsForm,
    CreateUnitForm,
    DashboardForm,
    ImportUploadForm,
    MapNameForm,
    ReportForm,
    TaskFilterForm,
)
from plan.models import Plan, PlanImport, Target, Task, TaskStatus, TaskUnit
from plan.periods import Period, parse_period, period_containing, periods_between
from plan.reporting import STATUS_ORDER, build_dashboard, target_vs_actual

TASKS_PER_PAGE = 30



# ---- import --------------------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    user = require_admin(request)
    form = ImportUploadForm()
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imp = importing.stage_import(user, upload.read(), upload.name or "上传文件")
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("plan:import_review", pk=imp.pk)
        status = 400
    pending = PlanImport.objects.filter(status=PlanImport.Status.PENDING).select_related("created_by")[:20]
    return render(request, "plan/import_start.html", {"nav": "import", "form": form, "pending": pending},
                  status=status)


def _full_name_guess(name: str, parsed: dict[str, Any]) -> str:
    """"县气象局" in a 泗洪县 document is most likely "泗洪县气象局"; the admin corrects the rest."""
    issuer = parsed.get("issuer") or ""
    county = issuer[: issuer.index("县") + 1] if "县" in issuer else ""
    if not county or name.startswith(county):
        return name
    return county + name.removeprefix("县")


def _review_context(user: User, imp: PlanImport,
                    bound: dict[str, tuple[MapNameForm, CreateUnitForm]] | None = None) -> dict[str, Any]:
    parsed = imp.parsed
    resolutions = importing.name_resolutions(imp)
    unknown = [r for r in resolutions if r.status == "unknown"]
    bound = bound or {}
    unit_choices = list(Unit.objects.active())
    name_forms = []
    for index, res in enumerate(unknown, start=1):
        map_form, create_form = bound.get(res.name) or (
            MapNameForm(initial={"name": res.name}, auto_id=f"id_map{index}_%s"),
            CreateUnitForm(initial={"name": res.name, "full_name": _full_name_guess(res.name, parsed)},
                           auto_id=f"id_new{index}_%s"),
        )
        map_unit_field = map_form.fields["unit"]
        map_unit_field.queryset = Unit.objects.active()  # type: ignore[attr-defined]
        map_unit_field.choices = [("", "请选择单位"), *[(u.pk, f"{u.short_name}（{u.full_name}）")  # type: ignore[attr-defined]
                                                     for u in unit_choices]]
        name_forms.append({"index": index, "res": res, "map_form": map_form, "create_form": create_form})
    sections = []
    task_count = 0
    flagged = []
    for s_index, section in enumerate(parsed.get("sections") or [], start=1):
        tasks = []
        for task in section.get("tasks") or []:
            code = f"{s_index}-{task['number']}"
            row = {**task, "code": code}
            tasks.append(row)
            if task.get("needs_review"):
                flagged.append(row)
        task_count += len(tasks)
        sections.append({"index": s_index, "title": section.get("title") or "", "tasks": tasks,
                         "goals": section.get("goals") or [], "measures": section.get("measures") or []})
    return {
        "nav": "import", "imp": imp, "parsed": parsed, "sections": sections, "task_count": task_count,
        "flagged": flagged, "resolutions": resolutions, "unknown": unknown, "name_forms": name_forms,
        "diff": importing.plan_diff(imp) if imp.status == PlanImport.Status.PENDING else None,
        "pending": imp.status == PlanImport.Status.PENDING,
    }


@login_required
@require_GET
def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    imp = access.get_import_for_user(user, pk)
    return render(request, "plan/import_review.html", _review_context(user, imp))


@login_required
@require_POST
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve one unknown unit name: map it to an existing unit, or create the unit it names."""
    user = require_admin(request)
    imp = access.get_import_for_user(user, pk)
    action = request.POST.get("action")
    name = request.POST.get("name", "")
    map_form = MapNameForm(request.POST if action == "map" else None, initial={"name": name})
    create_form = CreateUnitForm(request.POST if action == "create" else None, initial={"name": name})
    form: MapNameForm | CreateUnitForm = map_form if action == "map" else create_form
    if action in {"map", "create"} and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "map":
                importing.map_name(user, imp, data["name"], data["unit"])
                messages.success(request, f"已将“{data['name']}”对应到{data['unit'].short_name}")
            else:
                unit = importing.create_unit_for_name(user, imp, data["name"], full_name=data["full_name"],
                                                      kind=data["kind"])
                messages.success(request, f"已新建单位“{unit.short_name}”（{unit.full_name}）")
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(reverse("plan:import_review", args=[imp.pk]) + "#names")
    elif action not in {"map", "create"}:
        raise Http404("未知操作")
    context = _review_context(user, imp)
    # Show the failed form where it was, with its errors; ids must stay unique on the page.
    for entry in context["name_forms"]:
        if entry["res"].name == name:
            form.auto_id = f"id_{'map' if action == 'map' else 'new'}{entry['index']}_%s"
            if action == "map":
                form.fields["unit"].choices = entry["map_form"].fields["unit"].choices  # type: ignore[attr-defined]
                entry["map_form"] = form
            else:
                entry["create_form"] = form
    messages.error(request, "未能处理该单位名称，请查看下方提示")
    return render(request, "plan/import_review.html", context, status=400)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    imp = access.get_import_for_user(user, pk)
    try:
        plan = importing.confirm_import(user, imp)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("plan:import_review", pk=imp.pk)
    count = plan.tasks.active().count()
    messages.success(request, f"已导入《{plan.title}》（{plan.doc_number}），共 {count} 项任务")
    return redirect(reverse("plan:task_list") + f"?plan={plan.pk}")


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    imp = access.get_import_for_user(user, pk)
    try:
        importing.cancel_import(user, imp)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("plan:import_review", pk=imp.pk)
    messages.success(request, f"已取消导入“{imp.source_name}”，未写入任何任务")
    return redirect("plan:import_start")


# ---- tasks ---------------------------------------------------------------------------------------


# Targets with their indicators' measurements, newest first, where Indicator.latest() looks for them.
_TARGET_PREFETCHES = (
    Prefetch("targets", queryset=Target.objects.select_related("indicator")),
    Prefetch("targets__indicator__measurements", queryset=Measurement.objects.order_by("-measured_at", "-id"),
             to_attr="prefetched_latest"),
)


def with_display_data(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Everything a task row shows, prefetched: units, targets and their indicators' latest values."""
    return tasks.select_related("plan", "section").prefetch_related(
        Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit")), *_TARGET_PREFETCHES)


def filter_tasks(user: User, form: TaskFilterForm) -> QuerySet[Task]:
    """The active tasks the person sees, narrowed by the filter form (also used by the API)."""
    tasks = Task.objects.visible_to(user).active()
    if not form.is_bound:
        return tasks
    form.is_valid()
    data = form.cleaned_data  # only the fields that validated: a bad value narrows nothing
    if data.get("plan"):
        tasks = tasks.filter(plan=data["plan"])
    if data.get("section"):
        tasks = tasks.filter(section=data["section"])
    if data.get("status"):
        tasks = tasks.filter(status=data["status"])
    if data.get("unit"):
        tasks = tasks.filter(pk__in=TaskUnit.objects.filter(unit=data["unit"]).values("task_id"))
    if data.get("mine") and user.unit_id:
        tasks = tasks.filter(pk__in=TaskUnit.objects.filter(unit_id=user.unit_id)
                             .exclude(role=TaskUnit.Role.CO).values("task_id"))
    if data.get("needs_review"):
        tasks = tasks.filter(needs_review=True)
    if data.get("q"):
        q = data["q"].strip()
        tasks = tasks.filter(Q(heading__icontains=q) | Q(text__icontains=q) | Q(unit_text__icontains=q)
                             | Q(assignments__unit__short_name__icontains=q)).distinct()
    return tasks


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = TaskFilterForm(request.GET or None, user=user)
    tasks = with_display_data(filter_tasks(user, form)).order_by("-plan__year", "plan_id", "section__order",
                                                                   "number")
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"task": t, "leads": t.lead_assignments(), "cos": t.co_assignments(),
             "targets": target_vs_actual(t)} for t in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "plan/task_list.html", {
        "nav": "tasks", "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "filtered": bool(form.is_bound and any(v for k, v in request.GET.items() if k != "page")),
    })


def _report_periods(task: Task, today: date) -> list[Period]:
    """The plan year's periods that have begun by today (the ones a report may be filed for)."""
    year_start, year_end = date(task.plan.year, 1, 1), date(task.plan.year, 12, 31)
    if today < year_start:
        return []
    return periods_between(year_start, min(today, year_end), task.report_cycle)


def _report_form(user: User, task: Task, today: date, data: Any = None, files: Any = None) -> ReportForm:
    units = access.reporting_units(user, task)
    periods = _report_periods(task, today)
    initial: dict[str, Any] = {}
    if periods:
        initial["period"] = services.reporting_period(task, today).label
    own = next((u for u in units if u.pk == user.unit_id), units[0] if units else None)
    if own is not None:
        initial["unit"] = own.pk
        existing = task.reports.filter(unit=own, period=initial.get("period", "")).first()
        if existing is not None:
            initial.update(text=existing.text, percent=existing.percent, claims_done=existing.claims_done,
                           problems=existing.problems)
    return ReportForm(data, files, units=units, periods=periods, initial=initial, auto_id="id_report_%s")


def _detail_context(user: User, task: Task, report_form: ReportForm | None, today: date,
                    assign_form: AssignUnitsForm | None = None) -> dict[str, Any]:
    prefetch_related_objects([task], *_TARGET_PREFETCHES)
    target_rows = [{"target": t, "metric": m, "goal": goal, "actual": actual, "met": met}
                   for t, (m, goal, actual, met) in zip(task.targets.all(), target_vs_actual(task), strict=True)]
    reports = list(task.reports.select_related("unit", "submitted_by").prefetch_related("evidence")
                   .order_by("-period", "unit__sort_order", "unit__short_name"))
    by_period = []
    for label, group in groupby(reports, key=lambda r: r.period):
        by_period.append({"label": label, "title": _period_title(label), "reports": list(group)})
    current = services.reporting_period(task, today)
    leads = services.lead_units(task)
    filed_now = {r.unit_id for r in reports if r.period == current.label}
    can_report = access.can_report(user, task)
    return {
        "nav": "tasks", "task": task, "leads": task.lead_assignments(), "cos": task.co_assignments(),
        "target_rows": target_rows, "by_period": by_period, "current": current,
        "missing_now": [u for u in leads if u.pk not in filed_now] if current.start <= today else [],
        "can_report": can_report, "report_form": report_form if can_report else None,
        "history": _status_history(task),
        "assign_form": assign_form or _assign_form(task) if user.is_dc_admin else None,
    }


def _assign_form(task: Task, data: Any = None) -> AssignUnitsForm:
    named = [a for a in task.assignments.all() if a.unit is not None and not a.is_default]
    return AssignUnitsForm(data, auto_id="id_assign_%s", initial={
        "leads": [a.unit_id for a in named if a.role != TaskUnit.Role.CO],
        "cos": [a.unit_id for a in named if a.role == TaskUnit.Role.CO]})


def _period_title(label: str) -> str:
    try:
        return parse_period(label).title
    except ValueError:
        return label


def _status_history(task: Task) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_object(task).filter(action="plan.task.status")[:10])


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = access.get_task_for_user(user, pk)
    today = timezone.localdate()
    form = _report_form(user, task, today) if access.can_report(user, task) else None
    return render(request, "plan/task_detail.html", _detail_context(user, task, form, today))


@login_required
@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    task = access.get_task_for_user(user, pk)
    form = _assign_form(task, request.POST)
    if form.is_valid():
        try:
            services.assign_units(user, task, leads=list(form.cleaned_data["leads"]),
                                  cos=list(form.cleaned_data["cos"]))
            messages.success(request, "已调整责任单位，任务不再标记为待复核")
            return redirect("plan:task_detail", pk=task.pk)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    today = timezone.localdate()
    report_form = _report_form(user, task, today) if access.can_report(user, task) else None
    return render(request, "plan/task_detail.html", _detail_context(user, task, report_form, today, form),
                  status=400)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = access.get_task_for_user(user, pk, write=True)
    today = timezone.localdate()
    form = _report_form(user, task, today, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in access.reporting_units(user, task) if u.pk == data["unit"])
        try:
            report = services.submit_report(
                user, task, unit, period=data["period"], text=data["text"], percent=data["percent"],
                claims_done=data["claims_done"], problems=data["problems"], files=data["evidence"], today=today)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已提交{unit.short_name}{_period_title(report.period)}的进展")
            return redirect(reverse("plan:task_detail", args=[task.pk]) + "#reports")
    task.refresh_from_db()
    return render(request, "plan/task_detail.html", _detail_context(user, task, form, today), status=400)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only through this access check, never from a public media URL."""
    evidence = access.get_evidence_for_user(current_user(request), pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("材料文件已丢失") from None
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                        content_type="application/octet-stream")


# ---- dashboard -----------------------------------------------------------------------------------


def dashboard_periods(plan: Plan, today: date) -> list[Period]:
    year_start, year_end = date(plan.year, 1, 1), date(plan.year, 12, 31)
    return periods_between(year_start, max(year_start, min(today, year_end)))


def resolve_dashboard(plan_id: str | None, period_label: str | None, today: date
                      ) -> tuple[Plan | None, Period | None, list[Period]]:
    """The plan (default: the latest) and quarter (default: the current one) a dashboard shows."""
    plan = None
    if plan_id and str(plan_id).isdigit():
        plan = Plan.objects.filter(pk=int(plan_id)).first()
    plan = plan or Plan.objects.first()
    if plan is None:
        return None, None, []
    periods = dashboard_periods(plan, today)
    period = next((p for p in periods if p.label == period_label), None)
    if period is None:
        period = period_containing(min(today, date(plan.year, 12, 31)))
        period = next((p for p in periods if p.label == period.label), periods[-1])
    return plan, period, periods


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.is_county_wide:
        raise Http404("页面不存在")
    today = timezone.localdate()
    plan, period, periods = resolve_dashboard(request.GET.get("plan"), request.GET.get("period"), today)
    if plan is None or period is None:
        return render(request, "plan/dashboard.html", {"nav": "dashboard", "board": None})
    form = DashboardForm(initial={"plan": plan.pk, "period": period.label}, periods=periods)
    board = build_dashboard(plan, period, today)
    filed, due = sum(u.reports_filed for u in board.units), sum(u.reports_due for u in board.units)
    return render(request, "plan/dashboard.html", {
        "nav": "dashboard", "board": board, "form": form, "today": today, "reports_filed": filed,
        "reports_due": due, "report_rate": round(100 * filed / due, 1) if due else None,
        "export_query": f"plan={plan.pk}&period={period.label}",
    })


# ---- home panel ----------------------------------------------------------------------------------


def home_panel(user: User) -> dict[str, Any] | None:
    """What the work points ask of this person: their unit's lead tasks and owed reports, or the county."""
    today = timezone.localdate()
    context: dict[str, Any] = {}
    if user.unit_id is not None:
        unit = user.unit
        assert unit is not None
        lead_ids = TaskUnit.objects.filter(unit_id=unit.pk).exclude(role=TaskUnit.Role.CO).values("task_id")
        lead = list(Task.objects.active().filter(pk__in=lead_ids).select_related("section", "plan"))
        owed = services.missing_reports([unit], today)
        if lead or owed:
            counts = Counter(t.status for t in lead)
            context["unit"] = {
                "unit": unit, "total": len(lead),
                "counts": [(s.value, s.label, counts[s.value]) for s in STATUS_ORDER],
                "lagging": [t for t in lead if t.status == TaskStatus.LAGGING][:10],
                "owed": owed[:20], "owed_count": len(owed),
            }
    if user.is_county_wide:
        plan = Plan.objects.first()
        if plan is not None:
            counts = Counter(plan.tasks.active().values_list("status", flat=True))
            context["county"] = {
                "plan": plan, "total": sum(counts.values()),
                "counts": [(s.value, s.label, counts[s.value]) for s in STATUS_ORDER],
                "lagging": counts[TaskStatus.LAGGING],
            }
    return context or None
