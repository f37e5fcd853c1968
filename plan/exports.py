"""Files made from the ledger: the task ledger workbook (台账) and the quarterly bulletin (季度通报).

Pure writers: they take the plan's read models (`plan.reporting`) and return the file's bytes. The
views in `plan.export_views` choose the plan and period and check who may download.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.officedoc import OfficeDocument, chinese_date, chinese_number, text_width
from plan.models import Plan, Task, TaskStatus
from plan.periods import Period, cycle_of, parse_period
from plan.reporting import Dashboard, IndicatorRow, UnitRow, build_dashboard, latest_report, target_vs_actual

# ---- the ledger workbook -----------------------------------------------------------------------

LEDGER_SHEET, INDICATOR_SHEET, UNIT_SHEET = "任务台账", "指标", "单位进展"

# (header, column width in Excel character units; a Chinese character is about two)
LEDGER_COLUMNS: list[tuple[str, float]] = [
    ("编号", 7), ("工作要点", 20), ("章节", 18), ("序号", 6), ("任务", 26), ("任务内容", 60),
    ("牵头/责任单位", 16), ("配合单位", 20), ("完成时限", 12), ("时限待确认", 11), ("状态", 8),
    ("状态说明", 26), ("量化目标", 26), ("实际值", 12), ("是否达标", 9), ("本期进展", 44), ("完成进度", 9),
    ("最近填报时间", 17),
]
INDICATOR_COLUMNS: list[tuple[str, float]] = [
    ("指标", 28), ("目标", 16), ("最新值", 10), ("计量单位", 9), ("统计期", 10), ("填报时间", 17),
    ("是否达标", 9), ("完成时限", 12), ("时限待确认", 11), ("负责单位", 14),
]
UNIT_COLUMNS: list[tuple[str, float]] = [
    ("单位", 16), ("牵头任务", 9), ("已完成", 8), ("推进中", 8), ("滞后", 8), ("未开始", 8), ("配合任务", 9),
    ("本期应报", 9), ("本期已报", 9), ("报送率", 9),
]
# Columns whose long text wraps; the rest stay on one line.
WRAPPED = {"工作要点", "章节", "任务", "任务内容", "牵头/责任单位", "配合单位", "状态说明", "量化目标", "实际值",
           "是否达标", "本期进展", "指标", "目标"}

STATUS_FILLS = {
    TaskStatus.DONE: "C6EFCE",
    TaskStatus.IN_PROGRESS: "DDEBF7",
    TaskStatus.LAGGING: "FFC7CE",
    TaskStatus.NOT_STARTED: "EDEDED",
}
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
OVERDUE_FONT = Font(color="C00000", bold=True)

# A text cell starting with one of these is a formula (or a DDE payload) to a spreadsheet program.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32767


def met_label(met: bool | None) -> str:
    return {True: "达标", False: "未达标", None: "—"}[met]


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; text is always stored as text, never evaluated as a formula.

    A leading = + - @ makes openpyxl store a formula: such text is forced back to a string cell and
    marked with Excel's quote prefix (the cell shows the text, and editing it keeps it text).
    """
    cell: Cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_LIMIT]
        cell.value = value
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell.value = local.replace(tzinfo=None, microsecond=0)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value
    return cell


def _sheet(ws: Worksheet, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[Any]]) -> None:
    """Header row (frozen, filterable) then one row per item; widths and wrapping per column."""
    for c, (header, width) in enumerate(columns, start=1):
        cell = put(ws, 1, c, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = max(width, text_width(header) * 2 + 2)
    wraps = [header in WRAPPED for header, _ in columns]
    r = 1
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.alignment = Alignment(vertical="top", wrap_text=wraps[c - 1])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(r, 1)}"


def _unit_names(assignments: Iterable[Any]) -> str:
    return "、".join(a.unit.short_name if a.unit else a.name_as_written for a in assignments)


def lead_names(task: Task) -> str:
    return _unit_names(task.lead_assignments())


def _period_progress(task: Task, period: Period) -> str:
    """This period's reports; each prefixed with its unit when several units reported."""
    reports = sorted((r for r in task.reports.all() if r.period == period.label), key=lambda r: r.submitted_at)
    if len(reports) == 1:
        return reports[0].text
    return "\n".join(f"{r.unit.short_name}：{r.text}" for r in reports)


