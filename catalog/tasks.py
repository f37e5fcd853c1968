"""Background jobs of the catalog."""

from __future__ import annotations

from django_tasks import task

from catalog import demands, lookback, search_index


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


@task()
def update_search_index(resource_ids: list[int]) -> int:
    """On commit of a change: re-index these resources (or drop them); see ``catalog.search_index``."""
    return search_index.update(resource_ids)


@task()
def rebuild_search_index() -> dict[str, int]:
    """Daily, after ``load_demo`` and after an upgrade: both search indexes again from the database."""
    return search_index.rebuild()


@task()
def recheck_tables() -> int:
    """Daily: 定期回头看 — re-check attached database tables not checked for a week."""
    return lookback.recheck_tables()
