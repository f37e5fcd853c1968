"""Background jobs of the plan app (run by the task worker, scheduled from the schedule table)."""

from __future__ import annotations

from django_tasks import task

from plan import services
from plan.models import Task


@task()
def refresh_task_statuses() -> int:
    """Daily: statuses follow deadlines passing and periods closing, not only new reports."""
    return services.refresh_statuses(Task.objects.active())


@task()
def send_report_reminders() -> int:
    """Daily: remind units of missing reports N working days before the period closes."""
    return services.send_report_reminders()
