"""Official documents (公文) laid out per GB/T 9704-2012, written with python-docx.

One `OfficeDocument` per file; call its parts in the order they appear on paper::

    doc = OfficeDocument(title="…", author="泗洪县人民政府办公室")
    doc.red_header("泗洪县数字政府建设工作通报")
    doc.doc_number("洪政办通〔2023〕3号")
    doc.title(["关于2023年第三季度数字政府建设", "工作推进情况的通报"])
    doc.recipients("各乡镇人民政府，各街道办事处：")
    doc.heading("一、总体情况")
    doc.paragraph("……")
    doc.signature("泗洪县人民政府办公室", date(2023, 10, 8))
    doc.imprint("泗洪县人民政府办公室", date(2023, 10, 8))
    data = doc.to_bytes()

The fonts are the ones a government PC has (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312); the font
table names a Windows font each falls back to (仿宋, 宋体, 楷体) when the standard one is missing.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

# ---- fonts and sizes ---------------------------------------------------------------------------

FANGSONG = "仿宋_GB2312"  # body text
XIAOBIAOSONG = "方正小标宋简体"  # 发文机关标志 and title
HEITI = "黑体"  # first-level headings 一、
KAITI = "楷体_GB2312"  # second-level headings （一）
SONGTI = "宋体"  # page numbers
LATIN = "Times New Roman"

# What Word substitutes when the standard 公文 font is not installed (w:altName in the font table).
FONT_FALLBACKS: dict[str, str] = {FANGSONG: "仿宋", XIAOBIAOSONG: "宋体", KAITI: "楷体", HEITI: "SimHei",
                                  SONGTI: "SimSun"}

# 字号 in points.
CHUHAO, XIAOCHU, YIHAO, XIAOYI, ERHAO, XIAOER, SANHAO, XIAOSAN, SIHAO, XIAOSI, WUHAO = (
    42, 36, 26, 24, 22, 18, 16, 15, 14, 12, 10.5)

RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"

# The type area (版心) is 156 mm × 225 mm on A4; 22 lines of 28 characters of 3号仿宋.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TYPE_AREA_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
CHARS_PER_LINE = 28
BODY_SIZE = SANHAO
CHAR_SPACING_TWENTIETHS = -math.ceil((BODY_SIZE - TYPE_AREA_WIDTH.pt / CHARS_PER_LINE) * 20)


def chinese_date(d: date | datetime) -> str:
    """"2023年10月8日": Arabic numerals, the year in full, no leading zeros (GB/T 9704-2012 7.3.5)."""
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_number(n: int) -> str:
    """一 … 九十九, for the 一、 and （一） of headings."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        raise ValueError(f"heading numbers run from 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[ones]
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


def chinese_quotes(text: str) -> str:
    """Straight double quotes → “ ” in turn, as Chinese typesetting uses (documents often arrive with "…")."""
    if '"' not in text:
        return text
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text as it may go into the document: no control characters (invalid in XML), Chinese quotes."""
    return chinese_quotes(_XML_INVALID.sub("", text))


def add_text(paragraph: Paragraph, text: str, east_asia: str, *, size: float, **kwargs: Any) -> Run:
    return set_run_font(paragraph.add_run(clean_text(text)), east_asia, size=size, **kwargs)


def text_width(text: str) -> float:
    """Width in full-width characters: Chinese counts 1, ASCII digits and letters ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


# ---- low-level XML helpers ----------------------------------------------------------------------

