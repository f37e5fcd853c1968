"""Reading an uploaded workbook defensively: refuse what is not a sound .xlsx before trusting a row.

Checks, in order, each with a Chinese message and no database access:

1. the bytes are a zip (an .xls, a password-protected workbook or a CSV renamed to .xlsx is not),
   its central directory opens, it holds an Excel workbook, and it is not a zip bomb;
2. the data sheet's `<dimension>` (its first element) does not announce more rows than allowed — a
   50,001-row file is refused in milliseconds, before any row is parsed; the limit is enforced again
   while streaming, for files whose dimension is missing or wrong;
3. no merged cells (`<mergeCell>`, after the rows in the same stream);
4. no formula cells (an `<f>` element): a formula's value is whatever the person's Excel last
   computed, not something the ledger can re-check; each is reported with its address. Text that
   merely starts with "=" (stored as text, as the export writes it) is text. Excel error values
   (#N/A …) are reported the same way. Images, charts and comments are never opened.

Why not openpyxl's read-only mode: it cannot see merges, it pre-scans a whole sheet that has no
`<dimension>` (openpyxl itself writes none in write-only mode), and it parses inline strings (which
openpyxl writes for every text cell) through its generic object layer at ~100 µs a cell. This reader
streams the sheet XML once with lxml (entities and network off) at a few µs a cell, and decodes
shared strings, inline strings, numbers, booleans and date-formatted numbers (styles.xml) itself.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from posixpath import dirname, join, normpath
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNCOMPRESSED = 400 * 1024 * 1024  # all parts together, decompressed
MAX_PARTS = 5_000
MAX_COLUMNS = 200
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _parser_args() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False, "remove_comments": True}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class WorkbookError(Exception):
    """The file as a whole cannot be read; the message is Chinese and names the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class CellIssue:
    row: int
    column: int  # 1-based
    value: str
    message: str


@dataclass
class Sheet:
    title: str
    headers: list[str]  # row 1, normalised ("" for an empty header cell)
    rows: list[tuple[int, tuple[Any, ...]]]  # (row number, values) of the non-blank data rows
    issues: list[CellIssue] = field(default_factory=list)  # formulas and Excel error values


def normalise_header(value: Any) -> str:
    """Header text without spaces, line breaks or a required-marker ("*", "（必填）")."""
    text = re.sub(r"\s+", "", str(value or "")).replace("\u3000", "")
    text = text.removesuffix("（必填）").removesuffix("(必填)").rstrip("*＊")
    return text.replace("(", "（").replace(")", "）")


def read_sheet(data: bytes, title: str, *, max_rows: int) -> Sheet:
    """The named sheet (or the first) of an uploaded workbook; WorkbookError on anything unsound."""
    archive = _open_archive(data)
    try:
        sheet_name, sheet_path, epoch = _find_sheet(archive, title)
        strings = _shared_strings(archive)
        date_styles = _date_styles(archive)
        with archive.open(sheet_path) as stream:
            return _parse_sheet(stream, sheet_name, strings, date_styles, epoch, max_rows)
    except WorkbookError:
        raise
    except KeyError as exc:
        raise WorkbookError("Excel 文件已损坏（缺少工作表内容），无法读取。请用 Excel 打开后重新保存为 .xlsx 再导入。") from exc
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, IndexError) as exc:
        raise WorkbookError("Excel 文件已损坏或格式不规范，无法读取。请用 Excel 打开后重新保存为 .xlsx 再导入。") from exc


