"""python manage.py load_demo — the demo county, into whatever database is configured. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core import demo
from core.hooks import demo_loaders


class Command(BaseCommand):
    help = "载入演示县（单位、人员、2023 年工作要点及进展），可重复执行"

    def handle(self, *args: Any, **opts: Any) -> None:
        with transaction.atomic():
            self.stdout.write("· " + demo.load())
        for loader in demo_loaders:
            with transaction.atomic():
                self.stdout.write(f"· {loader.label}：{loader.load()}")
        self.stdout.write("\n演示账号（密码相同）：")
        for username, password, name, roles in demo.login_table():
            self.stdout.write(f"  {username:<13} {password}  {name}  {roles}")
        self.stdout.write("\n打开 http://127.0.0.1:8000/ 用上面的账号登录。")
