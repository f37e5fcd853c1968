"""Run a plan's checks over a loaded dataset, as SQL pushed down into DuckDB.

Every check is answered by the grouped query of its column (see ``compiler``): one narrow query per
column, each scanning only that column and the row number.

Uniqueness needs the values compared with each other. DuckDB's hash aggregate over millions of
distinct values measured about 0.5 µs a row; reading out their 64-bit hashes and sorting them in
numpy costs a fifth of that. The few values whose hash repeats are then grouped on, by value, in
the column's own query, so a hash collision can never be reported as a duplicate.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from catalog.quality import vector
from catalog.quality.compiler import (
    SAMPLE_CHARS,
    Candidates,
    Coded,
    Column,
    coded_checks,
    ensure_function,
    ensure_region_table,
    masker,
    plan_columns,
    queries,
    summarise,
    unique_key,
)
from catalog.quality.dataset import DATA, Dataset, deadline
from catalog.quality.errors import QualityError
from catalog.quality.results import CheckKind, CheckResult, Freshness, QualityReport, Sample
from catalog.quality.rules import RegionCode, sql_ident
from catalog.quality.spec import QualityPlan, UpdatePeriod
from catalog.quality.vector import Proof


def check(dataset: Dataset, plan: QualityPlan, *, vectors: bool = True) -> QualityReport:
    """Run every check of ``plan`` over ``dataset``; the dataset stays open (the caller closes it).

    ``vectors=False`` leaves every row to SQL (the tests compare the two ways).
    """
    started = time.perf_counter()
    as_of = plan.day()
    warnings = list(dataset.warnings)
    columns = plan_columns(dataset, plan)
    coded = coded_checks(columns, plan, as_of, warnings)
    if any(isinstance(c.rule, RegionCode) for c in coded):
        ensure_region_table(dataset.con)
    for function in {f for c in coded if c.rule is not None for f in c.rule.functions()}:
        ensure_function(dataset.con, function)
    registered: list[str] = []
    cursors: list[duckdb.DuckDBPyConnection] = []
    values: dict[str, Any] = {"n": dataset.rows}

    def register(name: str, table: pa.Table) -> str:
        dataset.con.register(name, table)
        registered.append(name)
        return name

    def run(col: Column, proof: Proof | None) -> None:
        """The column's grouped query: over what the proof left, else over every row."""
        candidates: dict[int, Candidates] = {}
        sources: dict[int, str] = {}
        if proof is not None:
            sources[col.index] = register(f"__zt_left{col.index}", proof.left)
            if proof.candidates is not None and len(proof.candidates):
                table = pa.table({"r": proof.candidates})
                candidates[col.index] = Candidates(register(f"__zt_repeated{col.index}", table), True)
        elif col.spec is not None and col.spec.unique:
            repeated = _repeated_hashes(dataset.con, col)
            if len(repeated):
                table = pa.table({"h": pa.array(repeated, pa.uint64())})
                candidates[col.index] = Candidates(register(f"__zt_repeated{col.index}", table))
        ((query, layout),) = queries([col], coded, plan, as_of, candidates, sources)
        rows = dataset.con.execute(query).fetchall()
        if proof is not None:
            rows += proof.groups(layout.states, layout.aggregates)
        values.update(summarise(rows, layout, coded))

    try:
        with (
            deadline(dataset.con, dataset.limits.check_timeout_s, cursors) as expired,
            ThreadPoolExecutor(max_workers=dataset.limits.threads or os.cpu_count() or 1) as pool,
        ):
            # The proofs run on cursors of their own, in threads (numpy and DuckDB both let go of
            # the GIL), while this thread runs the queries of the other columns.
            proving: dict[int, Future[Proof | None]] = {}
            for entry in vector.entries(columns, coded, plan, as_of) if vectors else ():
                cursors.append(cursor := dataset.con.cursor())
                proving[entry.column.index] = pool.submit(
                    vector.prove, cursor, entry, dataset.rows, dataset.numbered, as_of, plan.samples, expired
                )
            try:
                for col in columns:
                    if col.index not in proving:
                        run(col, None)
                for col in columns:
                    if col.index in proving:
                        run(col, proving[col.index].result())
            finally:
                expired.set()  # a failure above: the proofs still running give up
                for each in cursors:
                    each.close()
    except duckdb.InterruptException as exc:
        raise QualityError(
            f"质量检查超时（超过 {dataset.limits.check_timeout_s:g} 秒），请缩小数据范围"
        ) from exc
    except duckdb.OutOfMemoryException as exc:
        raise QualityError(f"数据过大，超出检查引擎的内存上限（{dataset.limits.memory_limit}）") from exc
    except duckdb.Error as exc:
        raise QualityError(f"质量检查执行失败：{str(exc).strip().splitlines()[0][:300]}") from exc
    finally:
        for name in registered:
            dataset.con.unregister(name)

    total = int(values["n"])
    results = [_volume(total, plan.min_rows)]
    for col in columns:
        if col.spec and col.spec.required:
            results.append(_completeness(col, total, values))
        if col.spec and col.spec.unique:
            results.append(_uniqueness(col, values))
        for c in coded:
            if c.column is col:
                results.append(_coded_result(c, values))
    if plan.timeliness:
        results.append(_timeliness(plan, as_of, values))
    return QualityReport(
        source=dataset.source,
        rows=total,
        as_of=as_of,
        results=tuple(results),
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
    )


