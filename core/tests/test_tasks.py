"""Core's periodic task: remind admins to enter a missing State Council holiday notice."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from core import services
from core.models import Notification, User
from core.tasks import remind_missing_holiday_notice, send_holiday_notice_reminders
from core.workdays import official_years

YEAR = max(official_years()) + 1
DECEMBER = date(YEAR - 1, 12, 1)  # within 60 days of a year chinese_calendar does not know


def test_it_reminds_every_admin_once_per_year(admin: User, editor: User, make_person, units) -> None:
    second_admin = make_person("admin2", "第二管理员", units.data_center, "dc_admin")

    sent = send_holiday_notice_reminders(DECEMBER)
    again = send_holiday_notice_reminders(DECEMBER)

    assert (sent, again) == (2, 0)
    note = Notification.objects.get(recipient=admin)
    assert note.title == f"请录入 {YEAR} 年法定节假日安排"
    assert note.link == reverse("core:calendar")
    assert Notification.objects.filter(recipient=second_admin).count() == 1
    assert not Notification.objects.filter(recipient=editor).exists()


def test_it_stays_quiet_when_the_year_is_known(admin: User) -> None:
    assert send_holiday_notice_reminders(date(min(official_years()), 3, 1)) == 0
    assert not Notification.objects.exists()


def test_it_stays_quiet_once_the_notice_is_entered(admin: User) -> None:
    services.enter_holiday_notice(admin, YEAR, title="通知", holidays=[date(YEAR, 1, 1)], workdays=[])

    assert send_holiday_notice_reminders(DECEMBER) == 0


def test_it_shows_the_reminder_on_the_admins_home_page(client_for, admin: User) -> None:
    send_holiday_notice_reminders(DECEMBER)

    page = client_for(admin).get(reverse("core:home")).content.decode()

    assert f"请录入 {YEAR} 年法定节假日安排" in page


def test_it_runs_as_a_task(admin: User, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    result = remind_missing_holiday_notice.enqueue()

    assert result.status == "SUCCESSFUL"
    assert isinstance(result.return_value, int)