def _open_archive(data: bytes) -> zipfile.ZipFile:
    if not data:
        raise WorkbookError("上传的文件是空的")
    if data.startswith(OLE_MAGIC):
        raise WorkbookError("这是旧版 Excel 97-2003（.xls）文件或设置了打开密码的工作簿，无法读取。"
                            "请在 Excel 中取消密码，并“另存为”Excel 工作簿（.xlsx）后再导入。")
    if not data.startswith(b"PK"):
        if _looks_like_text(data[:4096]):
            raise WorkbookError("文件不是 Excel 工作簿（.xlsx），看起来是 CSV 或文本文件（只改了扩展名）。"
                                "请用 Excel 打开后“另存为”Excel 工作簿（.xlsx），或下载模板填写后再导入。")
        raise WorkbookError("文件不是 Excel 工作簿（.xlsx），请下载模板填写后再导入。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError("Excel 文件已损坏（压缩包不完整），无法打开。请重新保存或重新下载模板后再导入。") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise WorkbookError("文件不是 Excel 工作簿（.xlsx）（可能是 Word 文档、WPS 私有格式或其他压缩包），"
                            "请下载模板填写后再导入。")
    if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
        raise WorkbookError(f"Excel 文件解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB，无法导入。"
                            "请删除多余的工作表、图片后再导入，或拆分为多个文件。")
    return archive


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        for sample in (head, head[:-3]):  # the sample may end inside a multi-byte character
            try:
                sample.decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    return etree.fromstring(archive.read(name), etree.XMLParser(**_parser_args()))


def _find_sheet(archive: zipfile.ZipFile, title: str) -> tuple[str, str, datetime]:
    """(sheet name, path of its XML part, date epoch): the sheet called `title`, else the first worksheet."""
    workbook = _xml(archive, "xl/workbook.xml")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in rels if _local(rel.tag) == "Relationship"}
    epoch = WINDOWS_EPOCH
    sheets: list[tuple[str, str]] = []
    for element in workbook.iter():
        local = _local(element.tag)
        if local == "workbookPr" and element.get("date1904") in ("1", "true"):
            epoch = MAC_EPOCH
        if local != "sheet":
            continue
        target = targets.get(element.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join(dirname("xl/workbook.xml"), target))
        if target and "worksheets/" in path:  # chart sheets and dialog sheets hold no rows
            sheets.append((element.get("name") or "", path))
    if not sheets:
        raise WorkbookError("工作簿中没有工作表")
    for name, path in sheets:
        if name.strip() == title:
            return name, path, epoch
    return sheets[0][0], sheets[0][1], epoch


def _text_of(element: Any) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>s (phonetic guides left out)."""
    parts = []
    for child in element:
        local = _local(child.tag)
        if local == "t":
            parts.append(child.text or "")
        elif local == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with stream:
        for _, element in etree.iterparse(stream, events=("end",), tag="{*}si", **_parser_args()):
            strings.append(_text_of(element))
            element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format is a date: their numbers are Excel dates."""
    try:
        styles = _xml(archive, "xl/styles.xml")
    except KeyError:
        return set()
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    dates: set[int] = set()
    for element in styles.iter():
        if _local(element.tag) == "numFmt":
            formats[int(element.get("numFmtId", "0"))] = element.get("formatCode") or ""
    for element in styles.iter():
        if _local(element.tag) == "cellXfs":
            for index, xf in enumerate(x for x in element if _local(x.tag) == "xf"):
                if is_date_format(formats.get(int(xf.get("numFmtId", "0")))):
                    dates.add(index)
    return dates


def _too_many_rows(name: str, max_rows: int, found: int | None) -> str:
    count = f"有 {found} 行数据" if found is not None else f"的数据超过 {max_rows} 行"
    return f"工作表“{name}”{count}，超过单个文件 {max_rows} 行的上限。请拆分为多个文件分别导入。"


