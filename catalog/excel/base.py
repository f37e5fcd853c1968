"""What every list's import shares: read and check the sheet, type the cells, resolve units, and apply
the records through the services in one transaction (all or nothing).

Order of work, for every list:
1. read (`reader.read_sheet`): refuse an unsound file before looking at any row;
2. headers: every column the import reads must be there, once, and nothing unknown;
3. cells: each typed by its column (`cells.parse`); a bad cell is an error, the row goes on;
4. records: lookups against the database in bulk, then the domain rules, collecting every error;
5. only if there is no error at all: one transaction, each record through its service function
   (which checks permission again, validates again and writes the audit entry). A service that still
   refuses (a race with another person's edit) rolls the whole import back and is reported the same way.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import DatabaseError, transaction
from openpyxl.utils import get_column_letter

from catalog.excel import cells
from catalog.excel.layout import LAYOUTS, MAX_DATA_ROWS, NOTE_HEADER, Layout
from catalog.excel.reader import Sheet, WorkbookError, read_sheet
from catalog.excel.report import ImportReport
from core.errors import DomainError, NotAllowed
from core.models import Unit, User
from core.units import UnitMatcher

T = TypeVar("T")


@dataclass
class ParsedRow:
    number: int  # the worksheet's row number
    values: dict[str, Any] = field(default_factory=dict)  # header → typed value (blank and bad cells absent)
    raw: dict[str, Any] = field(default_factory=dict)  # header → the cell as read, for error messages


def require_importer(actor: User, unit: Unit | None, what: str) -> None:
    """Keepers import their own unit's list; the data-center admin any unit's (unit=None)."""
    from catalog.services import can_keep

    if unit is None:
        if not actor.is_dc_admin:
            raise NotAllowed(f"只有大数据中心管理员可以导入各单位的{what}")
    elif not can_keep(actor, unit):
        raise NotAllowed(f"只有本单位的首席数据官、超级数据员或大数据中心管理员可以导入{what}")


def load(layout: Layout, data: bytes, report: ImportReport, *, max_rows: int = MAX_DATA_ROWS
         ) -> list[ParsedRow] | None:
    """The typed rows, or None when the file itself is refused (the reason is in the report)."""
    with report.timing("read"):
        try:
            sheet = read_sheet(data, layout.title, max_rows=max_rows)
        except WorkbookError as exc:
            report.add(None, "", "", exc.message)
            return None
    with report.timing("validate"):
        return _typed_rows(layout, sheet, report)


def _typed_rows(layout: Layout, sheet: Sheet, report: ImportReport) -> list[ParsedRow] | None:
    positions = _check_headers(layout, sheet.headers, report)
    if positions is None:
        return None
    by_position = {pos: header for header, pos in positions.items()}
    for issue in sheet.issues:
        report.add(issue.row, by_position.get(issue.column - 1, ""), issue.value, issue.message)
    reading = {pos: (header, layout.by_header[header]) for header, pos in positions.items()
               if not layout.by_header[header].export_only}
    ignored = {i for i, h in enumerate(sheet.headers) if h == NOTE_HEADER} | set(positions.values())
    parse, invalid = cells.parse, cells.CellValueError
    rows: list[ParsedRow] = []
    for number, values in sheet.rows:
        row = ParsedRow(number)
        raw, typed = row.raw, row.values
        stray: list[tuple[int, Any]] = []
        for pos, value in enumerate(values):  # in column order, as the headers were matched
            if value is None:
                continue
            target = reading.get(pos)
            if target is None:
                if pos not in ignored:
                    stray.append((pos, value))
                continue
            header, column = target
            raw[header] = value
            try:
                typed[header] = parse(column, value)
            except invalid as exc:
                report.add(number, header, value, exc.message)
        for pos, value in stray:
            report.add(number, f"第 {get_column_letter(pos + 1)} 列", value, "该列没有列名，内容无法识别；请删除该列或使用模板")
            ignored.add(pos)  # once per column is enough
        rows.append(row)
    report.rows = len(rows)
    if not rows:
        report.add(None, "", "", f"“{layout.title}”工作表中没有数据：请从第 2 行起填写")
        return None
    return rows


def _check_headers(layout: Layout, found: list[str], report: ImportReport) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    unknown: list[str] = []
    twice: list[str] = []
    for index, header in enumerate(found):
        if not header or header == NOTE_HEADER:
            continue
        if header not in layout.by_header:
            unknown.append(header)
        elif header in positions:
            twice.append(header)
        else:
            positions[header] = index
    missing = [c.header for c in layout.columns if not c.export_only and c.header not in positions]
    if not (missing or unknown or twice):
        return positions
    problems = []
    if missing:
        problems.append("缺少列：" + "、".join(missing))
    if unknown:
        problems.append("不属于本清单的列：" + "、".join(unknown[:20]))
    if twice:
        problems.append("重复的列：" + "、".join(twice))
    hint = ""
    for other in LAYOUTS.values():
        if other.name != layout.name and sum(h in other.by_header for h in found) > len(other.columns) // 2 \
                and len(missing) > len(layout.columns) // 2:
            hint = f"这个文件看起来是“{other.title}”，请在导入页面选择对应的清单。"
    report.add(None, "", "", f"第 1 行的列名与“{layout.title}”模板不一致（{'；'.join(problems)}）。{hint}"
                             f"本清单的列依次为：{'、'.join(layout.headers)}。请下载模板，按模板的列填写。")
    return None


class Units:
    """Every spelling of every active unit (short name, full name, aliases), indexed once per import."""

    def __init__(self) -> None:
        self.matcher = UnitMatcher()

    def find(self, name: str) -> Unit | None:
        return self.matcher.match(name)


def resolve_unit(name: str | None, number: int, header: str, units: Units, own: Unit | None,
                 report: ImportReport, *, what: str, required: bool = True, only_own: bool = True) -> Unit | None:
    """The unit a cell names; a keeper (own = their unit) may leave it blank, and (only_own) name no other."""
    if not name:
        if own is None and required:
            report.add(number, header, "", f"请填写“{header}”")
        return own
    unit = units.find(name)
    if unit is None:
        report.add(number, header, name, f"单位“{name}”不存在，请填写单位简称或全称（可从下拉列表选择）")
        return None
    if only_own and own is not None and unit.pk != own.pk:
        report.add(number, header, name, f"只能导入本单位（{own.short_name}）的{what}，不能填写“{name}”")
        return None
    return unit


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of one import.

    An import keeps every row, record and model instance it makes until it ends, and each full
    collection walks all of them although none can be garbage: over a second of a 10,000-row import.
    The few cycles an import leaves are collected after it. The switch is per process: another
    thread's request meanwhile only collects later.
    """
    if not gc.isenabled():  # paused already (an import within an import, or another thread's)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_import(actor: User, unit: Unit | None, data: bytes, layout: Layout, kind: str, what: str,
               records_of: Callable[[list[Any], ImportReport], list[T]], apply_one: Callable[[T], str],
               row_of: Callable[[T], int]) -> ImportReport:
    """The pipeline every one-row-per-record list shares: check the importer, read, validate, apply."""
    require_importer(actor, unit, what)
    report = ImportReport(kind, layout.title)
    with collector_paused():
        rows = load(layout, data, report)
        if rows is None:
            return report
        with report.timing("validate"):
            records = records_of(rows, report)
            report.records = len(records)
        if not report.errors:
            apply_all(report, layout, records, apply_one, row_of)
    return report


