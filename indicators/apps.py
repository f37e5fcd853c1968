from datetime import time
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_computed(sender: AppConfig, **kwargs: Any) -> None:
    from indicators.computed import sync_computed

    sync_computed()


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "指标"

    def ready(self) -> None:
        from core.jobs import register_job
        from indicators import tasks

        register_job("indicators.snapshot", tasks.snapshot_computed_indicators, label="记录计算指标的当日值",
                     daily_at=time(23, 0))
        post_migrate.connect(_sync_computed, sender=self, dispatch_uid="indicators.sync_computed")
