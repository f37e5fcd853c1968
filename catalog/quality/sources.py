"""One call for a caller that has a file or a table: load, check, clean up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog.quality.databases import load_database
from catalog.quality.engine import check
from catalog.quality.files import load_file, load_xlsx
from catalog.quality.results import QualityReport
from catalog.quality.spec import Limits, QualityPlan


@dataclass(frozen=True)
class FileSource:
    path: Path
    filename: str | None = None  # the uploaded name, when ``path`` is a temp file
    sheet: str | None = None  # xlsx only; default the first sheet


@dataclass(frozen=True)
class DatabaseSource:
    url: str
    table: str


def run(
    source: FileSource | DatabaseSource,
    plan: QualityPlan,
    *,
    limits: Limits | None = None,
    allow_private: bool = False,
    sqlite_dirs: Sequence[Path | str] = (),
) -> QualityReport:
    """Load ``source``, run ``plan`` and clean up; every failure is a ``QualityError``."""
    limits = limits or Limits()
    if isinstance(source, DatabaseSource):
        dataset = load_database(
            source.url,
            source.table,
            plan.column_names,
            limits=limits,
            allow_private=allow_private,
            sqlite_dirs=sqlite_dirs,
        )
    elif source.sheet is not None:
        dataset = load_xlsx(
            source.path, plan.column_names, sheet=source.sheet, limits=limits, filename=source.filename
        )
    else:
        dataset = load_file(source.path, plan.column_names, filename=source.filename, limits=limits)
    with dataset:
        return check(dataset, plan)