def _parse_sheet(stream: IO[bytes], name: str, strings: list[str], date_styles: set[int], epoch: datetime,
                 max_rows: int) -> Sheet:
    headers: list[str] = []
    sheet = Sheet(name, headers, [])
    merges: list[str] = []
    columns: dict[str, int] = {}
    number = 0
    events = etree.iterparse(stream, events=("end",), tag=("{*}dimension", "{*}row", "{*}mergeCell"),
                             **_parser_args())
    for _, element in events:
        local = _local(element.tag)
        if local == "row":
            number = int(element.get("r") or number + 1)
            values = _row_values(element, number, strings, date_styles, epoch, columns, sheet)
            element.clear()
            while element.getprevious() is not None:  # keep the tree from growing with the sheet
                del element.getparent()[0]
            if number == 1:
                headers.extend(normalise_header(v) for v in values)
                while headers and not headers[-1]:
                    headers.pop()
            elif any(v is not None for v in values):
                if len(sheet.rows) >= max_rows:
                    raise WorkbookError(_too_many_rows(name, max_rows, None))
                sheet.rows.append((number, tuple(values)))
        elif local == "dimension":
            _, _, _, last_row = range_boundaries(element.get("ref") or "A1")
            if last_row is not None and last_row - 1 > max_rows:
                raise WorkbookError(_too_many_rows(name, max_rows, last_row - 1))
        elif local == "mergeCell" and len(merges) < 1000:
            merges.append(element.get("ref") or "")
    if merges:
        merges = list(dict.fromkeys(merges))
        shown = "、".join(merges[:10]) + (f" 等 {len(merges)} 处" if len(merges) > 10 else "")
        raise WorkbookError(f"工作表“{name}”中有合并单元格（{shown}）。导入不支持合并单元格：请取消合并，"
                            "并在同一资源的每一行填写相同的内容后再导入。")
    if not headers:
        raise WorkbookError(f"工作表“{name}”是空的：第 1 行应为列名，从第 2 行起填写数据。")
    return sheet


def _row_values(row: Any, number: int, strings: list[str], date_styles: set[int], epoch: datetime,
                columns: dict[str, int], sheet: Sheet) -> list[Any]:
    """The row's values by column (1 → index 0), trailing blanks cut. The hot loop: kept flat on purpose."""
    tag = row.tag
    ns = tag[:tag.index("}") + 1] if tag.startswith("{") else ""
    c_tag, v_tag, f_tag, is_tag, t_tag = ns + "c", ns + "v", ns + "f", ns + "is", ns + "t"
    values: list[Any] = []
    column = 0
    for cell in row:
        if cell.tag != c_tag:
            continue
        ref = cell.get("r")
        if ref:
            letters = ref.rstrip("0123456789")
            index = columns.get(letters)
            if index is None:
                index = columns[letters] = column_index_from_string(letters)
            column = index
        else:
            column += 1
        raw = inline = formula = None
        for child in (cell[0],) if len(cell) == 1 else cell:  # one <v> or <is> as a rule: no child iterator
            child_tag = child.tag
            if child_tag == v_tag:
                raw = child.text
            elif child_tag == is_tag:
                inline = child
            elif child_tag == f_tag:
                formula = child
        if raw is None and inline is None and formula is None:
            continue
        if column > MAX_COLUMNS:
            raise WorkbookError(f"工作表“{sheet.title}”超过 {MAX_COLUMNS} 列，请使用模板的列")
        kind = cell.get("t", "n")
        value: Any
        if formula is not None:
            address = f"{get_column_letter(column)}{number}"
            sheet.issues.append(CellIssue(number, column, ("=" + (formula.text or ""))[:100],
                                          f"单元格 {address} 含有公式，请复制该列后“选择性粘贴 → 数值”，再导入"))
            continue
        if kind == "s":
            value = strings[int(raw or "")]
        elif kind == "inlineStr":
            if inline is None:
                value = raw
            elif len(inline) == 1 and (only := inline[0]).tag == t_tag:  # the usual <is><t>…</t></is>
                value = only.text or ""
            else:
                value = _text_of(inline)
        elif raw is None:
            continue
        elif kind == "n":
            value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if date_styles and int(cell.get("s") or 0) in date_styles:
                try:
                    value = from_excel(value, epoch)
                except (OverflowError, ValueError):
                    pass
        elif kind == "str":
            value = raw
        elif kind == "b":
            value = raw.strip() in ("1", "true")
        elif kind == "d":
            value = from_ISO8601(raw)
        elif kind == "e":
            sheet.issues.append(CellIssue(number, column, raw, f"单元格 {get_column_letter(column)}{number} 是错误值 {raw}"))
            continue
        else:
            value = raw
        if value.__class__ is str:
            value = value.strip() or None
            if value is None:
                continue
        if len(values) < column - 1:
            values.extend([None] * (column - 1 - len(values)))
        values.append(value)
    return values
