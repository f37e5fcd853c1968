"""Turning one cell into a typed value, or a Chinese reason why it cannot be one (no database)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from catalog.excel.layout import BOOL, CHOICE, CODES, DATE, DECIMAL, INT, TEXT, Column

_SPLIT = re.compile(r"[\s,，、;；]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗"}
MAX_INTEGER = 10**15  # BigIntegerField holds more; no county counts beyond this
MAX_DECIMAL_DIGITS, DECIMAL_PLACES = 14, 3  # DataResource's storage counters


class CellValueError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def as_text(value: Any) -> str:
    """Numbers typed into a text column come back as numbers: 1 → "1", not "1.0"."""
    if value.__class__ is str:  # the reader has stripped it already
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.strftime(
            "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def split_list(value: Any) -> list[str]:
    if not value:
        return []
    return list(dict.fromkeys(part for part in _SPLIT.split(as_text(value)) if part))


def parse(column: Column, value: Any) -> Any:
    """The typed value of a non-blank cell for this column (choice → its code)."""
    kind = column.kind
    if kind == TEXT:
        text = as_text(value)
        if column.max_length and len(text) > column.max_length:
            raise CellValueError(f"“{column.header}”不能超过 {column.max_length} 字（现有 {len(text)} 字）")
        return text
    if kind == INT:
        return _integer(column, value)
    if kind == DECIMAL:
        return _decimal(column, value)
    if kind == DATE:
        return _date(column, value)
    if kind == BOOL:
        return _bool(column, value)
    if kind == CHOICE:
        return _choice(column, value)
    if kind == CODES:
        return split_list(value)
    return as_text(value)  # UNIT, CATEGORY: resolved against the database by the importer


def _integer(column: Column, value: Any) -> int:
    if isinstance(value, bool):
        raise CellValueError(f"“{column.header}”应为整数")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.replace(",", "").replace("，", "").strip()
        if re.fullmatch(r"\d+(\.0+)?", text):
            value = int(text.split(".")[0])
    if not isinstance(value, int):
        raise CellValueError(f"“{column.header}”应为不小于 0 的整数")
    if value < 0 or value > MAX_INTEGER:
        raise CellValueError(f"“{column.header}”应为不小于 0 的整数")
    return value


def _decimal(column: Column, value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        raise CellValueError(f"“{column.header}”应为数字")
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise CellValueError(f"“{column.header}”应为数字") from None
    if not number.is_finite() or number < 0:
        raise CellValueError(f"“{column.header}”应为不小于 0 的数字")
    number = number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
    if len(number.as_tuple().digits) > MAX_DECIMAL_DIGITS:
        raise CellValueError(f"“{column.header}”数值过大")
    return number


def _date(column: Column, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellValueError(f"“{column.header}”日期格式不正确，应为 2024-01-31 这样的日期")


def _bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellValueError(f"“{column.header}”应填“是”或“否”")


@lru_cache(maxsize=128)
def _choice_index(column: Column) -> dict[str, str]:
    index = {code.lower(): code for code, _ in column.choices}
    index.update({label: code for code, label in column.choices})
    return index


def _choice(column: Column, value: Any) -> str:
    text = as_text(value)
    code = _choice_index(column).get(text) or _choice_index(column).get(text.lower())
    if code is not None:
        return code
    options = "、".join(column.labels)
    raise CellValueError(f"“{text}”不是可选的{column.header}，应为：{options}")
