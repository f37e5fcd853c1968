"""Units, people, roles, the audit log, the local calendar table, the job schedule and notices."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.codes import is_valid_credit_code


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", "县政府"
    TOWNSHIP = "township", "乡镇/街道"
    DEPARTMENT = "department", "部门"
    ZONE = "zone", "开发区/园区"
    AFFILIATED = "affiliated", "直属单位"
    OUTSIDE = "outside", "外部机构"


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


class Unit(models.Model):
    """单位: one node of the county's unit tree; every record in the platform belongs to one."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级单位"
    )
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    short_name = models.CharField("简称", max_length=40, unique=True)
    full_name = models.CharField("全称", max_length=120, unique=True)
    aliases = models.JSONField("别名", default=list, blank=True, help_text="文件中可能出现的其他写法")
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="unit_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        if self.credit_code and not is_valid_credit_code(self.credit_code):
            raise ValidationError({"credit_code": "统一社会信用代码格式或校验位不正确（GB 32100）"})

    def names(self) -> list[str]:
        """Every spelling a document may use for this unit."""
        return [self.short_name, self.full_name, *self.aliases]


class Role(models.TextChoices):
    DC_ADMIN = "dc_admin", "大数据中心管理员"
    SUPERVISOR = "supervisor", "县政府办督查员"
    CDO = "cdo", "首席数据官"
    DATA_OFFICER = "data_officer", "超级数据员"
    EDITOR = "editor", "编辑"
    REVIEWER_1 = "reviewer_1", "初审"
    REVIEWER_2 = "reviewer_2", "复审"
    REVIEWER_FINAL = "reviewer_final", "终审"
    UNIT_HEAD = "unit_head", "单位主要负责人"
    PROJECT_OWNER = "project_owner", "项目负责人"
    EXPERT = "expert", "专家"
    REPORTER = "reporter", "进度填报员"


# Roles that see and act on every unit's records.
COUNTY_WIDE_ROLES = frozenset({Role.DC_ADMIN, Role.SUPERVISOR})


class User(AbstractUser):
    """A person: belongs to one unit and holds one or more roles there."""

    display_name = models.CharField("姓名", max_length=40, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people",
                             verbose_name="所属单位")
    phone = models.CharField("手机号", max_length=20, blank=True)
    prefers_elderly_mode = models.BooleanField("适老化模式", default=False)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def is_county_wide(self) -> bool:
        """Sees every unit's records (data-center admin, government-office supervisor)."""
        return self.is_superuser or self.has_role(*COUNTY_WIDE_ROLES)

    @property
    def is_dc_admin(self) -> bool:
        return self.is_superuser or self.has_role(Role.DC_ADMIN)

    @property
    def is_data_keeper(self) -> bool:
        """Keeps a unit's four lists (首席数据官 or 超级数据员)."""
        return self.has_role(Role.CDO, Role.DATA_OFFICER)

    def role_labels(self) -> list[str]:
        return [Role(code).label for code in sorted(self.role_codes)]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_object(self, obj: models.Model) -> AuditEntryQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """One state change: who, when, what (namespaced action code), on which object, before/after."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name="操作人")
    actor_name = models.CharField("操作人姓名", max_length=80, blank=True)
    action = models.CharField("操作代码", max_length=80, db_index=True)
    label = models.CharField("操作", max_length=80)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="相关单位")
    object_type = models.CharField("对象类型", max_length=80, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    object_repr = models.CharField("对象", max_length=200)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.label} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class CalendarDay(models.Model):
    """A local entry in the working-day calendar: a county holiday, or a day from a holiday notice."""

    class Source(models.TextChoices):
        LOCAL = "local", "本地调整"
        NOTICE = "notice", "国务院放假通知"

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.LOCAL)
    note = models.CharField("说明", max_length=80, blank=True)

    class Meta:
        verbose_name = "日历调整"
        verbose_name_plural = "日历调整"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'} {self.note}"


class HolidayNotice(models.Model):
    """The State Council's holiday notice for a year the calendar package does not know yet."""

    year = models.PositiveIntegerField("年份", unique=True)
    title = models.CharField("通知名称", max_length=120, blank=True)
    entered_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "放假通知"
        verbose_name_plural = "放假通知"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年放假通知"


class ScheduledJob(models.Model):
    """One row of the schedule table: a registered periodic job and when it runs next."""

    code = models.CharField("任务代码", max_length=60, unique=True)
    label = models.CharField("名称", max_length=80)
    every_minutes = models.PositiveIntegerField("间隔（分钟）", null=True, blank=True)
    daily_at = models.TimeField("每日时刻", null=True, blank=True)
    enabled = models.BooleanField("启用", default=True)
    next_run_at = models.DateTimeField("下次运行", default=timezone.now)
    last_run_at = models.DateTimeField("上次运行", null=True, blank=True)
    last_result_id = models.CharField("上次任务编号", max_length=64, blank=True)

    class Meta:
        verbose_name = "定时任务"
        verbose_name_plural = "定时任务"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_minutes__isnull=False) | Q(daily_at__isnull=False),
                name="scheduled_job_has_schedule",
            )
        ]

    def __str__(self) -> str:
        return self.label

    def following_run(self, after: datetime) -> datetime:
        """When this job is due next, strictly after `after`."""
        if self.every_minutes:
            return after + timedelta(minutes=self.every_minutes)
        assert self.daily_at is not None
        local = timezone.localtime(after)
        candidate = local.replace(hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate += timedelta(days=1)
        return candidate


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one person (reminders, escalations), shown on their home page."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类别", max_length=40)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    # Same key twice means the same reminder: lets periodic jobs be re-run without duplicates.
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="notification_dedupe"
            )
        ]

    def __str__(self) -> str:
        return self.title
