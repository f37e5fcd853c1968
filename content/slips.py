"""审签单: one page per item proving who approved what, as .docx (GB/T 9704 styles) and PDF.

The PDF uses reportlab's built-in Adobe CID font STSong-Light for Chinese: it needs no font file on
the server (the reader's viewer supplies the glyphs), so the slip renders on any machine.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from content import attachments
from content.models import ContentAttachment, ContentItem, ReviewStep
from core.officedoc import OfficeDocument, chinese_date

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CJK = "STSong-Light"


def filename(item: ContentItem, fmt: str) -> str:
    return quote(f"审签单-{item.title[:30]}.{fmt}")


def rows(item: ContentItem) -> list[list[str]]:
    """One row per step: 环节, 办理人, 时间, 意见 (with any override written out)."""
    out = []
    for step in item.steps.select_related("actor").order_by("at", "id"):
        opinion = step.opinion or step.get_decision_display()
        if step.override_reason:
            opinion += f"（带问题通过，理由：{step.override_reason}）"
        stage = "送审" if step.decision == ReviewStep.Decision.SUBMIT else (
            "发布" if step.decision == ReviewStep.Decision.PUBLISH else step.get_stage_display())
        who = f"{step.actor.display_name or step.actor.username}" if step.actor else "—"
        if step.role:
            who += f"（{step.role}）"
        out.append([stage, who, timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M"),
                    f"{step.get_decision_display()}：{opinion}" if step.opinion else opinion])
    return out


def _facts(item: ContentItem) -> list[tuple[str, str]]:
    return [("标题", item.title), ("单位", item.unit.full_name),
            ("发布渠道", "、".join(c.name for c in item.channels.all())),
            ("类别", f"{item.get_kind_display()} · {item.get_form_display()}{' · 原创' if item.is_original else ''}"),
            ("重点稿件", "是（终审由单位主要负责人签发）" if item.is_key else "否"),
            ("起草人", (item.author.display_name or item.author.username) if item.author else "—"),
            ("状态", f"{item.get_state_display()}，第 {item.revision} 版")]


ATTACHMENT_HEAD = ["附件", "格式与大小", "替代文字", "SHA-256"]


def attachment_rows(item: ContentItem) -> list[list[str]]:
    """The files that were reviewed, with their SHA-256 so the published file can be proved the same."""
    out = []
    for a in item.attachments.order_by("created_at", "id"):
        size = attachments.size_label(a.size)
        dims = f"，{a.width}×{a.height}" if a.width and a.height else ""
        kind = ContentAttachment.Kind(a.kind).label
        out.append([a.original_name, f"{kind}（{a.content_type}，{size}{dims}）", a.description, a.sha256])
    return out


def download(item: ContentItem, fmt: str) -> HttpResponse:
    """The slip as a file download, for the page and the API alike."""
    data, content_type = (slip_docx(item), DOCX) if fmt == "docx" else (slip_pdf(item), "application/pdf")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename(item, 'docx' if fmt == 'docx' else 'pdf')}"
    return response


def slip_docx(item: ContentItem) -> bytes:
    doc = OfficeDocument(title=f"审签单：{item.title}", author=item.unit.full_name)
    doc.title("信息发布审签单")
    doc.table(["项目", "内容"], [list(pair) for pair in _facts(item)], widths=[1, 4], align=["c", "l"])
    doc.paragraph("")
    doc.table(["环节", "办理人", "时间", "意见"], rows(item), widths=[1, 1.6, 1.6, 3], align=["c", "c", "c", "l"])
    files = attachment_rows(item)
    if files:
        doc.paragraph("")
        doc.table(ATTACHMENT_HEAD, files, widths=[1.4, 1.6, 2, 2], align=["l", "l", "l", "l"])
    doc.paragraph(f"打印日期：{chinese_date(timezone.localdate())}")
    return doc.to_bytes()


def slip_pdf(item: ContentItem) -> bytes:
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    title = ParagraphStyle("title", fontName=CJK, fontSize=18, leading=26, alignment=1)
    cell = ParagraphStyle("cell", fontName=CJK, fontSize=10.5, leading=15, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, alignment=1)

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(text), style)

    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])
    facts = Table([[p("项目", head), p("内容", head)], *[[p(k, head), p(v)] for k, v in _facts(item)]],
                  colWidths=[30 * mm, 140 * mm], style=grid)
    steps = Table([[p(h, head) for h in ("环节", "办理人", "时间", "意见")],
                   *[[p(c, head if i < 3 else cell) for i, c in enumerate(r)] for r in rows(item)]],
                  colWidths=[22 * mm, 38 * mm, 34 * mm, 76 * mm], style=grid, repeatRows=1)
    files = attachment_rows(item)
    attached: list[Any] = []
    if files:
        small = ParagraphStyle("small", parent=cell, fontSize=8, leading=11)
        attached = [Spacer(1, 6 * mm), Table(
            [[p(h, head) for h in ATTACHMENT_HEAD], *[[p(c, small if i == 3 else cell) for i, c in enumerate(r)]
                                                      for r in files]],
            colWidths=[36 * mm, 40 * mm, 52 * mm, 42 * mm], style=grid, repeatRows=1)]
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, title=f"审签单：{item.title}", author=item.unit.full_name,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=25 * mm, bottomMargin=20 * mm)
    pdf.build([p("信息发布审签单", title), Spacer(1, 8 * mm), facts, Spacer(1, 6 * mm), steps, *attached,
               Spacer(1, 6 * mm), p(f"打印日期：{chinese_date(timezone.localdate())}")])
    return out.getvalue()
