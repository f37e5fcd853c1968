"""Background jobs of the indicators app."""

from __future__ import annotations

from django_tasks import task

from indicators import computed


@task()
def snapshot_computed_indicators() -> int:
    """Daily: store today's value of every indicator computed from a ledger (its history)."""
    return computed.snapshot_all()