def _task_row(task: Task, period: Period) -> list[Any]:
    targets = target_vs_actual(task)
    this_period = latest_report(task, period)
    last = latest_report(task)
    chapter = " ".join(x for x in (task.chapter, task.subchapter) if x)
    return [
        task.code, task.section.title, chapter, task.number, task.heading, task.text, lead_names(task),
        _unit_names(task.co_assignments()), task.deadline, "是" if task.deadline_provisional else "否",
        task.get_status_display(), task.status_reason,
        "\n".join(f"{metric}：{target}" for metric, target, _, _ in targets),
        "\n".join(actual for _, _, actual, _ in targets),
        "\n".join(met_label(met) for _, _, _, met in targets),
        _period_progress(task, period),
        Decimal(this_period.percent) / 100 if this_period else None,
        last.submitted_at if last else None,
    ]


def _indicator_row(row: IndicatorRow) -> list[Any]:
    ind, m = row.indicator, row.latest
    return [
        ind.name, row.target_text, m.value if m else None, ind.measure_unit, m.period_label if m else "",
        m.measured_at if m else None, met_label(row.met) if m else "未填报", ind.due_date,
        "是" if ind.due_provisional else "否", ind.owner_unit.short_name if ind.owner_unit else "",
    ]


def _unit_row(row: UnitRow) -> list[Any]:
    c = row.lead.counts
    rate = Decimal(row.reports_filed) / row.reports_due if row.reports_due else None
    return [row.unit_name, row.lead.total, c[TaskStatus.DONE], c[TaskStatus.IN_PROGRESS], c[TaskStatus.LAGGING],
            c[TaskStatus.NOT_STARTED], row.co_count, row.reports_due, row.reports_filed, rate]


def ledger_xlsx(plan: Plan, tasks: Iterable[Task], period: Period, today: date, *,
                dashboard: Dashboard | None = None) -> bytes:
    """The task ledger as a workbook: one row per task, then the indicators and each unit's progress.

    `tasks` come from `plan_tasks(plan)` (prefetched); the indicator and unit sheets come from the
    dashboard read model, built here unless the caller already has it.
    """
    dashboard = dashboard or build_dashboard(plan, period, today)
    tasks = list(tasks)
    wb = Workbook()
    wb.properties.creator = "政通"
    wb.properties.title = f"{plan.title}任务台账（{period.title}）"[:250]
    ws = wb.active
    assert ws is not None
    ws.title = LEDGER_SHEET
    _sheet(ws, LEDGER_COLUMNS, (_task_row(t, period) for t in tasks))
    headers = [h for h, _ in LEDGER_COLUMNS]
    status_col, due_col, pct_col = headers.index("状态") + 1, headers.index("完成时限") + 1, headers.index("完成进度") + 1
    for r, task in enumerate(tasks, start=2):
        ws.cell(r, status_col).fill = PatternFill("solid", fgColor=STATUS_FILLS[TaskStatus(task.status)])
        ws.cell(r, pct_col).number_format = "0%"
        if task.deadline and task.deadline < today and task.status != TaskStatus.DONE:
            ws.cell(r, due_col).font = OVERDUE_FONT
    _sheet(wb.create_sheet(INDICATOR_SHEET), INDICATOR_COLUMNS, (_indicator_row(r) for r in dashboard.indicators))
    units = wb.create_sheet(UNIT_SHEET)
    _sheet(units, UNIT_COLUMNS, (_unit_row(r) for r in dashboard.units))
    for r in range(2, len(dashboard.units) + 2):
        units.cell(r, len(UNIT_COLUMNS)).number_format = "0.0%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- the quarterly bulletin ----------------------------------------------------------------------

DEFAULT_TOPIC = "数字政府建设"
_CADENCE = {"quarterly": "季度", "monthly": "月度", "half_yearly": "半年"}
_COUNTY = re.compile(r"^(.+?[县市区旗])")
_DOC_ORG = re.compile(r"^(?P<org>[^〔\[(（]+?)[发函字通]?[〔\[(（]")
TITLE_CHARS_PER_LINE = 20  # 2号 (22 pt) characters across the 156 mm type area


def bulletin_header(issuer: str, topic: str = DEFAULT_TOPIC) -> str:
    """The red 版头 of a bulletin: "泗洪县数字政府建设工作通报" for 泗洪县人民政府办公室."""
    m = _COUNTY.match(issuer)
    return f"{m.group(1) if m else ''}{topic}工作通报"


def bulletin_doc_number(plan: Plan, period: Period) -> str:
    """A draft 发文字号 in the plan's series: 洪政办发〔2023〕16号 → 洪政办通〔2023〕3号 for 2023Q3.

    The office assigns the real number when it issues the bulletin; the view takes it as a parameter.
    """
    m = _DOC_ORG.match(plan.doc_number)
    org = m.group("org") if m else ""
    ordinal = int(period.label[5:])
    return f"{org}通〔{period.start.year}〕{ordinal}号"


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    value = round(100 * part / whole, 1)
    return f"{value:g}%"


