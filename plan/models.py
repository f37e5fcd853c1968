"""The work-points ledger: a plan document → sections → tasks owned by units, targets, progress."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import Unit, User
from indicators.models import Indicator


class Plan(models.Model):
    """An imported work-points document (one notice may carry several 工作要点)."""

    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("发文机关", max_length=80)
    issuer_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="发文单位",
                                    help_text="没有写明责任单位的任务默认由此单位牵头")
    doc_number = models.CharField("发文字号", max_length=60)
    year = models.PositiveIntegerField("年度")
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    revision = models.PositiveIntegerField("版本", default=1)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)
    imported_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    appendix_tables = models.JSONField("附件表格", default=list, blank=True)
    warnings = models.JSONField("解析提示", default=list, blank=True)

    class Meta:
        verbose_name = "工作要点文件"
        verbose_name_plural = "工作要点文件"
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["doc_number"], name="plan_doc_number_unique")]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}"


class Section(models.Model):
    """One 工作要点 inside the document, with its goals (工作目标) and safeguards (保障措施)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField("顺序")
    kind = models.CharField("类别", max_length=30, blank=True)
    title = models.CharField("标题", max_length=200)
    preamble = models.TextField("导语", blank=True)
    goals = models.JSONField("工作目标", default=list, blank=True)
    measures = models.JSONField("保障措施", default=list, blank=True)

    class Meta:
        verbose_name = "工作要点"
        verbose_name_plural = "工作要点"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="section_order_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def short_title(self) -> str:
        """"数字政府建设" out of "2023年泗洪县数字政府建设工作要点"."""
        title = self.title.removesuffix("工作要点")
        for marker in ("县", "市", "区"):
            if marker in title:
                title = title.split(marker, 1)[1]
                break
        return title or self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    LAGGING = "lagging", "滞后"


class ReportCycle(models.TextChoices):
    QUARTERLY = "quarterly", "每季度"
    MONTHLY = "monthly", "每月"
    HALF_YEARLY = "half_yearly", "每半年"


class TaskQuerySet(models.QuerySet["Task"]):
    def active(self) -> TaskQuerySet:
        return self.filter(is_active=True)

    def for_unit(self, unit: Unit) -> TaskQuerySet:
        """Tasks the unit leads, supports or answers for."""
        return self.filter(assignments__unit=unit).distinct()

    def visible_to(self, user: User) -> TaskQuerySet:
        if user.is_county_wide:
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(assignments__unit_id=user.unit_id).distinct()

    def overdue(self, today: date) -> TaskQuerySet:
        return self.filter(deadline__lt=today).exclude(status=TaskStatus.DONE)


class Task(models.Model):
    """One numbered work point, e.g. 数字政府建设 4. 推动数据资源共享开放."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveIntegerField("序号")
    heading = models.CharField("任务", max_length=200)
    text = models.TextField("任务内容")
    chapter = models.CharField("章节", max_length=120, blank=True)
    subchapter = models.CharField("小节", max_length=120, blank=True)
    unit_text = models.CharField("原文责任单位", max_length=300, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("时限原文", max_length=40, blank=True)
    deadline_provisional = models.BooleanField("时限待确认", default=False,
                                               help_text="时限所在年份的法定节假日尚未公布，按周末推算")
    report_cycle = models.CharField("填报周期", max_length=12, choices=ReportCycle.choices,
                                    default=ReportCycle.QUARTERLY)
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED,
                              db_index=True)
    status_reason = models.CharField("状态说明", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True, help_text="修订后的文件删去的任务保留历史但不再督办")
    needs_review = models.BooleanField("待复核", default=False)
    review_reasons = models.JSONField("复核原因", default=list, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["section__order", "number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], condition=Q(is_active=True),
                                               name="task_number_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.heading}"

    @property
    def code(self) -> str:
        return f"{self.section.order}-{self.number}"

    def lead_assignments(self) -> list[TaskUnit]:
        return [a for a in self.assignments.all() if a.role != TaskUnit.Role.CO]

    def co_assignments(self) -> list[TaskUnit]:
        return [a for a in self.assignments.all() if a.role == TaskUnit.Role.CO]


class TaskUnit(models.Model):
    """A unit's part in a task; collective phrases (各有关部门和单位) stay text with no unit."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头单位"
        CO = "co", "配合单位"
        RESPONSIBLE = "responsible", "责任单位"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="task_roles")
    role = models.CharField("职责", max_length=12, choices=Role.choices)
    name_as_written = models.CharField("原文写法", max_length=80)
    is_collective = models.BooleanField("泛指", default=False)
    is_default = models.BooleanField("默认分配", default=False, help_text="原文未写明单位，默认由发文单位牵头")
    is_manual = models.BooleanField("人工指定", default=False, help_text="管理员复核后指定，修订稿未写明单位时保留")

    class Meta:
        verbose_name = "任务单位"
        verbose_name_plural = "任务单位"
        ordering = ["task", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "role"], condition=Q(unit__isnull=False),
                                    name="task_unit_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.unit or self.name_as_written}"

    @property
    def leads(self) -> bool:
        return self.role != self.Role.CO


class Target(models.Model):
    """A quantitative target written in the plan (按需共享率达到97%), linked to its indicator."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="targets")
    origin = models.CharField("出处", max_length=60, blank=True, help_text="任务、工作目标或保障措施")
    text = models.CharField("原文", max_length=200)
    metric = models.CharField("指标", max_length=80)
    comparator = models.CharField("比较", max_length=2)
    value = models.DecimalField("目标值", max_digits=14, decimal_places=4)
    measure_unit = models.CharField("单位", max_length=20, blank=True)
    period = models.CharField("周期", max_length=10, blank=True)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="plan_targets")

    class Meta:
        verbose_name = "量化目标"
        verbose_name_plural = "量化目标"
        ordering = ["section__order", "task__number", "id"]

    def __str__(self) -> str:
        return self.text


class PeriodQuerySet(models.QuerySet["ProgressReport"]):
    def for_period(self, period: str) -> PeriodQuerySet:
        return self.filter(period=period)


class ProgressReport(models.Model):
    """A unit's progress on a task for one reporting period (e.g. 2023Q2)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="progress_reports")
    period = models.CharField("填报期", max_length=10)
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    claims_done = models.BooleanField("已完成", default=False)
    problems = models.TextField("存在问题", blank=True)
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("填报时间", default=timezone.now)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period"], name="report_once_per_period"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.unit} {self.period}"


class Evidence(models.Model):
    """佐证材料 attached to a progress report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="plan/evidence/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class PlanImport(models.Model):
    """A parsed document waiting for the admin to map unknown unit names and confirm."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已导入"
        CANCELLED = "cancelled", "已取消"

    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    source_name = models.CharField("来源文件", max_length=200)
    source_sha256 = models.CharField(max_length=64)
    parsed = models.JSONField("解析结果")
    unit_mapping = models.JSONField("单位对应", default=dict, blank=True,
                                    help_text="原文单位名称 → 单位编号")
    target_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="更新的文件")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    result_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name}（{self.get_status_display()}）"