def apply_all(report: ImportReport, layout: Layout, records: Iterable[T], apply_one: Callable[[T], str | list[str]],
              row_of: Callable[[T], int]) -> None:
    """Apply every record in one transaction; any refusal rolls all of them back and is reported.

    `apply_one` returns what it did ("created", "updated", "unchanged"), or a list of those when one
    record stands for a batch written at once.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with report.timing("write"):
        try:
            with transaction.atomic():
                for record in records:
                    try:
                        outcome = apply_one(record)
                        for done in [outcome] if isinstance(outcome, str) else outcome:
                            counts[done] += 1
                    except DomainError as exc:
                        report.add(row_of(record), layout.header_of(exc.field), "", exc.message)
                if report.errors:
                    transaction.set_rollback(True)
        except DatabaseError as exc:
            report.add(None, "", "", f"写入数据库时出错，本次导入未写入任何内容，请稍后重试（{type(exc).__name__}）")
    if report.errors:
        return
    report.created, report.updated, report.unchanged = counts["created"], counts["updated"], counts["unchanged"]


def check_required(layout: Layout, row: ParsedRow, report: ImportReport) -> bool:
    """Report every required cell left blank; True when none is."""
    ok = True
    for column in layout.columns:
        if column.required and column.header not in row.values and column.header not in row.raw:
            report.add(row.number, column.header, "", f"请填写“{column.header}”")
            ok = False
    return ok
