"""Parse an annual 工作要点 document (county notice + attached plans) into data.

Pure Python, no Django: ``parse_plan(text)`` → :class:`ParsedPlan`.

Pipeline:
1. ``plan_outline``: clean and classify lines, drop page furniture, re-join
   sentences cut by page breaks, and group them into sections / chapters /
   numbered blocks / tables.
2. here: read the header (issuer, 发文字号, title, year), decide per chapter
   what its blocks are (tasks, sub-chapter headings, goals, measures), and
   extract units, targets and deadlines for each task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import DocumentError
from .normalize import first_sentence, int_to_cn, is_terminated, tidy
from .plan_model import AppendixTable, ParsedPlan, PlanItem, PlanSection, PlanTask, ScoringItem
from .plan_outline import (
    NUMBERED,
    Block,
    Chapter,
    Line,
    Outline,
    SectionOutline,
    Table,
    build_outline,
    preprocess,
)
from .plan_targets import detect_deadline, extract_targets
from .plan_units import Units, is_collective, parse_units, split_unit_clause, suggest_units

__all__ = ["DocumentError", "ParsedPlan", "is_collective", "parse_plan", "section_kind"]

NO_UNITS_REASON = "未写明责任单位，默认由发文单位牵头"
# A county work-points document is tens of thousands of characters; anything
# past this is not one, and parsing it would only tie up a worker.
MAX_CHARS = 3_000_000

# Section kind codes, first match wins ("政府网站" must not hit "数字政府").
_SECTION_KINDS: tuple[tuple[str, str], ...] = (
    ("数字政府", "digital_government"),
    ("网站", "website"),
    ("新媒体", "new_media"),
    ("政务公开", "open_government"),
)
_GOALS = re.compile(r"目标|总体要求")
_MEASURES = re.compile(r"保障措施|工作要求|组织实施|实施保障|工作保障|保障机制")
_INTRO = re.compile(r"指导思想|基本原则|总体思路|工作背景")

_ISSUER_LINE = re.compile(r"^(?P<org>[^\s，,。:：]{2,40}?)\s*文\s*件$")
_SIGNATURE_DATE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")
_ORG = re.compile(r"(?:人民政府|办公室|委员会|局|中心|办)$")
_DOC_NUMBER = re.compile(
    r"(?P<pre>[\u4e00-\u9fffA-Za-z]{1,12}?)\s*(?P<open>[〔\[【(])\s*(?P<y>(?:19|20)\d{2})\s*(?P<close>[〕\]】)])\s*第?(?P<n>\d{1,4})\s*号"
)
_TITLE_END = re.compile(r"(?:通知|通报|意见|决定|批复|函|方案|要点|计划|办法|规定|报告)$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SCORING = re.compile(
    r"(?:^|(?<=[；;。]))\s*(?P<n>\d{1,2})[.、](?!\d)(?P<t>.*?)(?=[；;。]\s*\d{1,2}[.、](?!\d)|$)"
)


@dataclass(slots=True)
class _Header:
    issuer: str | None = None
    doc_number: str | None = None
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


def section_kind(title: str) -> str:
    for needle, code in _SECTION_KINDS:
        if needle in title:
            return code
    return "other"


def _read_header(header: list[Line], all_lines: list[Line]) -> _Header:
    h = _Header()
    texts = [ln.full for ln in header if ln.kind not in ("blank", "page", "table") and ln.full]
    for t in texts:
        m = _ISSUER_LINE.match(t)
        if m and "关于" not in t:
            h.issuer = tidy(m.group("org"))
            break
    h.doc_number = _read_doc_number(texts, h.warnings)
    for i, t in enumerate(texts):
        if "关于" in t and len(t) <= 120:
            title = t
            # Long titles wrap: "关于印发…" / "…工作要点的通知".
            for nxt in texts[i + 1 : i + 3]:
                if _TITLE_END.search(title):
                    break
                title += nxt
            h.title = tidy(title)
            break
    if h.issuer is None:
        h.issuer = _signature_issuer(all_lines)
    if h.issuer is None and h.title and "关于" in h.title:
        org = h.title.split("关于", 1)[0]
        h.issuer = org or None
    return h


def _read_doc_number(texts: list[str], warnings: list[str]) -> str | None:
    candidates = [(m, t) for t in texts for m in [_DOC_NUMBER.search(t)] if m]
    if not candidates:
        return None
    # Prefer a line that is only the 发文字号 over one quoted inside a sentence.
    m, _ = min(candidates, key=lambda c: len(c[1]) - len(c[0].group(0)))
    if (m.group("open"), m.group("close")) != ("〔", "〕"):
        warnings.append(f"发文字号使用了不规范的括号“{m.group('open')}{m.group('close')}”，已规范为“〔〕”")
    return f"{m.group('pre')}〔{m.group('y')}〕{m.group('n')}号"


def _signature_issuer(lines: list[Line]) -> str | None:
    """落款: the organisation line right above a trailing date line."""
    prev: str | None = None
    for ln in lines:
        if ln.kind in ("blank", "page"):
            continue
        if _SIGNATURE_DATE.match(ln.full) and prev and len(prev) <= 30 and _ORG.search(prev):
            return tidy(prev)
        prev = ln.full
    return None


def _chapter_role(chapter: Chapter) -> str:
    name = chapter.title.split("、", 1)[-1]
    if not name:
        return "tasks"
    if _INTRO.search(name):
        return "intro"
    role = (
        "goals"
        if _GOALS.search(name) and "任务" not in name
        else "measures"
        if _MEASURES.search(name)
        else "tasks"
    )
    # A "保障" chapter whose items carry unit clauses is really a task list.
    if role != "tasks" and any(b.kind in NUMBERED and split_unit_clause(b.tail)[1] for b in chapter.blocks):
        return "tasks"
    return role


def _item(block: Block, year: int | None) -> PlanItem:
    text = tidy(block.body)
    numbered = block.kind in NUMBERED
    return PlanItem(
        number=block.number if numbered else None,
        title=first_sentence(text) if numbered else "",
        text=text,
        targets=extract_targets(text),
        deadline=detect_deadline(text, year),
    )


def _task(block: Block, index: int, chapter: str, subchapter: str | None, year: int | None) -> PlanTask:
    full = tidy(block.body)
    body, unit_text = split_unit_clause(full)
    units = parse_units(unit_text) if unit_text else Units()
    heading = first_sentence(body)
    deadline = detect_deadline(body, year)
    if deadline is None and units.deadline_text:
        deadline = detect_deadline(units.deadline_text, year)
    task = PlanTask(
        index=index,
        number=block.number or index,
        heading=heading,
        text=body,
        chapter=chapter or None,
        subchapter=subchapter,
        lead_units=units.lead,
        co_units=units.co,
        responsible_units=units.responsible,
        unit_text=unit_text,
        targets=extract_targets(body),
        deadline=deadline,
    )
    reasons = task.review_reasons
    owners = units.lead or units.responsible
    if not units.any:
        reasons.append(NO_UNITS_REASON if unit_text is None else "责任单位无法解析")
    elif not owners:
        reasons.append("未写明牵头单位")
    elif all(is_collective(u) for u in owners):
        reasons.append("牵头单位为泛指，需指定具体单位")
    if not owners:
        task.suggested_units = suggest_units(body)
    if heading == body.rstrip("。") and len(heading) > 60:
        reasons.append("未识别到任务标题句")
    if not is_terminated(body):
        reasons.append("任务文本可能不完整")
    task.needs_review = bool(reasons)
    return task


def _resolve_section(so: SectionOutline, year: int | None, warnings: list[str]) -> PlanSection:
    title = tidy(so.title)
    section = PlanSection(title=title, kind=section_kind(title))
    preamble = [tidy(p) for p in so.preamble]
    for chapter in so.chapters:
        role = _chapter_role(chapter)
        if role == "intro":
            preamble.extend(tidy(b.body) for b in chapter.blocks)
            continue
        if role in ("goals", "measures"):
            items = section.goals if role == "goals" else section.measures
            items.extend(_item(b, year) for b in chapter.blocks)
            continue
        kinds = {b.kind for b in chapter.blocks}
        task_kind = next((k for k in NUMBERED if k in kinds), None)
        subchapter: str | None = None
        for b in chapter.blocks:
            if b.kind == task_kind:
                section.tasks.append(_task(b, len(section.tasks) + 1, chapter.title, subchapter, year))
            elif b.kind == "paren_cn" and b.number is not None:
                subchapter = f"({int_to_cn(b.number)}){first_sentence(tidy(b.body))}"
    section.preamble = "\n".join(p for p in preamble if p)
    _check_numbering(section, warnings)
    return section


def _check_numbering(section: PlanSection, warnings: list[str]) -> None:
    if not section.tasks:
        warnings.append(f"《{section.title}》中未识别到编号任务")
        return
    prev: PlanTask | None = None
    for task in section.tasks:
        restart = task.number == 1 and prev is not None and prev.chapter != task.chapter
        if prev is not None and not restart and task.number != prev.number + 1:
            warnings.append(f"《{section.title}》第{prev.number}条之后为第{task.number}条，编号不连续")
        prev = task


def _table(table: Table, warnings: list[str]) -> AppendixTable:
    rows = [[tidy(c) for c in row] for row in table.rows]
    header, body = rows[0], rows[1:]
    title = tidy(table.title) or "附表"
    for i, row in enumerate(body):
        if len(row) < len(header):
            row.extend([""] * (len(header) - len(row)))
        elif len(row) > len(header):
            warnings.append(f"附表《{title}》第{i + 1}行有{len(row)}列，多于表头的{len(header)}列")
    items = [
        ScoringItem(row=r, column=c, number=int(m.group("n")), text=m.group("t").strip(" 。；;"))
        for r, row in enumerate(body)
        for c, cell in enumerate(row)
        if re.match(r"1[.、](?!\d)", cell)
        for m in _SCORING.finditer(cell)
    ]
    return AppendixTable(title=title, header=header, rows=body, scoring_items=items)


def _plan_year(sections: list[SectionOutline], title: str | None, doc_number: str | None) -> int | None:
    for candidate in [s.title for s in sections] + [title or "", doc_number or ""]:
        m = _YEAR.search(candidate) or re.search(r"〔((?:19|20)\d{2})〕", candidate)
        if m:
            return int(m.group(1))
    return None


def parse_plan(text: str) -> ParsedPlan:
    """Parse the plain text of a 工作要点 document.

    Raises :class:`DocumentError` (Chinese message) when no numbered task is
    found; never raises anything else for string input.
    """
    if len(text) > MAX_CHARS:
        raise DocumentError(
            f"文件文字内容过长（约 {len(text) // 10000} 万字），不像是一份工作要点，请确认上传的文件",
            code="too_large",
        )
    lines = preprocess(text)
    outline: Outline = build_outline(lines)
    header = _read_header(outline.header, lines)
    if not outline.sections:
        # A bare plan without a "…工作要点" title line: the body is one section.
        outline = build_outline(lines, implicit_section=header.title or "")
        header = _read_header(outline.header, lines)
    warnings = header.warnings
    year = _plan_year(outline.sections, header.title, header.doc_number)
    sections = [_resolve_section(s, year, warnings) for s in outline.sections]
    if not any(s.tasks for s in sections):
        raise DocumentError(
            "未在文件中识别到任何编号任务。请确认上传的是工作要点正文，任务应以“1.”“(一)”或“一是”等编号开头。",
            code="no_tasks",
        )
    sections = [s for s in sections if s.tasks or s.goals or s.measures]
    title = header.title or (sections[0].title if sections else None)
    if header.issuer is None:
        warnings.append("未识别到发文机关，导入时请手动指定")
    if header.doc_number is None:
        warnings.append("未识别到发文字号")
    if year is None:
        warnings.append("未识别到年度，截止日期无法换算为具体日期")
    tables = [_table(t, warnings) for t in outline.tables if t.rows]
    return ParsedPlan(
        issuer=header.issuer,
        doc_number=header.doc_number,
        title=title,
        year=year,
        sections=sections,
        appendix_tables=tables,
        warnings=warnings,
    )
