from datetime import time

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "数据资源目录"

    def ready(self) -> None:
        from catalog import demo, demo_quality, measures, search_index, tasks
        from catalog.desk_views import home_panel
        from core.hooks import DemoLoader, HomePanel, home_panels, register_demo_loader, register_home_panel
        from core.jobs import register_job
        from indicators.computed import register

        for spec in measures.INDICATORS:
            register(spec)
        register_job("catalog.escalate_demands", tasks.escalate_overdue_demands, label="督办逾期的数据需求",
                     daily_at=time(9, 0))
        register_job("catalog.escalate_findings", tasks.escalate_overdue_findings, label="督办逾期未整改的数据质量问题",
                     daily_at=time(9, 5))
        register_job("catalog.recheck_tables", tasks.recheck_tables, label="定期回头看：复查挂接的数据库表",
                     daily_at=time(2, 0))
        register_job("catalog.rebuild_search_index", tasks.rebuild_search_index, label="重建数据资源检索索引",
                     daily_at=time(3, 30))
        search_index.connect_signals()
        panel = HomePanel(order=20, template="catalog/home_panel.html", context=home_panel)
        if panel not in home_panels:
            register_home_panel(panel)
        register_demo_loader(DemoLoader(order=20, label="数据资源目录", load=demo.load))
        register_demo_loader(DemoLoader(order=25, label="数据质量回头看", load=demo_quality.load))
        register_demo_loader(DemoLoader(order=90, label="数据资源检索索引", load=search_index.load_demo))
