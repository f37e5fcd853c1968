"""Turn an uploaded file (bytes + name) into plain text for the plan parser.

Supported: .txt/.md (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK/GB18030),
.docx (paragraphs and tables, tables as tab-separated rows) and .pdf with a
text layer.  Every user-fixable problem is a :class:`DocumentError` with a
Chinese message; cheap checks (size, emptiness, extension) run before any
parsing so an oversized upload is rejected without touching its content.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import TYPE_CHECKING

from .errors import DocumentError

if TYPE_CHECKING:
    from docx.table import Table

__all__ = ["DEFAULT_MAX_BYTES", "SUPPORTED_EXTENSIONS", "DocumentError", "read_document"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PDF_PAGES = 300
# A .docx is a zip: refuse archives that would inflate to absurd sizes.
_MAX_DOCX_INFLATED = 200 * 1024 * 1024
TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, ".docx", ".pdf")
_SUPPORTED_HINT = "请上传 .txt、.md、.docx 或带文字层的 .pdf 文件"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def read_document(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pdf_pages: int = DEFAULT_MAX_PDF_PAGES,
) -> str:
    """Extract the text of an uploaded document.

    Raises :class:`DocumentError` for empty, oversized, unsupported,
    undecodable, corrupt, encrypted or image-only (no text layer) files.
    """
    if not data:
        raise DocumentError("文件为空，请重新选择文件上传", code="empty")
    if len(data) > max_bytes:
        raise DocumentError(
            f"文件过大（{_mb(len(data))} MB），超过 {_mb(max_bytes)} MB 的上限，请删减附件或拆分后再上传",
            code="too_large",
        )
    ext = PurePath(filename or "").suffix.lower()
    if ext in TEXT_EXTENSIONS:
        text = _decode_text(data)
    elif ext == ".docx":
        text = _read_docx(data)
    elif ext == ".pdf":
        text = _read_pdf(data, max_pdf_pages)
    elif ext in (".doc", ".wps"):
        raise DocumentError(
            f"暂不支持旧版 Word/WPS（{ext}）格式，请在 Word 或 WPS 中另存为 .docx 后上传",
            code="unsupported_type",
        )
    else:
        shown = ext or "无扩展名"
        raise DocumentError(f"不支持的文件类型（{shown}），{_SUPPORTED_HINT}", code="unsupported_type")
    if not text.strip():
        raise DocumentError("文件中没有可读取的文字内容", code="empty")
    return text


# --- plain text ---------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _looks_binary(text: str) -> bool:
    """Too many control characters for a human-written text file."""
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(8, len(text) // 100)


def _decode_text(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError:
                break
            if _looks_binary(text):
                break
            return text
    if b"\x00" in data:
        raise DocumentError(f"文件内容不是文本（可能是二进制文件或已损坏），{_SUPPORTED_HINT}", code="binary")
    # UTF-8 first: a valid UTF-8 Chinese text is almost never valid GB18030
    # with the same meaning, while GBK bytes nearly always fail UTF-8.
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise DocumentError(
        "无法识别文件的文字编码（支持 UTF-8 和 GBK），请将文件另存为 UTF-8 编码的文本或 Word 文件后重新上传",
        code="encoding",
    )


# --- Word ---------------------------------------------------------------------


def _read_docx(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            inflated = sum(info.file_size for info in zf.infolist())
            if "word/document.xml" not in zf.namelist():
                raise zipfile.BadZipFile("no word/document.xml")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(
            "无法读取 Word 文件：文件已损坏或不是 .docx 格式（旧版 .doc 请另存为 .docx）", code="corrupt"
        ) from exc
    if inflated > _MAX_DOCX_INFLATED:
        raise DocumentError("Word 文件解压后内容过大，请删减后再上传", code="too_large")
    try:
        # python-docx is imported lazily so text/PDF uploads don't pay for lxml.
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        out: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Table):
                out.append("")
                out.extend(_table_rows(block))
                out.append("")
    except DocumentError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types on malformed input
        raise DocumentError("无法读取 Word 文件：文件内容已损坏", code="corrupt") from exc
    return "\n".join(out)


def _table_rows(table: Table) -> list[str]:
    """Render a Word table as tab-separated rows.

    Merged cells are written once, at their top-left position; the other grid
    positions they cover are empty strings, exactly like the Markdown
    conversion of the seed ("\\t权威信息转发\\t…").
    """
    from docx.table import _Cell

    rows: list[str] = []
    # Walk the XML rows: python-docx's row.cells repeats merged cells' text.
    for tr in table._tbl.tr_lst:
        cells: list[str] = [""] * tr.grid_before
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                text = ""
            else:
                text = _Cell(tc, table).text
            cells.append(" ".join(text.replace("\t", " ").split("\n")))
            cells.extend([""] * (tc.grid_span - 1))
        cells.extend([""] * tr.grid_after)
        rows.append("\t".join(cells))
    return rows


# --- PDF ----------------------------------------------------------------------


def _read_pdf(data: bytes, max_pages: int) -> str:
    head = data[:1024]
    if b"%PDF-" not in head:
        raise DocumentError("不是有效的 PDF 文件（文件头缺失），请确认文件未损坏", code="corrupt")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("PDF 文件已加密，请先解除密码保护后再上传", code="encrypted")
        if len(reader.pages) > max_pages:
            raise DocumentError(
                f"PDF 共 {len(reader.pages)} 页，超过 {max_pages} 页的上限，请拆分后再上传", code="too_large"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises a zoo of types on malformed/encrypted input
        name = type(exc).__name__
        if "Encrypt" in name or "Dependency" in name or "password" in str(exc).lower():
            raise DocumentError("PDF 文件已加密，请先解除密码保护后再上传", code="encrypted") from exc
        raise DocumentError("无法读取 PDF 文件：文件已损坏或格式不正确", code="corrupt") from exc
    text = "\n\n".join(pages)
    meaningful = [ch for ch in text if not ch.isspace()]
    if len(meaningful) < max(20, 5 * len(pages)):
        raise DocumentError(
            "该 PDF 没有文字层（可能是扫描件或图片），请上传可复制文字的 PDF 或 Word 文件",
            code="no_text_layer",
        )
    # Fonts without a ToUnicode map extract as private-use or control garbage.
    garbage = sum(1 for ch in meaningful if "\ue000" <= ch <= "\uf8ff" or ord(ch) < 32 or ch == "\ufffd")
    if garbage > len(meaningful) // 3:
        raise DocumentError(
            "该 PDF 的文字层无法正确提取（字体编码缺失），请上传 Word 文件或重新导出的 PDF",
            code="no_text_layer",
        )
    return text
