from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容发布"

    def ready(self) -> None:
        from datetime import time

        from django.db.models.signals import post_migrate

        from content import demo, tasks
        from core.hooks import DemoLoader, register_demo_loader
        from core.jobs import register_job

        post_migrate.connect(_seed_dictionaries, sender=self)
        register_demo_loader(DemoLoader(order=30, label="稿件审核", load=demo.load))
        register_job("content.retry_webhooks", tasks.retry_webhooks, label="重试推送失败的稿件", daily_at=time(6, 0))
        register_job("content.remind_overdue", tasks.remind_overdue_reviews, label="提醒超时未审核的稿件",
                     daily_at=time(9, 10))


def _seed_dictionaries(**kwargs: object) -> None:
    """A fresh installation starts with the shipped proofreading dictionaries (admins edit them after)."""
    from content.dictionaries import load_seed

    load_seed()
