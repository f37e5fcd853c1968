"""``manage.py run_scheduler``: put due periodic jobs on the task queue, every ``--interval`` seconds.

It only enqueues; ``manage.py db_worker`` (or any task worker) runs the jobs. Two schedulers side
by side do not enqueue a job twice (see ``core.jobs.run_due_jobs``).
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from core.jobs import run_due_jobs, sync_schedule


class Command(BaseCommand):
    help = "定时任务调度：按定时任务表把到期任务放入任务队列"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一轮后退出（供 cron 或测试使用）")
        parser.add_argument("--interval", type=float, default=30.0, help="两轮检查之间的秒数（默认 30）")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        if interval <= 0:
            raise CommandError("--interval 必须大于 0")
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        if not once:
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
            self.stdout.write(f"定时任务调度已启动，每 {interval:g} 秒检查一次（Ctrl-C 停止）")
        for row in sync_schedule():
            self.stdout.write(f"登记定时任务 {row.code}：{row.label}")
        while True:
            for job in run_due_jobs():
                self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} 放入队列 {job.code}"
                                  f"（任务 {job.last_result_id}），下次 "
                                  f"{timezone.localtime(job.next_run_at):%Y-%m-%d %H:%M}")
            if once or stop.wait(interval):
                break
            # A long-lived process: drop a connection the database closed (restart, idle timeout).
            close_old_connections()
            sync_schedule()  # a job registered by a newly deployed app gets its row without a restart
