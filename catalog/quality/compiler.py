"""Compile a plan into grouped queries, one per column: the SQL half of the engine.

A chain of projections reads the column once: the rule's fast-path helpers and test on the raw
text, the trimmed text (computed only for the rows the fast test leaves), the slow-path helpers,
then one small integer state per check and row (0 = fine, -1 = missing, k = the k-th reason).

The query then groups by those states. A clean column is one group and each kind of failure adds
one, so counting costs a probe of a tiny hash table per row, where a filtered count per reason cost
several. Each group keeps its first few failing rows (``min_by`` over the row number, the sample
built inside a CASE so only failing rows pay for it) and its newest timestamp; ``summarise`` folds
the groups back into counts, samples and dates.

One query per column rather than one for the whole plan: each query scans only its column (DuckDB
reads Parquet and its own tables by column), and narrow vectors stay in the CPU cache. On the
10,000,000-row bench the single wide query cost 2.6 µs a row, the seven narrow ones 1.9 µs together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
from duckdb.func import PythonUDFType

from catalog.quality.dataset import DATA, ROW, Dataset, scalar
from catalog.quality.errors import QualityError
from catalog.quality.results import CheckKind
from catalog.quality.rules import (
    DATE_TYPES,
    DEFAULT_DATE_FORMATS,
    REGION_TABLE,
    WHITESPACE,
    DateFormat,
    Function,
    NumericRange,
    Operand,
    Rule,
    is_numeric_type,
    mask_personal,
    sql_ident,
    sql_str,
)
from catalog.quality.spec import ColumnSpec, DataType, QualityPlan
from core.identifiers import region_code_table

SAMPLE_CHARS = 64
MISSING = -1  # the state of a row whose value is missing
_TIMESTAMP_FORMATS = (
    *DEFAULT_DATE_FORMATS,
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
)
_NUMBER_TYPES = (DataType.NUMBER, DataType.CURRENCY, DataType.DOUBLE, DataType.FLOAT)
_TEXT_TYPES = (DataType.CHAR, DataType.MEMO)


@dataclass
class Column:
    index: int
    spec: ColumnSpec | None  # None for a timestamp column that is not a 信息项 of the plan
    name: str
    duck_type: str
    needs_text: bool = False
    fast_test: str | None = None  # SQL on the raw text: the row takes the fast path (see rules.Fast)
    fast_helpers: list[tuple[str, str]] = field(default_factory=list)  # (alias, SQL), a stage each
    fast_clean: bool = True  # the fast test proves there is nothing to trim
    exact_text: bool = False  # something reads ``t`` on fast rows too: a length, a uniqueness key

    @property
    def raw(self) -> str:
        return f"c{self.index}"

    @property
    def text(self) -> str:
        return f"t{self.index}"

    @property
    def is_text(self) -> bool:
        return self.duck_type == "VARCHAR"

    @property
    def has_text(self) -> bool:
        """Whether the query carries the trimmed text ``t``: the checks of a 信息项 need it."""
        return self.needs_text or (self.is_text and self.spec is not None)

    @property
    def fast(self) -> str | None:
        return f"f{self.index}" if self.fast_test else None

    @property
    def missing(self) -> str:
        if self.has_text:
            return f"{self.text} IS NULL"
        if self.duck_type in ("DOUBLE", "FLOAT"):
            # NaN is missing, ±inf is a value. isnan() misses the NaN pyarrow writes; this does not.
            return f"({self.raw} IS NULL OR (NOT isfinite({self.raw}) AND abs({self.raw}) <> 'inf'::DOUBLE))"
        return f"{self.raw} IS NULL"


@dataclass
class Coded:
    """A check answered by a per-row state: validity or conformity."""

    kind: CheckKind
    column: Column
    label: str
    reasons: list[tuple[str, str]]
    alias: str
    helpers: list[tuple[str, str]] = field(default_factory=list)
    mask: Callable[[str], str] = str
    rule: Rule | None = None
    fast_reasons: list[tuple[str, str]] | None = None  # reasons for the rows the fast test takes


# ---- planning ---------------------------------------------------------------------------------


def plan_columns(dataset: Dataset, plan: QualityPlan) -> list[Column]:
    specs = {c.name: c for c in plan.columns}
    out = []
    for i, name in enumerate(plan.column_names):
        if name not in dataset.columns:
            raise QualityError(f"数据中没有「{name}」列")
        out.append(Column(i, specs.get(name), name, dataset.columns[name]))
    return out


def coded_checks(columns: list[Column], plan: QualityPlan, as_of: date, warnings: list[str]) -> list[Coded]:
    coded = []
    for col in columns:
        spec = col.spec
        if spec is None:
            if plan.timeliness and not col.is_text and col.duck_type not in DATE_TYPES:
                col.needs_text = True
            continue
        rule = spec.rule
        native_ok = rule is not None and (
            (isinstance(rule, NumericRange) and is_numeric_type(col.duck_type))
            or (isinstance(rule, DateFormat) and col.duck_type in DATE_TYPES)
        )
        if rule is not None and not native_ok and not col.is_text:
            col.needs_text = True
            warnings.append(
                f"「{col.name}」列的类型为 {col.duck_type}，已转为文本按{rule.describe()}检查"
                + (
                    "；以 0 开头或末位为 X 的号码无法以数字保存"
                    if rule.personal or rule.kind.endswith("code")
                    else ""
                )
            )
        mask = masker(spec)
        op = Operand(
            col.raw, col.text, "VARCHAR" if col.needs_text else col.duck_type, f"h{col.index}", as_of
        )
        fast = rule.fast(op) if rule is not None and col.is_text else None
        if fast is not None:
            col.fast_test, col.fast_helpers = fast.test, [(op.helper(n), e) for n, e in fast.helpers]
            col.fast_clean = fast.clean
        elif rule is not None and rule.strict and col.is_text:
            # The older, regex form of a fast path: clean values skip trimming, nothing else.
            col.fast_test = f"regexp_full_match({col.raw}, {sql_str(rule.strict)})"
            op = Operand(op.raw, op.text, op.duck_type, op.prefix, as_of, col.fast)
        conformity = _conformity(col, spec)
        col.exact_text = bool(conformity) or spec.unique
        if conformity:
            coded.append(
                Coded(
                    CheckKind.CONFORMITY, col, _conformity_label(spec), conformity, f"y{col.index}", mask=mask
                )
            )
        if rule is not None:
            reasons = rule.reasons(op)
            labels = [label for label, _ in reasons]
            if fast is not None and any(label not in labels for label, _ in fast.reasons):
                raise AssertionError(f"{type(rule).__name__}: fast-path reasons must be among its reasons")
            # Emitted even when the native type settles it (a DATE column), so the report lists it.
            coded.append(
                Coded(
                    CheckKind.VALIDITY,
                    col,
                    rule.describe(),
                    reasons,
                    f"v{col.index}",
                    rule.derive(op),
                    mask,
                    rule,
                    list(fast.reasons) if fast is not None else None,
                )
            )
    return coded


def masker(spec: ColumnSpec) -> Callable[[str], str]:
    if spec.rule is not None and spec.rule.personal:
        return spec.rule.mask
    return mask_personal if spec.sensitive else str


def _conformity_label(spec: ColumnSpec) -> str:
    label = f"数据类型{spec.data_type.label}"
    if spec.length and spec.data_type in _TEXT_TYPES:
        label += f"，长度不超过 {spec.length}"
    return label


def _conformity(col: Column, spec: ColumnSpec) -> list[tuple[str, str]]:
    """Reasons a present value does not fit the 信息项's 数据类型 and 长度."""
    t, kind = col.text, spec.data_type
    reasons: list[tuple[str, str]] = []
    if not col.is_text:
        compatible = {
            **dict.fromkeys(_NUMBER_TYPES, is_numeric_type(col.duck_type)),
            DataType.INTEGER: is_numeric_type(col.duck_type) and col.duck_type not in ("FLOAT", "DOUBLE"),
            DataType.DATE: col.duck_type in DATE_TYPES,
            DataType.DATETIME: col.duck_type in DATE_TYPES,
            DataType.LOGICAL: col.duck_type == "BOOLEAN",
        }
        if not compatible.get(kind, True):
            reasons.append((f"类型不符（实际为 {col.duck_type}）", "TRUE"))
        return reasons
    if kind in _NUMBER_TYPES:
        reasons.append(("不是数值", f"NOT coalesce(isfinite(TRY_CAST({t} AS DOUBLE)), false)"))
    elif kind is DataType.INTEGER:
        reasons.append(("不是整数", f"NOT regexp_full_match({t}, '[+-]?[0-9]{{1,18}}')"))
    elif kind is DataType.DATE:
        reasons.append(("不是日期", f"try_strptime({t}, {_formats(DEFAULT_DATE_FORMATS)}) IS NULL"))
    elif kind is DataType.DATETIME:
        reasons.append(("不是日期时间", f"({_timestamp_text(t)}) IS NULL"))
    elif kind is DataType.LOGICAL:
        allowed = ", ".join(
            sql_str(v) for v in ("true", "false", "t", "f", "1", "0", "y", "n", "yes", "no", "是", "否")
        )
        reasons.append(("不是逻辑值", f"lower({t}) NOT IN ({allowed})"))
    if spec.length and kind in _TEXT_TYPES:
        reasons.append((f"超过长度 {spec.length}", f"length({t}) > {int(spec.length)}"))
    return reasons