def set_run_font(run: Run, east_asia: str, *, size: float | None = None, latin: str = LATIN,
                 bold: bool | None = None, color: RGBColor | None = None) -> Run:
    """Name the Chinese font in w:eastAsia (python-docx's font.name only sets the Latin slots)."""
    run.font.name = latin
    rpr = run._r.get_or_add_rPr()
    rfonts = rpr.rFonts
    assert rfonts is not None  # font.name just created it
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        run.font.size = Pt(size)
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = OxmlElement("w:szCs")
            rpr.append(szcs)
        szcs.set(qn("w:val"), str(round(size * 2)))
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def set_border(element: Any, container_tag: str, **edges: dict[str, str] | None) -> None:
    """Set borders on a w:pPr (w:pBdr) or w:tblPr (w:tblBorders) / w:tcPr (w:tcBorders).

    `edges` maps an edge name (top, bottom, left, right, insideH, insideV) to attributes such as
    ``{"val": "single", "sz": "12", "color": "FF0000"}``; None removes the border (val=nil).
    """
    container = element.find(qn(container_tag))
    if container is None:
        container = OxmlElement(container_tag)
        _insert_in_order(element, container)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if edge not in edges:
            continue
        old = container.find(qn(f"w:{edge}"))
        if old is not None:
            container.remove(old)
        el = OxmlElement(f"w:{edge}")
        attrs = edges[edge] or {"val": "nil"}
        for key, value in {"space": "0", **attrs}.items():
            el.set(qn(f"w:{key}"), value)
        # Children of w:pBdr / w:tblBorders must keep schema order.
        order = ["top", "left", "bottom", "right", "insideH", "insideV"]
        later = [c for c in container if c.tag.split("}")[1] in order[order.index(edge) + 1:]]
        if later:
            later[0].addprevious(el)
        else:
            container.append(el)


# Child order of w:pPr and w:tblPr that matters to Word (a misplaced child makes a "corrupt" file).
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"]
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
                "tblLook", "tblCaption", "tblDescription"]
_TCPR_ORDER = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark"]


def _insert_in_order(parent: Any, child: Any) -> None:
    parent_name = parent.tag.split("}")[1]
    order = {"pPr": _PPR_ORDER, "tblPr": _TBLPR_ORDER, "tcPr": _TCPR_ORDER}.get(parent_name)
    name = child.tag.split("}")[1]
    if order is None or name not in order:
        parent.append(child)
        return
    later = set(order[order.index(name) + 1:])
    for existing in parent:
        if existing.tag.split("}")[1] in later:
            existing.addprevious(child)
            return
    parent.append(child)