def _book_title(title: str) -> str:
    """《…》 around a title, its own book-title marks turned into 〈〉 as nesting requires."""
    inner = title.strip().removeprefix("《").removesuffix("》").replace("《", "〈").replace("》", "〉")
    return f"《{inner}》"


def _join(names: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(n for n in names if n))


def _title_lines(period: Period, topic: str) -> list[str]:
    first, second = f"关于{period.title}{topic}", "工作推进情况的通报"
    if text_width(first + second) <= TITLE_CHARS_PER_LINE:
        return [first + second]
    return [first, second]


def _lagging_groups(tasks: Sequence[Task], dashboard: Dashboard) -> list[tuple[str, list[str]]]:
    """Lagging tasks grouped by why they lag: (why, ["heading（牵头单位：…）", …]) in first-seen order."""
    groups: dict[str, list[str]] = {}
    for task in tasks:
        units = lead_names(task) or dashboard.plan.issuer_unit.short_name
        if task.deadline and task in dashboard.overdue:
            why = "已超过完成时限仍未完成"
            item = f"{task.heading.rstrip('。')}（牵头单位：{units}；完成时限：{chinese_date(task.deadline)}）"
        else:
            why = (task.status_reason or "进度滞后").rstrip("。")
            item = f"{task.heading.rstrip('。')}（牵头单位：{units}）"
        groups.setdefault(why, []).append(item)
    return list(groups.items())


def _period_title(label: str) -> str:
    try:
        return parse_period(label).title
    except ValueError:
        return label


def _indicator_sentence(row: IndicatorRow, today: date) -> str:
    ind, m = row.indicator, row.latest
    target = f"目标{row.target_text.replace(' ', '')}" if ind.target_value is not None else "未设目标值"
    if m is None:
        return f"{ind.name}：{target}，尚未填报实际值。"
    when = _period_title(m.period_label) if m.period_label else chinese_date(timezone.localtime(m.measured_at))
    actual = f"最新值{m.value.normalize():f}{ind.measure_unit}（{when}）"
    if row.met is None:
        verdict = ""
    elif row.met:
        verdict = "，已达标"
    elif ind.due_date and today > ind.due_date:
        verdict = f"，未达标，已超过完成时限（{chinese_date(ind.due_date)}）"
    else:
        verdict = "，尚未达标"
    return f"{ind.name}：{target}，{actual}{verdict}。"


def _next_steps(dashboard: Dashboard, period: Period) -> list[tuple[str, str]]:
    """(run-in heading, text) pairs, each only when the data call for it."""
    steps: list[tuple[str, str]] = []
    next_title = period.next().title
    if dashboard.lagging:
        units = _join(n for t in dashboard.lagging for n in lead_names(t).split("、"))
        steps.append(("加快推进滞后任务。",
                      f"{units}牵头的{len(dashboard.lagging)}项任务进度滞后，请相关单位对照任务要求逐项分析原因，"
                      f"明确整改措施和完成时限，并在{next_title}报送整改进展。"))
    owing = [u for u in dashboard.units if u.reports_filed < u.reports_due]
    if owing:
        detail = "、".join(f"{u.unit_name}（{u.reports_due - u.reports_filed}份）" for u in owing)
        steps.append(("按时报送工作进展。",
                      f"{period.title}仍有进展未报送：{detail}。请相关单位及时补报，并按期如实报送进展和佐证材料。"))
    not_started = dashboard.overall.counts[TaskStatus.NOT_STARTED]
    if not_started:
        steps.append(("推动未启动任务落地。",
                      f"尚有{not_started}项任务未报送任何进展，请牵头单位尽快明确推进计划和责任人，按期启动实施。"))
    unmet = [r for r in dashboard.indicators if r.met is False]
    missing = [r for r in dashboard.indicators if r.latest is None]
    if unmet or missing:
        parts = []
        if unmet:
            parts.append(f"{_join(r.indicator.name for r in unmet)}尚未达到目标值，请责任单位加大工作力度，确保按期达标")
        if missing:
            parts.append(f"{_join(r.indicator.name for r in missing)}尚未填报实际值，请负责单位及时填报")
        steps.append(("确保量化指标达标。", "；".join(parts) + "。"))
    if not steps:
        steps.append(("巩固工作成效。", "各项任务均按计划推进，请各单位保持工作力度，确保全年目标任务按期完成。"))
    return steps


def units_table_rows(dashboard: Dashboard) -> list[list[str]]:
    """单位 | 牵头任务 | 已完成 | 推进中 | 滞后 | 本期报送 for every unit that leads a task."""
    rows = []
    for u in dashboard.units:
        if not u.lead.total:
            continue
        c = u.lead.counts
        reported = f"{u.reports_filed}/{u.reports_due}" if u.reports_due else "—"
        rows.append([u.unit_name, str(u.lead.total), str(c[TaskStatus.DONE]), str(c[TaskStatus.IN_PROGRESS]),
                     str(c[TaskStatus.LAGGING]), reported])
    return rows


