"""Load an uploaded CSV, xlsx or Parquet file into DuckDB.

Decisions, each with a clear Chinese error rather than a guess:

- CSV: UTF-8 (with or without BOM) is read as is; a file that is not valid UTF-8 is transcoded from
  GB18030 (a superset of GBK and GB2312); UTF-16 with a BOM is transcoded too. The header must be the
  first line and name every wanted column; a record whose field count differs from the header's, or
  longer than ``Limits.max_line_bytes``, stops the load with its line number.
- xlsx: read with openpyxl in read-only mode. Merged cells are refused (which cell holds the value
  is a guess). Formula cells in the wanted columns are refused, not read as cached values: files
  written by other tools often carry no cached value or a stale one, and a quality check must not
  pass on numbers nobody computed. Images, charts and styles are ignored. The header row is the first
  of the top 10 rows that names every wanted column, so a title row above it is fine. Fully empty
  rows are skipped; the row number reported is Excel's.
- Parquet: read where it lies (DuckDB scans only the wanted columns). Nested and binary columns are
  refused; a number column where text is expected (an ID card column saved as int64) is checked as
  text with a warning, from the engine.
"""

from __future__ import annotations

import codecs
import csv
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from catalog.quality.dataset import (
    DATA,
    LOADED,
    ROW,
    Builder,
    Dataset,
    building,
    check_size,
    deadline,
    megabytes,
    require_columns,
    scalar,
)
from catalog.quality.errors import QualityError
from catalog.quality.rules import sql_ident, sql_str
from catalog.quality.spec import Limits

_BATCH = 50_000
_HEADER_SEARCH_ROWS = 10
_DELIMITERS = (",", "\t", ";", "|")


def load_file(
    path: Path | str, columns: Sequence[str], *, filename: str | None = None, limits: Limits | None = None
) -> Dataset:
    """Load by the file name's extension (``filename`` is the uploaded name when ``path`` is a temp file)."""
    path = Path(path)
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        if suffix in (".xls", ".et", ".wps"):
            raise QualityError(f"不支持 {suffix} 格式，请在表格软件中另存为 .xlsx 后上传")
        raise QualityError(f"不支持的文件类型「{suffix or name}」：请上传 CSV、xlsx 或 Parquet 文件")
    return loader(path, columns, limits=limits or Limits(), filename=name)


# ---- CSV --------------------------------------------------------------------------------------


def load_csv(
    path: Path | str, columns: Sequence[str], *, limits: Limits | None = None, filename: str | None = None
) -> Dataset:
    path, limits = Path(path), limits or Limits()
    name = filename or path.name
    check_size(path, limits, f"文件「{name}」")
    with building(limits, f"CSV 文件「{name}」") as b:
        encoding = _sniff_encoding(path)
        source = path
        if encoding != "utf-8":
            source = _transcode(path, encoding, b, limits)
            b.warnings.append(f"文件为 {_ENCODING_NAMES[encoding]} 编码，已转换为 UTF-8 读取")
        try:
            _read_csv(b, source, columns, limits)
        except duckdb.InvalidInputException as exc:
            if encoding != "utf-8" or "Invalid unicode" not in str(exc):
                raise QualityError(_csv_error(exc, limits)) from exc
            # Valid UTF-8 at the top, not further down: GBK after an ASCII header.
            source = _transcode(path, "gb18030", b, limits)
            b.warnings.append("文件为 GBK/GB18030 编码，已转换为 UTF-8 读取")
            b.con.execute(f"DROP TABLE IF EXISTS {LOADED}")
            try:
                _read_csv(b, source, columns, limits)
            except duckdb.InvalidInputException as again:
                raise QualityError(_csv_error(again, limits)) from again
        return b.finish(columns)


_ENCODING_NAMES = {"gb18030": "GBK/GB18030", "utf-16": "UTF-16"}


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(256 * 1024)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise QualityError("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV")


