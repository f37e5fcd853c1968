from datetime import time

from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = "工作要点督办"

    def ready(self) -> None:
        from core.hooks import DemoLoader, HomePanel, home_panels, register_demo_loader, register_home_panel
        from core.jobs import register_job
        from plan import demo, tasks
        from plan.views import home_panel

        panel = HomePanel(order=10, template="plan/home_panel.html", context=home_panel)
        if panel not in home_panels:
            register_home_panel(panel)
        register_demo_loader(DemoLoader(order=10, label="工作要点", load=demo.load))
        register_job("plan.refresh_statuses", tasks.refresh_task_statuses, label="刷新任务状态",
                     daily_at=time(0, 30))
        register_job("plan.report_reminders", tasks.send_report_reminders, label="提醒未报送进展的单位",
                     daily_at=time(8, 30))
