"""``manage.py serve``: the web server, the task worker and the scheduler, as one foreground command.

Used by ``make run``. Each child runs in its own process group, so stopping it also stops anything
it started (runserver's autoreloader runs the real server as a grandchild). One Ctrl-C (or SIGTERM)
stops all three; if any of them exits on its own, the others are stopped too and the exit code is
passed on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser, BooleanOptionalAction
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

GRACE_SECONDS = 10.0


class Command(BaseCommand):
    help = "同时运行网站、任务执行器（db_worker）和定时任务调度（run_scheduler），Ctrl-C 一并停止"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）")
        parser.add_argument("--reload", action=BooleanOptionalAction, default=settings.DEBUG,
                            help="代码变化时自动重启网站进程（默认随 DEBUG）")
        parser.add_argument("--scheduler-interval", type=float, default=30.0, help="调度检查间隔秒数")

    def handle(self, *args: Any, addrport: str, reload: bool, scheduler_interval: float, **options: Any) -> None:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = {
            "web": [*manage, "runserver", addrport, *([] if reload else ["--noreload"])],
            "worker": [*manage, "db_worker", "--no-reload"],
            "scheduler": [*manage, "run_scheduler", "--interval", f"{scheduler_interval:g}"],
        }
        children: dict[str, subprocess.Popen[bytes]] = {}
        stopping = False

        def request_stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        exit_code = 0
        try:
            for name, argv in commands.items():
                children[name] = subprocess.Popen(argv, start_new_session=True)
                self.stdout.write(f"已启动 {name}（进程 {children[name].pid}）：{' '.join(argv[1:])}")
            self.stdout.write(f"打开 http://{addrport}/ ；按 Ctrl-C 停止全部进程")
            while not stopping:
                for name, child in children.items():
                    code = child.poll()
                    if code is not None:
                        self.stderr.write(f"{name} 已退出（退出码 {code}），停止其余进程")
                        exit_code = code or 1
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            self._stop(children)
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            _signal_group(child, signal.SIGINT)
        deadline = time.monotonic() + GRACE_SECONDS
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} 未在 {GRACE_SECONDS:g} 秒内退出，强制结束")
                _signal_group(child, signal.SIGKILL)
                child.wait()
        self.stdout.write("已全部停止")


def _signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        pass
