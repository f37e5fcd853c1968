from datetime import time

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "数据资源目录"

    def ready(self) -> None:
        from catalog import measures, tasks
        from core.jobs import register_job
        from indicators.computed import register

        for spec in measures.INDICATORS:
            register(spec)
        register_job("catalog.escalate_demands", tasks.escalate_overdue_demands, label="督办逾期的数据需求",
                     daily_at=time(9, 0))
