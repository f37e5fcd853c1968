"""python manage.py import_plan PATH [--dry-run] [--format json|text] [--map 名称=单位] [--user 用户名]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from core.errors import DomainError
from core.models import Role, Unit, User
from plan import importing


class Command(BaseCommand):
    help = "导入工作要点文件（txt/md/docx/pdf）。--dry-run 只解析并输出将要导入的内容。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不写入数据库")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--map", action="append", default=[], metavar="名称=单位简称",
                            help="把文件中的单位名称对应到已有单位，可重复")
        parser.add_argument("--user", help="以哪个管理员的身份导入（默认第一位大数据中心管理员）")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        data = path.read_bytes()
        try:
            parsed = importing.parse_upload(data, path.name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if opts["dry_run"]:
            self._print(parsed, opts["format"])
            return
        actor = self._actor(opts.get("user"))
        try:
            imp = importing.stage_import(actor, data, path.name)
            for item in opts["map"]:
                name, _, short = item.partition("=")
                unit = Unit.objects.filter(short_name=short.strip()).first()
                if unit is None:
                    raise CommandError(f"--map {item}：没有简称为“{short}”的单位")
                importing.map_name(actor, imp, name, unit)
            unknown = importing.unknown_names(imp)
            if unknown:
                raise CommandError(
                    "以下单位名称未能对应到单位：" + "、".join(unknown)
                    + f"。请用 --map 指定，或在页面 /plan/import/{imp.pk}/ 中处理后确认。")
            plan = importing.confirm_import(actor, imp)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        count = plan.tasks.active().count()
        if opts["format"] == "json":
            self.stdout.write(json.dumps({"plan_id": plan.pk, "doc_number": plan.doc_number,
                                         "revision": plan.revision, "tasks": count}, ensure_ascii=False))
        else:
            self.stdout.write(f"已导入 {plan.doc_number}（第 {plan.revision} 版），共 {count} 项任务")

    def _actor(self, username: str | None) -> User:
        try:
            qs = User.objects.filter(is_active=True)
            actor = (qs.filter(username=username).first() if username
                     else qs.filter(role_grants__role=Role.DC_ADMIN).order_by("id").first())
        except DatabaseError as exc:
            raise CommandError("数据库不可用，请先执行 python manage.py migrate") from exc
        if actor is None or not actor.is_dc_admin:
            raise CommandError("需要一位大数据中心管理员账号（--user），或先执行 load_demo")
        return actor

    def _print(self, parsed: dict[str, Any], fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(parsed, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{parsed.get('issuer')}  {parsed.get('doc_number')}")
        for section in parsed["sections"]:
            self.stdout.write(f"\n{section['title']}（{len(section['tasks'])} 项）")
            for task in section["tasks"]:
                units = "、".join(task.get("lead_units") or task.get("responsible_units") or ["（未写明）"])
                targets = "；".join(t["text"] for t in task.get("targets") or [])
                self.stdout.write(f"  {task['number']:>2}. {task['heading']}  [{units}]"
                                  + (f"  目标：{targets}" if targets else ""))
        for warning in parsed.get("warnings") or []:
            self.stdout.write(self.style.WARNING(f"提示：{warning}"))
