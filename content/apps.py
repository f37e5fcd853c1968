from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容发布"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_seed_dictionaries, sender=self)


def _seed_dictionaries(**kwargs: object) -> None:
    """A fresh installation starts with the shipped proofreading dictionaries (admins edit them after)."""
    from content.dictionaries import load_seed

    load_seed()
