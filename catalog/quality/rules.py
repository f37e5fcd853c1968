"""Validity rules: what a present value must look like, as SQL that DuckDB runs in one scan.

Each rule is a small class. ``derive`` adds helper columns (each one a projection stage, computed
once per row), and ``reasons`` lists why a value fails, as SQL conditions tried in order: a row
counts under the first reason it meets, so "校验位错误" is only claimed for well-formed numbers. The
SQL mirrors ``core.identifiers`` exactly (the tests compare the two on random strings).

That path trims and folds every value first, which costs more than most checks. So a rule may also
offer a ``Fast`` path: a cheap test on the raw text that holds only for clean, well-formed values,
and the reasons for those rows; the trimming path then runs only for the few rows the test leaves
(see ``digits`` for what the arithmetic costs).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from catalog.quality.digits import (
    CREDIT_OK,
    CREDIT_UNCLEAR,
    ORG_WEIGHTS,
    credit_code_sql,
    credit_code_status,
    in_small_set,
    mod11_2_sum,
    real_birth_date,
    real_birth_date_fast,
    weighted_digit_sum_mod11,
)
from catalog.quality.errors import QualityError
from core.identifiers import (
    PROVINCE_CODES,
    mask_bank_card,
    mask_mobile,
    mask_resident_id,
    mask_text,
)

# A GB/T 2260 lookup table the engine creates in every DuckDB connection (see ``RegionCode``):
# ``code`` as text, ``n`` as the integer the fast path compares.
REGION_TABLE = "__zt_gb2260"
# Surrounding characters a value is trimmed of before it is judged (Python's str.strip, near enough).
WHITESPACE = " \t\r\n\x0b\x0c\u3000"
TEXT_TYPES = ("VARCHAR",)
NUMERIC_TYPES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE",
)  # fmt: skip
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")


def sql_str(value: str) -> str:
    """A SQL string literal (DuckDB: no backslash escapes, quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_numeric_type(duck_type: str) -> bool:
    return duck_type in NUMERIC_TYPES or duck_type.startswith("DECIMAL")


@dataclass(frozen=True)
class Operand:
    """One column as the rules see it: SQL for its raw value, its trimmed text and its helpers."""

    raw: str  # the column as loaded
    text: str  # trimmed text, NULL when missing or blank
    duck_type: str  # DuckDB type of ``raw``
    prefix: str  # helper columns are named <prefix>_<name>
    as_of: date
    fast: str | None = None  # SQL: the raw value already matched the rule's ``strict`` pattern

    def helper(self, name: str) -> str:
        return f"{self.prefix}_{name}"


@dataclass(frozen=True)
class Fast:
    """How a rule judges a well-formed value from its raw text, without trimming or case folding.

    ``test`` must hold only for values the slow path (trim, fold, ``reasons``) would find
    well-formed and would judge the same way; ``reasons`` are then tried in order on those rows,
    with labels from ``Rule.reasons``. ``helpers`` are computed on every row, a projection stage each.
    """

    test: str
    reasons: tuple[tuple[str, str], ...] = ()
    helpers: tuple[tuple[str, str], ...] = ()
    # Whether ``test`` also proves the raw text has nothing to trim. When it does not, the verdict
    # still stands, but whatever reads the trimmed text itself (a length, a key) gets it trimmed.
    clean: bool = True


class Rule:
    """A validity rule for one column (spec §12 "validity / format")."""

    kind: ClassVar[str]
    label: ClassVar[str]
    personal: ClassVar[bool] = False
    # For a rule without ``fast``: a pattern only clean, well-formed values match. The engine tests
    # the raw value against it and trims only the rows that miss; the reasons still run on every row.
    strict: ClassVar[str | None] = None

    def derive(self, op: Operand) -> list[tuple[str, str]]:
        """Helper columns, in order; each may use the ones before it."""
        return []

    def fast(self, op: Operand) -> Fast | None:
        """The fast path for a VARCHAR column, reading ``op.raw``; None when the rule has none."""
        return None

    def functions(self) -> tuple[Function, ...]:
        """Python UDFs the SQL of ``fast`` or ``reasons`` calls."""
        return ()

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        """Why a present value fails: (Chinese reason, SQL condition), tried in order."""
        raise NotImplementedError

    def mask(self, value: str) -> str:
        return value

    def describe(self) -> str:
        return self.label

    def matches(self, op: Operand, value: str, pattern: str) -> str:
        """SQL: ``value`` fully matches ``pattern``, skipping the regex where the fast path matched."""
        test = f"regexp_full_match({value}, {sql_str(pattern)})"
        return f"CASE WHEN {op.fast} THEN TRUE ELSE {test} END" if op.fast else test

    def upper(self, op: Operand) -> str:
        return (
            f"CASE WHEN {op.fast} THEN {op.text} ELSE upper({op.text}) END"
            if op.fast
            else f"upper({op.text})"
        )


@dataclass(frozen=True)
class ResidentId(Rule):
    """GB 11643-1999 居民身份证号; 15-digit GB 11643-1989 numbers on format and birth date."""

    kind: ClassVar[str] = "resident_id"
    label: ClassVar[str] = "居民身份证号（GB 11643-1999）"
    personal: ClassVar[bool] = True

    def fast(self, op: Operand) -> Fast:
        """18 digits, or 17 and X, read as one BIGINT (X as 0).

        The cast also takes "+1", " 1", "1_0", "1.5", "1e5" and "0x1F", so the test pins the text
        down: 18 bytes that start with a digit 1–9 (no sign, blank or 0x/0b prefix), no e or E (no
        exponent), and a value of 18 digits (a blank, "_" or "." would leave at most 17).
        """
        raw, n, b = op.raw, op.helper("n18"), op.helper("b18")
        test = (
            f"strlen({raw}) = 18 AND {raw} >= '1' AND {raw} < ':' AND {n} >= 100000000000000000 "
            f"AND NOT contains({raw}, 'e') AND NOT contains({raw}, 'E')"
        )
        province = in_small_set(f"{n} // 10000000000000000", {int(p) for p in PROVINCE_CODES}, 100)
        x = f"CASE WHEN suffix({op.raw}, 'X') THEN 10 ELSE 0 END"
        return Fast(
            test,
            (
                ("地址码的省份无效", f"NOT {province}"),
                ("出生日期无效", f"NOT ({real_birth_date_fast(b, op.as_of)})"),
                ("校验位错误", f"({mod11_2_sum(n)} + {x}) % 11 <> 1"),
            ),
            (
                (
                    "n18",
                    f"TRY_CAST(CASE WHEN suffix({raw}, 'X') THEN left({raw}, 17) || '0' ELSE {raw} END AS BIGINT)",
                ),
                ("b18", f"{n} // 10000 % 100000000"),
            ),
        )

    def derive(self, op: Operand) -> list[tuple[str, str]]:
        ok, n = op.helper("ok"), op.helper("n")
        return [
            ("ok", self.matches(op, op.text, "[0-9]{17}[0-9Xx]|[0-9]{15}")),
            ("n", f"CASE WHEN {ok} THEN TRY_CAST(left({op.text}, 17) AS BIGINT) END"),
            ("b", f"CASE WHEN strlen({op.text}) = 18 THEN {n} // 1000 % 100000000 "
                  f"ELSE 19000000 + {n} // 1000 % 1000000 END"),
        ]  # fmt: skip

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        t, n, b = op.text, op.helper("n"), op.helper("b")
        long = f"strlen({t}) = 18"
        provinces = ", ".join(sorted(PROVINCE_CODES))
        province = f"CASE WHEN {long} THEN {n} // 1000000000000000 ELSE {n} // 10000000000000 END"
        total = weighted_digit_sum_mod11(n)
        # "10X98765432"[s % 11] is the check character; read backwards, a digit c stands for
        # (12 - c) % 11 and X for 2, which keeps the comparison in integers.
        last = f"ascii(right({t}, 1))"
        given = f"CASE WHEN {last} IN (88, 120) THEN 2 ELSE (60 - {last}) % 11 END"
        return [
            ("格式错误", f"NOT {op.helper('ok')}"),
            ("地址码的省份无效", f"({province}) NOT IN ({provinces})"),
            ("出生日期无效", f"NOT {real_birth_date(b, op.as_of)}"),
            ("校验位错误", f"{long} AND ({total}) % 11 <> {given}"),
        ]

    def mask(self, value: str) -> str:
        return mask_resident_id(value)


@dataclass(frozen=True)
class Function:
    """A Python UDF a rule needs registered on the connection."""

    name: str
    fn: Callable[..., Any]
    parameters: tuple[str, ...]
    returns: str


CREDIT_STATUS_UDF = Function("__zt_credit_code_status", credit_code_status, ("VARCHAR",), "UTINYINT")


@dataclass(frozen=True)
class CreditCode(Rule):
    """GB 32100-2015 统一社会信用代码 (same rule as ``core.codes.is_valid_credit_code``)."""

    kind: ClassVar[str] = "credit_code"
    label: ClassVar[str] = "统一社会信用代码（GB 32100-2015）"

    def functions(self) -> tuple[Function, ...]:
        return (CREDIT_STATUS_UDF,)

    def fast(self, op: Operand) -> Fast:
        # The UDF gets a projection of its own, over whole 2,048-row vectors: inside a CASE, DuckDB
        # would call it on sliced vectors, once per branch.
        status = op.helper("status")
        return Fast(
            f"{status} < {CREDIT_UNCLEAR}",
            (("校验位错误", f"{status} <> {CREDIT_OK}"),),
            (("status", f"{CREDIT_STATUS_UDF.name}({op.raw})"),),
        )

    def derive(self, op: Operand) -> list[tuple[str, str]]:
        return [("u", self.upper(op))]

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        # Only the rows the fast path leaves (lower case, blanks, malformed) get here, so the
        # character-by-character SQL costs nothing that matters.
        u = op.helper("u")
        return [
            ("格式错误", f"NOT regexp_full_match({u}, '[0-9A-HJ-NPQRTUWXY]{{18}}')"),
            ("校验位错误", credit_code_sql(u)),
        ]


@dataclass(frozen=True)
class OrgCode(Rule):
    """GB 11714-1997 组织机构代码, ``XXXXXXXX-X`` or without the hyphen."""

    kind: ClassVar[str] = "org_code"
    label: ClassVar[str] = "组织机构代码（GB 11714-1997）"
    strict: ClassVar[str | None] = "[0-9A-Z]{8}-?[0-9X]"

    def derive(self, op: Operand) -> list[tuple[str, str]]:
        return [("u", self.upper(op))]

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        u = op.helper("u")
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        total = " + ".join(
            f"(strpos('{alphabet}', substr({u}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(ORG_WEIGHTS)
        )
        check = f"(11 - ({total}) % 11)"
        expected = f"CASE {check} WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE CAST({check} AS VARCHAR) END"
        return [
            ("格式错误", f"NOT {self.matches(op, u, '[0-9A-Z]{8}-?[0-9X]')}"),
            ("校验位错误", f"{expected} <> right({u}, 1)"),
        ]


def _canonical_integer(raw: str, n: str, low: int, high: int) -> str:
    """SQL: ``raw`` is exactly the decimal digits of ``n`` (a TRY_CAST of it), between low and high.

    Comparing the text with the cast back rules out everything else the cast accepts (a sign,
    blanks, "_", "1e5", "0x1F"); for at most 12 bytes DuckDB keeps the string inline, so it is cheap.
    """
    return f"{n} BETWEEN {low} AND {high} AND CAST({n} AS VARCHAR) = {raw}"


@dataclass(frozen=True)
class RegionCode(Rule):
    """GB/T 2260 行政区划代码, looked up in the table python-stdnum ships (retired codes included)."""

    kind: ClassVar[str] = "region_code"
    label: ClassVar[str] = "行政区划代码（GB/T 2260）"

    def fast(self, op: Operand) -> Fast:
        # Every code in the table is six digits without a leading zero, so for such a text the
        # integer lookup and the text lookup agree.
        n = op.helper("n6")
        return Fast(
            _canonical_integer(op.raw, n, 100000, 999999),
            (("不在代码表中", f"{n} NOT IN (SELECT n FROM {REGION_TABLE})"),),
            (("n6", f"TRY_CAST({op.raw} AS INTEGER)"),),
        )

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        t = op.text
        return [
            ("格式错误", f"NOT regexp_full_match({t}, '[0-9]{{6}}')"),
            ("不在代码表中", f"{t} NOT IN (SELECT code FROM {REGION_TABLE})"),
        ]


@dataclass(frozen=True)
class Mobile(Rule):
    """Mainland mobile number, leniently ``1[3-9]`` and 9 more digits."""

    kind: ClassVar[str] = "mobile"
    label: ClassVar[str] = "手机号码"
    personal: ClassVar[bool] = True

    def fast(self, op: Operand) -> Fast:
        n = op.helper("n11")
        return Fast(
            _canonical_integer(op.raw, n, 13000000000, 19999999999),
            (),
            (("n11", f"TRY_CAST({op.raw} AS BIGINT)"),),
        )

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        return [("格式错误", f"NOT regexp_full_match({op.text}, '1[3-9][0-9]{{9}}')")]

    def mask(self, value: str) -> str:
        return mask_mobile(value)


@dataclass(frozen=True)
class BankCard(Rule):
    """Bank card number: 12–19 digits with a Luhn check digit."""

    kind: ClassVar[str] = "bank_card"
    label: ClassVar[str] = "银行卡号"
    personal: ClassVar[bool] = True
    strict: ClassVar[str | None] = "[0-9]{12,19}"

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        t = op.text
        digit = "(ascii(c) - 48)"
        luhn = (
            f"list_sum(list_transform(string_split(reverse({t}), ''), lambda c, i: "
            f"CASE WHEN i % 2 = 0 THEN {digit} * 2 - CASE WHEN {digit} > 4 THEN 9 ELSE 0 END ELSE {digit} END))"
        )
        return [
            ("格式错误", f"NOT {self.matches(op, t, '[0-9]{12,19}')}"),
            ("校验位错误", f"({luhn}) % 10 <> 0"),
        ]

    def mask(self, value: str) -> str:
        return mask_bank_card(value)


DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class DateFormat(Rule):
    """A real calendar date in one of ``formats`` (strftime codes); DATE/TIMESTAMP columns pass."""

    formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    kind: ClassVar[str] = "date"
    label: ClassVar[str] = "日期"

    def __post_init__(self) -> None:
        if not self.formats or any("%" not in f for f in self.formats):
            raise QualityError("日期格式设置无效：每个格式都应含 %Y、%m、%d 等占位符")

    def fast(self, op: Operand) -> Fast | None:
        # strptime skips blanks around the value itself, so a raw text it reads is read the same
        # once trimmed, unless a format wants blanks at its ends (then trimming could break it);
        # the blanks it skipped are still there, hence not ``clean``.
        if any(f != f.strip(WHITESPACE) for f in self.formats):
            return None
        return Fast(f"try_strptime({op.raw}, {self._formats()}) IS NOT NULL", clean=False)

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        if op.duck_type in DATE_TYPES:
            return []
        return [("不是有效日期", f"try_strptime({op.text}, {self._formats()}) IS NULL")]

    def _formats(self) -> str:
        # One format as a plain string: the list form costs twice as much per row.
        if len(self.formats) == 1:
            return sql_str(self.formats[0])
        return "[" + ", ".join(sql_str(f) for f in self.formats) + "]"

    def describe(self) -> str:
        return f"日期（{' 或 '.join(self.formats)}）"


@dataclass(frozen=True)
class Pattern(Rule):
    """The whole value matches a regular expression (RE2 syntax, as DuckDB runs it)."""

    regex: str = ""
    kind: ClassVar[str] = "regex"
    label: ClassVar[str] = "格式"

    def __post_init__(self) -> None:
        if not self.regex:
            raise QualityError("正则表达式不能为空")
        try:
            re.compile(self.regex)
        except re.error as exc:
            raise QualityError(f"正则表达式无效：{exc}") from exc

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        return [("不符合格式", f"NOT regexp_full_match({op.text}, {sql_str(self.regex)})")]

    def describe(self) -> str:
        return f"格式 {self.regex}"


@dataclass(frozen=True)
class AllowedValues(Rule):
    """The value is one of a fixed list (a 码表), compared exactly after trimming."""

    values: tuple[str, ...] = ()
    kind: ClassVar[str] = "values"
    label: ClassVar[str] = "取值范围"

    def __post_init__(self) -> None:
        if not self.values:
            raise QualityError("取值范围不能为空")

    def untrimmed(self) -> list[str]:
        """The listed values with nothing to trim: a raw text equal to one has none to trim either."""
        return [v for v in self.values if v and v == v.strip(WHITESPACE)]

    def fast(self, op: Operand) -> Fast | None:
        clean = self.untrimmed()
        if not clean:
            return None
        return Fast(f"{op.raw} IN ({', '.join(sql_str(v) for v in clean)})")

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        listed = ", ".join(sql_str(v) for v in self.values)
        return [("不在取值范围内", f"{op.text} NOT IN ({listed})")]

    def describe(self) -> str:
        shown = "、".join(self.values[:8]) + ("等" if len(self.values) > 8 else "")
        return f"取值范围（{shown}）"


@dataclass(frozen=True)
class NumericRange(Rule):
    """A number between ``minimum`` and ``maximum`` (either may be open)."""

    minimum: float | None = None
    maximum: float | None = None
    kind: ClassVar[str] = "range"
    label: ClassVar[str] = "数值范围"

    def __post_init__(self) -> None:
        bounds = [b for b in (self.minimum, self.maximum) if b is not None]
        if not bounds or any(not math.isfinite(b) for b in bounds):
            raise QualityError("数值范围至少需要一个有限的上限或下限")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise QualityError("数值范围的下限大于上限")

    def reasons(self, op: Operand) -> list[tuple[str, str]]:
        numeric = is_numeric_type(op.duck_type)
        x = op.raw if numeric else f"TRY_CAST({op.text} AS DOUBLE)"
        found = [] if numeric else [("不是数值", f"{x} IS NULL")]
        if self.minimum is not None:
            found.append((f"小于 {_number(self.minimum)}", f"{x} < {self.minimum!r}"))
        if self.maximum is not None:
            found.append((f"大于 {_number(self.maximum)}", f"{x} > {self.maximum!r}"))
        return found

    def describe(self) -> str:
        low = "-∞" if self.minimum is None else _number(self.minimum)
        high = "+∞" if self.maximum is None else _number(self.maximum)
        return f"数值范围 [{low}, {high}]"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def mask_personal(value: str) -> str:
    """Mask for a column marked 敏感 without a rule of its own: the first character stays."""
    return mask_text(value, 1, 0)


# ValidityKind codes (catalog.models.choices) and the extra kinds a caller may configure.
RULES: dict[str, Callable[..., Rule]] = {
    "resident_id": ResidentId,
    "credit_code": CreditCode,
    "org_code": OrgCode,
    "region_code": RegionCode,
    "mobile": Mobile,
    "bank_card": BankCard,
    "date": DateFormat,
    "regex": Pattern,
    "values": AllowedValues,
    "range": NumericRange,
}


def rule_for(kind: str, **params: Any) -> Rule | None:
    """The rule a 信息项's validity setting names; "" means none."""
    if not kind:
        return None
    try:
        factory = RULES[kind]
    except KeyError:
        raise QualityError(f"未知的取值校验类型：{kind}") from None
    try:
        return factory(**params)
    except TypeError as exc:
        raise QualityError(f"取值校验「{kind}」的参数有误：{exc}") from exc


def values_tuple(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in values)