def _formats(formats: Sequence[str]) -> str:
    return "[" + ", ".join(sql_str(f) for f in formats) + "]"


def _timestamp_text(t: str) -> str:
    return f"coalesce(TRY_CAST({t} AS TIMESTAMP), try_strptime({t}, {_formats(_TIMESTAMP_FORMATS)}))"


def _normalise(raw: str) -> str:
    # Most values need no trimming. ascii() of the first character and constant suffix LIKEs (which
    # DuckDB turns into a memcmp) are several times cheaper than trim() or right() on every row.
    ends = " OR ".join(f"{raw} LIKE {sql_str('%' + ch)}" for ch in " \t\r\n\u3000")
    return (
        f"CASE WHEN ascii({raw}) > 32 AND ascii({raw}) <> 12288 AND NOT ({ends}) THEN {raw} "
        f"ELSE nullif(trim({raw}, {sql_str(WHITESPACE)}), '') END"
    )


def text_of(col: Column, fast: bool = True) -> str:
    """SQL for the trimmed text of ``col``, NULL when missing or blank; the fast test skips the trim.

    On the rows a fast test that is not ``clean`` takes, the text may keep its surrounding blanks:
    only the missing test reads it there, unless ``exact_text`` says something else does.
    """
    raw = col.raw if col.is_text else f"CAST({col.raw} AS VARCHAR)"
    if fast and col.fast and (col.fast_clean or not col.exact_text):
        return f"CASE WHEN {col.fast} THEN {raw} ELSE {_normalise(raw)} END"
    return _normalise(raw)


