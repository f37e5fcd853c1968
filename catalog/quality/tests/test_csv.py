"""Loading CSV uploads: encodings, headers, ragged and oversized records, limits, clean-up."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.quality import (
    ColumnSpec,
    FileSource,
    Limits,
    QualityError,
    QualityPlan,
    ResidentId,
    check,
    load_csv,
    load_file,
    run,
)
from catalog.quality.tests.support import AS_OF, resident_id, result, write_csv

PLAN = QualityPlan(
    (ColumnSpec("姓名", required=True), ColumnSpec("身份证号", rule=ResidentId())), as_of=AS_OF
)
ROWS = [["张三", resident_id(1)], ["李四", resident_id(2)], ["", resident_id(3)[:-1] + "0"]]


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test's engine temp folders go under tmp_path/engine, so clean-up can be asserted."""
    folder = tmp_path / "engine"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def _left_behind(folder: Path) -> list[str]:
    return os.listdir(folder)


def test_it_reads_utf8_with_a_byte_order_mark(tmp_path: Path, private_tempdir: Path) -> None:
    path = write_csv(tmp_path / "人口.csv", ["姓名", "身份证号"], ROWS, encoding="utf-8-sig")

    report = run(FileSource(path), PLAN)

    assert report.rows == 3
    assert result(report, "completeness", "姓名").failed == 1
    assert result(report, "validity", "身份证号").failed == 1
    assert report.warnings == ()
    assert _left_behind(private_tempdir) == []


def test_it_reads_gbk_and_says_it_converted_it(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", ["姓名", "身份证号"], ROWS, encoding="gbk")

    report = run(FileSource(path), PLAN)

    assert report.rows == 3 and result(report, "completeness", "姓名").failed == 1
    assert any("GBK" in w for w in report.warnings)


def test_it_notices_gbk_that_starts_after_a_long_ascii_stretch(tmp_path: Path) -> None:
    # The first 256 KiB are plain ASCII, so the sniffer says UTF-8; DuckDB finds out further down.
    rows = [[f"name{i:06d}", resident_id(i)] for i in range(12_000)] + [["王五", resident_id(7)]]
    path = write_csv(tmp_path / "late.csv", ["姓名", "身份证号"], rows, encoding="gbk")

    report = run(FileSource(path), PLAN)

    assert report.rows == 12_001
    assert any("GBK" in w for w in report.warnings)


def test_it_reads_tab_separated_utf16_from_excel(tmp_path: Path) -> None:
    text = "姓名\t身份证号\r\n张三\t" + resident_id(1) + "\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))

    report = run(FileSource(path), PLAN)

    assert report.rows == 1 and report.passed


def test_it_names_the_expected_headers_when_a_column_is_missing(
    tmp_path: Path, private_tempdir: Path
) -> None:
    path = write_csv(tmp_path / "wrong.csv", ["名字", "证件号码"], ROWS)

    with pytest.raises(QualityError) as excinfo:
        run(FileSource(path), PLAN)

    message = excinfo.value.message
    assert "缺少列：姓名、身份证号" in message and "应有表头：姓名、身份证号" in message and "名字" in message
    assert _left_behind(private_tempdir) == []


def test_it_refuses_duplicate_headers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", ["姓名", "身份证号", "姓名"], [["a", "b", "c"]])

    with pytest.raises(QualityError, match="表头重复：姓名"):
        run(FileSource(path), PLAN)


def test_it_points_at_the_line_whose_field_count_is_wrong(tmp_path: Path, private_tempdir: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("姓名,身份证号\n张三,1\n李四,2,多余\n王五,3\n", encoding="utf-8")

    with pytest.raises(QualityError, match="第 3 行的列数与表头不一致：表头有 2 列，该行有 3 列"):
        run(FileSource(path), PLAN)
    assert _left_behind(private_tempdir) == []


def test_it_refuses_a_record_longer_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("姓名,身份证号\n张三,1\n李四," + "x" * 300_000 + "\n", encoding="utf-8")

    with pytest.raises(QualityError, match="第 3 行过长"):
        run(FileSource(path), PLAN, limits=Limits(max_line_bytes=100_000))


def test_it_checks_a_long_value_within_the_limit_and_shortens_the_sample(tmp_path: Path) -> None:
    long_value = "1" * 200_000
    path = write_csv(tmp_path / "wide.csv", ["姓名", "身份证号"], [["张三", long_value]])

    report = run(FileSource(path), PLAN)

    validity = result(report, "validity", "身份证号")
    assert validity.failed == 1
    shown = validity.samples[0].value
    assert len(shown) == 65 and shown.endswith("…") and shown.startswith("111111***")  # cut, then masked


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(QualityError, match="为空（0 字节）"):
        run(FileSource(path), PLAN)


def test_it_reports_a_header_only_file_as_an_empty_dataset(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "header.csv", ["姓名", "身份证号"], [])

    report = run(FileSource(path), PLAN)

    volume = result(report, "volume", None)
    assert report.rows == 0 and not volume.passed and volume.description == "数据集为空（0 行）"
    assert result(report, "validity", "身份证号").failure_rate == 0.0
    assert [f.kind.value for f in report.findings] == ["volume"]


def test_it_refuses_more_rows_than_the_limit(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "many.csv", ["姓名", "身份证号"], [["a", "1"]] * 11)

    with pytest.raises(QualityError, match="超过 10 行的上限"):
        run(FileSource(path), PLAN, limits=Limits(max_rows=10))


def test_it_refuses_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "big.csv", ["姓名", "身份证号"], ROWS)

    with pytest.raises(QualityError, match="过大"):
        run(FileSource(path), PLAN, limits=Limits(max_file_bytes=10))


def test_it_refuses_bytes_that_are_neither_utf8_nor_gbk(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes("姓名,身份证号\n".encode() + bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 50)

    with pytest.raises(QualityError, match="编码"):
        run(FileSource(path), PLAN)


def test_it_picks_the_loader_by_the_uploaded_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "upload.tmp", ["姓名", "身份证号"], ROWS)

    with load_file(path, PLAN.column_names, filename="人口.csv") as dataset:
        assert dataset.rows == 3 and "人口.csv" in dataset.source
    with pytest.raises(QualityError, match="另存为 .xlsx"):
        load_file(path, PLAN.column_names, filename="人口.xls")
    with pytest.raises(QualityError, match="不支持的文件类型"):
        load_file(path, PLAN.column_names, filename="人口.pdf")


def test_it_reads_only_the_wanted_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "extra.csv", ["序号", "姓名", "身份证号", "备注"], [[1, "张三", resident_id(1), "x"]]
    )

    with load_csv(path, PLAN.column_names) as dataset:
        assert list(dataset.columns) == ["姓名", "身份证号"]
        assert check(dataset, PLAN).passed
