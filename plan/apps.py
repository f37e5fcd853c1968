from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = "工作要点督办"
