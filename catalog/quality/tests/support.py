"""Small builders shared by the quality engine's tests: valid identifiers and files made in tmp_path."""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from catalog.quality import Dataset, Limits, QualityPlan, QualityReport, check, load_csv, load_parquet
from core.identifiers import credit_code_check_char, org_code_check_char, resident_id_check_char

AS_OF = date(2025, 6, 30)
RNG_SEED = 20250630


def resident_id(n: int, *, born: str = "19900101") -> str:
    first17 = f"320324{born}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def bad_check(code: str, alphabet: str = "0123456789X") -> str:
    """The same code with another, wrong, last character."""
    return code[:-1] + next(ch for ch in alphabet if ch != code[-1])


def credit_code(n: int) -> str:
    first17 = f"91321324MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def org_code(n: int) -> str:
    body = f"{n:08d}"
    return f"{body}-{org_code_check_char(body)}"


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_parquet(path: Path, columns: dict[str, Any]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def run_csv(
    tmp_path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], plan: QualityPlan
) -> QualityReport:
    path = write_csv(tmp_path / "data.csv", header, rows)
    with load_csv(path, plan.column_names, limits=Limits(threads=1)) as dataset:
        return check(dataset, plan)


def run_parquet(tmp_path: Path, columns: dict[str, Any], plan: QualityPlan) -> QualityReport:
    path = write_parquet(tmp_path / "data.parquet", columns)
    with load_parquet(path, plan.column_names, limits=Limits(threads=1)) as dataset:
        return check(dataset, plan)


def result(report: QualityReport, kind: str, column: str | None) -> Any:
    found = [r for r in report.results if r.kind.value == kind and r.column == column]
    assert len(found) == 1, f"expected one {kind} result for {column}, got {len(found)}"
    return found[0]


def rng() -> random.Random:
    return random.Random(RNG_SEED)


def close(dataset: Dataset) -> None:
    dataset.close()
