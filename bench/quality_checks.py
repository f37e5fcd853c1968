"""Quality checks (回头看) on a generated table: the DuckDB engine against pandera on pandas.

    .venv/bin/python bench/quality_checks.py              # 10,000,000 rows
    .venv/bin/python bench/quality_checks.py --rows 1000000 --repeat 1

Generates a Parquet file in a temp folder with planted errors (≈0.1% of rows per check), then runs
the same 10 checks on each side, each run in a subprocess of its own so that its peak memory can be
read: ``catalog.quality`` (DuckDB and numpy) and a pandera ``DataFrameSchema`` on a pandas DataFrame
(vectorised checks, no per-row Python). The sides alternate, ``--repeat`` runs each (3 by default),
and their medians are compared: on a shared 2-core machine a single 4-second run can be off by 20%.
Both sides must report the same failure counts, and the engine's counts must equal the planted ones.

Wall time is measured inside each subprocess from before the data is read to after the counts are
known (imports excluded, reading included: pandas loads the checked columns, DuckDB scans them). Peak
memory is the subprocess's peak resident set size, from ``os.wait4`` (ru_maxrss), so it includes the
interpreter and the libraries. Needs ``pip install '.[bench]'`` (pandas, pandera).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = date(2025, 6, 30)
STATUSES = ["正常", "注销", "吊销", "迁出"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
BAD_DATES = ["2025-02-30", "2025-13-01", "2025-00-10", "2025/06/01"]

# The ten checks, in the order both sides report them.
CHECKS = [
    "身份证号 非空",
    "身份证号 唯一",
    "身份证号 GB 11643",
    "统一社会信用代码 GB 32100",
    "手机号 格式",
    "行政区划代码 GB/T 2260",
    "业务日期 日期格式",
    "金额 0–1000000",
    "状态 取值",
    "业务日期 时效（每月）",
]


# ---- data -------------------------------------------------------------------------------------


def generate(path: Path, rows: int, seed: int = 2025) -> dict[str, int]:
    """Write the table and return the failure count planted for each check."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from core.identifiers import region_code_table

    rng = np.random.default_rng(seed)
    k = max(rows // 1000, 10)  # planted failures per check
    perm = rng.permutation(rows)
    id_null, id_dup, id_bad = perm[: k // 2], perm[k // 2 : k // 2 + k // 10], perm[k : 2 * k]
    id_dup_source = perm[-(k // 10) :]

    def fixed_width(chars: Any, width: int) -> pa.Array:
        """A string column from an (n, width) matrix of ASCII codes, without Python objects."""
        data = np.ascontiguousarray(chars, dtype=np.uint8)
        offsets = np.arange(0, (len(data) + 1) * width, width, dtype=np.int32)
        return pa.StringArray.from_buffers(len(data), pa.py_buffer(offsets), pa.py_buffer(data.tobytes()))

    def digits(values: Any, width: int) -> Any:
        out = np.empty((len(values), width), dtype=np.uint8)
        v = np.asarray(values, dtype=np.int64).copy()
        for col in range(width - 1, -1, -1):
            out[:, col] = 48 + v % 10
            v //= 10
        return out

    regions = np.array(sorted(region_code_table()), dtype=np.int64)
    counties = regions[regions % 100 != 0]

    # 身份证号: unique by construction (birth day × sequence number are distinct per row).
    span = (date(2005, 12, 31) - date(1940, 1, 1)).days
    if rows > span * 1000:
        raise SystemExit(f"--rows above {span * 1000} would repeat ID numbers")
    slot = rng.permutation(rows)
    born = np.datetime64("1940-01-01") + (slot // 1000).astype("timedelta64[D]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = (born.astype("datetime64[M]") - born.astype("datetime64[Y]")).astype(np.int64) + 1
    day = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    body = np.hstack(
        [
            digits(counties[rng.integers(0, len(counties), rows)], 6),
            digits(year * 10000 + month * 100 + day, 8),
            digits(slot % 1000, 3),
        ]
    )
    check = (body.astype(np.int64) - 48) @ np.array(RESIDENT_WEIGHTS) % 11
    check_chars = np.frombuffer(b"10X98765432", dtype=np.uint8)
    check[id_bad] = (check[id_bad] + 1 + rng.integers(0, 10, len(id_bad))) % 11
    ids = np.hstack([body, check_chars[check][:, None]])
    ids[id_dup] = ids[id_dup_source]
    id_col = fixed_width(ids, 18)
    id_mask = np.zeros(rows, dtype=bool)
    id_mask[id_null] = True
    id_col = pc.if_else(pa.array(id_mask), pa.scalar(None, pa.string()), id_col)

    # 统一社会信用代码: 9 1 + county + 9 random characters + GB 32100 check character.
    values = np.hstack(
        [
            np.full((rows, 1), 9),
            np.ones((rows, 1), dtype=np.int64),
            digits(counties[rng.integers(0, len(counties), rows)], 6).astype(np.int64) - 48,
            rng.integers(0, 31, (rows, 9)),
        ]
    )
    credit_check = (31 - values @ np.array(CREDIT_WEIGHTS) % 31) % 31
    bad = perm[2 * k : 3 * k]
    credit_check[bad] = (credit_check[bad] + 1 + rng.integers(0, 30, len(bad))) % 31
    alphabet = np.frombuffer(CREDIT_ALPHABET.encode(), dtype=np.uint8)
    credit_col = fixed_width(alphabet[np.hstack([values, credit_check[:, None]])], 18)

    # 手机号: 1[3-9] + 9 digits; planted ones start 12.
    second = rng.integers(3, 10, rows)
    second[perm[3 * k : 4 * k]] = 2
    mobile_col = fixed_width(np.hstack([digits(10 + second, 2), digits(rng.integers(0, 10**9, rows), 9)]), 11)

    # 行政区划代码: any code in the table; planted ones are well-formed but unknown.
    table = set(region_code_table())
    unknown = np.array([c for c in range(320000, 330000) if str(c) not in table][:500], dtype=np.int64)
    region = regions[rng.integers(0, len(regions), rows)]
    region[perm[4 * k : 5 * k]] = unknown[rng.integers(0, len(unknown), k)]
    region_col = fixed_width(digits(region, 6), 6)

    # 业务日期: within 400 days before AS_OF (the newest is the day before); planted ones impossible.
    offsets = rng.integers(1, 400, rows)
    offsets[0] = 1
    when = np.datetime64(AS_OF.isoformat()) - offsets.astype("timedelta64[D]")
    date_text = when.astype("datetime64[D]").astype("U10").astype("S10")
    date_chars = np.frombuffer(date_text.tobytes(), dtype=np.uint8).reshape(rows, 10).copy()
    bad = perm[5 * k : 6 * k]
    date_chars[bad] = np.frombuffer("".join(BAD_DATES).encode(), dtype=np.uint8).reshape(4, 10)[
        rng.integers(0, 4, k)
    ]
    date_col = fixed_width(date_chars, 10)

    amount = np.round(rng.uniform(0, 100_000, rows), 2)
    amount[perm[6 * k : 7 * k]] = -np.round(rng.uniform(1, 100, k), 2)

    status_idx = rng.integers(0, len(STATUSES), rows)
    status_idx[perm[7 * k : 8 * k]] = len(STATUSES)
    status_col = pa.DictionaryArray.from_arrays(
        pa.array(status_idx.astype(np.int32)), pa.array([*STATUSES, "未知"])
    ).cast(pa.string())

    names = [s + g for s in SURNAMES for g in GIVEN] + [
        s + g + h for s in SURNAMES for g in GIVEN for h in GIVEN
    ]
    name_col = pa.DictionaryArray.from_arrays(
        pa.array(rng.integers(0, len(names), rows).astype(np.int32)), pa.array(names)
    ).cast(pa.string())

    table_out = pa.table(
        {
            "身份证号": id_col,
            "姓名": name_col,
            "统一社会信用代码": credit_col,
            "手机号": mobile_col,
            "行政区划代码": region_col,
            "业务日期": date_col,
            "金额": pa.array(amount),
            "状态": status_col,
        }
    )
    pq.write_table(table_out, path, row_group_size=1_000_000)
    planted = [len(id_null), len(id_dup), len(id_bad), k, k, k, k, k, k, 0]
    return dict(zip(CHECKS, planted, strict=True))


# ---- the engine -------------------------------------------------------------------------------


def run_engine(path: Path) -> dict[str, Any]:
    from catalog.quality import (
        AllowedValues,
        ColumnSpec,
        CreditCode,
        DataType,
        DateFormat,
        Mobile,
        NumericRange,
        QualityPlan,
        RegionCode,
        ResidentId,
        TimelinessSpec,
        UpdatePeriod,
        check,
        load_parquet,
    )

    plan = QualityPlan(
        columns=(
            ColumnSpec("身份证号", required=True, unique=True, rule=ResidentId()),
            ColumnSpec("统一社会信用代码", rule=CreditCode()),
            ColumnSpec("手机号", rule=Mobile()),
            ColumnSpec("行政区划代码", rule=RegionCode()),
            ColumnSpec("业务日期", rule=DateFormat(("%Y-%m-%d",))),
            ColumnSpec("金额", data_type=DataType.NUMBER, rule=NumericRange(0, 1_000_000)),
            ColumnSpec("状态", rule=AllowedValues(tuple(STATUSES))),
        ),
        timeliness=TimelinessSpec("业务日期", UpdatePeriod.MONTHLY),
        as_of=AS_OF,
    )
    import numpy as np
    import pyarrow as pa

    from core.identifiers import region_code_table

    region_code_table()  # the GB/T 2260 table, loaded once per process: outside the timing on both sides
    # pyarrow imports pandas on its first array when pandas is installed (it is here, for the other
    # side): half a second of imports, which are outside the timing on both sides.
    pa.array(np.zeros(1, dtype=bool))
    started = time.perf_counter()
    with load_parquet(path, plan.column_names) as dataset:
        report = check(dataset, plan)
    seconds = time.perf_counter() - started
    by_key = {(r.kind.value, r.column): r.failed for r in report.results}
    counts = [
        by_key[("completeness", "身份证号")],
        by_key[("uniqueness", "身份证号")],
        by_key[("validity", "身份证号")],
        by_key[("validity", "统一社会信用代码")],
        by_key[("validity", "手机号")],
        by_key[("validity", "行政区划代码")],
        by_key[("validity", "业务日期")],
        by_key[("validity", "金额")],
        by_key[("validity", "状态")],
        by_key[("timeliness", "业务日期")],
    ]
    checks_run = sum(1 for r in report.results if r.kind.value != "volume")
    return {"seconds": seconds, "counts": counts, "checks": checks_run, "rows": report.rows}


# ---- pandera on pandas ------------------------------------------------------------------------


def run_pandera(path: Path) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    from core.identifiers import PROVINCE_CODES, region_code_table

    regions = sorted(region_code_table())
    provinces = sorted(PROVINCE_CODES)
    resident_lut = np.zeros(256, dtype=np.int64)
    resident_lut[48:58] = np.arange(10)
    credit_lut = np.full(256, -1, dtype=np.int64)
    for i, ch in enumerate(CREDIT_ALPHABET):
        credit_lut[ord(ch)] = i

    def char_matrix(s: pd.Series, width: int) -> Any:
        # The strings are known to be `width` ASCII characters here: one buffer, viewed as a matrix.
        return np.frombuffer(s.str.cat().encode("ascii"), dtype=np.uint8).reshape(len(s), width)

    def resident_id(s: pd.Series) -> pd.Series:
        v = s.str.strip().str.upper()
        ok = v.str.fullmatch(r"\d{17}[\dX]|\d{15}").fillna(False).astype(bool)
        ok &= v.str.slice(0, 2).isin(provinces)
        long = ok & (v.str.len() == 18)
        birth = v.str.slice(6, 14).where(long, "19" + v.str.slice(6, 12))
        born = pd.to_datetime(birth, format="%Y%m%d", errors="coerce")
        ok &= born.notna() & (born >= pd.Timestamp("1850-01-01")) & (born <= pd.Timestamp(AS_OF))
        rows = v[long]
        m = char_matrix(rows, 18)
        total = resident_lut[m[:, :17]] @ np.array(RESIDENT_WEIGHTS)
        expected = np.frombuffer(b"10X98765432", dtype=np.uint8)[total % 11]
        ok.loc[long] = ok.loc[long] & (expected == m[:, 17])
        return ok

    def credit_code(s: pd.Series) -> pd.Series:
        v = s.str.strip().str.upper()
        ok = v.str.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}").fillna(False).astype(bool)
        m = credit_lut[char_matrix(v[ok], 18)]
        expected = (31 - m[:, :17] @ np.array(CREDIT_WEIGHTS) % 31) % 31
        ok.loc[ok] = expected == m[:, 17]
        return ok

    def real_date(s: pd.Series) -> pd.Series:
        return pd.to_datetime(s.str.strip(), format="%Y-%m-%d", errors="coerce").notna()

    def fresh(df: pd.DataFrame) -> bool:
        when = pd.to_datetime(df["业务日期"].str.strip(), format="%Y-%m-%d", errors="coerce")
        latest = when[when < pd.Timestamp(AS_OF + timedelta(days=1))].max()
        if pd.isna(latest):
            return False
        due = (latest + pd.DateOffset(months=1)).date()
        return AS_OF <= due

    schema = pa.DataFrameSchema(
        {
            "身份证号": pa.Column(
                nullable=False,
                unique=True,
                report_duplicates="exclude_first",
                checks=pa.Check(resident_id, name="GB 11643"),
            ),
            "统一社会信用代码": pa.Column(nullable=True, checks=pa.Check(credit_code, name="GB 32100")),
            "手机号": pa.Column(nullable=True, checks=pa.Check.str_matches(r"^1[3-9]\d{9}$")),
            "行政区划代码": pa.Column(nullable=True, checks=pa.Check.isin(regions)),
            "业务日期": pa.Column(nullable=True, checks=pa.Check(real_date, name="date")),
            "金额": pa.Column(float, nullable=True, checks=pa.Check.in_range(0, 1_000_000)),
            "状态": pa.Column(nullable=True, checks=pa.Check.isin(STATUSES)),
        },
        checks=pa.Check(fresh, name="timeliness"),
    )
    started = time.perf_counter()
    # The seven checked columns, as the engine reads them: 姓名 is not checked on either side.
    df = pd.read_parquet(path, columns=list(schema.columns))
    try:
        schema.validate(df, lazy=True)
        failures = pd.DataFrame(columns=["column", "check"])
    except SchemaErrors as exc:
        failures = exc.failure_cases
    seconds = time.perf_counter() - started
    found = failures.groupby(["column", "check"], dropna=False).size().to_dict()

    def n(column: str | None, check: str) -> int:
        return int(
            sum(
                v
                for (c, k), v in found.items()
                if (c == column or (column is None and pd.isna(c))) and k == check
            )
        )

    counts = [
        n("身份证号", "not_nullable"),
        n("身份证号", "field_uniqueness"),
        n("身份证号", "GB 11643"),
        n("统一社会信用代码", "GB 32100"),
        n("手机号", "str_matches('^1[3-9]\\d{9}$')"),
        n("行政区划代码", next((k for (c, k) in found if c == "行政区划代码"), "isin")),
        n("业务日期", "date"),
        n("金额", "in_range(0, 1000000)"),
        n("状态", next((k for (c, k) in found if c == "状态"), "isin")),
        sum(v for (c, k), v in found.items() if k == "timeliness"),
    ]
    return {"seconds": seconds, "counts": counts, "checks": len(CHECKS), "rows": len(df)}


# ---- the harness ------------------------------------------------------------------------------


def _child(part: str, path: Path) -> tuple[dict[str, Any], float, float, float]:
    """Run one side in a fresh interpreter: its result, wall seconds, CPU seconds and peak RSS in MiB."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--part", part, "--path", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{part} failed with exit code {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return json.loads(out.strip().splitlines()[-1]), wall, cpu, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; medians are compared")
    parser.add_argument("--part", choices=["generate", "engine", "pandera"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part == "generate":
        print(json.dumps(generate(args.path, args.rows)))
        return
    if args.part:
        result = run_engine(args.path) if args.part == "engine" else run_pandera(args.path)
        print(json.dumps(result))
        return

    runs: dict[str, list[tuple[dict[str, Any], float, float, float]]] = {"engine": [], "pandera": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.parquet"
        t0 = time.perf_counter()
        # In a subprocess too: a parent holding the generated arrays would be copied into each
        # child's peak RSS at fork time.
        generated = subprocess.run(
            [sys.executable, __file__, "--part", "generate", "--path", str(path), "--rows", str(args.rows)],
            check=True,
            capture_output=True,
            text=True,
        )
        planted: dict[str, int] = json.loads(generated.stdout.strip().splitlines()[-1])
        os.sync()  # the file's pages written back now, not during the first timed run
        print(
            f"data: {args.rows:,} rows × 8 columns, Parquet {path.stat().st_size / 2**20:,.0f} MiB, "
            f"generated in {time.perf_counter() - t0:.1f} s; {len(CHECKS)} checks, "
            f"{args.repeat} run(s) of each side, alternating"
        )
        load = os.getloadavg()[0]
        for _ in range(args.repeat):
            for part in runs:
                runs[part].append(_child(part, path))
                load = max(load, os.getloadavg()[0])

    expected = list(planted.values())
    engine, pandera = runs["engine"][0][0], runs["pandera"][0][0]
    for name, want, got_engine, got_pandera in zip(
        CHECKS, expected, engine["counts"], pandera["counts"], strict=True
    ):
        print(f"  {name:<24} planted {want:>7,}  engine {got_engine:>7,}  pandera {got_pandera:>7,}")
    for part in runs:
        assert all(r[0]["counts"] == runs[part][0][0]["counts"] for r in runs[part]), f"{part} runs disagree"
    assert engine["counts"] == pandera["counts"], "the two sides disagree"
    assert engine["counts"] == expected, "the engine missed planted failures"
    medians = {}
    for part, name in (("engine", "engine (DuckDB)"), ("pandera", "pandera (pandas)")):
        seconds = [r[0]["seconds"] for r in runs[part]]
        medians[part] = (
            statistics.median(seconds),
            statistics.median(r[2] for r in runs[part]),
            statistics.median(r[3] for r in runs[part]),
        )
        print(
            f"{name:<17} {medians[part][0]:7.2f} s checks (load + check; median of "
            f"{', '.join(f'{s:.2f}' for s in seconds)}), {statistics.median(r[1] for r in runs[part]):7.2f} s "
            f"process wall, {medians[part][1]:7.2f} s process CPU, peak RSS {medians[part][2]:,.0f} MiB"
        )
    (e_s, e_cpu, e_rss), (p_s, p_cpu, p_rss) = medians["engine"], medians["pandera"]
    print(
        f"ratio (medians): {p_s / e_s:.1f}× faster (checks), {p_cpu / e_cpu:.1f}× less CPU, "
        f"{p_rss / e_rss:.1f}× less peak memory; {os.cpu_count()} cores, load average up to {load:.1f} "
        f"during the run"
    )


if __name__ == "__main__":
    main()
