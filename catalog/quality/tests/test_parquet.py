"""Loading Parquet: native types, unexpected types, broken files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from catalog.quality import (
    ColumnSpec,
    DataType,
    DateFormat,
    FileSource,
    Limits,
    NumericRange,
    QualityError,
    QualityPlan,
    RegionCode,
    ResidentId,
    run,
)
from catalog.quality.tests.support import AS_OF, bad_check, resident_id, result, run_parquet, write_parquet

ID_PLAN = QualityPlan((ColumnSpec("身份证号", required=True, unique=True, rule=ResidentId()),), as_of=AS_OF)


def test_it_checks_native_types_without_casting(tmp_path: Path) -> None:
    plan = QualityPlan(
        (
            ColumnSpec("出生日期", data_type=DataType.DATE, rule=DateFormat()),
            ColumnSpec("金额", data_type=DataType.NUMBER, required=True, rule=NumericRange(0, 100)),
        ),
        as_of=AS_OF,
    )
    columns = {
        "出生日期": pa.array([date(1990, 1, 1), None, date(2000, 2, 29)]),
        "金额": pa.array([1.5, float("nan"), 101.0]),
    }

    report = run_parquet(tmp_path, columns, plan)

    assert result(report, "validity", "出生日期").failed == 0
    assert result(report, "completeness", "金额").failed == 1  # NaN counts as missing
    amount = result(report, "validity", "金额")
    assert (amount.failed, dict(amount.reasons), amount.samples[0].row) == (1, {"大于 100": 1}, 3)
    assert report.warnings == ()


def test_it_checks_an_id_column_stored_as_int64_as_text_with_a_warning(tmp_path: Path) -> None:
    ids = [int(resident_id(i)) for i in range(1, 5) if resident_id(i)[-1] != "X"]
    ids.append(int(bad_check(resident_id(50), "0123456789")))

    report = run_parquet(tmp_path, {"身份证号": pa.array(ids, pa.int64())}, ID_PLAN)

    assert result(report, "validity", "身份证号").failed == 1
    assert result(report, "uniqueness", "身份证号").failed == 0
    assert any("BIGINT" in w and "末位为 X" in w for w in report.warnings)


def test_it_checks_region_codes_stored_as_integers(tmp_path: Path) -> None:
    plan = QualityPlan((ColumnSpec("区划", rule=RegionCode()),), as_of=AS_OF)

    report = run_parquet(tmp_path, {"区划": pa.array([321324, 320000, 329999], pa.int32())}, plan)

    assert result(report, "validity", "区划").failed == 1


def test_it_flags_numbers_where_the_item_says_date(tmp_path: Path) -> None:
    plan = QualityPlan((ColumnSpec("日期", data_type=DataType.DATE),), as_of=AS_OF)

    report = run_parquet(tmp_path, {"日期": pa.array([20250101, None], pa.int64())}, plan)

    conformity = result(report, "conformity", "日期")
    assert conformity.failed == 1 and "类型不符（实际为 BIGINT）" in conformity.description


def test_it_refuses_a_nested_column(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "nested.parquet", {"身份证号": pa.array([{"a": 1}, {"a": 2}])})

    with pytest.raises(QualityError, match="「身份证号」列是嵌套类型"):
        run(FileSource(path), ID_PLAN)


def test_it_refuses_a_binary_column(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "binary.parquet", {"身份证号": pa.array([b"\xff\x00"], pa.binary())})

    with pytest.raises(QualityError, match="二进制类型"):
        run(FileSource(path), ID_PLAN)


def test_it_names_the_missing_column(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "other.parquet", {"证件号码": pa.array(["1"])})

    with pytest.raises(QualityError, match="缺少列：身份证号。应有表头：身份证号；实际表头：证件号码"):
        run(FileSource(path), ID_PLAN)


def test_it_refuses_a_truncated_file(tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "cut.parquet", {"身份证号": pa.array([resident_id(i) for i in range(100)])}
    )
    path.write_bytes(path.read_bytes()[:-40])

    with pytest.raises(QualityError, match="不是有效的 Parquet 文件"):
        run(FileSource(path), ID_PLAN)


def test_it_refuses_a_file_that_is_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "fake.parquet"
    path.write_text("身份证号\n1\n", encoding="utf-8")

    with pytest.raises(QualityError, match="不是有效的 Parquet 文件"):
        run(FileSource(path), ID_PLAN)


def test_it_refuses_more_rows_than_the_limit_before_reading_them(tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "rows.parquet", {"身份证号": pa.array([resident_id(i) for i in range(20)])}
    )

    with pytest.raises(QualityError, match="超过 10 行的上限"):
        run(FileSource(path), ID_PLAN, limits=Limits(max_rows=10))


def test_it_reports_an_empty_file_as_an_empty_dataset(tmp_path: Path) -> None:
    report = run_parquet(tmp_path, {"身份证号": pa.array([], pa.string())}, ID_PLAN)

    assert report.rows == 0 and [f.kind.value for f in report.findings] == ["volume"]


def test_it_keeps_huge_values_out_of_the_report(tmp_path: Path) -> None:
    huge = "9" * 5_000_000

    report = run_parquet(tmp_path, {"身份证号": pa.array([resident_id(1), huge, huge])}, ID_PLAN)

    validity = result(report, "validity", "身份证号")
    assert validity.failed == 2 and all(len(s.value) == 65 for s in validity.samples)
    duplicate = result(report, "uniqueness", "身份证号")
    assert duplicate.failed == 1 and duplicate.samples[0].reason == "与第 2 行重复"
    assert len(duplicate.samples[0].value) == 65