def _repeated_hashes(con: duckdb.DuckDBPyConnection, col: Column) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """The 64-bit hashes that more than one present value of ``col`` has (few, or none)."""
    keyed = f"SELECT {unique_key(col)} AS k FROM (SELECT {sql_ident(col.name)} AS {col.raw} FROM {DATA})"
    hashes: np.ndarray[Any, np.dtype[np.uint64]] = con.execute(
        f"SELECT hash(k) AS h FROM ({keyed}) WHERE k IS NOT NULL"
    ).fetchnumpy()["h"]
    hashes.sort()
    return np.unique(hashes[1:][hashes[1:] == hashes[:-1]])


# ---- results ----------------------------------------------------------------------------------


def _shown(value: Any, mask: Callable[[str], str]) -> str:
    text = "" if value is None else str(value)
    if len(text) > SAMPLE_CHARS:
        text = text[:SAMPLE_CHARS] + "…"
    return mask(text) if text else text


def _volume(total: int, minimum: int) -> CheckResult:
    if total == 0:
        description, failed = "数据集为空（0 行）", 1
    elif total < minimum:
        description, failed = f"数据集只有 {total} 行，少于应有的 {minimum} 行", 1
    else:
        description, failed = f"数据集有 {total} 行", 0
    return CheckResult(CheckKind.VOLUME, None, f"至少 {minimum} 行", total, failed, 0.0, description)


def _completeness(col: Column, total: int, values: dict[str, Any]) -> CheckResult:
    assert col.spec is not None
    failed = total - int(values[f"present{col.index}"])
    rows = values[f"missing_rows{col.index}"] or []
    rate = failed / total if total else 0.0
    description = (
        f"「{col.name}」列有 {failed} 行为空（空值率 {rate:.2%}）" if failed else f"「{col.name}」列没有空值"
    )
    return CheckResult(
        CheckKind.COMPLETENESS,
        col.name,
        "必填",
        total,
        failed,
        col.spec.tolerance,
        description,
        (("为空", failed),) if failed else (),
        tuple(Sample(int(r), "", "为空") for r in rows),
    )


def _uniqueness(col: Column, values: dict[str, Any]) -> CheckResult:
    assert col.spec is not None
    mask = masker(col.spec)
    extra = int(values.get(f"dup_extra{col.index}", 0))
    repeats = values.get(f"dup_rows{col.index}", [])
    description = f"「{col.name}」列有 {extra} 行与前面的行重复" if extra else f"「{col.name}」列没有重复值"
    samples = tuple(
        Sample(int(r), mask(shown) if (shown := _shown(value, str)) else shown, f"与第 {first} 行重复")
        for r, first, value in repeats
    )
    return CheckResult(
        CheckKind.UNIQUENESS,
        col.name,
        "唯一",
        int(values[f"present{col.index}"]),
        extra,
        col.spec.tolerance,
        description,
        (("重复", extra),) if extra else (),
        samples,
    )


def _coded_result(c: Coded, values: dict[str, Any]) -> CheckResult:
    assert c.column.spec is not None
    counts = [(label, int(values[f"{c.alias}_{k}"])) for k, (label, _) in enumerate(c.reasons, start=1)]
    counts = sorted((pair for pair in counts if pair[1]), key=lambda pair: -pair[1])
    failed = sum(count for _, count in counts)
    samples = tuple(
        Sample(int(s["r"]), _shown(s["v"], c.mask), c.reasons[int(s["k"]) - 1][0])
        for s in values[f"{c.alias}_rows"] or []
        if s is not None
    )
    if failed:
        detail = "、".join(f"{count} 行{label}" for label, count in counts)
        description = f"「{c.column.name}」列有 {detail}（{c.label}）"
    else:
        description = f"「{c.column.name}」列全部符合{c.label}"
    return CheckResult(
        c.kind,
        c.column.name,
        c.label,
        int(values[f"present{c.column.index}"]),
        failed,
        c.column.spec.tolerance,
        description,
        tuple(counts),
        samples,
    )


def _timeliness(plan: QualityPlan, as_of: date, values: dict[str, Any]) -> CheckResult:
    spec = plan.timeliness
    assert spec is not None
    latest: datetime | None = values["ts_latest"]
    future = int(values["ts_future"] or 0)
    period = spec.period
    name = f"「{spec.column}」"
    rule = f"更新周期{period.label}" + (f"，宽限 {spec.grace_days} 天" if spec.grace_days else "")
    due = period.due(latest.date(), spec.grace_days) if latest else None
    if latest is None:
        failed, overdue = (0 if period is UpdatePeriod.IRREGULAR else 1), 0
        description = f"{name}列没有可识别的时间，无法判断数据是否按{period.label}更新"
    elif due is None:
        failed, overdue = 0, 0
        description = (
            f"{name}最新记录为 {latest:%Y-%m-%d}；更新周期为{period.label}，不自动判定时效，每年人工复核一次"
        )
    else:
        overdue = max((as_of - due).days, 0)
        failed = 1 if overdue else 0
        description = (
            f"{name}最新记录为 {latest:%Y-%m-%d}，按{period.label}更新应不晚于 {due:%Y-%m-%d}，已超期 {overdue} 天"
            if overdue
            else f"{name}最新记录为 {latest:%Y-%m-%d}，在更新周期（{period.label}）内"
        )
    if future:
        description += f"；另有 {future} 行时间晚于检查日 {as_of:%Y-%m-%d}，未计入"
    freshness = Freshness(period.label, latest, due, overdue, future)
    return CheckResult(
        CheckKind.TIMELINESS,
        spec.column,
        rule,
        int(values["n"]),
        failed,
        0.0,
        description,
        freshness=freshness,
    )
