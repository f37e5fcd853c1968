"""Demo part of the plan app: the seed work points imported, with a year of progress reports."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Role, User
from indicators import services as indicator_services
from plan import importing, services
from plan.models import Plan, ProgressReport, TaskStatus
from plan.periods import periods_between

SEED = Path(__file__).resolve().parent.parent / "demo" / "plan_2023_sihong.txt"

# Phrases a county unit really writes in a quarterly report; combined per task so reports differ.
_DONE_STEPS = [
    "制定工作方案并明确责任科室和责任人", "召开专题推进会，梳理任务清单", "完成相关平台需求调研",
    "组织开展业务培训", "与市级主管部门对接，争取技术和数据支持", "完成阶段性建设内容并组织验收",
    "建立周调度、月通报工作机制", "形成阶段性工作总结并报县政府办",
]
_PROBLEMS = ["部分单位数据报送不及时", "项目资金尚未完全到位", "专业技术人员不足", "与市级平台接口联调进度偏慢"]


def load() -> str:
    admin = User.objects.filter(role_grants__role=Role.DC_ADMIN).order_by("id").first()
    if admin is None:
        return "缺少管理员，跳过"
    plan = Plan.objects.filter(doc_number="洪政办发〔2023〕16号").first()
    if plan is None:
        imp = importing.stage_import(admin, SEED.read_bytes(), SEED.name)
        plan = importing.confirm_import(admin, imp)
    if not ProgressReport.objects.filter(task__plan=plan).exists():
        _progress(plan, admin)
    services.refresh_statuses(plan.tasks.active())
    counts = {status.label: plan.tasks.active().filter(status=status).count() for status in TaskStatus}
    summary = "，".join(f"{label} {n}" for label, n in counts.items() if n)
    return f"{plan.doc_number} 共 {plan.tasks.active().count()} 项任务（{summary}）"


def _progress(plan: Plan, admin: User) -> None:
    rng = random.Random(plan.year)
    periods = periods_between(date(plan.year, 1, 1), date(plan.year, 12, 31))
    for task in plan.tasks.active().select_related("plan").prefetch_related("assignments__unit"):
        leads = services.lead_units(task)
        # Most tasks finish within the year; some stall, a few never report — as in a real county.
        profile = rng.choices(["done_q3", "done_q4", "stalled", "silent_late"], weights=[40, 35, 15, 10])[0]
        last = {"done_q3": 3, "done_q4": 4, "stalled": 4, "silent_late": 2}[profile]
        steps = rng.sample(_DONE_STEPS, k=4)
        for unit in leads:
            reporter = User.objects.filter(unit=unit, is_active=True).order_by("id").first() or admin
            for q, period in enumerate(periods[:last], start=1):
                finished = q == last and profile.startswith("done")
                percent = 100 if finished else min(95, q * rng.randint(18, 26))
                text = f"{period.title}，{unit}围绕“{task.heading}”，{steps[q - 1]}。"
                if finished:
                    text += "各项任务已按要点要求完成。"
                files = []
                if q == last:
                    files = [SimpleUploadedFile(f"{task.code}-{period.label}-工作台账.txt",
                                                f"{task.heading}\n{text}\n".encode())]
                services.submit_report(
                    reporter, task, unit, period=period.label, text=text, percent=percent, claims_done=finished,
                    problems="" if finished else rng.choice(_PROBLEMS), files=files,
                    today=period.end - timedelta(days=3))
    for target in plan.targets.select_related("indicator"):
        ind = target.indicator
        # Ledger-computed indicators (共享率, 开放率 …) come from the catalog, not from typed-in values.
        if ind.source == ind.Source.COMPUTED or ind.measurements.exists() or ind.target_value is None:
            continue
        value = ind.target_value
        if ind.measure_unit in {"%", "％"}:
            value = min(Decimal(100), value + Decimal(rng.choice([-4.5, -1.2, 0.3, 1.5, 2.1])))
        indicator_services.record_measurement(admin, ind, value=value, period_label=f"{plan.year}Q4",
                                              note="年度统计（演示数据）")
