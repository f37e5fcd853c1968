"""``manage.py rebuild_search_index``: both catalog search indexes again from the database, now.

For a fresh installation, a restored database or an upgrade that changed the analyzer. It writes
itself (waiting for the task worker to finish a batch if one is running); ``--enqueue`` leaves the
work to the worker instead. The daily job ``catalog.rebuild_search_index`` does the same at 03:30.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog import search_index, tasks


class Command(BaseCommand):
    help = "重建数据资源检索索引（全部资源与开放资源两个索引）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="放入任务队列，由任务执行器重建")

    def handle(self, *args: Any, enqueue: bool, **options: Any) -> None:
        if enqueue:
            result = tasks.rebuild_search_index.enqueue()
            self.stdout.write(f"已放入任务队列（任务 {result.id}）")
            return
        started = time.monotonic()
        try:
            counts = search_index.rebuild()
        except ValueError as exc:  # tantivy: the writer lock stayed busy, or the directory is damaged
            raise CommandError(f"重建失败：{exc}") from exc
        self.stdout.write(f"已重建检索索引（{settings.SEARCH_INDEX_ROOT}）："
                          f"全部资源 {counts[search_index.INTERNAL]} 条，开放资源 {counts[search_index.PUBLIC]} 条，"
                          f"用时 {time.monotonic() - started:.1f} 秒")
