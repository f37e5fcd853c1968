"""Background jobs of content publishing."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from content import syndication


@task()
def deliver_webhook(delivery_id: int) -> str:
    """POST one publication to one subscribing platform (同源发布)."""
    return syndication.deliver(delivery_id, base_url=settings.PUBLIC_BASE_URL).status


@task()
def remind_overdue_reviews() -> int:
    """Daily: review steps past their working-hour limit go to the reviewers and the unit head."""
    from content import workflow

    return workflow.remind_overdue()


@task()
def retry_webhooks() -> int:
    return syndication.retry_failed()
