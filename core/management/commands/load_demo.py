"""python manage.py load_demo — the demo county, into whatever database is configured. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core import demo
from core.hooks import DemoLoader, demo_loaders


def app_of(loader: DemoLoader) -> str:
    return loader.load.__module__.split(".")[0]


class Command(BaseCommand):
    help = "载入演示县（单位、人员、工作要点、数据目录、稿件……），可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", default="", help="只载入这些应用的演示数据（逗号分隔，如 plan,catalog）；"
                                                       "单位和人员总会载入")

    def handle(self, *args: Any, **opts: Any) -> None:
        only = {name.strip() for name in opts["only"].split(",") if name.strip()}
        known = {app_of(loader) for loader in demo_loaders}
        if only - known:
            raise CommandError(f"没有这些应用的演示数据：{'、'.join(sorted(only - known))}（可选：{'、'.join(sorted(known))}）")
        with transaction.atomic():
            self.stdout.write("· " + demo.load())
        for loader in demo_loaders:
            if only and app_of(loader) not in only:
                continue
            with transaction.atomic():
                self.stdout.write(f"· {loader.label}：{loader.load()}")
        self.stdout.write("\n演示账号（密码相同）：")
        for username, password, name, roles in demo.login_table():
            self.stdout.write(f"  {username:<13} {password}  {name}  {roles}")
        self.stdout.write("\n打开 http://127.0.0.1:8000/ 用上面的账号登录。")
