"""The numpy proofs: never vouch for a value the SQL path would fault, and change no report.

The engine sends a column through ``vector`` only when nearly all of it is clean, so the tests of
the rules (which plant many failures) mostly take the SQL path. Here the data is mostly clean, with
the tricky values of ``test_rules`` sprinkled in, and each report is compared with the one the
plain SQL path gives for the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from catalog.quality import (
    AllowedValues,
    ColumnSpec,
    CreditCode,
    DataType,
    DateFormat,
    Limits,
    Mobile,
    NumericRange,
    QualityPlan,
    RegionCode,
    ResidentId,
    Rule,
    TimelinessSpec,
    UpdatePeriod,
    check,
    load_csv,
    load_parquet,
    load_xlsx,
    vector,
)
from catalog.quality.compiler import coded_checks, plan_columns
from catalog.quality.tests.support import (
    AS_OF,
    credit_code,
    resident_id,
    result,
    rng,
    write_csv,
    write_parquet,
)
from catalog.quality.tests.test_rules import CASES, TRICKY
from core.identifiers import region_code_table


def _is_date(value: str, formats: tuple[str, ...]) -> bool:
    from datetime import datetime

    for f in formats:
        try:
            datetime.strptime(value, f)
        except ValueError:
            continue
        return True
    return False


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
DATE_VALUES = [
    "2024-02-29",
    "2023-02-29",
    "1900-02-29",
    "2000-02-29",
    "2025-04-31",
    "2025-13-01",
    "2025-00-10",
    "2025-06-00",
    "2025/06/01",
    "2025/6/01",
    "20250601",
    "20251301",
    "0999-01-01",
    "1000-01-01",
    "9999-12-31",
    "2025-06-1 ",
    " 2025-06-01",
    "2025-06-01",
    "2025.06.01",
    "2025_06_01",
    "２025-06-01",
    "2025-0６-01",
]


def _date_cases() -> list[tuple[str, Rule, Callable[[str], bool], list[str]]]:
    return [("date", DateFormat(DATE_FORMATS), lambda v: _is_date(v, DATE_FORMATS), DATE_VALUES)]


PROVABLE = (ResidentId, CreditCode, Mobile, RegionCode, DateFormat)


def _cases() -> list[tuple[str, Rule, Callable[[str], bool], list[str]]]:
    out = [(n, rule, python, make(rng())) for n, rule, python, make in CASES if isinstance(rule, PROVABLE)]
    out += [(n, rule, python, values) for n, rule, python, values in TRICKY if isinstance(rule, PROVABLE)]
    return out + _date_cases()


@pytest.mark.parametrize(("name", "rule", "python", "values"), _cases(), ids=[c[0] for c in _cases()])
def test_a_proof_vouches_only_for_clean_valid_values(
    name: str, rule: Rule, python: Callable[[str], bool], values: list[str]
) -> None:
    provers = vector._provers(rule, AS_OF)
    assert provers
    vouched = 0
    for value in values:
        raw = value.encode()
        proof = provers.get(len(raw))
        if proof is None:
            continue
        chars = np.frombuffer(raw, dtype=np.uint8).reshape(1, len(raw))
        ok, _ = proof(chars)
        if ok[0]:
            vouched += 1
            assert value == value.strip(), f"{name}: vouched for {value!r}, which needs trimming"
            assert python(value), f"{name}: vouched for {value!r}, which the rule faults"
    assert vouched, f"{name}: the proof vouched for nothing"


def test_a_proof_vouches_for_every_clean_valid_value_of_its_width() -> None:
    r = rng()
    ids = [
        resident_id(i, born=f"{r.randint(1930, 2020)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}")
        for i in range(500)
    ]
    codes = sorted(region_code_table())
    checks: list[tuple[Rule, list[str]]] = [
        (ResidentId(), ids),
        (CreditCode(), [credit_code(i * 7919) for i in range(500)]),
        (Mobile(), [f"1{r.randint(3, 9)}{r.randint(0, 10**9 - 1):09d}" for _ in range(500)]),
        (RegionCode(), r.sample(codes, 500)),
        (DateFormat(DATE_FORMATS), [(AS_OF - timedelta(days=i)).strftime("%Y-%m-%d") for i in range(500)]),
    ]
    for rule, values in checks:
        provers = vector._provers(rule, AS_OF)
        assert provers
        width = len(values[0])
        chars = np.frombuffer("".join(values).encode(), dtype=np.uint8).reshape(len(values), width)
        ok, _ = provers[width](chars)
        assert ok.all(), f"{type(rule).__name__}: {[v for v, k in zip(values, ok, strict=True) if not k][:5]}"


# ---- whole reports: the proof changes nothing -------------------------------------------------

ROWS = 3000


def _column(valid: list[str], tricky: list[str], r: random.Random, nulls: int = 20) -> list[str | None]:
    """``ROWS`` values: mostly ``valid``, every tricky one once, some NULLs and blanks."""
    out: list[str | None] = [r.choice(valid) if len(valid) < ROWS else valid[i] for i in range(ROWS)]
    spots = r.sample(range(ROWS), len(tricky) + nulls + 3)
    for spot, value in zip(spots, tricky, strict=False):
        out[spot] = value
    for spot in spots[len(tricky) : len(tricky) + nulls]:
        out[spot] = None
    for spot, blank in zip(spots[len(tricky) + nulls :], ["", "   ", "\u3000"], strict=True):
        out[spot] = blank
    return out


def _table() -> tuple[dict[str, list[str | None]], QualityPlan]:
    r = rng()
    ids = [resident_id(i % 1000, born=f"{1940 + i // 1000}0{1 + i % 9}1{i % 9}") for i in range(ROWS)]
    r.shuffle(ids)
    tricky_ids = [v for n, _, _, values in TRICKY if n == "resident_id" for v in values]
    # Duplicates: a proven value twice, and a proven value again with blanks around it (left to SQL).
    tricky_ids += [ids[0], ids[1], " " + ids[2] + " ", ids[3].replace("X", "x") if "X" in ids[3] else ids[3]]
    days = [(AS_OF - timedelta(days=r.randint(1, 300))).strftime(r.choice(DATE_FORMATS)) for _ in range(ROWS)]
    later = (AS_OF + timedelta(days=3)).isoformat()
    columns = {
        "身份证号": _column(ids, tricky_ids, r),
        "统一社会信用代码": _column(
            [credit_code(i * 7919) for i in range(200)],
            [v for n, _, _, values in TRICKY if n == "credit_code" for v in values],
            r,
        ),
        "手机号": _column(
            [f"1{r.randint(3, 9)}{r.randint(0, 10**9 - 1):09d}" for _ in range(200)],
            [v for n, _, _, values in TRICKY if n == "mobile" for v in values],
            r,
        ),
        "行政区划代码": _column(
            r.sample(sorted(region_code_table()), 300),
            [v for n, _, _, values in TRICKY if n == "region_code" for v in values],
            r,
        ),
        "业务日期": _column(days, [*DATE_VALUES, later, later, "2026-01-01"], r),
    }
    plan = QualityPlan(
        columns=(
            ColumnSpec(
                "身份证号", required=True, unique=True, rule=ResidentId(), data_type=DataType.CHAR, length=18
            ),
            ColumnSpec("统一社会信用代码", unique=True, rule=CreditCode()),
            ColumnSpec("手机号", rule=Mobile(), sensitive=True),
            ColumnSpec("行政区划代码", required=True, rule=RegionCode()),
            ColumnSpec("业务日期", unique=False, rule=DateFormat(DATE_FORMATS)),
        ),
        timeliness=TimelinessSpec("业务日期", UpdatePeriod.MONTHLY),
        as_of=AS_OF,
        samples=50,
    )
    return columns, plan


def _both(dataset_factory: Callable[[], Any], plan: QualityPlan) -> tuple[Any, Any]:
    with dataset_factory() as dataset:
        fast = check(dataset, plan)
    with dataset_factory() as dataset:
        slow = check(dataset, plan, vectors=False)
    return fast, slow


def _proofs(dataset_factory: Callable[[], Any], plan: QualityPlan) -> dict[str, vector.Proof | None]:
    with dataset_factory() as dataset:
        columns = plan_columns(dataset, plan)
        coded = coded_checks(columns, plan, plan.day(), [])
        return {
            e.column.name: vector.prove(
                dataset.con, e, dataset.rows, dataset.numbered, plan.day(), plan.samples
            )
            for e in vector.entries(columns, coded, plan, plan.day())
        }


def test_the_report_is_the_same_with_and_without_proofs_parquet(tmp_path: Path) -> None:
    columns, plan = _table()
    path = write_parquet(tmp_path / "data.parquet", {k: pa.array(v, pa.string()) for k, v in columns.items()})

    def factory() -> Any:
        return load_parquet(path, plan.column_names, limits=Limits(threads=2))

    proofs = _proofs(factory, plan)
    assert set(proofs) == set(columns)
    assert all(p is not None for p in proofs.values()), "every column should have been proven"
    fast, slow = _both(factory, plan)
    assert fast.results == slow.results
    assert result(fast, "uniqueness", "身份证号").failed >= 2
    assert (
        result(fast, "timeliness", "业务日期").freshness.future_rows == 4
    )  # two days ahead, 2026-01-01, 9999-12-31
    assert result(fast, "completeness", "身份证号").failed == 23


def test_the_report_is_the_same_with_and_without_proofs_csv(tmp_path: Path) -> None:
    columns, plan = _table()
    names = list(columns)
    rows = [["" if columns[n][i] is None else columns[n][i] for n in names] for i in range(ROWS)]
    path = write_csv(tmp_path / "data.csv", names, rows)

    def factory() -> Any:
        return load_csv(path, plan.column_names, limits=Limits(threads=2))

    assert all(p is not None for p in _proofs(factory, plan).values())
    fast, slow = _both(factory, plan)
    assert fast.results == slow.results


def test_the_report_is_the_same_with_and_without_proofs_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    columns, plan = _table()
    names = list(columns)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["县数据资源质量样表"])  # a title row: the data's row numbers are Excel's, not positions
    sheet.append(names)
    for i in range(ROWS):
        sheet.append([columns[n][i] for n in names])
    path = tmp_path / "data.xlsx"
    book.save(path)

    def factory() -> Any:
        return load_xlsx(path, plan.column_names)

    with factory() as dataset:
        assert not dataset.numbered
    assert all(p is not None for p in _proofs(factory, plan).values())
    fast, slow = _both(factory, plan)
    assert fast.results == slow.results
    assert min(s.row for s in result(fast, "completeness", "身份证号").samples) >= 3


def test_a_mostly_faulty_column_goes_the_sql_way_with_the_same_result(tmp_path: Path) -> None:
    r = random.Random(7)
    values = [f"1{r.randint(0, 9)}{r.randint(0, 10**9 - 1):09d}" for _ in range(ROWS)]  # 2 in 10 bad
    plan = QualityPlan((ColumnSpec("手机号", rule=Mobile()),), as_of=AS_OF, samples=20)
    path = write_parquet(tmp_path / "m.parquet", {"手机号": pa.array(values)})

    def factory() -> Any:
        return load_parquet(path, plan.column_names)

    assert _proofs(factory, plan) == {"手机号": None}
    fast, slow = _both(factory, plan)
    assert fast.results == slow.results
    expected = sum(1 for v in values if v[1] in "012")
    assert result(fast, "validity", "手机号").failed == expected


def test_a_length_rule_shorter_than_the_code_leaves_the_column_to_sql() -> None:
    plan = QualityPlan(
        (ColumnSpec("身份证号", rule=ResidentId(), data_type=DataType.CHAR, length=15),), as_of=AS_OF
    )

    class Fake:
        columns = {"身份证号": "VARCHAR"}

    columns = plan_columns(Fake(), plan)  # type: ignore[arg-type]
    assert vector.entries(columns, coded_checks(columns, plan, AS_OF, []), plan, AS_OF) == []


def test_dates_a_proof_reads_are_the_dates_sql_reads() -> None:
    provers = vector._provers(DateFormat(DATE_FORMATS), AS_OF)
    assert provers is not None
    values = ["2024-02-29", "2025/06/01"]
    chars = np.frombuffer("".join(values).encode(), dtype=np.uint8).reshape(2, 10)
    ok, ymd = provers[10](chars)
    assert ok.all() and ymd is not None
    assert [date(int(n) // 10000, int(n) // 100 % 100, int(n) % 100) for n in ymd] == [
        date(2024, 2, 29),
        date(2025, 6, 1),
    ]


def test_a_unique_date_column_of_two_widths_reports_the_same(tmp_path: Path) -> None:
    # Proven values of two widths (10 and 8 bytes) in one batch, repeats among them and across the
    # widths' own rows, repeats dated after the check day, and a repeat hidden by blanks.
    r = random.Random(11)
    later = AS_OF + timedelta(days=5)
    values: list[str | None] = []
    for i in range(ROWS):
        day = AS_OF - timedelta(days=i % 2000 + 1)
        values.append(day.strftime(DATE_FORMATS[i % 3]))
    values += [values[0], values[1], values[2], " " + values[3] + " ", None, ""]
    values += [later.isoformat(), later.isoformat(), later.strftime("%Y%m%d"), later.strftime("%Y%m%d")]
    r.shuffle(values)
    plan = QualityPlan(
        (ColumnSpec("业务日期", unique=True, rule=DateFormat(DATE_FORMATS)),),
        timeliness=TimelinessSpec("业务日期", UpdatePeriod.DAILY),
        as_of=AS_OF,
        samples=50,
    )
    path = write_parquet(tmp_path / "d.parquet", {"业务日期": pa.array(values, pa.string())})

    def factory() -> Any:
        return load_parquet(path, plan.column_names)

    assert _proofs(factory, plan)["业务日期"] is not None
    fast, slow = _both(factory, plan)
    assert fast.results == slow.results
    assert result(fast, "uniqueness", "业务日期").failed == 6
    assert result(fast, "timeliness", "业务日期").freshness.future_rows == 4


def test_a_value_hashes_alike_whether_proven_or_read_as_text() -> None:
    # Proven values are hashed from their byte matrix, the left rows' trimmed keys from their text:
    # equal bytes must give equal hashes on both paths, at every width (a missed repeat otherwise).
    texts = ["", "5", "3201", "1234567", "12345678", "320102", "13800138000", "2025-06-30"]
    texts += [resident_id(7, born="19800101"), credit_code(42), "身份证号码", "a" * 25]
    hashed = vector._hash_texts(pa.array(texts))
    assert len(set(hashed.tolist())) == len(texts)
    assert all(hashed)  # 0 marks "no value"
    for text, h in zip(texts, hashed, strict=True):
        raw = text.encode()
        chars = np.frombuffer(raw * 3, dtype=np.uint8).reshape(3, len(raw))
        assert vector._hash_rows(chars).tolist() == [h] * 3, text


@pytest.mark.parametrize("form", ["parquet", "csv"])
def test_ranges_and_code_lists_report_the_same_with_and_without_proofs(tmp_path: Path, form: str) -> None:
    # Numbers of every width the proof takes (and one it leaves: DECIMAL), at and beyond the bounds,
    # NULL, NaN and ±inf; a 码表 column with blanks, full-width spaces, other cases and a value longer
    # than its 长度 rule allows.
    r = random.Random(5)
    n = ROWS
    doubles = [round(r.uniform(0, 100), 2) for _ in range(n)]
    doubles[:8] = [0.0, 100.0, -0.0, -0.01, 100.01, float("nan"), float("inf"), float("-inf")]
    big = [r.randint(0, 100) for _ in range(n)]
    big[:4] = [2**53, 2**53 + 1, -(2**62), 2**62]
    statuses = [r.choice(["正常", "注销"]) for _ in range(n)]
    statuses[:7] = [" 正常", "正常　", "注 销", "正常正常正常", "", "迁出", "吊销"]
    nulls = set(r.sample(range(8, n), 40))
    table = {
        "得分": pa.array([None if i in nulls else v for i, v in enumerate(doubles)], pa.float64()),
        "件数": pa.array([None if i in nulls else v % 120 for i, v in enumerate(big)], pa.int32()),
        "编号": pa.array([None if i in nulls else v for i, v in enumerate(big)], pa.int64()),
        "金额": pa.array([None if i in nulls else v % 100 for i, v in enumerate(big)], pa.int64()).cast(
            pa.decimal128(24, 2)
        ),
        "状态": pa.array([None if i in nulls else v for i, v in enumerate(statuses)], pa.string()),
        "比例": pa.array([0.1 if i % 7 == 0 else v / 1000 for i, v in enumerate(doubles)], pa.float32()),
    }
    plan = QualityPlan(
        (
            ColumnSpec("得分", rule=NumericRange(0, 100), data_type=DataType.NUMBER),
            ColumnSpec("件数", rule=NumericRange(maximum=99)),
            ColumnSpec("编号", rule=NumericRange(minimum=0, maximum=2**53)),
            ColumnSpec("金额", rule=NumericRange(0, 50)),
            ColumnSpec(
                "状态", required=True, rule=AllowedValues(("正常", "注销", "正常正常正常")), length=4
            ),
            ColumnSpec("比例", rule=NumericRange(0, 0.1)),  # float32, at the bound: SQL alone
        ),
        as_of=AS_OF,
        samples=20,
    )
    if form == "parquet":
        path = write_parquet(tmp_path / "n.parquet", table)
    else:  # every column read as text: the number ranges stay with SQL
        names = list(table)
        columns = [table[n].to_pylist() for n in names]
        rows = [["" if c[i] is None else c[i] for c in columns] for i in range(n)]
        path = write_csv(tmp_path / "n.csv", names, rows)

    def factory() -> Any:
        if form == "parquet":
            return load_parquet(path, plan.column_names)
        return load_csv(path, plan.column_names)

    proofs = _proofs(factory, plan)
    # DECIMAL and FLOAT stay with SQL, and so do numbers read as text
    assert set(proofs) == ({"得分", "件数", "编号", "状态"} if form == "parquet" else {"状态"})
    assert all(p is not None for p in proofs.values())
    fast, slow = _both(factory, plan)
    assert fast.results == slow.results
    # "正常正常正常" is listed but longer than 4: a failure of the 长度 rule, proven by nobody.
    assert result(fast, "conformity", "状态").failed == 1
    if form == "csv":
        return  # as text, "nan" is a value that is not a number; the counts below are Parquet's
    assert result(fast, "validity", "得分").failed == sum(
        1 for i, v in enumerate(doubles) if i not in nulls and v == v and not 0 <= v <= 100
    )
    assert result(fast, "validity", "编号").failed == sum(
        1 for i, v in enumerate(big) if i not in nulls and not 0 <= v <= 2**53
    )
