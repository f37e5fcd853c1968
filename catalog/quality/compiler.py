"""Compile a plan into one aggregate query: the SQL half of the engine (``engine`` runs it).

A chain of projections normalises each column once (trimmed text), computes the rules' helper
columns once, turns each rule into a small integer reason code per row (0 = fine), and a single
ungrouped aggregate counts the codes, keeps the first few failing rows (``min_by`` over the row
number, built inside a CASE so only failing rows pay for it) and takes the newest timestamp.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
from duckdb.func import PythonUDFType

from catalog.quality.dataset import DATA, ROW, Dataset, scalar
from catalog.quality.errors import QualityError
from catalog.quality.results import CheckKind
from catalog.quality.rules import (
    DATE_TYPES,
    DEFAULT_DATE_FORMATS,
    REGION_TABLE,
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
# Surrounding characters a value is trimmed of before it is judged (Python's str.strip, near enough).
_WHITESPACE = " \t\r\n\x0b\x0c\u3000"
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
    def strict(self) -> str | None:
        """The rule's clean-value pattern, when the raw value can be tried against it untrimmed."""
        rule = self.spec.rule if self.spec else None
        return rule.strict if rule is not None and self.is_text else None

    @property
    def fast(self) -> str | None:
        return f"f{self.index}" if self.strict else None

    @property
    def missing(self) -> str:
        if self.is_text or self.needs_text:
            return f"{self.text} IS NULL"
        if self.duck_type in ("DOUBLE", "FLOAT"):
            # NaN is missing, ±inf is a value. isnan() misses the NaN pyarrow writes; this does not.
            return f"({self.raw} IS NULL OR (NOT isfinite({self.raw}) AND abs({self.raw}) <> 'inf'::DOUBLE))"
        return f"{self.raw} IS NULL"

    @property
    def present_value(self) -> str:
        """SQL that is NULL exactly when the value is missing."""
        if self.is_text or self.needs_text:
            return self.text
        return f"CASE WHEN NOT {self.missing} THEN {self.raw} END"


@dataclass
class Coded:
    """A check answered by a per-row reason code: validity or conformity."""

    kind: CheckKind
    column: Column
    label: str
    reasons: list[tuple[str, str]]
    alias: str
    helpers: list[tuple[str, str]] = field(default_factory=list)
    mask: Callable[[str], str] = str
    rule: Rule | None = None


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
        conformity = _conformity(col, spec)
        if conformity:
            coded.append(
                Coded(
                    CheckKind.CONFORMITY, col, _conformity_label(spec), conformity, f"y{col.index}", mask=mask
                )
            )
        if rule is not None:
            op = Operand(
                col.raw,
                col.text,
                "VARCHAR" if col.needs_text else col.duck_type,
                f"h{col.index}",
                as_of,
                col.fast,
            )
            # Emitted even when the native type settles it (a DATE column), so the report lists it.
            coded.append(
                Coded(
                    CheckKind.VALIDITY,
                    col,
                    rule.describe(),
                    rule.reasons(op),
                    f"v{col.index}",
                    rule.derive(op),
                    mask,
                    rule,
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
        f"ELSE nullif(trim({raw}, {sql_str(_WHITESPACE)}), '') END"
    )


def text_of(col: Column, fast: bool = True) -> str:
    raw = col.raw if col.is_text else f"CAST({col.raw} AS VARCHAR)"
    if fast and col.fast:
        return f"CASE WHEN {col.fast} THEN {raw} ELSE {_normalise(raw)} END"
    return _normalise(raw)


def ensure_region_table(con: duckdb.DuckDBPyConnection) -> None:
    if scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [REGION_TABLE]):
        return
    # One statement with a list parameter: executemany() would insert the 6,885 codes one by one.
    con.execute(
        f"CREATE TEMP TABLE {REGION_TABLE} AS SELECT unnest(?) AS code", [sorted(region_code_table())]
    )


def ensure_function(con: duckdb.DuckDBPyConnection, function: Function) -> None:
    if not scalar(con, "SELECT count(*) FROM duckdb_functions() WHERE function_name = ?", [function.name]):
        con.create_function(
            function.name, function.fn, list(function.parameters), function.returns, type=PythonUDFType.ARROW
        )


# ---- the aggregate query ----------------------------------------------------------------------


def aggregate_query(
    columns: list[Column], coded: list[Coded], plan: QualityPlan, as_of: date
) -> tuple[str, list[str]]:
    n = plan.samples
    base = ", ".join([f"{ROW} AS r", *(f"{sql_ident(c.name)} AS {c.raw}" for c in columns)])
    query = f"SELECT {base} FROM {DATA}"
    fast = [f"regexp_full_match({c.raw}, {sql_str(c.strict or '')}) AS {c.fast}" for c in columns if c.strict]
    if fast:
        query = f"SELECT *, {', '.join(fast)} FROM ({query})"
    texts = [f"{text_of(c)} AS {c.text}" for c in columns if c.is_text or c.needs_text]
    if texts:
        query = f"SELECT *, {', '.join(texts)} FROM ({query})"
    depth = max((len(c.helpers) for c in coded), default=0)
    for level in range(depth):
        stage = [
            f"{expr} AS h{c.column.index}_{name}"
            for c in coded
            if level < len(c.helpers)
            for name, expr in [c.helpers[level]]
        ]
        query = f"SELECT *, {', '.join(stage)} FROM ({query})"

    codes = []
    for c in coded:
        whens = " ".join(f"WHEN {cond} THEN {k}" for k, (_, cond) in enumerate(c.reasons, start=1))
        codes.append(f"CASE WHEN {c.column.missing} THEN 0 {whens} ELSE 0 END AS {c.alias}")
    timestamp = None
    if plan.timeliness:
        col = next(c for c in columns if c.name == plan.timeliness.column)
        timestamp = (
            f"CAST({col.raw} AS TIMESTAMP)" if col.duck_type in DATE_TYPES else _timestamp_text(col.text)
        )
        codes.append(f"{timestamp} AS ts")
    if codes:
        query = f"SELECT *, {', '.join(codes)} FROM ({query})"

    aggregates: list[tuple[str, str]] = [("n", "count(*)")]
    for col in columns:
        if col.spec is None:
            continue
        aggregates.append((f"present{col.index}", f"count({col.present_value})"))
        if col.spec.required:
            aggregates.append((f"missing_rows{col.index}", f"min(CASE WHEN {col.missing} THEN r END, {n})"))
    for c in coded:
        for k in range(1, len(c.reasons) + 1):
            aggregates.append((f"{c.alias}_{k}", f"count(*) FILTER (WHERE {c.alias} = {k})"))
        sample = f"{{'r': r, 'v': left(CAST({c.column.raw} AS VARCHAR), {SAMPLE_CHARS + 1}), 'k': {c.alias}}}"
        aggregates.append(
            (
                f"{c.alias}_rows",
                f"min_by(CASE WHEN {c.alias} > 0 THEN {sample} END, r, {n}) FILTER (WHERE {c.alias} > 0)",
            )
        )
    if timestamp is not None:
        tomorrow = sql_str((as_of + timedelta(days=1)).isoformat())
        aggregates += [
            ("ts_latest", f"max(ts) FILTER (WHERE ts < TIMESTAMP {tomorrow})"),
            ("ts_future", f"count(*) FILTER (WHERE ts >= TIMESTAMP {tomorrow})"),
        ]
    select = ", ".join(f"{expr} AS {alias}" for alias, expr in aggregates)
    return f"SELECT {select} FROM ({query})", [alias for alias, _ in aggregates]
