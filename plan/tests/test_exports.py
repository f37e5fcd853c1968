"""The ledger workbook and the quarterly bulletin, built from the seed document imported as an admin would."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from types import SimpleNamespace

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from core.models import Unit
from indicators import services as indicator_services
from indicators.models import Indicator
from plan import services
from plan.exports import (
    INDICATOR_SHEET,
    LEDGER_COLUMNS,
    LEDGER_SHEET,
    UNIT_SHEET,
    UNITS_TABLE_HEADERS,
    bulletin_doc_number,
    bulletin_docx,
    bulletin_header,
    ledger_xlsx,
    put,
    units_table_rows,
)
from plan.models import Target, TaskStatus
from plan.periods import parse_period
from plan.reporting import build_dashboard, plan_tasks
from plan.tests.factories import SMALL_PLAN, import_seed, import_text

TODAY = date(2023, 10, 8)  # the Q3 bulletin goes out in the first week of October
Q3 = parse_period("2023Q3")
ISSUER = "泗洪县人民政府办公室"
RECIPIENTS = "各乡镇人民政府，各街道办事处，县各开发区、园区管委会，县各办局，县各直属单位："


@pytest.fixture
def quarter(admin):
    """The seed plan at the end of Q3: one task done, two in progress, the rest lagging; one indicator measured."""
    plan = import_seed(admin)
    tasks = {t.code: t for t in plan.tasks.select_related("plan").prefetch_related("assignments__unit")}
    data_center = Unit.objects.get(short_name="大数据中心")
    for code, done, percent in (("1-1", True, 100), ("1-2", False, 60), ("1-3", False, 40)):
        services.submit_report(admin, tasks[code], data_center, period="2023Q3", text=f"{tasks[code].heading}：本季度进展",
                               percent=percent, claims_done=done, today=TODAY)
    services.refresh_statuses(plan.tasks.active(), today=TODAY)
    sharing = Indicator.objects.get(name__contains="按需共享率")
    # The catalog computes this one live; the export is tested on a typed-in value of the same indicator.
    Indicator.objects.filter(pk=sharing.pk).update(source=Indicator.Source.MANUAL)
    sharing.refresh_from_db()
    indicator_services.record_measurement(admin, sharing, value="95", period_label="2023Q3")
    dashboard = build_dashboard(plan, Q3, TODAY)
    return SimpleNamespace(plan=plan, dashboard=dashboard, sharing=sharing)


# ---- ledger --------------------------------------------------------------------------------------

def _ledger(quarter, tasks=None):
    tasks = list(plan_tasks(quarter.plan)) if tasks is None else tasks
    data = ledger_xlsx(quarter.plan, tasks, Q3, TODAY, dashboard=quarter.dashboard)
    return data, openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws):
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_it_writes_one_row_per_task_under_the_headers(quarter):
    _, wb = _ledger(quarter)
    assert wb.sheetnames == [LEDGER_SHEET, INDICATOR_SHEET, UNIT_SHEET]
    ws = wb[LEDGER_SHEET]
    assert [c.value for c in ws[1]] == [h for h, _ in LEDGER_COLUMNS]
    assert [c.value for c in ws[1]][:6] == ["编号", "工作要点", "章节", "序号", "任务", "任务内容"]
    tasks = list(plan_tasks(quarter.plan))
    assert [r["编号"] for r in _rows(ws)] == [t.code for t in tasks]
    assert len(tasks) == quarter.plan.tasks.active().count() > 30


def test_it_freezes_the_header_and_filters_every_column(quarter):
    _, wb = _ledger(quarter)
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    ws = wb[LEDGER_SHEET]
    assert ws.column_dimensions["F"].width >= 40  # 任务内容
    assert ws["F2"].alignment.wrap_text


def test_it_stores_formula_like_text_as_text(quarter):
    tasks = list(plan_tasks(quarter.plan))
    evil = '=HYPERLINK("http://evil.example/","点击查看")'
    tasks[0].heading = evil  # in memory only: the writer must not trust text from a document
    tasks[1].text = "+1+cmd|' /C calc'!A0"
    data, wb = _ledger(quarter, tasks)
    ws = wb[LEDGER_SHEET]
    assert ws["E2"].value == evil and ws["E2"].data_type == "s"
    assert ws["F3"].value == "+1+cmd|' /C calc'!A0" and ws["F3"].data_type == "s"
    assert ws["E2"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "正常文本"])
def test_put_never_writes_a_formula(text):
    ws = openpyxl.Workbook().active
    cell = put(ws, 1, 1, text)
    assert cell.data_type == "s" and cell.value == text


def test_it_fills_status_progress_targets_and_dates(quarter):
    _, wb = _ledger(quarter)
    rows = {r["编号"]: r for r in _rows(wb[LEDGER_SHEET])}
    done, going = rows["1-1"], rows["1-2"]
    assert done["状态"] == "已完成" and done["完成进度"] == 1
    assert going["状态"] == "推进中" and going["完成进度"] == 0.6
    assert going["本期进展"].endswith("本季度进展")
    assert going["牵头/责任单位"] == "大数据中心"
    assert isinstance(going["完成时限"], datetime) and going["完成时限"].year == 2023
    assert isinstance(going["最近填报时间"], datetime)
    assert going["时限待确认"] in {"是", "否"}
    target_task = Target.objects.filter(indicator=quarter.sharing).exclude(task=None).get().task
    row = rows[target_task.code]
    # One line per target of the task, in the same order in the three columns.
    targets, actuals, verdicts = (row[k].split("\n") for k in ("量化目标", "实际值", "是否达标"))
    line = next(i for i, t in enumerate(targets) if t.startswith(quarter.sharing.name))
    assert (actuals[line], verdicts[line]) == ("95%", "未达标")
    assert len(targets) == len(actuals) == len(verdicts) == target_task.targets.count()
    lagging = [r for r in rows.values() if r["状态"] == "滞后"]
    assert len(lagging) == quarter.dashboard.overall.counts[TaskStatus.LAGGING]
    assert all(r["状态说明"] for r in lagging)


def test_it_lists_indicators_and_each_units_progress_like_the_dashboard(quarter):
    _, wb = _ledger(quarter)
    indicators = _rows(wb[INDICATOR_SHEET])
    assert [r["指标"] for r in indicators] == [r.indicator.name for r in quarter.dashboard.indicators]
    sharing = next(r for r in indicators if r["指标"] == quarter.sharing.name)
    assert sharing["最新值"] == 95 and sharing["是否达标"] == "未达标" and sharing["统计期"] == "2023Q3"
    units = _rows(wb[UNIT_SHEET])
    assert len(units) == len(quarter.dashboard.units)
    for row, u in zip(units, quarter.dashboard.units, strict=True):
        c = u.lead.counts
        assert (row["单位"], row["牵头任务"], row["已完成"], row["推进中"], row["滞后"], row["未开始"],
                row["配合任务"], row["本期应报"], row["本期已报"]) == (
            u.unit_name, u.lead.total, c[TaskStatus.DONE], c[TaskStatus.IN_PROGRESS], c[TaskStatus.LAGGING],
            c[TaskStatus.NOT_STARTED], u.co_count, u.reports_due, u.reports_filed)
    data_center = next(r for r in units if r["单位"] == "大数据中心")
    assert data_center["本期已报"] == 3


# ---- bulletin ------------------------------------------------------------------------------------

def _bulletin(quarter, **kwargs):
    args = {"doc_number": bulletin_doc_number(quarter.plan, Q3), "issuer": ISSUER, "recipients": RECIPIENTS,
            "cc": "县委办公室，县人大常委会办公室，县政协办公室", **kwargs}
    data = bulletin_docx(quarter.plan, quarter.dashboard, Q3, TODAY, **args)
    return docx.Document(io.BytesIO(data))


def _texts(document):
    return [p.text for p in document.paragraphs]


def _east_asia(run):
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def test_it_derives_the_header_and_a_draft_number_from_the_plan(quarter):
    assert bulletin_header(ISSUER) == "泗洪县数字政府建设工作通报"
    assert quarter.plan.doc_number == "洪政办发〔2023〕16号"
    assert bulletin_doc_number(quarter.plan, Q3) == "洪政办通〔2023〕3号"


def test_it_opens_like_an_official_document(quarter):
    document = _bulletin(quarter)
    header, number, title, recipients = document.paragraphs[:4]
    assert header.text == "泗洪县数字政府建设工作通报"
    assert str(header.runs[0].font.color.rgb) in {"FF0000", "C00000"}
    assert number.text == "洪政办通〔2023〕3号"
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) in {"FF0000", "C00000"}
    assert title.text.replace("\n", "") == "关于2023年第三季度数字政府建设工作推进情况的通报"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].font.size.pt == 22
    assert recipients.text == RECIPIENTS
    assert "洪政办发〔2023〕16号" in document.paragraphs[4].text and "季度通报" in document.paragraphs[4].text


def test_it_uses_the_gbt9704_page_and_numbers_pages(quarter):
    document = _bulletin(quarter)
    section = document.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin,
                                  section.bottom_margin, section.left_margin, section.right_margin)] == [
        210, 297, 37, 35, 28, 26]
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert [el.text for el in footer._p.iter(qn("w:instrText"))] == [" PAGE "]


def test_it_gives_the_overall_numbers_of_the_dashboard(quarter):
    d = quarter.dashboard
    c = d.overall.counts
    due = sum(u.reports_due for u in d.units)
    filed = sum(u.reports_filed for u in d.units)
    text = "\n".join(_texts(_bulletin(quarter)))
    assert (f"共明确任务{d.overall.total}项，已完成{c[TaskStatus.DONE]}项、推进中{c[TaskStatus.IN_PROGRESS]}项、"
            f"滞后{c[TaskStatus.LAGGING]}项、未开始{c[TaskStatus.NOT_STARTED]}项") in text
    assert f"2023年第三季度应报送进展{due}份，已报送{filed}份" in text
    assert "截至2023年10月8日" in text


def test_it_heads_each_work_point_in_heiti_with_chinese_numerals(quarter):
    document = _bulletin(quarter)
    headings = [p for p in document.paragraphs if p.runs and _east_asia(p.runs[0]) == "黑体"]
    titles = [p.text for p in headings]
    assert titles[0] == "一、总体情况"
    sections = [s.short_title for s, counts in quarter.dashboard.sections if counts.total]
    assert titles[1:1 + len(sections)] == [f"{n}、{s}工作推进情况" for n, s in zip("二三四", sections, strict=False)]
    assert {"量化指标完成情况", "各单位推进情况", "下一步工作要求"} <= {t.split("、", 1)[1] for t in titles}
    assert all(p.paragraph_format.first_line_indent is not None or p._p.pPr.find(qn("w:ind")) is not None
               for p in headings)


def test_it_names_each_lagging_task_with_its_lead_units(quarter):
    text = "\n".join(_texts(_bulletin(quarter)))
    assert quarter.dashboard.lagging
    for task in quarter.dashboard.lagging:
        leads = "、".join(a.unit.short_name if a.unit else a.name_as_written for a in task.lead_assignments())
        assert f"{task.heading}（牵头单位：{leads}" in text.replace("“", '"').replace("”", '"')


def test_it_reports_indicators_against_their_targets(quarter):
    text = "\n".join(_texts(_bulletin(quarter)))
    assert f"{quarter.sharing.name}：目标不低于97%，最新值95%（2023年第三季度），尚未达标。" in text


def test_it_tabulates_each_lead_units_progress_as_on_the_dashboard(quarter):
    document = _bulletin(quarter)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == UNITS_TABLE_HEADERS
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert body == units_table_rows(quarter.dashboard)
    expected = {u.unit_name: u for u in quarter.dashboard.units if u.lead.total}
    assert len(body) == len(expected)
    for name, total, done, going, lagging, reported in body:
        u = expected[name]
        assert int(total) == u.lead.total and int(done) == u.lead.counts[TaskStatus.DONE]
        assert int(going) == u.lead.counts[TaskStatus.IN_PROGRESS]
        assert int(lagging) == u.lead.counts[TaskStatus.LAGGING]
        assert reported == f"{u.reports_filed}/{u.reports_due}"
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None


def test_it_asks_lagging_units_for_next_steps_without_placeholders(quarter):
    texts = _texts(_bulletin(quarter))
    start = texts.index(next(t for t in texts if t.endswith("下一步工作要求")))
    steps = "\n".join(texts[start + 1:])
    assert "（一）加快推进滞后任务。" in steps and "2023年第四季度" in steps
    owing = [u.unit_name for u in quarter.dashboard.units if u.reports_filed < u.reports_due]
    assert all(name in steps for name in owing)
    full = "\n".join(texts)
    for placeholder in ("XX", "××", "【", "TODO", "待填写"):
        assert placeholder not in full


def test_it_signs_dates_and_closes_with_cc_and_printer(quarter):
    document = _bulletin(quarter)
    texts = _texts(document)
    sig = texts.index(ISSUER)
    assert texts[sig + 1] == "2023年10月8日"
    assert document.paragraphs[sig].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    imprint = [c.text for row in document.tables[-1].rows for c in row.cells]
    assert "抄送：县委办公室，县人大常委会办公室，县政协办公室。" in imprint
    assert ISSUER in imprint and "2023年10月8日印发" in imprint


def test_it_reports_a_quarter_with_nothing_lagging(admin):
    plan = import_text(admin, SMALL_PLAN)
    services.refresh_statuses(plan.tasks.active(), today=date(2023, 3, 20))
    q1 = parse_period("2023Q1")
    dashboard = build_dashboard(plan, q1, date(2023, 3, 20))
    data = bulletin_docx(plan, dashboard, q1, date(2023, 3, 20), doc_number="洪政办通〔2023〕1号", issuer=ISSUER,
                         recipients=RECIPIENTS)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "本期无滞后任务。" in text
    assert "推动未启动任务落地" in text and f"尚有{dashboard.overall.total}项任务未报送任何进展" in text
    assert "关于2023年第一季度数字政府建设" in text
