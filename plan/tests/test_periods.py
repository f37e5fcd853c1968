from datetime import date

import pytest

from plan.periods import parse_period, period_containing, periods_between


def test_it_names_quarters_months_and_halves():
    assert period_containing(date(2023, 5, 9)).label == "2023Q2"
    assert period_containing(date(2023, 5, 9)).title == "2023年第二季度"
    assert period_containing(date(2023, 12, 31), "monthly").title == "2023年12月"
    assert period_containing(date(2023, 7, 1), "half_yearly").title == "2023年下半年"


def test_it_parses_labels_and_walks_periods():
    q4 = parse_period("2023q4")
    assert (q4.start, q4.end) == (date(2023, 10, 1), date(2023, 12, 31))
    assert q4.next().label == "2024Q1"
    assert q4.previous().label == "2023Q3"
    assert [p.label for p in periods_between(date(2023, 1, 1), date(2023, 12, 31))] == [
        "2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert parse_period("2024M02").end == date(2024, 2, 29)


@pytest.mark.parametrize("bad", ["", "2023", "2023Q5", "23Q1", "2023M13", "二〇二三年"])
def test_it_rejects_malformed_labels_in_chinese(bad):
    with pytest.raises(ValueError, match="填报期"):
        parse_period(bad)
