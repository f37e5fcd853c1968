"""Validity rules: the SQL run in DuckDB agrees with ``core.identifiers`` value by value."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.quality import (
    AllowedValues,
    BankCard,
    ColumnSpec,
    CreditCode,
    DateFormat,
    Mobile,
    NumericRange,
    OrgCode,
    Pattern,
    QualityError,
    QualityPlan,
    RegionCode,
    ResidentId,
    Rule,
    rule_for,
)
from catalog.quality.tests.support import (
    AS_OF,
    bad_check,
    credit_code,
    org_code,
    resident_id,
    result,
    rng,
    run_csv,
)
from core.identifiers import (
    is_valid_bank_card,
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_org_code,
    is_valid_region_code,
    is_valid_resident_id,
    region_code_table,
    resident_id_check_char,
)


def _mutations(valid: list[str], r: random.Random, alphabet: str) -> list[str]:
    out = []
    for value in valid:
        i = r.randrange(len(value))
        out.append(value[:i] + r.choice(alphabet) + value[i + 1 :])  # one character changed
        j = r.randrange(len(value) - 1)
        out.append(value[:j] + value[j + 1] + value[j] + value[j + 2 :])  # two swapped
    out += [valid[0][:-1], valid[0] + "1", " " + valid[1] + " ", valid[2].lower(), valid[3] + "\t"]
    return out


def _resident_ids(r: random.Random) -> list[str]:
    valid = [
        resident_id(i, born=f"{r.randint(1930, 2020)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}")
        for i in range(40)
    ]
    valid += ["34052419800101001X", "11010519491231002X", "110105491231002", "460001199001010010"]
    extra = [
        "360426199102300071",
        "990426199101010071",
        "110105490231002",
        "3604261991010100x1",
        "36042619910101007X",
    ]
    return valid + _mutations(valid, r, string.digits + "Xx") + extra


def _credit_codes(r: random.Random) -> list[str]:
    valid = [credit_code(i * 7919) for i in range(40)] + ["91110000600037341L", "91350200MA2YJ1XR9G"]
    return valid + _mutations(valid, r, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") + ["91350203M0001QAY9B"]


def _org_codes(r: random.Random) -> list[str]:
    valid = [org_code(i * 104729) for i in range(40)] + ["60003734-1", "600037341", "MA2YJ1XR-9"]
    return valid + _mutations(valid, r, string.digits + "XAZ-") + ["60003734--1", "6000373I-1"]


def _region_codes(r: random.Random) -> list[str]:
    valid = r.sample(sorted(region_code_table()), 60)
    return valid + _mutations(valid, r, string.digits + "A") + ["329999", "990000", "32132"]


def _mobiles(r: random.Random) -> list[str]:
    valid = [f"1{r.randint(3, 9)}{r.randint(0, 10**9 - 1):09d}" for _ in range(60)]
    return valid + _mutations(valid, r, string.digits + "+") + ["12812345678", "+8613812345678"]


def _bank_cards(r: random.Random) -> list[str]:
    valid = [
        "6222021234567890128",
        "4111111111111111",
        "378282246310005",
        "5500005555555559",
        "6011000990139424",
    ]
    valid += [c[:-1] + str(d) for c in valid for d in range(10) if is_valid_bank_card(c[:-1] + str(d))]
    return valid + _mutations(valid * 6, r, string.digits) + ["79927398713", "1234567890123456789012"]


CASES: list[tuple[str, Rule, Callable[[str], bool], Callable[[random.Random], list[str]]]] = [
    ("resident_id", ResidentId(), lambda v: is_valid_resident_id(v, today=AS_OF), _resident_ids),
    ("credit_code", CreditCode(), is_valid_credit_code, _credit_codes),
    ("org_code", OrgCode(), is_valid_org_code, _org_codes),
    ("region_code", RegionCode(), is_valid_region_code, _region_codes),
    ("mobile", Mobile(), is_valid_mobile, _mobiles),
    ("bank_card", BankCard(), is_valid_bank_card, _bank_cards),
]


@pytest.mark.parametrize(("name", "rule", "python", "values"), CASES, ids=[c[0] for c in CASES])
def test_it_judges_each_value_as_core_identifiers_does(
    tmp_path: Path,
    name: str,
    rule: Rule,
    python: Callable[[str], bool],
    values: Callable[[random.Random], list[str]],
) -> None:
    data = values(rng())
    expected_bad = {row for row, value in enumerate(data, start=1) if value.strip() and not python(value)}
    assert 0 < len(expected_bad) <= 100, "keep the planted failures within the sample size"
    plan = QualityPlan((ColumnSpec("值", rule=rule),), as_of=AS_OF, samples=100)

    report = run_csv(tmp_path, ["值"], [[v] for v in data], plan)

    validity = result(report, "validity", "值")
    assert validity.failed == len(expected_bad)
    assert {s.row for s in validity.samples} == expected_bad


def _id(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


# Texts a fast path reads raw (a BIGINT cast, a byte-level UDF, a strptime) that the cast accepts
# or the bytes resemble, though the rule does not: each must be judged as the trimming path would.
TRICKY: list[tuple[str, Rule, Callable[[str], bool], list[str]]] = [
    (
        "resident_id",
        ResidentId(),
        lambda v: is_valid_resident_id(v, today=AS_OF),
        [
            _id("11010519491231002"),
            _id("11010519491231003")[:-1] + "x",
            " " + _id("11010519491231004"),
            _id("11010519491231005") + "\t",
            "+" + _id("11010519491231006")[1:],
            "110105195001016000",
            "110105195001016e03",  # the same number, were the cast trusted
            "1000000000000000e2",
            "10000000e000000010",
            "1.00000000000000e17",
            "1_1010519491231002",
            "0x016345785D8A0000",
            "011010519491231002",
            _id("11010519490229002"),
            _id("11010520000229002"),
            _id("11010519000229002"),
            _id("11010520250701002"),
            _id("11010520250630002"),
            _id("11010518491231002"),
            _id("11010518500101002"),
            _id("00010519491231002"),
            _id("99010519491231002"),
            "11010519491231002Ｘ",
        ],
    ),
    (
        "mobile",
        Mobile(),
        is_valid_mobile,
        [
            "13812345678",
            " 13812345678",
            "13812345678 ",
            "+3812345678",
            "0x309CE5400",
            "1.38123e10",
            "13_12345678",
            "1381234567e",
            "1380000e+04",
            "12812345678",
            "19999999999",
            "20000000000",
            "013812345678",
        ],
    ),
    (
        "region_code",
        RegionCode(),
        is_valid_region_code,
        [
            "110000",
            " 110000",
            "+11000",
            "1100e2",
            "1000e2",
            "11_000",
            "011000",
            "110000\u3000",
            "329999",
            "110101",
            "0x1ADB",
        ],
    ),
    (
        "credit_code",
        CreditCode(),
        is_valid_credit_code,
        [
            "91110000600037341L",
            "91110000600037341l",
            " 91110000600037341L",
            "91110000600037341L ",
            "91110000600037341I",
            "91110000600037341",
            "911100006000373410L",
            "9111000060003734ÄL",
            "91110000600037341M",
            "９1110000600037341L",
        ],
    ),
]


@pytest.mark.parametrize(("name", "rule", "python", "values"), TRICKY, ids=[c[0] for c in TRICKY])
def test_it_reads_raw_texts_on_the_fast_path_as_the_trimming_path_would(
    tmp_path: Path, name: str, rule: Rule, python: Callable[[str], bool], values: list[str]
) -> None:
    expected_bad = {row for row, value in enumerate(values, start=1) if not python(value)}
    plan = QualityPlan((ColumnSpec("值", rule=rule),), as_of=AS_OF, samples=100)

    validity = result(run_csv(tmp_path, ["值"], [[v] for v in values], plan), "validity", "值")

    assert {s.row for s in validity.samples} == expected_bad
    assert validity.failed == len(expected_bad)


def test_it_names_the_reason_of_each_failed_resident_id(tmp_path: Path) -> None:
    good = [resident_id(i) for i in range(20)]
    planted = {
        "校验位错误": [bad_check(resident_id(100 + i)) for i in range(12)],
        "格式错误": ["32032419900101", "3203241990010100AB", "abc"],
        "出生日期无效": ["320324" + "19900230" + "001" + "X"],
        "地址码的省份无效": ["990324199001010011"],
    }
    rows = [[v] for v in good + [v for values in planted.values() for v in values]]
    plan = QualityPlan((ColumnSpec("身份证号", rule=ResidentId()),), as_of=AS_OF)

    validity = result(run_csv(tmp_path, ["身份证号"], rows, plan), "validity", "身份证号")

    assert dict(validity.reasons) == {reason: len(values) for reason, values in planted.items()}
    assert validity.failed == 17
    assert validity.description.startswith("「身份证号」列有 12 行校验位错误、3 行格式错误")
    assert validity.rows_checked == 37 and validity.passed is False


def test_it_checks_dates_against_their_formats(tmp_path: Path) -> None:
    rows = [
        ["2025-01-31"],
        ["2024-02-29"],
        ["2025-02-29"],
        ["2025/01/31"],
        ["31.01.2025"],
        ["2025-13-01"],
        [""],
    ]
    plan = QualityPlan((ColumnSpec("日期", rule=DateFormat(("%Y-%m-%d", "%Y/%m/%d"))),), as_of=AS_OF)

    validity = result(run_csv(tmp_path, ["日期"], rows, plan), "validity", "日期")

    assert (validity.failed, validity.rows_checked) == (3, 6)
    assert [s.row for s in validity.samples] == [3, 5, 6]


def test_it_checks_patterns_allowed_values_and_ranges(tmp_path: Path) -> None:
    rows = [
        ["A-001", "正常", "10"],
        ["A-02", "注销", "-1"],
        ["B-003", "未知", "abc"],
        ["A-004", " 正常 ", "1e9"],
    ]
    plan = QualityPlan(
        (
            ColumnSpec("编号", rule=Pattern(r"A-\d{3}")),
            ColumnSpec("状态", rule=AllowedValues(("正常", "注销"))),
            ColumnSpec("金额", rule=NumericRange(0, 1000)),
        ),
        as_of=AS_OF,
    )

    report = run_csv(tmp_path, ["编号", "状态", "金额"], rows, plan)

    assert result(report, "validity", "编号").failed == 2
    assert result(report, "validity", "状态").failed == 1  # surrounding spaces are trimmed first
    amounts = result(report, "validity", "金额")
    assert dict(amounts.reasons) == {"小于 0": 1, "不是数值": 1, "大于 1000": 1}


def test_it_builds_rules_from_item_settings() -> None:
    assert isinstance(rule_for("resident_id"), ResidentId)
    assert rule_for("") is None
    assert rule_for("values", values=("是", "否")) == AllowedValues(("是", "否"))
    with pytest.raises(QualityError, match="未知的取值校验类型"):
        rule_for("passport")
    with pytest.raises(QualityError, match="参数有误"):
        rule_for("mobile", pattern="x")


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: Pattern("(unclosed"), "正则表达式无效"),
        (lambda: AllowedValues(()), "取值范围不能为空"),
        (lambda: NumericRange(), "至少需要一个"),
        (lambda: NumericRange(5, 1), "下限大于上限"),
        (lambda: NumericRange(float("nan")), "至少需要一个有限"),
        (lambda: DateFormat(("yyyy-mm-dd",)), "日期格式设置无效"),
    ],
)
def test_it_refuses_a_rule_with_bad_parameters(factory: Callable[[], Rule], message: str) -> None:
    with pytest.raises(QualityError, match=message):
        factory()
