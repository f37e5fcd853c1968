"""Writing a list's workbook: the empty template, an export, or an upload annotated with its errors.

All three share one layout so that what the platform writes it can read back unchanged: the data sheet
(named after the list, header row frozen, one dropdown per coded column), the 填写说明 sheet, and a
hidden 代码表 sheet holding the dropdowns' values (a list validation written inline is limited to 255
characters, too short for the units and the classification). Streams rows (write-only mode), so an
export of 50,000 rows stays within a few tens of MB.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from catalog.excel.layout import (
    BOOL,
    CATEGORY,
    CHOICE,
    CODES,
    DATE,
    DECIMAL,
    INT,
    MAX_DATA_ROWS,
    NOTE_HEADER,
    TEXT,
    UNIT,
    Column,
    Layout,
)

GUIDE_SHEET, LISTS_SHEET = "填写说明", "代码表"
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
OPTIONAL_FILL = PatternFill("solid", fgColor="D9E1F2")
INFO_FILL = PatternFill("solid", fgColor="EDEDED")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
BOLD = Font(bold=True)
# Text starting with one of these is a formula (or a DDE payload) to a spreadsheet program.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32767
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = tuple[int, Sequence[Any]]  # (worksheet row number, values in layout order)
Notes = Mapping[int, tuple[set[int], str]]  # row → (0-based column indexes in error, message)


def build_workbook(layout: Layout, rows: Iterable[Row] = (), *, lists: Mapping[str, Sequence[str]] | None = None,
                   notes: Notes | None = None) -> bytes:
    """The list's workbook with these rows; `notes` adds the 错误说明 column and red error cells."""
    lists = lists or {}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(layout.title)
    guide = wb.create_sheet(GUIDE_SHEET)
    hidden = wb.create_sheet(LISTS_SHEET)
    hidden.sheet_state = "hidden"

    columns = list(layout.columns)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    if notes is not None:
        ws.column_dimensions[get_column_letter(len(columns) + 1)].width = 60
    ws.freeze_panes = "A2"
    _add_validations(ws, hidden, columns, lists)

    header = [_header_cell(ws, c) for c in columns]
    if notes is not None:
        note = WriteOnlyCell(ws, NOTE_HEADER)
        note.font, note.fill = Font(bold=True, color="9C0006"), ERROR_FILL
        header.append(note)
    ws.append(header)
    written = 1
    for number, values in rows:
        while written < number - 1:  # keep the upload's row numbers: they are what the error table cites
            ws.append([])
            written += 1
        marked, message = notes.get(number, (set(), "")) if notes is not None else (set(), "")
        cells = [_cell(ws, value, error=i in marked) for i, value in enumerate(values)]
        if message:
            cells.append(_cell(ws, message, error=True))
        ws.append(cells)
        written = number
    _write_guide(guide, layout)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_cell(ws: Any, column: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, column.header)
    cell.font = BOLD
    cell.fill = INFO_FILL if column.export_only else REQUIRED_FILL if column.required else OPTIONAL_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    tip = ("必填。" if column.required else "") + (column.help or "")
    if tip:
        cell.comment = Comment(tip, "政通")
    return cell


def _cell(ws: Any, value: Any, *, error: bool = False) -> Any:
    """A value as a cell; text always stays text (never a formula), dates get a date format."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_LIMIT]
        if not (value.startswith(FORMULA_PREFIXES) or error):
            return value
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_PREFIXES)
    elif isinstance(value, Decimal):
        return _styled(WriteOnlyCell(ws, float(value)), error)
    elif isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value.replace(tzinfo=None, microsecond=0))
        cell.number_format = "yyyy-mm-dd" if value.time() == time(0) else "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "yyyy-mm-dd"
    elif not error:
        return value
    else:
        cell = WriteOnlyCell(ws, value)
    return _styled(cell, error)


def _styled(cell: WriteOnlyCell, error: bool) -> WriteOnlyCell:
    if error:
        cell.fill, cell.font = ERROR_FILL, ERROR_FONT
    return cell


def dropdown_values(column: Column, lists: Mapping[str, Sequence[str]]) -> list[str]:
    if column.kind in (CHOICE, BOOL):
        return column.labels
    if column.kind in (UNIT, CATEGORY):
        return list(lists.get(column.kind, ()))
    return []


def _add_validations(ws: Any, hidden: Any, columns: list[Column], lists: Mapping[str, Sequence[str]]) -> None:
    """One list validation per coded column, its values in a column of the hidden sheet."""
    table: list[list[str]] = []
    last = MAX_DATA_ROWS + 1
    for index, column in enumerate(columns, start=1):
        values = dropdown_values(column, lists)
        if column.export_only or not values:
            continue
        table.append([column.header, *values])
        source = get_column_letter(len(table))
        strict = column.kind in (CHOICE, BOOL)
        dv = DataValidation(
            type="list", formula1=f"{quote_sheetname(LISTS_SHEET)}!${source}$2:${source}${len(values) + 1}",
            allow_blank=True, showErrorMessage=True, errorStyle="stop" if strict else "warning",
            errorTitle="输入有误", error=f"请从下拉列表中选择“{column.header}”" + ("" if strict else "，或填写准确的名称"),
            showInputMessage=bool(column.help), promptTitle=column.header[:32], prompt=(column.help or "")[:255])
        target = get_column_letter(index)
        dv.add(f"{target}2:{target}{last}")
        ws.data_validations.append(dv)
    longest = max((len(col) for col in table), default=0)
    for r in range(longest):
        hidden.append([col[r] if r < len(col) else None for col in table])


def _how(column: Column) -> str:
    if column.kind == CHOICE:
        return "下拉选择：" + "、".join(column.labels)
    return {
        BOOL: "是 / 否", UNIT: "单位简称或全称（可下拉选择）", CATEGORY: "下拉选择“分类编码 名称”，或填分类编码",
        DATE: "日期，如 2024-01-31", INT: "整数", DECIMAL: "数字，最多 3 位小数",
        CODES: "多个值用顿号、逗号或分号分隔",
        TEXT: f"文字，不超过 {column.max_length} 字" if column.max_length else "文字",
    }.get(column.kind, "")


def _write_guide(ws: Any, layout: Layout) -> None:
    for letter, width in zip("ABCD", (22, 8, 40, 70), strict=True):
        ws.column_dimensions[letter].width = width
    title = WriteOnlyCell(ws, f"{layout.title}填写说明")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([f"在“{layout.title}”工作表中从第 2 行起填写，第 1 行的列名不要改动。橙色列名为必填，蓝色为选填，"
               "灰色为导出时填写、导入时不读取。不要合并单元格，不要使用公式。"])
    ws.append([f"单个文件最多 {MAX_DATA_ROWS} 行数据。"])
    ws.append([])
    heading = WriteOnlyCell(ws, "填写规则")
    heading.font = BOLD
    ws.append([heading])
    for n, rule in enumerate(layout.rules, start=1):
        ws.append([f"{n}. {rule}"])
    ws.append([])
    ws.append([_bold(ws, text) for text in ("列名", "必填", "填写方式", "说明")])
    for column in layout.columns:
        need = "仅导出" if column.export_only else "必填" if column.required else "选填"
        ws.append([column.header, need, "" if column.export_only else _how(column), column.help])


def _bold(ws: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, text)
    cell.font = BOLD
    return cell
