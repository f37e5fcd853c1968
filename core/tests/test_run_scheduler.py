"""``manage.py run_scheduler``."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.backends.dummy import DummyBackend

from core import jobs
from core.models import ScheduledJob


@task()
def heartbeat() -> None:
    return None


@pytest.fixture
def queue(settings) -> DummyBackend:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    backend.clear()
    return backend


def heartbeats(queue: DummyBackend) -> int:
    return sum(r.task.module_path == "core.tests.test_run_scheduler.heartbeat" for r in queue.results)


def test_it_registers_and_enqueues_due_jobs_once(db: None, queue: DummyBackend,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(jobs.JOBS, "test.heartbeat",
                        jobs.JobSpec(code="test.heartbeat", task=heartbeat, label="心跳", every_minutes=5))
    out = StringIO()

    call_command("run_scheduler", "--once", stdout=out)

    codes = set(ScheduledJob.objects.values_list("code", flat=True))
    assert {"test.heartbeat", "core.remind_missing_holiday_notice"} <= codes
    assert "登记定时任务 test.heartbeat" in out.getvalue()
    assert "放入队列 test.heartbeat" in out.getvalue()
    assert heartbeats(queue) == 1
    row = ScheduledJob.objects.get(code="test.heartbeat")
    assert row.next_run_at > timezone.now() + timedelta(minutes=4)

    call_command("run_scheduler", "--once", stdout=StringIO())
    assert heartbeats(queue) == 1


def test_it_refuses_a_non_positive_interval(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("run_scheduler", "--interval", "0")