def _transcode(path: Path, encoding: str, b: Builder, limits: Limits) -> Path:
    target = b.folder / "utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)()
    started = time.monotonic()
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as out:
            while chunk := src.read(4 * 1024**2):
                out.write(decoder.decode(chunk))
                if time.monotonic() - started > limits.load_timeout_s:
                    raise QualityError(f"读取数据超时（超过 {limits.load_timeout_s:g} 秒）")
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise QualityError("文件编码无法识别：既不是 UTF-8，也不是 GBK/GB18030，请另存为 UTF-8 CSV") from exc
    return target


def _read_header(path: Path) -> tuple[list[str], str]:
    with path.open("r", encoding="utf-8-sig", newline="", errors="replace") as fh:
        first = fh.readline()
        if not first.strip():
            raise QualityError("CSV 文件第一行（表头）为空")
        delimiter = max(_DELIMITERS, key=first.count)
        fh.seek(0)
        header = next(csv.reader(fh, delimiter=delimiter), [])
    header = [h.strip().lstrip("\ufeff").strip() for h in header]
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise QualityError("CSV 表头重复：" + "、".join(duplicated))
    return header, delimiter


def _read_csv(b: Builder, path: Path, wanted: Sequence[str], limits: Limits) -> None:
    header, delimiter = _read_header(path)
    require_columns(header, wanted, "CSV 文件")
    names = [h or f"__zt_blank_{i}" for i, h in enumerate(header)]
    types = "{" + ", ".join(f"{sql_str(n)}: 'VARCHAR'" for n in names) + "}"
    picked = ", ".join(sql_ident(n) for n in wanted)
    # Explicit dialect and columns: DuckDB's sniffer would read a ragged file as one column.
    reader = (
        f"read_csv({sql_str(str(path))}, auto_detect = false, header = true, delim = {sql_str(delimiter)}, "
        f"quote = '\"', escape = '\"', columns = {types}, strict_mode = true, null_padding = false, "
        f"max_line_size = {int(limits.max_line_bytes)}, encoding = 'utf-8')"
    )
    with deadline(b.con, limits.load_timeout_s):
        b.con.execute(f"CREATE TABLE {LOADED} AS SELECT {picked} FROM {reader} LIMIT {limits.max_rows + 1}")
    _check_row_limit(b, limits.max_rows)
    b.con.execute(f"CREATE OR REPLACE VIEW {DATA} AS SELECT rowid + 1 AS {ROW}, * FROM {LOADED}")
    b.numbered = True


def _check_row_limit(b: Builder, limit: int) -> None:
    if scalar(b.con, f"SELECT count(*) FROM {LOADED}") > limit:
        raise QualityError(f"数据超过 {limit:,} 行的上限，请拆分后分别检查")


_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _csv_error(exc: Exception, limits: Limits) -> str:
    text = str(exc)
    match = _LINE.search(text)
    where = f"第 {match[1]} 行" if match else "文件中"
    if "Maximum line size" in text:
        return f"CSV {where}过长，超过单行 {megabytes(limits.max_line_bytes)} 的上限"
    if "Expected Number of Columns" in text:
        found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        detail = f"：表头有 {found[1]} 列，该行有 {found[2]} 列" if found else ""
        return f"CSV {where}的列数与表头不一致{detail}"
    if "Invalid unicode" in text:
        return f"CSV {where}含有无法识别的字符，请另存为 UTF-8 或 GBK 编码"
    if "unterminated quotes" in text.lower() or "quote" in text.lower():
        return f"CSV {where}的引号不配对"
    return f"CSV 文件无法解析（{where}）：{text.strip().splitlines()[0][:200]}"


# ---- xlsx -------------------------------------------------------------------------------------