def unique_key(col: Column, text: str | None = None) -> str:
    """SQL for the value a uniqueness check compares: the trimmed text, or the present native value."""
    if col.has_text:
        return text or text_of(col, fast=False)
    return f"CASE WHEN NOT {col.missing} THEN {col.raw} END"


def ensure_region_table(con: duckdb.DuckDBPyConnection) -> None:
    if scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [REGION_TABLE]):
        return
    # One statement with a list parameter: executemany() would insert the 6,885 codes one by one.
    con.execute(
        f"CREATE TEMP TABLE {REGION_TABLE} AS SELECT code, CAST(code AS INTEGER) AS n FROM (SELECT unnest(?) AS code)",
        [sorted(region_code_table())],
    )


def ensure_function(con: duckdb.DuckDBPyConnection, function: Function) -> None:
    if not scalar(con, "SELECT count(*) FROM duckdb_functions() WHERE function_name = ?", [function.name]):
        con.create_function(
            function.name, function.fn, list(function.parameters), function.returns, type=PythonUDFType.ARROW
        )


# ---- the grouped query ------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What the columns of the grouped query mean, for ``summarise``."""

    states: tuple[str, ...]  # the grouping columns: one state per check, then d<i> per unique column
    aggregates: tuple[str, ...]  # the names of the other columns, in order
    presence: dict[int, str]  # column index → the state that is MISSING when its value is
    unique: tuple[int, ...]  # columns whose repeated values are grouped on (see ``engine``)
    samples: int  # failing rows reported per check


@dataclass(frozen=True)
class Candidates:
    """The rows of a unique column whose values may repeat: those values are grouped on.

    ``relation`` holds either ``h``, the hashes (DuckDB's) of the values that repeat, or ``r``, the
    row numbers of those values (found by ``vector``).
    """

    relation: str
    by_row: bool = False


