"""Background jobs of the catalog."""

from __future__ import annotations

from django_tasks import task

from catalog import demands, lookback


@task()
def escalate_overdue_demands() -> int:
    """Daily: overdue demand answers and deliveries go to the Big Data Center."""
    return demands.escalate_overdue()


@task()
def run_quality_check(run_id: int) -> str:
    """One queued 回头看 run over a resource's attached data (see ``catalog.lookback``)."""
    return lookback.execute(run_id).state


@task()
def escalate_overdue_findings() -> int:
    """Daily: quality findings past their rectification deadline go to the Big Data Center."""
    return lookback.escalate_overdue_findings()