def _set_child(parent: Any, tag: str, **attrs: str) -> Any:
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        _insert_in_order(parent, el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def add_field(paragraph: Paragraph, instruction: str, placeholder: str, *, font: str = SONGTI,
              size: float = SIHAO) -> None:
    """A complex field (PAGE, NUMPAGES, …) with a cached result Word refreshes when it lays out."""
    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        set_run_font(run, font, size=size, latin=font)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    set_run_font(paragraph.add_run(placeholder), font, size=size, latin=font)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# ---- the document ---------------------------------------------------------------------------------

class OfficeDocument:
    """An A4 公文 with the GB/T 9704-2012 type area, fonts, line grid and "— 1 —" page numbers."""

    def __init__(self, *, title: str = "", author: str = "", created: datetime | None = None) -> None:
        self.document = Document()
        self._setup_package(title, author, created)
        self._setup_styles()
        self._setup_page()
        self._setup_page_numbers()

    # -- setup

    def _setup_package(self, title: str, author: str, created: datetime | None) -> None:
        package = self.document.part.package
        # The default template carries a thumbnail of an empty page; Explorer would show it.
        for rid, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                package.rels.pop(rid)
        props = self.document.core_properties
        title, author = _XML_INVALID.sub("", title), _XML_INVALID.sub("", author)
        props.title, props.subject, props.author, props.last_modified_by = title, title, author, author
        props.comments = props.keywords = props.category = ""
        props.revision = 1
        if created is not None:
            props.created = props.modified = created
        settings = self.document.settings.element
        for tag in ("w:savePreviewPicture",):
            el = settings.find(qn(tag))
            if el is not None:
                settings.remove(el)
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        tab = settings.find(qn("w:defaultTabStop"))
        if tab is not None:
            tab.set(qn("w:val"), str(BODY_SIZE * 20 * 2))
        self._register_font_fallbacks()

    def _register_font_fallbacks(self) -> None:
        part = next(p for p in self.document.part.package.iter_parts()
                    if str(p.partname).endswith("/word/fontTable.xml"))
        fonts = parse_xml(part.blob)
        for name, alt in FONT_FALLBACKS.items():
            fonts.append(parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'))
        part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _setup_styles(self) -> None:
        styles = self.document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        for child in list(rpr):
            rpr.remove(child)
        rpr.append(parse_xml(
            f'<w:rFonts {nsdecls("w")} w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{FANGSONG}" '
            f'w:cs="{LATIN}" w:hint="eastAsia"/>'))
        # 3号 is 16 pt and the type area 442 pt wide: condensing by ¼ pt fits the standard 28 characters.
        rpr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:val="{CHAR_SPACING_TWENTIETHS}"/>'))
        rpr.append(parse_xml(f'<w:kern {nsdecls("w")} w:val="2"/>'))
        rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{BODY_SIZE * 2}"/>'))
        rpr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{BODY_SIZE * 2}"/>'))
        rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
        ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        for child in list(ppr):
            ppr.remove(child)
        ppr.append(parse_xml(
            f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="{round(LINE_PITCH.pt * 20)}" '
            'w:lineRule="exact"/>'))
        ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="both"/>'))
        for name in ("Footer", "Header"):
            style = self.document.styles[name]
            style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            tabs = style.element.pPr.find(qn("w:tabs"))
            if tabs is not None:
                style.element.pPr.remove(tabs)

    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        # The page number's dash line sits 7 mm below the type area.
        section.footer_distance = Emu(MARGIN_BOTTOM - Mm(7) - Pt(SIHAO * 1.3))
        # 22 lines a page. (28 characters a line come from the character spacing in the defaults: a
        # "linesAndChars" grid would do it in Word, but LibreOffice and WPS space such text apart.)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        for attr in ("w:charSpace", "w:type"):
            grid.attrib.pop(qn(attr), None)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))

    def _setup_page_numbers(self) -> None:
        """"— 1 —" in 4号宋体: odd pages right, even pages left, one character in from the edge."""
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = Pt(SIHAO)
            else:
                fmt.left_indent = Pt(SIHAO)
            set_run_font(paragraph.add_run("— "), SONGTI, size=SIHAO, latin=SONGTI)
            add_field(paragraph, "PAGE", "1")
            set_run_font(paragraph.add_run(" —"), SONGTI, size=SIHAO, latin=SONGTI)

    # -- paragraphs

    def _paragraph(self, *, align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars: float = 0,
                   left_chars: float = 0, right_chars: float = 0, hanging_chars: float = 0,
                   before: Any = None, line: Any = None, keep_with_next: bool = False,
                   char_size: float = BODY_SIZE) -> Paragraph:
        p = self.document.add_paragraph()
        p.alignment = align
        fmt = p.paragraph_format
        if line is not None:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = line
        if before is not None:
            fmt.space_before = before
        if keep_with_next:
            fmt.keep_with_next = True
        ind: dict[str, str] = {}
        # Twips for LibreOffice and older readers; *Chars (hundredths of a character) for Word.
        for key, chars in (("left", left_chars), ("right", right_chars), ("firstLine", first_line_chars),
                           ("hanging", hanging_chars)):
            if chars:
                ind[key] = str(round(chars * char_size * 20))
                ind[f"{key}Chars"] = str(round(chars * 100))
        if ind:
            _set_child(p._p.get_or_add_pPr(), "w:ind", **ind)
        return p

    def _lines(self, n: float) -> Emu:
        return Emu(round(LINE_PITCH * n))

    def red_header(self, org_mark: str, *, size: float | None = None) -> Paragraph:
        """发文机关标志 in red 小标宋, centred, 35 mm below the top of the type area (7.2.4)."""
        if size is None:
            # As large as 小初 while it fits on one line (no character wider than 22 mm).
            size = min(float(XIAOCHU), math.floor(TYPE_AREA_WIDTH.pt / max(text_width(org_mark), 1) * 0.98))
        p = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, before=Mm(35), line=Pt(size * 1.25))
        add_text(p, org_mark, XIAOBIAOSONG, size=size, color=RED)
        return p

    def doc_number(self, number: str) -> Paragraph:
        """发文字号 two lines below the header, centred, with the red rule 4 mm beneath it (7.2.5, 7.2.7)."""
        p = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, before=self._lines(2), line=LINE_PITCH)
        add_text(p, number, FANGSONG, size=BODY_SIZE)
        set_border(p._p.get_or_add_pPr(), "w:pBdr",
                   bottom={"val": "single", "sz": "12", "space": "11", "color": RED_HEX})
        return p

    def title(self, lines: str | Sequence[str]) -> Paragraph:
        """标题 in 2号小标宋, centred, two lines below the red rule; pass lines to break it on purpose."""
        parts = [lines] if isinstance(lines, str) else list(lines)
        p = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, before=self._lines(2), line=Pt(ERHAO * 1.6))
        for i, text in enumerate(parts):
            run = add_text(p, text, XIAOBIAOSONG, size=ERHAO)
            if i < len(parts) - 1:
                run.add_break()
        return p

    def recipients(self, text: str) -> Paragraph:
        """主送机关 one line below the title, flush left, ending with a full-width colon (7.3.2)."""
        text = text.rstrip().rstrip(":：") + "："
        p = self._paragraph(before=self._lines(1), line=LINE_PITCH)
        add_text(p, text, FANGSONG, size=BODY_SIZE)
        return p

    def heading(self, text: str, *, level: int = 1) -> Paragraph:
        """A numbered heading inside the body: 一、 in 黑体, （一） in 楷体, 1. in 仿宋 (7.3.3)."""
        font = {1: HEITI, 2: KAITI}.get(level, FANGSONG)
        p = self._paragraph(first_line_chars=2, line=LINE_PITCH, keep_with_next=True)
        add_text(p, text, font, size=BODY_SIZE)
        return p

    def paragraph(self, text: str, *, lead: str = "", lead_level: int = 2) -> Paragraph:
        """A body paragraph in 3号仿宋, first line indented two characters.

        `lead` is a run-in heading set in its level's font, e.g. "（一）加快推进滞后任务。".
        """
        p = self._paragraph(first_line_chars=2, line=LINE_PITCH)
        if lead:
            add_text(p, lead, {1: HEITI, 2: KAITI}.get(lead_level, FANGSONG), size=BODY_SIZE)
        if text:
            add_text(p, text, FANGSONG, size=BODY_SIZE)
        return p

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], *,
              widths: Sequence[float] | None = None, size: float = SIHAO,
              align: Sequence[str] | None = None) -> Table:
        """A bordered table as wide as the type area; the header row (黑体) repeats on each page.

        `widths` are relative column widths; `align` is "l", "c" or "r" per column.
        """
        ncols = len(headers)
        weights = list(widths or [1.0] * ncols)
        total = sum(weights)
        col_widths = [Emu(round(TYPE_AREA_WIDTH * w / total)) for w in weights]
        aligns = list(align or ["c"] * ncols)
        jc = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
        table = self.document.add_table(rows=1 + len(rows), cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        _set_child(tbl_pr, "w:tblW", w=str(round(TYPE_AREA_WIDTH.pt * 20)), type="dxa")
        _set_child(tbl_pr, "w:tblLayout", type="fixed")
        line = {"val": "single", "sz": "4", "color": "000000"}
        set_border(tbl_pr, "w:tblBorders", top=line, left=line, bottom=line, right=line, insideH=line,
                   insideV=line)
        margins = _set_child(tbl_pr, "w:tblCellMar")
        for side in ("left", "right"):
            _set_child(margins, f"w:{side}", w=str(round(Mm(1).pt * 20)), type="dxa")
        for i, width in enumerate(col_widths):
            table.columns[i].width = width
        header_row = table.rows[0]
        _set_child(header_row._tr.get_or_add_trPr(), "w:tblHeader")
        for r, values in enumerate([list(headers), *[list(v) for v in rows]]):
            row = table.rows[r]
            _set_child(row._tr.get_or_add_trPr(), "w:cantSplit")
            for c, value in enumerate(values):
                cell = row.cells[c]
                cell.width = col_widths[c]
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = cell.paragraphs[0]
                p.alignment = jc["c"] if r == 0 else jc[aligns[c]]
                fmt = p.paragraph_format
                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                fmt.line_spacing = Pt(size * 1.6)
                add_text(p, str(value), HEITI if r == 0 else FANGSONG, size=size)
        # A table directly followed by text looks cramped; GB/T 9704 leaves the spacing to the drafter.
        return table

    def signature(self, issuer: str, day: date, *, sealed: bool = False) -> tuple[Paragraph, Paragraph]:
        """发文机关署名 and 成文日期, one line below the body (7.3.5).

        Unsealed: the signature two characters in from the right, the date's first character two to
        the right of the signature's, moving the signature left if the date is longer. Sealed: the date
        four characters in from the right and the signature centred over it.
        """
        date_text = chinese_date(day)
        w_sig, w_date = text_width(issuer), text_width(date_text)
        if sealed:
            date_right = 4.0
            sig_right = date_right + (w_date - w_sig) / 2
        else:
            date_right = max(2.0, w_sig - w_date)
            sig_right = date_right + w_date + 2 - w_sig
        # The signature never stands alone on a page: it takes the last body paragraph with it.
        if self.document.paragraphs:
            self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        sig = self._paragraph(align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=max(sig_right, 0),
                              before=self._lines(1 if not sealed else 2), line=LINE_PITCH, keep_with_next=True)
        add_text(sig, issuer, FANGSONG, size=BODY_SIZE)
        when = self._paragraph(align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=date_right, line=LINE_PITCH)
        add_text(when, date_text, FANGSONG, size=BODY_SIZE)
        return sig, when

    def imprint(self, printer: str, day: date, *, cc: str = "") -> Table:
        """版记 at the foot of the last page: 抄送, then 印发机关 and 印发日期, between rules (8).

        Thick rules (0.35 mm) above and below, thin ones (0.25 mm) between; 4号仿宋.
        """
        rows = 2 if cc else 1
        table = self.document.add_table(rows=rows, cols=2)
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        # Float the block to the bottom of the type area of the page it lands on (Word; LibreOffice
        # imports a full-width floating table inline, so there it follows the signature directly).
        _set_child(tbl_pr, "w:tblpPr", leftFromText="0", rightFromText="0", vertAnchor="margin",
                   horzAnchor="margin", tblpXSpec="center", tblpYSpec="bottom")
        _set_child(tbl_pr, "w:tblOverlap", val="never")
        _set_child(tbl_pr, "w:tblW", w=str(round(TYPE_AREA_WIDTH.pt * 20)), type="dxa")
        _set_child(tbl_pr, "w:tblLayout", type="fixed")
        thick = {"val": "single", "sz": "8", "color": "000000"}
        thin = {"val": "single", "sz": "6", "color": "000000"}
        set_border(tbl_pr, "w:tblBorders", top=thick, bottom=thick, insideH=thin, left=None, right=None,
                   insideV=None)
        margins = _set_child(tbl_pr, "w:tblCellMar")
        for side in ("left", "right"):
            _set_child(margins, f"w:{side}", w="0", type="dxa")
        half = Emu(round(TYPE_AREA_WIDTH / 2))
        for column in table.columns:
            column.width = half

        def fill(cell: Any, text: str, align: Any, **indent: float) -> None:
            p = cell.paragraphs[0]
            p.alignment = align
            fmt = p.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = LINE_PITCH
            ind = {}
            for key, chars in indent.items():
                ind[key] = str(round(chars * SIHAO * 20))
                ind[f"{key}Chars"] = str(round(chars * 100))
            _set_child(p._p.get_or_add_pPr(), "w:ind", **ind)
            add_text(p, text, FANGSONG, size=SIHAO)

        if cc:
            merged = table.rows[0].cells[0].merge(table.rows[0].cells[1])
            cc_text = "抄送：" + cc.rstrip("。.") + "。"
            # Wrapped lines align with the first character after the colon.
            fill(merged, cc_text, WD_ALIGN_PARAGRAPH.LEFT, left=4, right=1, hanging=3)
        last = table.rows[-1]
        for cell in last.cells:
            cell.width = half
        fill(last.cells[0], printer, WD_ALIGN_PARAGRAPH.LEFT, left=1)
        fill(last.cells[1], f"{chinese_date(day)}印发", WD_ALIGN_PARAGRAPH.RIGHT, right=1)
        # A floating table anchors to the paragraph after it (and the body must not end in a table):
        # a one-point paragraph, so it never pushes a blank page.
        anchor = self._paragraph(line=Pt(1))
        anchor.paragraph_format.space_before = Pt(0)
        return table

    def page_break(self) -> None:
        self.document.add_page_break()

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

