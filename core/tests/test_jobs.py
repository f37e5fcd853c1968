"""The schedule: registry → schedule table → due jobs enqueued through Django's task API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django_tasks import task, task_backends
from django_tasks.backends.dummy import DummyBackend

from core import jobs
from core.errors import DomainError, NotAllowed
from core.models import AuditEntry, ScheduledJob, User

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=SH)  # a Monday morning
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@task()
def sample_job() -> str:
    return "done"


@task()
def other_job() -> str:
    return "other"


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, jobs.JobSpec]:
    """An empty job registry for the test (the real one keeps the apps' jobs)."""
    empty: dict[str, jobs.JobSpec] = {}
    monkeypatch.setattr(jobs, "JOBS", empty)
    return empty


@pytest.fixture
def queue(settings) -> Iterator[DummyBackend]:
    """Tasks are recorded, not run: the test sees exactly what was enqueued."""
    settings.TASKS = DUMMY
    dummy = task_backends["default"]
    assert isinstance(dummy, DummyBackend)
    dummy.clear()
    yield dummy
    dummy.clear()


def enqueued_paths(queue: DummyBackend) -> list[str]:
    return [r.task.module_path for r in queue.results]


def test_it_registers_the_core_reminder_at_half_past_eight() -> None:
    spec = jobs.JOBS["core.remind_missing_holiday_notice"]

    assert spec.daily_at == time(8, 30)
    assert spec.every_minutes is None
    assert spec.task.module_path == "core.tasks.remind_missing_holiday_notice"


def test_it_requires_exactly_one_kind_of_schedule(registry: dict[str, jobs.JobSpec]) -> None:
    with pytest.raises(ImproperlyConfigured):
        jobs.register_job("x.both", sample_job, label="两者", daily_at=time(1, 0), every_minutes=5)
    with pytest.raises(ImproperlyConfigured):
        jobs.register_job("x.neither", sample_job, label="都没有")
    with pytest.raises(ImproperlyConfigured):
        jobs.register_job("x.zero", sample_job, label="零间隔", every_minutes=0)
    assert registry == {}


def test_it_refuses_one_code_for_two_tasks(registry: dict[str, jobs.JobSpec]) -> None:
    jobs.register_job("x.job", sample_job, label="任务", every_minutes=5)
    jobs.register_job("x.job", sample_job, label="任务", every_minutes=5)  # ready() twice: fine

    with pytest.raises(ImproperlyConfigured):
        jobs.register_job("x.job", other_job, label="另一个", every_minutes=5)


def test_it_creates_missing_rows_once(db: None, registry: dict[str, jobs.JobSpec]) -> None:
    jobs.register_job("x.daily", sample_job, label="每日任务", daily_at=time(8, 30))
    jobs.register_job("x.often", other_job, label="频繁任务", every_minutes=15)

    first = jobs.sync_schedule(NOW)
    second = jobs.sync_schedule(NOW + timedelta(hours=1))

    assert sorted(r.code for r in first) == ["x.daily", "x.often"]
    assert second == []
    daily = ScheduledJob.objects.get(code="x.daily")
    assert (daily.label, daily.daily_at, daily.every_minutes, daily.enabled) == ("每日任务", time(8, 30), None, True)
    assert daily.next_run_at == datetime(2025, 3, 11, 8, 30, tzinfo=SH)  # 09:00 today is past 08:30
    assert ScheduledJob.objects.get(code="x.often").next_run_at == NOW
    created = [str(r.pk) for r in first]
    assert AuditEntry.objects.filter(action="core.schedule.create", object_id__in=created).count() == 2


def test_it_never_overwrites_an_admins_edit(admin: User, registry: dict[str, jobs.JobSpec]) -> None:
    jobs.register_job("x.daily", sample_job, label="每日任务", daily_at=time(8, 30))
    jobs.sync_schedule(NOW)
    row = ScheduledJob.objects.get(code="x.daily")

    jobs.update_job(admin, row, enabled=False, daily_at=time(6, 15), now=NOW)
    jobs.sync_schedule(NOW)

    row.refresh_from_db()
    assert (row.enabled, row.daily_at) == (False, time(6, 15))
    assert row.next_run_at == datetime(2025, 3, 11, 6, 15, tzinfo=SH)
    edit = AuditEntry.objects.get(action="core.schedule.update")
    assert edit.actor == admin
    assert edit.before["daily_at"] == "08:30:00" and edit.after["daily_at"] == "06:15:00"


def test_it_lets_only_the_admin_edit_the_schedule(editor: User, admin: User,
                                                  registry: dict[str, jobs.JobSpec]) -> None:
    jobs.register_job("x.daily", sample_job, label="每日任务", daily_at=time(8, 30))
    jobs.sync_schedule(NOW)
    row = ScheduledJob.objects.get(code="x.daily")

    with pytest.raises(NotAllowed):
        jobs.update_job(editor, row, enabled=False, daily_at=time(6, 15))
    with pytest.raises(DomainError):
        jobs.update_job(admin, row, enabled=True)  # neither a time nor an interval
    row.refresh_from_db()
    assert (row.enabled, row.daily_at) == (True, time(8, 30))


def test_it_enqueues_a_due_job_exactly_once(db: None, registry: dict[str, jobs.JobSpec],
                                            queue: DummyBackend) -> None:
    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.sync_schedule(NOW)

    first = jobs.run_due_jobs(NOW)
    again = jobs.run_due_jobs(NOW + timedelta(minutes=1))

    assert [j.code for j in first] == ["x.often"]
    assert again == []
    assert enqueued_paths(queue) == ["core.tests.test_jobs.sample_job"]
    row = ScheduledJob.objects.get(code="x.often")
    assert row.last_run_at == NOW
    assert row.last_result_id == queue.results[0].id
    assert row.next_run_at == NOW + timedelta(minutes=15)


def test_it_does_not_enqueue_a_job_before_its_time(db: None, registry: dict[str, jobs.JobSpec],
                                                   queue: DummyBackend) -> None:
    jobs.register_job("x.daily", sample_job, label="每日任务", daily_at=time(8, 30))
    jobs.sync_schedule(NOW)

    assert jobs.run_due_jobs(NOW + timedelta(hours=23)) == []
    assert [j.code for j in jobs.run_due_jobs(datetime(2025, 3, 11, 8, 30, tzinfo=SH))] == ["x.daily"]
    assert len(queue.results) == 1


def test_it_never_runs_a_disabled_job(admin: User, registry: dict[str, jobs.JobSpec], queue: DummyBackend) -> None:
    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.sync_schedule(NOW)
    row = ScheduledJob.objects.get(code="x.often")
    jobs.update_job(admin, row, enabled=False, every_minutes=15, now=NOW)

    for minutes in (0, 15, 60, 24 * 60):
        assert jobs.run_due_jobs(NOW + timedelta(minutes=minutes)) == []
    assert queue.results == []
    row.refresh_from_db()
    assert row.last_run_at is None


def test_it_moves_a_daily_job_to_the_same_time_next_day(db: None, registry: dict[str, jobs.JobSpec],
                                                       queue: DummyBackend) -> None:
    jobs.register_job("x.daily", sample_job, label="每日任务", daily_at=time(8, 30))
    jobs.sync_schedule(NOW)
    ran_at = datetime(2025, 3, 11, 8, 30, 20, tzinfo=SH)  # the scheduler woke 20 s late

    jobs.run_due_jobs(ran_at)

    row = ScheduledJob.objects.get(code="x.daily")
    assert row.last_run_at == ran_at
    assert row.next_run_at == datetime(2025, 3, 12, 8, 30, tzinfo=SH)


def test_it_keeps_an_interval_job_on_its_beat(db: None, registry: dict[str, jobs.JobSpec],
                                             queue: DummyBackend) -> None:
    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.sync_schedule(NOW)

    jobs.run_due_jobs(NOW + timedelta(seconds=25))

    # Counted from when it was due, not from when the scheduler happened to look.
    assert ScheduledJob.objects.get(code="x.often").next_run_at == NOW + timedelta(minutes=15)


def test_it_runs_a_long_missed_job_once_and_moves_on(db: None, registry: dict[str, jobs.JobSpec],
                                                    queue: DummyBackend) -> None:
    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.register_job("x.daily", other_job, label="每日任务", daily_at=time(8, 30))
    jobs.sync_schedule(NOW)
    three_days_later = NOW + timedelta(days=3)

    enqueued = jobs.run_due_jobs(three_days_later)

    assert sorted(j.code for j in enqueued) == ["x.daily", "x.often"]
    assert len(queue.results) == 2
    assert ScheduledJob.objects.get(code="x.often").next_run_at == three_days_later + timedelta(minutes=15)
    assert ScheduledJob.objects.get(code="x.daily").next_run_at == datetime(2025, 3, 14, 8, 30, tzinfo=SH)


def test_it_skips_a_row_without_a_registered_job(db: None, registry: dict[str, jobs.JobSpec],
                                                queue: DummyBackend) -> None:
    ScheduledJob.objects.create(code="gone.job", label="已下线", every_minutes=5, next_run_at=NOW)
    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.sync_schedule(NOW)

    enqueued = jobs.run_due_jobs(NOW)

    assert [j.code for j in enqueued] == ["x.often"]
    assert ScheduledJob.objects.get(code="gone.job").last_run_at is None


def test_it_leaves_a_job_due_when_the_queue_fails(db: None, registry: dict[str, jobs.JobSpec],
                                                 queue: DummyBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.sync_schedule(NOW)

    def broken(*args: object) -> None:
        raise ConnectionError("队列不可用")

    with monkeypatch.context() as m:
        m.setattr(DummyBackend, "enqueue", broken)
        assert jobs.run_due_jobs(NOW) == []
    row = ScheduledJob.objects.get(code="x.often")
    assert (row.last_run_at, row.next_run_at) == (None, NOW)

    assert [j.code for j in jobs.run_due_jobs(NOW)] == ["x.often"]


def test_it_runs_the_task_through_the_task_api(db: None, registry: dict[str, jobs.JobSpec], settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.sync_schedule(NOW)

    (row,) = jobs.run_due_jobs(NOW)

    assert row.last_result_id


@pytest.mark.django_db(transaction=True)
def test_it_does_not_double_enqueue_with_two_schedulers(registry: dict[str, jobs.JobSpec]) -> None:
    """Two scheduler processes racing for the same due job, on the real database task queue."""
    if connection.vendor == "sqlite":
        pytest.skip("两个并发调度进程的行锁竞争在 PostgreSQL 上测试（SQLite 内存测试库不支持多连接写锁等待）")
    from django_tasks_db.models import DBTaskResult

    jobs.register_job("x.often", sample_job, label="频繁任务", every_minutes=15)
    jobs.sync_schedule(NOW)
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            counts.append(len(jobs.run_due_jobs(NOW)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(counts) == [0, 0, 0, 1]
    assert DBTaskResult.objects.count() == 1
