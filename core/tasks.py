"""Core background tasks (Django's task API); the periodic ones are registered in ``core.apps``."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from core import services
from core.calendar import years_needing_notice


def send_holiday_notice_reminders(today: date) -> int:
    """Ask every admin to enter the State Council holiday notice for a year deadlines will soon reach.

    Once per year and admin (the dedupe key), so the daily run does not repeat itself; returns the
    number of notifications sent.
    """
    sent = 0
    link = reverse("core:calendar")
    for year in years_needing_notice(today):
        for admin in services.admins():
            note = services.notify(
                admin,
                kind="core.calendar.notice_missing",
                title=f"请录入 {year} 年法定节假日安排",
                body=(f"国务院办公厅 {year} 年部分节假日安排尚未录入，涉及该年的期限暂按周末推算并标记为“待确认”。"
                      "通知发布后请在“工作日历”中录入。"),
                link=link,
                dedupe_key=f"core.calendar.notice_missing:{year}",
            )
            if note is not None:
                sent += 1
    return sent


@task()
def remind_missing_holiday_notice() -> int:
    """Daily: remind admins of a missing holiday notice (see ``send_holiday_notice_reminders``)."""
    return send_holiday_notice_reminders(timezone.localdate())