def load_xlsx(
    path: Path | str,
    columns: Sequence[str],
    *,
    sheet: str | None = None,
    limits: Limits | None = None,
    filename: str | None = None,
) -> Dataset:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path, limits = Path(path), limits or Limits()
    name = filename or path.name
    check_size(path, limits, f"文件「{name}」")
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise QualityError(f"「{name}」不是有效的 xlsx 文件（.xls 等旧格式请另存为 .xlsx）")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, InvalidFileException, ValueError) as exc:
        raise QualityError(f"「{name}」不是有效的 xlsx 文件，无法打开") from exc
    try:
        with building(limits, f"Excel 文件「{name}」") as b:
            _read_xlsx(b, workbook, path, sheet, columns, limits)
            return b.finish(columns)
    finally:
        workbook.close()


def _read_xlsx(
    b: Builder, workbook: Any, path: Path, sheet: str | None, wanted: Sequence[str], limits: Limits
) -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if sheet is not None and sheet not in workbook.sheetnames:
        raise QualityError(f"找不到工作表「{sheet}」；文件中的工作表：{'、'.join(workbook.sheetnames)}")
    ws = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    if not isinstance(ws, ReadOnlyWorksheet):
        raise QualityError(f"「{ws.title}」不是数据工作表")
    merged = _first_merged_range(path, ws)
    if merged:
        raise QualityError(
            f"工作表「{ws.title}」含合并单元格（{merged}），请取消合并、每格填入数据后重新上传"
        )
    declared = ws.max_row
    if declared is not None and declared > limits.xlsx_max_rows + _HEADER_SEARCH_ROWS:
        raise QualityError(
            f"工作表「{ws.title}」有 {declared:,} 行，超过 Excel 导入 {limits.xlsx_max_rows:,} 行的上限"
        )

    rows = ws.iter_rows(values_only=False)
    header_at, positions = _find_header(rows, wanted, ws.title)
    b.con.execute(
        f"CREATE TABLE {LOADED} ({ROW} BIGINT, " + ", ".join(f"{sql_ident(n)} VARCHAR" for n in wanted) + ")"
    )
    batch: list[list[Any]] = [[] for _ in range(len(wanted) + 1)]
    numeric_overflow = dict.fromkeys(wanted, 0)
    count = skipped = 0
    started = time.monotonic()
    for number, row in enumerate(rows, start=header_at + 1):
        if all(cell.value is None or cell.value == "" for cell in row):
            skipped += 1
            continue
        count += 1
        if count > limits.xlsx_max_rows:
            raise QualityError(
                f"工作表「{ws.title}」超过 Excel 导入 {limits.xlsx_max_rows:,} 行的上限，请拆分后上传"
            )
        batch[0].append(number)
        for slot, (column, at) in enumerate(zip(wanted, positions, strict=True), start=1):
            cell = row[at] if at < len(row) else None
            if cell is not None and cell.data_type == "f":
                raise QualityError(
                    f"单元格 {cell.coordinate}（「{column}」列）含公式，请将公式转换为数值（选择性粘贴为数值）后重新上传"
                )
            value = None if cell is None else cell.value
            if isinstance(value, float) and abs(value) >= 1e15:
                numeric_overflow[column] += 1
            batch[slot].append(_cell_text(value))
        if count % 5_000 == 0 and time.monotonic() - started > limits.load_timeout_s:
            raise QualityError(f"读取数据超时（超过 {limits.load_timeout_s:g} 秒）")
        if len(batch[0]) >= _BATCH:
            _insert(b, wanted, batch)
            batch = [[] for _ in range(len(wanted) + 1)]
    if batch[0]:
        _insert(b, wanted, batch)
    b.con.execute(f"CREATE VIEW {DATA} AS SELECT * FROM {LOADED}")
    for column, n in numeric_overflow.items():
        if n:
            b.warnings.append(
                f"「{column}」列有 {n} 个单元格以数字保存且超过 15 位，Excel 只保留 15 位有效数字，"
                "末几位可能已经丢失；请把该列设为文本格式后重新录入"
            )
    if skipped:
        b.warnings.append(f"跳过了 {skipped} 个空行")


