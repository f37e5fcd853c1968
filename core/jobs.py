"""Periodic work: one registry of jobs in code, one schedule table (``ScheduledJob``) admins edit.

An app registers its jobs from ``AppConfig.ready`` with ``register_job``; core never imports the
apps. ``sync_schedule`` adds a row for every registered job that has none (an admin's edits to an
existing row are never overwritten). ``run_due_jobs`` — called in a loop by
``manage.py run_scheduler`` — enqueues each enabled due job through Django's task API and moves the
row to its next run.

A job that was due several times while no scheduler ran is enqueued once, not once per missed
slot: every job here is "bring things up to date" (reminders, inspections, snapshots), so running a
backlog would only repeat the same work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError, NotAllowed
from core.models import ScheduledJob

if TYPE_CHECKING:
    from django_tasks.base import Task

    from core.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A periodic job as the code defines it; the schedule row may later differ (admin's edit)."""

    code: str
    task: Task[[], Any]
    label: str
    daily_at: time | None = None
    every_minutes: int | None = None

    def first_run(self, now: datetime) -> datetime:
        """When a freshly scheduled job runs first: interval jobs at once, daily jobs at their time."""
        if self.every_minutes:
            return now
        return ScheduledJob(code=self.code, daily_at=self.daily_at).following_run(now)


JOBS: dict[str, JobSpec] = {}


def register_job(code: str, task: Task[[], Any], *, label: str, daily_at: time | None = None,
                 every_minutes: int | None = None) -> JobSpec:
    """Add a job to the registry (call from ``AppConfig.ready``); exactly one schedule kind."""
    if (daily_at is None) == (every_minutes is None):
        raise ImproperlyConfigured(f"定时任务 {code}：daily_at 与 every_minutes 必须且只能设置一个")
    if every_minutes is not None and every_minutes < 1:
        raise ImproperlyConfigured(f"定时任务 {code}：间隔至少 1 分钟")
    spec = JobSpec(code=code, task=task, label=label, daily_at=daily_at, every_minutes=every_minutes)
    existing = JOBS.get(code)
    # ready() may run more than once (tests, reloaders); the same registration again is harmless.
    if existing is not None and existing.task.module_path != task.module_path:
        raise ImproperlyConfigured(f"定时任务代码 {code} 已被 {existing.task.module_path} 使用")
    JOBS[code] = spec
    return spec


def sync_schedule(now: datetime | None = None) -> list[ScheduledJob]:
    """Create the schedule rows missing for registered jobs; returns the rows it created."""
    now = now or timezone.now()
    created: list[ScheduledJob] = []
    existing = set(ScheduledJob.objects.filter(code__in=list(JOBS)).values_list("code", flat=True))
    for spec in JOBS.values():
        if spec.code in existing:
            continue
        with transaction.atomic():
            row, was_created = ScheduledJob.objects.get_or_create(
                code=spec.code,
                defaults={"label": spec.label, "daily_at": spec.daily_at, "every_minutes": spec.every_minutes,
                          "next_run_at": spec.first_run(now)},
            )
            if was_created:
                audit.record(None, "core.schedule.create", "登记定时任务", row, after=audit.snapshot(row))
                created.append(row)
    return created


def _due_row(pk: int, now: datetime) -> ScheduledJob | None:
    """Lock one due row, or None if it is no longer due or another scheduler holds it.

    PostgreSQL: SKIP LOCKED lets a second scheduler pass over the row the first is enqueuing.
    SQLite has no row locks, but settings open every transaction IMMEDIATE (a write lock at BEGIN),
    so the re-check of ``next_run_at`` below runs after the other scheduler's commit.
    """
    rows = ScheduledJob.objects.filter(pk=pk, enabled=True, next_run_at__lte=now)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return rows.first()


def run_due_jobs(now: datetime | None = None) -> list[ScheduledJob]:
    """Enqueue every enabled job whose time has come, once; returns the rows that were enqueued."""
    now = now or timezone.now()
    due = list(ScheduledJob.objects.filter(enabled=True, next_run_at__lte=now)
               .order_by("next_run_at", "code").values_list("pk", flat=True))
    enqueued: list[ScheduledJob] = []
    for pk in due:
        try:
            # Enqueue and advance in one transaction: with the database task backend the queued
            # task and the schedule move commit together, so a crash cannot lose or repeat a run.
            with transaction.atomic():
                job = _due_row(pk, now)
                if job is None:
                    continue
                spec = JOBS.get(job.code)
                if spec is None:
                    logger.warning("定时任务 %s 没有已注册的实现，已跳过（可在定时任务表中停用）", job.code)
                    continue
                result = spec.task.enqueue()
                following = job.following_run(job.next_run_at)
                # Far behind (scheduler was down): one run now, then back on the regular beat.
                job.next_run_at = following if following > now else job.following_run(now)
                job.last_run_at = now
                job.last_result_id = str(result.id)[:64]
                job.save(update_fields=["next_run_at", "last_run_at", "last_result_id"])
        except Exception:
            # One broken job (or a queue that is down) must not stop the others; it stays due.
            logger.exception("定时任务 %s 放入队列失败，下一轮重试", pk)
            continue
        logger.debug("定时任务 %s 已放入队列（任务 %s），下次 %s", job.code, job.last_result_id,
                    timezone.localtime(job.next_run_at).isoformat())
        enqueued.append(job)
    return enqueued


@transaction.atomic
def update_job(actor: User, job: ScheduledJob, *, enabled: bool, daily_at: time | None = None,
               every_minutes: int | None = None, now: datetime | None = None) -> ScheduledJob:
    """An admin's edit of one schedule row: switch it on/off or change when it runs."""
    if not actor.is_dc_admin:
        raise NotAllowed("只有大数据中心管理员可以修改定时任务")
    if (daily_at is None) == (every_minutes is None):
        raise DomainError("请填写每日运行时刻或运行间隔中的一项", field="daily_at")
    if every_minutes is not None and every_minutes < 1:
        raise DomainError("运行间隔至少 1 分钟", field="every_minutes")
    fields = ["enabled", "daily_at", "every_minutes", "next_run_at"]
    before = audit.snapshot(job, fields)
    schedule_changed = (daily_at, every_minutes) != (job.daily_at, job.every_minutes)
    job.enabled, job.daily_at, job.every_minutes = enabled, daily_at, every_minutes
    if schedule_changed:
        job.next_run_at = job.following_run(now or timezone.now())
    job.save(update_fields=fields)
    audit.record(actor, "core.schedule.update", "修改定时任务", job, before=before,
                 after=audit.snapshot(job, fields))
    return job
