"""Read models for the supervisor dashboard, the ledger export and the quarterly bulletin."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from indicators.models import Indicator, Measurement
from plan.models import Plan, ProgressReport, Section, Task, TaskStatus, TaskUnit
from plan.periods import Period

STATUS_ORDER = [TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.LAGGING, TaskStatus.NOT_STARTED]


@dataclass
class StatusCounts:
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def segments(self) -> list[tuple[str, str, int, float]]:
        """(status code, label, count, percent of total) in display order, for stacked bars."""
        total = self.total or 1
        return [(s.value, s.label, self.counts[s.value], round(100 * self.counts[s.value] / total, 1))
                for s in STATUS_ORDER]

    @property
    def done_rate(self) -> float:
        return round(100 * self.counts[TaskStatus.DONE] / self.total, 1) if self.total else 0.0


@dataclass
class UnitRow:
    unit_name: str
    unit_id: int
    lead: StatusCounts = field(default_factory=StatusCounts)
    co_count: int = 0
    reports_due: int = 0
    reports_filed: int = 0

    @property
    def report_rate(self) -> float | None:
        return round(100 * self.reports_filed / self.reports_due, 1) if self.reports_due else None


@dataclass
class IndicatorRow:
    indicator: Indicator
    latest: Measurement | None
    target_text: str
    met: bool | None


@dataclass
class Dashboard:
    plan: Plan
    period: Period
    overall: StatusCounts
    sections: list[tuple[Section, StatusCounts]]
    units: list[UnitRow]
    lagging: list[Task]
    overdue: list[Task]
    indicators: list[IndicatorRow]
    needs_review: list[Task]


def plan_tasks(plan: Plan) -> QuerySet[Task]:
    return (plan.tasks.active().select_related("section", "plan")
            .prefetch_related(Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit")),
                              Prefetch("targets__indicator"), "reports"))


def indicator_rows(indicators: QuerySet[Indicator]) -> list[IndicatorRow]:
    rows = []
    latest = Prefetch("measurements", queryset=Measurement.objects.order_by("-measured_at", "-id"),
                      to_attr="prefetched_latest")
    for ind in indicators.prefetch_related(latest).order_by("name"):
        m = ind.latest()
        rows.append(IndicatorRow(ind, m, ind.target_display(), ind.meets(m.value if m else None)))
    return rows


def build_dashboard(plan: Plan, period: Period, today: date) -> Dashboard:
    """Everything the supervisor's dashboard shows, in a fixed number of queries."""
    tasks = list(plan_tasks(plan))
    overall = StatusCounts()
    by_section: dict[int, StatusCounts] = defaultdict(StatusCounts)
    units: dict[int, UnitRow] = {}
    for task in tasks:
        overall.counts[task.status] += 1
        by_section[task.section_id].counts[task.status] += 1
        filed = {r.unit_id for r in task.reports.all() if r.period == period.label}
        for a in task.assignments.all():
            if a.unit is None:
                continue
            row = units.setdefault(a.unit.pk, UnitRow(a.unit.short_name, a.unit.pk))
            if a.role == TaskUnit.Role.CO:
                row.co_count += 1
                continue
            row.lead.counts[task.status] += 1
            if task.status != TaskStatus.DONE or a.unit_id in filed:
                row.reports_due += 1
                row.reports_filed += a.unit_id in filed
    sections = [(s, by_section[s.pk]) for s in plan.sections.all()]
    unit_rows = sorted(units.values(), key=lambda r: (-r.lead.counts[TaskStatus.LAGGING], -r.lead.total,
                                                      r.unit_name))
    indicator_ids = {t.indicator_id for t in plan.targets.all()}
    return Dashboard(
        plan=plan, period=period, overall=overall, sections=sections, units=unit_rows,
        lagging=[t for t in tasks if t.status == TaskStatus.LAGGING],
        overdue=[t for t in tasks if t.deadline and t.deadline < today and t.status != TaskStatus.DONE],
        indicators=indicator_rows(Indicator.objects.filter(pk__in=indicator_ids)),
        needs_review=[t for t in tasks if t.needs_review],
    )


def latest_report(task: Task, period: Period | None = None) -> ProgressReport | None:
    """The newest lead-unit report (within `period` if given), from prefetched reports."""
    reports = [r for r in task.reports.all() if period is None or r.period == period.label]
    return max(reports, key=lambda r: (r.period, r.submitted_at), default=None)


def target_vs_actual(task: Task) -> list[tuple[str, str, str, bool | None]]:
    """(metric, target, latest actual, met) for each target of the task."""
    out = []
    for t in task.targets.all():
        m = t.indicator.latest()
        actual = f"{m.value.normalize():f}{t.indicator.measure_unit}" if m else "未填报"
        out.append((t.metric, t.indicator.target_display(), actual,
                    t.indicator.meets(m.value if m else None)))
    return out


def decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