def _find_header(rows: Iterable[Any], wanted: Sequence[str], title: str) -> tuple[int, list[int]]:
    best: list[str] = []
    for number, row in enumerate(rows, start=1):
        names = ["" if cell.value is None else str(cell.value).strip() for cell in row]
        if all(name in names for name in wanted):
            duplicated = sorted({n for n in wanted if names.count(n) > 1})
            if duplicated:
                raise QualityError(f"工作表「{title}」第 {number} 行表头重复：{'、'.join(duplicated)}")
            return number, [names.index(name) for name in wanted]
        if sum(name in names for name in wanted) > sum(name in best for name in wanted) or not best:
            best = [n for n in names if n]
        if number >= _HEADER_SEARCH_ROWS:
            break
    require_columns(best, wanted, f"工作表「{title}」的表头")
    raise QualityError(f"工作表「{title}」没有表头")  # unreachable: require_columns raised


def _cell_text(value: Any) -> str | None:
    # bool before int: True is an int too.
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == clock() else value.isoformat(sep=" ")
    if isinstance(value, date | clock):
        return value.isoformat()
    return str(value)


def _insert(b: Builder, wanted: Sequence[str], batch: list[list[Any]]) -> None:
    table = pa.table(
        [pa.array(batch[0], pa.int64()), *(pa.array(col, pa.string()) for col in batch[1:])],
        names=[ROW, *wanted],
    )
    b.con.register("__zt_batch", table)
    try:
        b.con.execute(f"INSERT INTO {LOADED} SELECT * FROM __zt_batch")
    finally:
        b.con.unregister("__zt_batch")


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _first_merged_range(path: Path, ws: Any) -> str | None:
    """The first merged range in the sheet's XML; read-only mode does not expose them."""
    part = getattr(ws, "_worksheet_path", None)
    if not part:
        return None
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as xml:
        while chunk := xml.read(1024**2):
            found = _MERGE.search(tail + chunk)
            if found:
                return found[1].decode()
            tail = chunk[-256:]
    return None


# ---- Parquet ----------------------------------------------------------------------------------


def load_parquet(
    path: Path | str, columns: Sequence[str], *, limits: Limits | None = None, filename: str | None = None
) -> Dataset:
    """A view over the file, not a copy: the file must stay in place until the dataset is closed."""
    import pyarrow.parquet as pq

    path, limits = Path(path), limits or Limits()
    name = filename or path.name
    check_size(path, limits, f"文件「{name}」")
    with path.open("rb") as fh:
        if fh.read(4) != b"PAR1":
            raise QualityError(f"「{name}」不是有效的 Parquet 文件")
    try:
        parquet = pq.ParquetFile(path)
        schema, rows = parquet.schema_arrow, parquet.metadata.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise QualityError(f"「{name}」不是有效的 Parquet 文件，或文件已损坏") from exc
    require_columns(schema.names, columns, f"Parquet 文件「{name}」")
    for column in columns:
        kind = schema.field(column).type
        if pa.types.is_nested(kind) or pa.types.is_dictionary(kind) and pa.types.is_nested(kind.value_type):
            raise QualityError(f"「{column}」列是嵌套类型（{kind}），无法逐值检查；请展开为普通列")
        if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
            raise QualityError(f"「{column}」列是二进制类型（{kind}），无法按文本检查；请保存为字符串列")
    if rows > limits.max_rows:
        raise QualityError(f"数据有 {rows:,} 行，超过 {limits.max_rows:,} 行的上限，请拆分后分别检查")
    with building(limits, f"Parquet 文件「{name}」") as b:
        picked = ", ".join(sql_ident(n) for n in columns)
        b.con.execute(
            f"CREATE VIEW {DATA} AS SELECT file_row_number + 1 AS {ROW}, {picked} "
            f"FROM read_parquet({sql_str(str(path.resolve()))}, file_row_number = true)"
        )
        b.numbered = True
        return b.finish(columns)


_LOADERS: dict[str, Callable[..., Dataset]] = {
    ".csv": load_csv,
    ".txt": load_csv,
    ".xlsx": load_xlsx,
    ".xlsm": load_xlsx,
    ".parquet": load_parquet,
}
