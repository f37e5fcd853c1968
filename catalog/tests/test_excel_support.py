"""Builders for the Excel tests: workbooks written cell by cell, as a person (or another program) would.

No tests here; the test modules import these helpers.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook

from catalog.excel.layout import RESOURCES, Layout
from catalog.models import DataItem, DataResource, Demand, InformationSystem, SharingEntry
from core.models import AuditEntry


def resource_row(**overrides: Any) -> dict[str, Any]:
    """One valid row of a new resource (one 信息项), by header."""
    row: dict[str, Any] = {
        "临时编号": "1", "信息资源名称": "企业登记信息", "信息资源分类": "102 法人单位", "信息资源摘要": "全县企业登记基本信息",
        "格式分类": "数据库", "格式类型": "MySQL", "共享类型": "有条件共享", "共享条件": "用于政务服务办理",
        "共享方式分类": "共享平台方式", "共享方式类型": "接口", "开放属性": "不予开放", "更新周期": "每月", "数据分级": "一般数据2级",
        "涉密": "否", "信息项名称": "企业名称", "数据类型": "字符型", "长度": 200, "敏感": "否",
    }
    row.update(overrides)
    return row


def workbook(rows: Sequence[dict[str, Any]], layout: Layout = RESOURCES, *, headers: Sequence[str] | None = None,
             title: str | None = None) -> bytes:
    """An .xlsx with the layout's header row (or `headers`) and these rows (values by header)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title or layout.title
    heads = list(headers if headers is not None else layout.headers)
    ws.append(heads)
    for row in rows:
        ws.append([row.get(h) for h in heads])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def edit(data: bytes, change: Any) -> bytes:
    """Open a workbook, let `change(worksheet)` edit its first sheet, save it again."""
    wb = load_workbook(io.BytesIO(data))
    change(wb.worksheets[0])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# A 1×1 PNG: openpyxl needs Pillow to add images, so the drawing parts are written by hand.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
_DRAWING = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<xdr:oneCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
            '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="952500" cy="952500"/><xdr:pic><xdr:nvPicPr>'
            '<xdr:cNvPr id="1" name="图片 1"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
            '<a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
            '</xdr:oneCellAnchor></xdr:wsDr>')


def with_image(data: bytes) -> bytes:
    """The same workbook with a picture anchored on the first sheet (as Excel stores one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    b'<Default Extension="png" ContentType="image/png"/>'
                    b'<Override PartName="/xl/drawings/drawing1.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>'))
            elif info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</worksheet>", b'<drawing r:id="rIdImg"/></worksheet>')
                if b'xmlns:r=' not in content.split(b">", 2)[1]:
                    content = content.replace(b"<worksheet ", b'<worksheet xmlns:r="http://schemas.openxmlformats.org/'
                                                           b'officeDocument/2006/relationships" ', 1)
            target.writestr(info, content)
        target.writestr("xl/worksheets/_rels/sheet1.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdImg" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawing1.xml"/>'
            '</Relationships>'))
        target.writestr("xl/drawings/drawing1.xml", _DRAWING)
        target.writestr("xl/drawings/_rels/drawing1.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image1.png"/>'
            '</Relationships>'))
        target.writestr("xl/media/image1.png", PNG)
    return out.getvalue()


def ledger_state() -> tuple[int, ...]:
    """How many rows each catalog table and the audit log hold: equal before and after ⇒ nothing written."""
    return (DataResource.objects.count(), DataItem.objects.count(), InformationSystem.objects.count(),
            SharingEntry.objects.count(), Demand.objects.count(), AuditEntry.objects.count())


def messages_of(report: Any) -> str:
    return "\n".join(f"{e.row}|{e.column}|{e.value}|{e.message}" for e in report.errors)


def with_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its first sheet's <dimension> set to `ref` (true or not)."""
    import re

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                tag = f'<dimension ref="{ref}"/>'.encode()
                if b"<dimension" in content:
                    content = re.sub(rb"<dimension [^>]*/>", tag, content, count=1)
                else:
                    content = content.replace(b"<sheetViews>", tag + b"<sheetViews>", 1)
            target.writestr(info, content)
    return out.getvalue()
