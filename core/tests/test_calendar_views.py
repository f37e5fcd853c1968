"""The working-day calendar page: local overrides and the State Council holiday notice."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.calendar import get_calendar, years_needing_notice
from core.models import AuditEntry, CalendarDay, HolidayNotice, User
from core.workdays import official_years

# The first year the installed chinese_calendar has no State Council data for.
YEAR = max(official_years()) + 1
URL = reverse("core:calendar")


def notice_post(year: int = YEAR, holidays: str | None = None, workdays: str | None = None) -> dict[str, str]:
    return {
        "notice-year": str(year),
        "notice-title": f"国务院办公厅关于{year}年部分节假日安排的通知",
        "notice-holidays": holidays if holidays is not None else
        f"{year}-01-01, {year}-02-10~{year}-02-16, {year}-10-01~{year}-10-07",
        "notice-workdays": workdays if workdays is not None else f"{year}-02-07",
    }


def actions() -> list[str]:
    return list(AuditEntry.objects.filter(action__startswith="core.calendar").values_list("action", flat=True))


def test_it_shows_the_calendar_to_the_admin(client_for, admin: User) -> None:
    response = client_for(admin).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "工作日历" in page
    assert f"{min(official_years())}–{max(official_years())}" in page
    assert "未来三周" in page


def test_it_adds_a_local_holiday(client_for, admin: User) -> None:
    client = client_for(admin)
    day = date(max(official_years()), 5, 6)

    response = client.post(URL, {"day-day": day.isoformat(), "day-is_workday": "0", "day-note": "县庆"},
                           follow=True)

    entry = CalendarDay.objects.get(day=day)
    assert (entry.is_workday, entry.note, entry.source) == (False, "县庆", CalendarDay.Source.LOCAL)
    assert not get_calendar().is_workday(day)
    assert f"已保存 {day:%Y-%m-%d} 的日历调整" in response.content.decode()
    assert actions() == ["core.calendar.set_day"]
    audit = AuditEntry.objects.get(action="core.calendar.set_day")
    assert audit.actor == admin
    assert audit.before is None and audit.after["note"] == "县庆"


def test_it_changes_and_deletes_a_local_entry(client_for, admin: User) -> None:
    client = client_for(admin)
    day = date(max(official_years()), 5, 9)  # a Saturday made a workday
    client.post(URL, {"day-day": day.isoformat(), "day-is_workday": "0", "day-note": ""})
    client.post(URL, {"day-day": day.isoformat(), "day-is_workday": "1", "day-note": "调休"})
    entry = CalendarDay.objects.get(day=day)
    assert entry.is_workday

    client.post(reverse("core:calendar_delete", args=[entry.pk]))

    assert not CalendarDay.objects.filter(day=day).exists()
    assert actions() == ["core.calendar.delete_day", "core.calendar.set_day", "core.calendar.set_day"]
    change = AuditEntry.objects.filter(action="core.calendar.set_day").order_by("id").last()
    assert change is not None
    assert change.before["is_workday"] is False and change.after["is_workday"] is True


def test_it_rejects_a_malformed_local_date(client_for, admin: User) -> None:
    response = client_for(admin).post(URL, {"day-day": "2026-02-30", "day-is_workday": "0", "day-note": ""})

    assert response.status_code == 200
    assert response.context["day_form"].errors["day"]
    assert not CalendarDay.objects.exists()
    assert actions() == []


def test_it_enters_the_holiday_notice_for_the_first_unknown_year(client_for, admin: User) -> None:
    before = get_calendar().add_workdays(date(YEAR, 3, 2), 10)
    assert before.provisional
    assert YEAR in years_needing_notice(date(YEAR - 1, 12, 15))

    response = client_for(admin).post(URL, notice_post(), follow=True)

    assert f"已录入 {YEAR} 年放假通知" in response.content.decode()
    notice = HolidayNotice.objects.get(year=YEAR)
    assert notice.entered_by == admin
    cal = get_calendar()
    assert not cal.is_workday(date(YEAR, 2, 12))
    assert cal.is_workday(date(YEAR, 2, 7))
    assert cal.holiday_name(date(YEAR, 10, 1))
    after = cal.add_workdays(date(YEAR, 3, 2), 10)
    assert not after.provisional
    assert years_needing_notice(date(YEAR - 1, 12, 15)) == []
    assert CalendarDay.objects.filter(day__year=YEAR, source=CalendarDay.Source.NOTICE).count() == 1 + 7 + 7 + 1
    assert actions() == ["core.calendar.notice"]
    audit = AuditEntry.objects.get(action="core.calendar.notice")
    assert audit.after["year"] == YEAR and f"{YEAR}-02-07" in audit.after["workdays"]


def test_it_replaces_a_notice_entered_twice(client_for, admin: User) -> None:
    client = client_for(admin)
    client.post(URL, notice_post())

    client.post(URL, notice_post(holidays=f"{YEAR}-01-01", workdays=""))

    assert HolidayNotice.objects.filter(year=YEAR).count() == 1
    assert list(CalendarDay.objects.filter(source=CalendarDay.Source.NOTICE).values_list("day", flat=True)) == [
        date(YEAR, 1, 1)]
    assert actions() == ["core.calendar.notice", "core.calendar.notice"]


@pytest.mark.parametrize(
    ("holidays", "workdays", "message"),
    [
        (f"{YEAR}-01-01, {YEAR + 1}-01-01", "", f"日期 {YEAR + 1}-01-01 不属于 {YEAR} 年"),
        (f"{YEAR}-01-01", f"{YEAR - 1}-12-27", f"不属于 {YEAR} 年"),
        (f"{YEAR}-01-01", f"{YEAR}-01-01", "不能同时是放假日和调休上班日"),
    ],
    ids=["holiday-of-another-year", "workday-of-another-year", "same-day-twice"],
)
def test_it_refuses_a_notice_the_service_rejects(client_for, admin: User, holidays: str, workdays: str,
                                                 message: str) -> None:
    response = client_for(admin).post(URL, notice_post(holidays=holidays, workdays=workdays))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HolidayNotice.objects.exists()
    assert not CalendarDay.objects.exists()
    assert actions() == []


@pytest.mark.parametrize(
    ("holidays", "message"),
    [
        (f"{YEAR}-13-45", f"放假日期中的“{YEAR}-13-45”不是有效日期"),
        (f"{YEAR}/01/01", "不是有效日期，请写成 2027-01-01 的格式"),
        (f"{YEAR}-02-20~{YEAR}-02-10", "日期范围"),
        ("", "这个字段是必填项"),
    ],
    ids=["impossible-date", "slashes", "backwards-range", "empty"],
)
def test_it_refuses_a_malformed_notice(client_for, admin: User, holidays: str, message: str) -> None:
    response = client_for(admin).post(URL, notice_post(holidays=holidays))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["notice_form"].errors
    assert not HolidayNotice.objects.exists()
    assert not CalendarDay.objects.exists()
    assert actions() == []


def test_it_answers_404_to_everyone_but_the_admin(client_for, editor: User, outsider: User,
                                                  supervisor: User) -> None:
    entry = CalendarDay.objects.create(day=date(YEAR, 6, 1), is_workday=False, note="测试")
    for person in (editor, outsider, supervisor):
        client = client_for(person)
        assert client.get(URL).status_code == 404
        assert client.post(URL, notice_post()).status_code == 404
        assert client.post(reverse("core:calendar_delete", args=[entry.pk])).status_code == 404
    assert not HolidayNotice.objects.exists()
    assert CalendarDay.objects.count() == 1
    assert actions() == []


def test_it_does_not_delete_on_a_get(client_for, admin: User) -> None:
    entry = CalendarDay.objects.create(day=date(YEAR, 6, 1), is_workday=False, note="测试")

    assert client_for(admin).get(reverse("core:calendar_delete", args=[entry.pk])).status_code == 405
    assert CalendarDay.objects.filter(pk=entry.pk).exists()
