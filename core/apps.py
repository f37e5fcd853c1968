from datetime import time

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from core import tasks
        from core.jobs import register_job

        register_job("core.remind_missing_holiday_notice", tasks.remind_missing_holiday_notice,
                     label="提醒录入法定节假日安排", daily_at=time(8, 30))
