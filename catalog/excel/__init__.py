"""Excel round-trip of the four lists (四清单): templates, exports and all-or-nothing imports.

- `layout`: the columns of each list (headers, kinds, dropdown values) — one table for all three files;
- `writer`: the workbook (data sheet + 填写说明 + hidden 代码表); `reader`: the defensive reader;
- `cells`: one cell → a typed value; `base`: the shared import pipeline; one module per list with its
  importer and its export rows; `store`: failed uploads kept briefly for the annotated download.

An exported file re-imports unchanged (nothing is written for records the file does not change).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from catalog.excel.demands import demand_rows, import_demands
from catalog.excel.layout import CATEGORY, LAYOUTS, MAX_DATA_ROWS, UNIT, Layout
from catalog.excel.reader import WorkbookError, read_sheet
from catalog.excel.report import CellError, ImportReport
from catalog.excel.resources import import_resources, resource_rows
from catalog.excel.sharing import import_sharing, sharing_rows
from catalog.excel.systems import import_systems, system_rows
from catalog.excel.writer import XLSX, build_workbook
from catalog.models import Category
from core.models import Unit, User

Importer = Callable[[User, Unit | None, bytes], ImportReport]
IMPORTERS: dict[str, Importer] = {
    "resources": import_resources, "systems": import_systems, "sharing": import_sharing, "demands": import_demands,
}
ROWS: dict[str, Callable[[Iterable[Any]], Iterable[list[Any]]]] = {
    "resources": resource_rows, "systems": system_rows, "sharing": sharing_rows, "demands": demand_rows,
}

__all__ = [
    "IMPORTERS", "LAYOUTS", "XLSX", "CellError", "ImportReport", "Layout", "WorkbookError", "annotated_workbook",
    "dropdown_lists", "export_workbook", "import_demands", "import_resources", "import_sharing", "import_systems",
    "template_workbook",
]


def dropdown_lists() -> dict[str, list[str]]:
    """Values of the unit and classification dropdowns (the hidden 代码表 sheet)."""
    return {
        UNIT: [u.short_name for u in Unit.objects.active()],
        CATEGORY: [f"{c.code} {c.name}" for c in Category.objects.order_by("code")],
    }


def template_workbook(layout: Layout) -> bytes:
    """The empty workbook to fill in."""
    return build_workbook(layout, lists=dropdown_lists())


def export_workbook(layout: Layout, records: Iterable[Any]) -> bytes:
    """These records in the template's layout (prefetch what the list's row builder reads)."""
    rows = ((number, values) for number, values in enumerate(ROWS[layout.name](records), start=2))
    return build_workbook(layout, rows, lists=dropdown_lists())


def annotated_workbook(layout: Layout, data: bytes, errors: Sequence[CellError]) -> bytes:
    """The upload, in the template's layout and with its row numbers, each error cell red and explained.

    Raises WorkbookError if the upload cannot be read (then there is nothing to annotate).
    """
    sheet = read_sheet(data, layout.title, max_rows=MAX_DATA_ROWS)
    positions: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        positions.setdefault(header, index)
    column_index = {c.header: i for i, c in enumerate(layout.columns)}
    marks: dict[int, tuple[set[int], list[str]]] = {}
    for error in errors:
        if error.row is None:
            continue
        marked, messages = marks.setdefault(error.row, (set(), []))
        if error.column in column_index:
            marked.add(column_index[error.column])
        messages.append(f"{error.column}：{error.message}" if error.column else error.message)
    notes = {row: (marked, "；".join(messages)) for row, (marked, messages) in marks.items()}
    rows = []
    for number, values in sheet.rows:
        row = []
        for column in layout.columns:
            pos = positions.get(column.header)
            row.append(values[pos] if pos is not None and pos < len(values) else None)
        rows.append((number, row))
    return build_workbook(layout, rows, lists=dropdown_lists(), notes=notes)