UNITS_TABLE_HEADERS = ["单位", "牵头任务", "已完成", "推进中", "滞后", "本期报送"]


def bulletin_docx(plan: Plan, dashboard: Dashboard, period: Period, today: date, *, doc_number: str,
                  issuer: str, recipients: str, cc: str = "", topic: str = DEFAULT_TOPIC,
                  header: str | None = None) -> bytes:
    """The quarterly bulletin (季度通报) on the plan's progress, as a GB/T 9704-2012 document."""
    title_lines = _title_lines(period, topic)
    doc = OfficeDocument(title="".join(title_lines), author=issuer,
                         created=datetime(today.year, today.month, today.day))
    doc.red_header(header or bulletin_header(issuer, topic))
    doc.doc_number(doc_number)
    doc.title(title_lines)
    doc.recipients(recipients)
    cadence = _CADENCE[cycle_of(period.label)]
    doc.paragraph(f"根据{_book_title(plan.title)}（{plan.doc_number}）关于开展工作{cadence}通报的要求，"
                  f"现将{period.title}工作要点推进情况通报如下。")

    counter = iter(range(1, 100))

    def heading(text: str) -> None:
        doc.heading(f"{chinese_number(next(counter))}、{text}")

    overall, c = dashboard.overall, dashboard.overall.counts
    due = sum(u.reports_due for u in dashboard.units)
    filed = sum(u.reports_filed for u in dashboard.units)
    heading("总体情况")
    text = (f"截至{chinese_date(today)}，{plan.year}年工作要点共明确任务{overall.total}项，"
            f"已完成{c[TaskStatus.DONE]}项、推进中{c[TaskStatus.IN_PROGRESS]}项、滞后{c[TaskStatus.LAGGING]}项、"
            f"未开始{c[TaskStatus.NOT_STARTED]}项，完成率{_percent(c[TaskStatus.DONE], overall.total)}。"
            f"{period.title}应报送进展{due}份，已报送{filed}份，报送率{_percent(filed, due)}。")
    if dashboard.overdue:
        text += f"其中{len(dashboard.overdue)}项任务已超过完成时限仍未完成。"
    doc.paragraph(text)

    for section, counts in dashboard.sections:
        if not counts.total:
            continue
        heading(f"{section.short_title}工作推进情况")
        sc = counts.counts
        lagging = [t for t in dashboard.lagging if t.section_id == section.pk]
        text = (f"{_book_title(section.title)}共{counts.total}项任务，已完成{sc[TaskStatus.DONE]}项、"
                f"推进中{sc[TaskStatus.IN_PROGRESS]}项、滞后{sc[TaskStatus.LAGGING]}项、"
                f"未开始{sc[TaskStatus.NOT_STARTED]}项。")
        if not lagging:
            text += "本期无滞后任务。"
        doc.paragraph(text)
        for why, items in _lagging_groups(lagging, dashboard):
            doc.paragraph(f"{why}的任务{len(items)}项：")
            for i, item in enumerate(items, start=1):
                doc.paragraph(f"{i}. {item}{'。' if i == len(items) else '；'}")

    if dashboard.indicators:
        heading("量化指标完成情况")
        rows = dashboard.indicators
        met = sum(r.met is True for r in rows)
        unmet = sum(r.met is False for r in rows)
        missing = sum(r.latest is None for r in rows)
        doc.paragraph(f"工作要点明确的量化指标共{len(rows)}项，已达标{met}项、未达标{unmet}项、尚未填报{missing}项。")
        for i, row in enumerate(rows, start=1):
            doc.paragraph(f"{i}. {_indicator_sentence(row, today)}")

    table_rows = units_table_rows(dashboard)
    if table_rows:
        heading("各单位推进情况")
        doc.paragraph(f"各单位牵头任务推进及{period.title}进展报送情况如下（按滞后任务数排序，本期报送为已报/应报份数）。")
        doc.table(UNITS_TABLE_HEADERS, table_rows, widths=[1.7, 1.1, 1, 1, 1, 1.2],
                  align=["l", "c", "c", "c", "c", "c"])

    heading("下一步工作要求")
    for i, (lead, text) in enumerate(_next_steps(dashboard, period), start=1):
        doc.paragraph(text, lead=f"（{chinese_number(i)}）{lead}")
    doc.paragraph(f"{issuer}将持续跟踪工作要点落实情况，按{cadence}进行通报。")

    doc.signature(issuer, today)
    doc.imprint(issuer, today, cc=cc)
    return doc.to_bytes()
