"""Background jobs of the catalog."""

from __future__ import annotations

from django_tasks import task

from catalog import demands


@task()
def escalate_overdue_demands() -> int:
    """Daily: overdue demand answers and deliveries go to the Big Data Center."""
    return demands.escalate_overdue()
