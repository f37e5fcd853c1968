"""The checks themselves: each family finds exactly what was planted, and says so in Chinese."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from catalog.quality import (
    ColumnSpec,
    CreditCode,
    DataType,
    Limits,
    Mobile,
    OrgCode,
    QualityError,
    QualityPlan,
    RegionCode,
    ResidentId,
    TimelinessSpec,
    UpdatePeriod,
    check,
    compare,
    load_csv,
)
from catalog.quality.dataset import deadline
from catalog.quality.tests.support import (
    AS_OF,
    bad_check,
    credit_code,
    org_code,
    resident_id,
    result,
    run_csv,
    write_csv,
)

HEADER = [
    "姓名",
    "身份证号",
    "统一社会信用代码",
    "组织机构代码",
    "行政区划代码",
    "手机号",
    "金额",
    "登记日期",
]


def _row(i: int) -> list[str]:
    return [
        f"居民{i}",
        resident_id(i),
        credit_code(i),
        org_code(i),
        "321324",
        f"139{i:08d}",
        f"{i}.50",
        f"2025-06-{1 + i % 28:02d}",
    ]


def _plan(**overrides: object) -> QualityPlan:
    columns = (
        ColumnSpec("姓名", required=True, sensitive=True),
        ColumnSpec("身份证号", required=True, unique=True, rule=ResidentId()),
        ColumnSpec("统一社会信用代码", rule=CreditCode()),
        ColumnSpec("组织机构代码", rule=OrgCode()),
        ColumnSpec("行政区划代码", rule=RegionCode()),
        ColumnSpec("手机号", rule=Mobile()),
        ColumnSpec("金额", data_type=DataType.CURRENCY),
        ColumnSpec("登记日期", data_type=DataType.DATE, length=10),
    )
    settings: dict[str, object] = {"columns": columns, "as_of": AS_OF, **overrides}
    return QualityPlan(**settings)  # type: ignore[arg-type]


def _planted(tmp_path: Path, plan: QualityPlan | None = None) -> tuple[list[list[str]], object]:
    rows = [_row(i) for i in range(1, 201)]
    for i in (10, 20, 30):
        rows[i][0] = ""  # 姓名 blank: rows 11, 21, 31
    rows[40][0] = "   "  # only spaces counts as blank too: row 41
    rows[50][1] = resident_id(1)  # a repeat of row 1
    rows[51][1] = resident_id(2)  # a repeat of row 2
    rows[60][1] = bad_check(resident_id(61))
    rows[70][2] = bad_check(credit_code(71), "0123456789ABCDEFGHJKLMNPQRTUWXY")
    rows[71][2] = "91350203M0001QAY9B"
    rows[80][3] = bad_check(org_code(81))
    rows[90][4] = "329999"
    rows[91][4] = "3213"
    rows[100][5] = "12800000000"
    rows[110][6] = "十元"
    rows[120][7] = "2025-02-30"
    rows[121][7] = "2025-06-01 08:00"
    report = run_csv(tmp_path, HEADER, rows, plan or _plan())
    return rows, report


def test_it_finds_exactly_what_was_planted_in_every_family(tmp_path: Path) -> None:
    _, report = _planted(tmp_path)

    counts = {(r.kind.value, r.column): r.failed for r in report.results}  # type: ignore[attr-defined]
    assert counts == {
        ("volume", None): 0,
        ("completeness", "姓名"): 4,
        ("completeness", "身份证号"): 0,
        ("uniqueness", "身份证号"): 2,
        ("validity", "身份证号"): 1,
        ("validity", "统一社会信用代码"): 2,
        ("validity", "组织机构代码"): 1,
        ("validity", "行政区划代码"): 2,
        ("validity", "手机号"): 1,
        ("conformity", "金额"): 1,
        ("conformity", "登记日期"): 2,
    }


def test_it_lists_failing_rows_with_reasons_and_masks_personal_data(tmp_path: Path) -> None:
    rows, report = _planted(tmp_path)

    blanks = result(report, "completeness", "姓名")
    assert [s.row for s in blanks.samples] == [11, 21, 31, 41]
    assert blanks.description == "「姓名」列有 4 行为空（空值率 2.00%）"
    duplicates = result(report, "uniqueness", "身份证号")
    assert [(s.row, s.reason) for s in duplicates.samples] == [(51, "与第 1 行重复"), (52, "与第 2 行重复")]
    assert duplicates.samples[0].value == resident_id(1)[:6] + "********" + resident_id(1)[-4:]
    ids = result(report, "validity", "身份证号")
    assert ids.description == "「身份证号」列有 1 行校验位错误（居民身份证号（GB 11643-1999））"
    regions = result(report, "validity", "行政区划代码")
    assert [(s.row, s.value, s.reason) for s in regions.samples] == [
        (91, "329999", "不在代码表中"),
        (92, "3213", "格式错误"),
    ]
    mobile = result(report, "validity", "手机号")
    assert mobile.samples[0].value == "128****0000"
    credit = result(report, "validity", "统一社会信用代码")
    assert credit.samples[1].value == "91350203M0001QAY9B"  # not personal data: shown whole
    dates = result(report, "conformity", "登记日期")
    assert dict(dates.reasons) == {"不是日期": 2}


def test_it_passes_a_check_within_its_tolerance(tmp_path: Path) -> None:
    columns = (ColumnSpec("姓名", required=True, tolerance=0.05), ColumnSpec("身份证号", required=True))
    _, report = _planted(tmp_path, QualityPlan(columns, as_of=AS_OF))

    names = result(report, "completeness", "姓名")
    assert names.failed == 4 and names.failure_rate == 0.02 and names.passed
    assert report.passed and report.findings == ()


def test_it_checks_lengths_of_character_items(tmp_path: Path) -> None:
    plan = QualityPlan((ColumnSpec("名称", length=4),), as_of=AS_OF)

    report = run_csv(tmp_path, ["名称"], [["县数据局"], ["县大数据中心"], [""]], plan)

    conformity = result(report, "conformity", "名称")
    assert (conformity.failed, conformity.rows_checked, conformity.samples[0].row) == (1, 2, 2)
    assert conformity.description == "「名称」列有 1 行超过长度 4（数据类型字符型，长度不超过 4）"


@pytest.mark.parametrize(
    ("data_type", "values", "failed"),
    [
        (DataType.INTEGER, ["1", "-2", "3.5", "1e3", "x"], 3),
        (DataType.NUMBER, ["1", "-2.5", "1e3", "nan", "x"], 2),
        (DataType.DATETIME, ["2025-06-01 08:00:00", "2025/06/01 08:00", "2025-06-01", "昨天"], 1),
        (DataType.LOGICAL, ["是", "否", "true", "1", "maybe"], 1),
    ],
)
def test_it_checks_values_against_the_item_data_type(
    tmp_path: Path, data_type: DataType, values: list[str], failed: int
) -> None:
    plan = QualityPlan((ColumnSpec("值", data_type=data_type),), as_of=AS_OF)

    report = run_csv(tmp_path, ["值"], [[v] for v in values], plan)

    assert result(report, "conformity", "值").failed == failed


def _fresh(tmp_path: Path, dates: list[str], period: UpdatePeriod, grace: int = 0) -> object:
    plan = QualityPlan(
        (ColumnSpec("编号"),), timeliness=TimelinessSpec("更新时间", period, grace), as_of=AS_OF
    )
    report = run_csv(tmp_path, ["编号", "更新时间"], [[str(i), d] for i, d in enumerate(dates)], plan)
    return result(report, "timeliness", "更新时间")


def test_it_passes_data_updated_within_its_period(tmp_path: Path) -> None:
    fresh = _fresh(tmp_path, ["2025-05-01", "2025-06-10 09:30:00", "bad"], UpdatePeriod.MONTHLY)

    assert fresh.passed  # type: ignore[attr-defined]
    assert fresh.description == "「更新时间」最新记录为 2025-06-10，在更新周期（每月）内"  # type: ignore[attr-defined]


def test_it_flags_stale_data_with_the_days_overdue(tmp_path: Path) -> None:
    stale = _fresh(tmp_path, ["2025-03-31", "2025-01-01"], UpdatePeriod.MONTHLY, grace=5)

    assert not stale.passed  # type: ignore[attr-defined]
    assert stale.freshness.due == date(2025, 5, 5) and stale.freshness.overdue_days == 56  # type: ignore[attr-defined]
    assert stale.description == (  # type: ignore[attr-defined]
        "「更新时间」最新记录为 2025-03-31，按每月更新应不晚于 2025-05-05，已超期 56 天"
    )


def test_it_leaves_out_records_dated_after_the_run_day(tmp_path: Path) -> None:
    fresh = _fresh(tmp_path, ["2025-06-29", "2052-06-29"], UpdatePeriod.DAILY)

    assert fresh.passed and fresh.freshness.future_rows == 1  # type: ignore[attr-defined]
    assert "另有 1 行时间晚于检查日 2025-06-30，未计入" in fresh.description  # type: ignore[attr-defined]


def test_it_never_auto_fails_irregular_updates(tmp_path: Path) -> None:
    irregular = _fresh(tmp_path, ["2019-01-01"], UpdatePeriod.IRREGULAR)

    assert irregular.passed and "每年人工复核" in irregular.description  # type: ignore[attr-defined]


def test_it_fails_timeliness_when_no_timestamp_can_be_read(tmp_path: Path) -> None:
    unknown = _fresh(tmp_path, ["", "未知"], UpdatePeriod.QUARTERLY)

    assert not unknown.passed and "没有可识别的时间" in unknown.description  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("period", "latest", "due"),
    [
        (UpdatePeriod.REALTIME, date(2025, 6, 29), date(2025, 6, 30)),
        (UpdatePeriod.WEEKLY, date(2025, 6, 29), date(2025, 7, 6)),
        (UpdatePeriod.MONTHLY, date(2025, 1, 31), date(2025, 2, 28)),
        (UpdatePeriod.QUARTERLY, date(2024, 11, 30), date(2025, 2, 28)),
        (UpdatePeriod.HALF_YEARLY, date(2024, 8, 31), date(2025, 2, 28)),
        (UpdatePeriod.YEARLY, date(2024, 2, 29), date(2025, 2, 28)),
        (UpdatePeriod.IRREGULAR, date(2024, 2, 29), None),
    ],
)
def test_it_counts_periods_in_calendar_months(period: UpdatePeriod, latest: date, due: date | None) -> None:
    assert period.due(latest, 0) == due


def test_it_parses_item_settings_in_either_spelling() -> None:
    assert DataType.parse("数值型N") is DataType.NUMBER and DataType.parse("D") is DataType.DATE
    assert (
        UpdatePeriod.parse("每季度") is UpdatePeriod.QUARTERLY
        and UpdatePeriod.parse("其他") is UpdatePeriod.IRREGULAR
    )
    with pytest.raises(QualityError, match="未知的数据类型"):
        DataType.parse("文本")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: QualityPlan((ColumnSpec("a"), ColumnSpec("a"))), "信息项名称重复：a"),
        (lambda: ColumnSpec(" "), "名称不能为空"),
        (lambda: ColumnSpec("__zt_row"), "不能以 __zt_ 开头"),
        (lambda: ColumnSpec("a", tolerance=1.5), "容忍比例"),
        (lambda: TimelinessSpec("t", UpdatePeriod.DAILY, -1), "宽限天数"),
    ],
)
def test_it_refuses_an_inconsistent_plan(build: object, message: str) -> None:
    with pytest.raises(QualityError, match=message):
        build()  # type: ignore[operator]


def test_it_tells_what_a_recheck_resolved(tmp_path: Path) -> None:
    rows, before = _planted(tmp_path / "before" if (tmp_path / "before").mkdir() is None else tmp_path)
    rows[60][1] = resident_id(61)  # fixed
    rows[50][1] = resident_id(51)  # one duplicate fixed, the other left
    (tmp_path / "after").mkdir()
    after = run_csv(tmp_path / "after", HEADER, rows, _plan())

    rechecks = {(r.before.kind.value, r.before.column): r for r in compare(before, after)}  # type: ignore[arg-type]

    assert rechecks[("validity", "身份证号")].resolved
    assert rechecks[("validity", "身份证号")].describe().startswith("已整改")
    assert not rechecks[("uniqueness", "身份证号")].resolved
    assert (
        rechecks[("uniqueness", "身份证号")].describe()
        == "未整改到位：复查时「身份证号」列有 1 行与前面的行重复"
    )


def test_it_serialises_a_report_to_plain_json(tmp_path: Path) -> None:
    _, report = _planted(tmp_path)

    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))  # type: ignore[attr-defined]

    ids = next(d for d in data if d["kind"] == "validity" and d["column"] == "身份证号")
    assert ids["failed"] == 1 and ids["passed"] is False and ids["reasons"] == [["校验位错误", 1]]
    assert ids["samples"][0]["row"] == 61


def test_it_interrupts_a_query_past_its_deadline(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", ["a"], [["1"]])
    with (
        load_csv(path, ["a"]) as dataset,
        pytest.raises(Exception, match="Interrupt"),
        deadline(dataset.con, 0.2),
    ):
        dataset.con.execute("SELECT count(*) FROM range(100000000000) a, range(10) b").fetchall()


def test_it_turns_a_check_timeout_into_a_chinese_error(tmp_path: Path) -> None:
    rows = [[resident_id(i % 1000, born=f"{1930 + i // 1000}0101")] for i in range(60_000)]
    path = write_csv(tmp_path / "ids.csv", ["身份证号"], rows)
    plan = QualityPlan((ColumnSpec("身份证号", unique=True, rule=ResidentId()),), as_of=AS_OF)

    with load_csv(path, ["身份证号"], limits=Limits(check_timeout_s=0.0)) as dataset:
        with pytest.raises(QualityError, match="质量检查超时"):
            check(dataset, plan)
