"""What an import did, or every reason it did nothing (row, column, value, Chinese message)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# A file with thousands of bad rows: keep enough to fix it, count the rest.
MAX_ERRORS = 10_000


@dataclass(frozen=True, slots=True)
class CellError:
    row: int | None  # the worksheet's row number (1 = header); None for the file as a whole
    column: str  # the column's header; "" when the error is about the row or the file
    value: str  # what the cell held, as text
    message: str

    @property
    def where(self) -> str:
        if self.row is None:
            return "整个文件"
        return f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")

    def to_json(self) -> list[Any]:
        return [self.row, self.column, self.value, self.message]

    @classmethod
    def from_json(cls, data: list[Any]) -> CellError:
        row, column, value, message = data
        return cls(row if row is None else int(row), str(column), str(value), str(message))


@dataclass
class ImportReport:
    """The outcome of one import: counts when it was applied, errors when nothing was written."""

    list_name: str
    title: str
    rows: int = 0  # data rows read (blank rows not counted)
    records: int = 0  # records those rows describe (a resource spans several rows)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    more_errors: int = 0  # errors beyond MAX_ERRORS, counted but not listed
    timings: dict[str, float] = field(default_factory=dict)  # read / validate / write (+ _cpu), seconds

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    @property
    def file_error(self) -> bool:
        """The file itself was refused (not a workbook, wrong headers…): there is no row to annotate."""
        return any(e.row is None for e in self.errors)

    def add(self, row: int | None, column: str, value: Any, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.more_errors += 1
            return
        self.errors.append(CellError(row, column, display(value), message))

    def error_rows(self) -> set[int]:
        return {e.row for e in self.errors if e.row is not None}

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        """Add the block's wall and CPU seconds to timings[phase] and timings[phase + "_cpu"]."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - wall
            self.timings[f"{phase}_cpu"] = self.timings.get(f"{phase}_cpu", 0.0) + time.process_time() - cpu


def display(value: Any) -> str:
    """A cell's value as the person typed it, for the error table."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d"))
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"