def queries(
    columns: list[Column],
    coded: list[Coded],
    plan: QualityPlan,
    as_of: date,
    candidates: dict[int, Candidates] | None = None,
    sources: dict[int, str] | None = None,
) -> list[tuple[str, Layout]]:
    """One grouped query per column, and how to read each.

    ``candidates`` says, per unique column, which values to count exactly. ``sources`` gives a
    column a relation to read instead of the dataset (``ROW`` and the column): the rows ``vector``
    left undecided.
    """
    candidates, sources = candidates or {}, sources or {}
    stamped = plan.timeliness.column if plan.timeliness else None
    return [
        _query(
            [col],
            [c for c in coded if c.column is col],
            plan,
            as_of,
            {col.index: candidates[col.index]} if col.index in candidates else {},
            stamped=col.name == stamped,
            source=sources.get(col.index, DATA),
        )
        for col in columns
    ]


def _query(
    columns: list[Column],
    coded: list[Coded],
    plan: QualityPlan,
    as_of: date,
    candidates: dict[int, Candidates],
    stamped: bool,
    source: str = DATA,
) -> tuple[str, Layout]:
    by_index = {c.index: c for c in columns}
    base = ", ".join([f"{ROW} AS r", *(f"{sql_ident(c.name)} AS {c.raw}" for c in columns)])
    query = f"SELECT {base} FROM {source}"

    def stage(expressions: list[str]) -> None:
        nonlocal query
        if expressions:
            query = f"SELECT *, {', '.join(expressions)} FROM ({query})"

    for level in range(max((len(c.fast_helpers) for c in columns), default=0)):
        stage(
            [
                f"{c.fast_helpers[level][1]} AS {c.fast_helpers[level][0]}"
                for c in columns
                if level < len(c.fast_helpers)
            ]
        )
    stage([f"{c.fast_test} AS {c.fast}" for c in columns if c.fast_test])
    stage([f"{text_of(c)} AS {c.text}" for c in columns if c.has_text])
    for level in range(max((len(c.helpers) for c in coded), default=0)):
        stage([_helper(c, level) for c in coded if level < len(c.helpers)])

    states: list[tuple[str, str]] = [(c.alias, _state(c)) for c in coded]
    presence: dict[int, str] = {}
    for col in columns:
        if col.spec is None:
            continue
        first = next((c.alias for c in coded if c.column is col), None)
        if first is None:
            first = f"m{col.index}"
            states.append((first, f"CASE WHEN {col.missing} THEN {MISSING} ELSE 0 END"))
        presence[col.index] = first
    for index, cand in candidates.items():
        key = unique_key(by_index[index], by_index[index].text)
        test = (
            f"r IN (SELECT r FROM {cand.relation})"
            if cand.by_row
            else f"hash({key}) IN (SELECT h FROM {cand.relation})"
        )
        states.append((f"d{index}", f"CASE WHEN {test} THEN {key} END"))
    timestamp = _timestamp(columns, plan) if stamped else None
    stage([f"{expr} AS {alias}" for alias, expr in states] + ([f"{timestamp} AS ts"] if timestamp else []))

    names = [alias for alias, _ in states]
    checks = [alias for alias in names if not alias.startswith("d")]
    n = plan.samples if checks else 0
    aggregates = [("n", "count(*)")]
    if n:
        stage(["(" + " OR ".join(f"{s} <> 0" for s in checks) + ") AS bad"])
        fields = ", ".join(
            [
                "'r': r",
                *(
                    f"'v{c.index}': {c.raw if c.is_text else f'CAST({c.raw} AS VARCHAR)'}"
                    for c in columns
                    if c.spec is not None
                ),
            ]
        )
        aggregates.append(("rows", f"min_by(CASE WHEN bad THEN {{{fields}}} END, r, {n}) FILTER (WHERE bad)"))
    for index in candidates:
        aggregates.append(
            (f"d{index}_rows", f"min(r, {plan.samples + 1}) FILTER (WHERE d{index} IS NOT NULL)")
        )
    if timestamp:
        tomorrow = sql_str((as_of + timedelta(days=1)).isoformat())
        aggregates += [
            ("ts_latest", f"max(ts) FILTER (WHERE ts < TIMESTAMP {tomorrow})"),
            ("ts_future", f"count_if(ts >= TIMESTAMP {tomorrow})"),
        ]
    group = f" GROUP BY {', '.join(names)}" if names else ""
    select = ", ".join([*names, *(f"{expr} AS {alias}" for alias, expr in aggregates)])
    layout = Layout(
        tuple(names), tuple(alias for alias, _ in aggregates), presence, tuple(candidates), plan.samples
    )
    return f"SELECT {select} FROM ({query}){group}", layout


