from datetime import time
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_schedule(sender: AppConfig, **kwargs: Any) -> None:
    """After migrate, the schedule table has a row for every registered job (admin edits are kept)."""
    from core.jobs import sync_schedule

    sync_schedule()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from core import tasks
        from core.jobs import register_job

        register_job("core.remind_missing_holiday_notice", tasks.remind_missing_holiday_notice,
                     label="提醒录入法定节假日安排", daily_at=time(8, 30))
        post_migrate.connect(_sync_schedule, sender=self, dispatch_uid="core.sync_schedule")
