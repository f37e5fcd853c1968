"""First pass of the plan parser: lines → classified lines → document outline.

The outline is a faithful, un-interpreted structure: header lines, sections
(one per 工作要点 title), chapters ("一、…"), numbered blocks ("1." "(一)"
"一是") with their continuation lines, free paragraphs, and tables.  Deciding
what a block *means* (task, sub-chapter heading, goal, measure) happens in
``plan_parser`` once the whole chapter is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import (
    CN_NUMERAL_CHARS,
    cn_to_int,
    is_page_furniture,
    is_terminated,
    normalize_chars,
    paren_balance,
    squash_spaces,
    strip_markdown,
)
from .plan_units import split_unit_clause

_CN = f"[{CN_NUMERAL_CHARS}]{{1,3}}"
_CHAPTER = re.compile(rf"^(?P<n>{_CN})\s*[、.](?!\d)\s*(?P<t>.*)$")
_PAREN_CN = re.compile(rf"^\((?P<n>{_CN})\)\s*(?P<t>.*)$")
_ARABIC = re.compile(r"^(?P<n>\d{1,3})\s*[.、](?!\d)\s*(?P<t>.*)$")
_SHI = re.compile(rf"^(?P<n>{_CN})是\s*(?P<t>.+)$")
_APPENDIX = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*(?:[:：]\s*(?P<t>.*))?$")
# "2023年泗洪县数字政府建设工作要点" (optionally "(征求意见稿)")
_SECTION = re.compile(
    r"^(?:(?:19|20)\d{2}年度?)?[^\s《》“”\"。，,；;:：]{0,40}?(?:工作要点|要点|工作计划|工作安排|任务清单)"
    r"(?:\([^()]{1,12}\))?$"
)
_NOT_SECTION = re.compile(r"关于|印发|通知|^\d{1,2}[.、]")  # "2.2024年…要点" lists attachments
_PIPE_SEPARATOR = re.compile(r"^\|?[\s:|-]*-{3,}[\s:|-]*\|?$")

# End-of-document furniture (落款, 印发日期, 抄送, "(此件公开发布)") that must not be
# glued onto the last task when that task has no unit clause to close it.
_BOILERPLATE = re.compile(
    r"^(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日(?:印发)?$"
    r"|\((?:此件|此页)[^()]{0,10}\)$"
    r"|(?:抄送|抄报|主送|联系人|联系电话)[:：]"
    r"|[^\s:：(),，。;；]{2,30}(?:人民政府|办公室|委员会|局|中心)$)"
)
NUMBERED = ("arabic", "paren_cn", "shi")
_TAIL = 600


@dataclass(slots=True)
class Line:
    kind: str  # blank page table section chapter paren_cn arabic shi appendix text
    text: str = ""  # content after the numbering marker
    full: str = ""  # whole cleaned line
    number: int | None = None
    heading: bool = False  # was a Markdown heading
    cells: list[str] | None = None


def _cells_of(raw: str) -> list[str] | None:
    if "\t" in raw:
        cells = raw.rstrip("\n").split("\t")
        return cells if len(cells) >= 2 else None
    s = raw.strip()
    if s.startswith("|") and s.endswith("|") and s.count("|") >= 3:
        return [c.strip() for c in s[1:-1].split("|")]
    return None


def classify(raw: str) -> Line:
    """Classify one physical line (already character-normalised)."""
    if not raw.strip():
        return Line("blank")
    cells = _cells_of(raw)
    if cells is not None:
        if _PIPE_SEPARATOR.match(raw.strip()):
            return Line("page")  # "|---|---|" carries nothing; must not end the table
        return Line("table", cells=[squash_spaces(strip_markdown(c)[0]) for c in cells])
    if is_page_furniture(raw):
        return Line("page")
    stripped, heading = strip_markdown(raw)
    full = squash_spaces(stripped)
    if not full:
        return Line("blank")
    for kind, rx in (("chapter", _CHAPTER), ("paren_cn", _PAREN_CN), ("arabic", _ARABIC), ("shi", _SHI)):
        m = rx.match(full)
        if m and (kind != "chapter" or m.group("t")):
            return Line(kind, m.group("t"), full, cn_to_int(m.group("n")), heading)
    m = _APPENDIX.match(full)
    if m:
        return Line("appendix", m.group("t") or "", full, heading=heading)
    if len(full) <= 60 and _SECTION.match(full) and not _NOT_SECTION.search(full):
        return Line("section", full, full, heading=heading)
    return Line("text", full, full, heading=heading)


def preprocess(text: str) -> list[Line]:
    return [classify(raw) for raw in normalize_chars(text).split("\n")]


@dataclass(slots=True)
class Block:
    """A numbered item or free paragraph with its continuation lines.

    The joined text and bracket balance are maintained incrementally so that
    a pathological block with thousands of continuation lines stays linear.
    """

    kind: str  # "arabic" / "paren_cn" / "shi" / "text"
    number: int | None
    heading: bool = False
    parts: list[str] = field(default_factory=list)
    tail: str = ""  # last _TAIL characters: unit clauses and sentence ends live there
    balance: int = 0  # open "(" minus ")" over the whole body

    def add(self, fragment: str) -> None:
        fragment = fragment.strip()
        if not fragment:
            return
        if self.tail and _latin(self.tail[-1]) and _latin(fragment[0]):
            fragment = " " + fragment  # "IPv6" / "from": keep words apart, CJK joins directly
        self.parts.append(fragment)
        self.tail = (self.tail + fragment)[-_TAIL:]
        self.balance += paren_balance(fragment)

    @property
    def body(self) -> str:
        return "".join(self.parts)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _new_block(kind: str, number: int | None, text: str, heading: bool = False) -> Block:
    block = Block(kind, number, heading)
    block.add(text)
    return block


@dataclass(slots=True)
class Chapter:
    number: int | None
    title: str  # "一、强化数字政府顶层设计"; "" for blocks before any chapter
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    title: str
    rows: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class SectionOutline:
    title: str
    preamble: list[str] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)


@dataclass(slots=True)
class Outline:
    header: list[Line] = field(default_factory=list)
    sections: list[SectionOutline] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _has_unit_clause(tail: str) -> bool:
    return split_unit_clause(tail)[1] is not None


def _terminated(block: Block) -> bool:
    return block.balance <= 0 and is_terminated(block.tail)


def _continues(block: Block | None, ln: Line) -> bool:
    """Is ``ln`` (a text line) the continuation of ``block``?

    Page breaks cut sentences anywhere, even inside the unit parenthetical and
    into a following Markdown heading ("配合部" / "— 9 —" / "#### 门: …").
    """
    if block is None:
        return False
    tail = block.tail
    if tail.endswith(("、", "，", ",", "；", ";", "：", ":")):
        return True
    if not _terminated(block):
        # …unless it ends in a bracket-less unit clause ("…。责任单位：县大数据中心").
        return block.balance > 0 or not _has_unit_clause(tail)
    if ln.heading or _BOILERPLATE.match(ln.full):
        return False
    # A numbered task runs until its unit clause: "11. …共享。" / "— 6 —" / "围绕…".
    return block.kind in NUMBERED and not _has_unit_clause(tail)


def build_outline(lines: list[Line], *, implicit_section: str | None = None) -> Outline:
    """Group classified lines into the outline.

    With ``implicit_section`` set (no 工作要点 title found), a section with
    that title opens at the first chapter or numbered line.
    """
    out = Outline()
    section: SectionOutline | None = None
    chapter: Chapter | None = None
    block: Block | None = None
    table: Table | None = None
    mode = "header"
    last_title = ""  # latest short free line: a table's caption

    def close_block() -> None:
        nonlocal block
        if block is not None and chapter is not None:
            chapter.blocks.append(block)
        elif block is not None and section is not None:
            section.preamble.append(block.body)
        block = None

    for ln in lines:
        if ln.kind == "page":  # page furniture: may sit inside a sentence or a table
            continue
        if ln.kind == "blank":
            table = None
            continue
        if ln.kind == "table":
            close_block()
            if table is None:
                table = Table(title=last_title)
                out.tables.append(table)
            table.rows.append(ln.cells or [])
            continue
        table = None
        if ln.kind == "section" and block is not None and not ln.heading and not _terminated(block):
            ln = Line("text", ln.full, ln.full)  # "…认真对照工作" / "要点" is not a new section
        if ln.kind == "section":
            close_block()
            section = SectionOutline(ln.text)
            out.sections.append(section)
            chapter = None
            mode = "section"
            continue
        if ln.kind == "appendix":
            close_block()
            if mode == "header":
                out.header.append(ln)  # "附件：1.…工作要点" listing in the notice itself
            else:
                mode = "appendix"
            if ln.text:
                last_title = ln.text
            continue
        if mode == "header" and implicit_section is not None and ln.kind in ("chapter", *NUMBERED):
            section = SectionOutline(implicit_section)
            out.sections.append(section)
            mode = "section"
        if mode != "section":
            if mode == "header":
                out.header.append(ln)
            if len(ln.full) <= 60:
                last_title = ln.full
            continue
        assert section is not None
        if ln.kind == "text" and _continues(block, ln):
            assert block is not None
            block.add(ln.full)
            continue
        if ln.kind == "shi" and block is not None and block.kind in ("arabic", "paren_cn"):
            block.add(ln.full)  # "一是…二是…" sub-points inside a task
            continue
        close_block()
        if ln.kind == "chapter":
            # "一、工作目标。2023年，…" carries its first paragraph inline.
            title, _, rest = ln.text.partition("。")
            chapter = Chapter(ln.number, f"{_cn_marker(ln)}、{title}")
            section.chapters.append(chapter)
            if rest.strip():
                block = _new_block("text", None, rest.strip())
            continue
        if ln.kind in NUMBERED and chapter is None:
            chapter = Chapter(None, "")
            section.chapters.append(chapter)
        kind = ln.kind if ln.kind in NUMBERED else "text"
        block = _new_block(kind, ln.number if kind != "text" else None, ln.text, ln.heading)
        if len(ln.full) <= 60:
            last_title = ln.full
    close_block()
    return out


def _cn_marker(ln: Line) -> str:
    return ln.full.split("、", 1)[0].split(".", 1)[0].strip()