def _helper(c: Coded, level: int) -> str:
    name, expr = c.helpers[level]
    if c.fast_reasons is not None:
        # A slow-path helper: the rows the fast test took never read it.
        expr = f"CASE WHEN {c.column.fast} THEN NULL ELSE {expr} END"
    return f"{expr} AS h{c.column.index}_{name}"


def _cases(reasons: Sequence[tuple[str, str]], codes: dict[str, int]) -> str:
    if not reasons:
        return "0"
    whens = " ".join(f"WHEN {cond} THEN {codes[label]}" for label, cond in reasons)
    return f"CASE {whens} ELSE 0 END"


def _state(c: Coded) -> str:
    codes = {label: k for k, (label, _) in enumerate(c.reasons, start=1)}
    slow = _cases(c.reasons, codes)
    missing = f"WHEN {c.column.missing} THEN {MISSING} ELSE {slow} END"
    if c.fast_reasons is not None:
        return f"CASE WHEN {c.column.fast} THEN {_cases(c.fast_reasons, codes)} {missing}"
    return f"CASE {missing}"


def _timestamp(columns: list[Column], plan: QualityPlan) -> str | None:
    if not plan.timeliness:
        return None
    col = next(c for c in columns if c.name == plan.timeliness.column)
    if col.duck_type in DATE_TYPES:
        return f"CAST({col.raw} AS TIMESTAMP)"
    if not col.is_text:
        return _timestamp_text(col.text)
    # Most texts cast as they are (the cast skips leading blanks itself); coalesce() evaluates the
    # trimming fallback only for the rows that did not.
    return f"coalesce(TRY_CAST({col.raw} AS TIMESTAMP), {_timestamp_text(text_of(col, fast=False))})"


def summarise(rows: list[tuple[Any, ...]], layout: Layout, coded: list[Coded]) -> dict[str, Any]:
    """Fold the groups of one query back into the figures the engine reports (see ``engine``)."""
    width = len(layout.states)
    groups = [
        (
            dict(zip(layout.states, row[:width], strict=True)),
            dict(zip(layout.aggregates, row[width:], strict=True)),
        )
        for row in rows
    ]
    values: dict[str, Any] = {"n": sum(int(a["n"]) for _, a in groups)}

    def failing(state: str, wanted: Callable[[int], bool]) -> list[tuple[dict[str, Any], int]]:
        """The first failing rows of the groups whose ``state`` is ``wanted``, with that state."""
        found = [(s, g[state]) for g, a in groups if wanted(g[state]) for s in a.get("rows") or []]
        return sorted(found, key=lambda pair: int(pair[0]["r"]))[: layout.samples]

    for index, state in layout.presence.items():
        missing = sum(int(a["n"]) for g, a in groups if g[state] == MISSING)
        values[f"present{index}"] = values["n"] - missing
        values[f"missing_rows{index}"] = [s["r"] for s, _ in failing(state, lambda v: v == MISSING)]
    for c in coded:
        if c.alias not in layout.states:
            continue
        for k in range(1, len(c.reasons) + 1):
            values[f"{c.alias}_{k}"] = sum(int(a["n"]) for g, a in groups if g[c.alias] == k)
        values[f"{c.alias}_rows"] = [
            {"r": s["r"], "v": s[f"v{c.column.index}"], "k": k} for s, k in failing(c.alias, lambda v: v > 0)
        ]
    for index in layout.unique:
        found: dict[Any, tuple[int, list[int]]] = {}
        for g, a in groups:
            key = g[f"d{index}"]
            if key is not None:
                count, rows_seen = found.get(key, (0, []))
                found[key] = (count + int(a["n"]), rows_seen + list(a[f"d{index}_rows"]))
        repeated = {key: sorted(rs) for key, (count, rs) in found.items() if count > 1}
        values[f"dup_extra{index}"] = sum(found[key][0] - 1 for key in repeated)
        values[f"dup_rows{index}"] = sorted(
            (r, rs[0], key) for key, rs in repeated.items() for r in rs[1 : layout.samples + 1]
        )[: layout.samples]
    if "ts_latest" in layout.aggregates:
        latest = [a["ts_latest"] for _, a in groups if a["ts_latest"] is not None]
        values["ts_latest"] = max(latest) if latest else None
        values["ts_future"] = sum(int(a["ts_future"] or 0) for _, a in groups)
    return values
