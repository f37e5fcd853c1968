"""回头看: datasets attached to resources, check runs, and findings with rectification deadlines."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from catalog.models.resources import DataResource
from core.models import Unit, User


class Dataset(models.Model):
    """The real data behind a resource: an uploaded file or a table behind a connection URL."""

    class Kind(models.TextChoices):
        FILE = "file", "上传文件"
        DATABASE = "database", "数据库表"

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="datasets")
    kind = models.CharField("来源", max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="catalog/datasets/%Y/%m/", blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    db_url = models.CharField("连接地址", max_length=500, blank=True, help_text="密码不在页面显示")
    table = models.CharField("表名", max_length=128, blank=True)
    sheet = models.CharField("工作表", max_length=100, blank=True, help_text="xlsx 文件留空则读第一个工作表")
    size_bytes = models.BigIntegerField("文件大小", null=True, blank=True)
    timestamp_column = models.CharField("时间字段", max_length=80, blank=True,
                                        help_text="用于及时性检查的记录时间字段")
    note = models.CharField("说明", max_length=200, blank=True)
    attached_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "挂接数据"
        verbose_name_plural = "挂接数据"
        ordering = ["-attached_at"]

    def __str__(self) -> str:
        return self.original_name or self.table or f"数据集 {self.pk}"


class QualityRun(models.Model):
    """One run of the checks derived from a resource's 信息项 over one dataset."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "检查中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="quality_runs")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    row_count = models.BigIntegerField("记录数", null=True, blank=True)
    as_of = models.DateField("检查基准日", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    summary = models.CharField("结论", max_length=300, blank=True)
    results = models.JSONField("检查结果", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    recheck_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "质量检查"
        verbose_name_plural = "质量检查"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.resource.name} 质量检查 {self.requested_at:%Y-%m-%d}"


class QualityFinding(models.Model):
    """A failed check sent to the provider, with a rectification deadline and a re-check."""

    class State(models.TextChoices):
        OPEN = "open", "待整改"
        SUBMITTED = "submitted", "已整改待复查"
        RESOLVED = "resolved", "已解决"

    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="findings")
    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="quality_findings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="quality_findings")
    check_kind = models.CharField("检查项", max_length=40)
    column = models.CharField("信息项", max_length=80, blank=True)
    rule = models.CharField("检查规则", max_length=120, blank=True)
    # kind|column|rule: the same check in a later run of the resource's data (its re-check).
    check_key = models.CharField(max_length=300, blank=True, db_index=True)
    description = models.CharField("问题描述", max_length=300)
    failed = models.BigIntegerField("问题记录数", default=0)
    rows_checked = models.BigIntegerField("检查记录数", default=0)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    due = models.DateTimeField("整改期限")
    rectification_note = models.CharField("整改说明", max_length=500, blank=True)
    submitted_at = models.DateTimeField("提交整改时间", null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recheck_note = models.CharField("复查结论", max_length=300, blank=True)
    escalated_at = models.DateTimeField("逾期督办时间", null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_run = models.ForeignKey(QualityRun, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")

    class Meta:
        verbose_name = "质量问题"
        verbose_name_plural = "质量问题"
        ordering = ["state", "due"]

    def __str__(self) -> str:
        return self.description

    @property
    def kind_label(self) -> str:
        return check_label(self.check_kind)


def check_label(kind: str) -> str:
    """The Chinese name of a check family (完整性, 有效性 …); unknown codes as they are."""
    from catalog.quality import CheckKind

    try:
        return CheckKind(kind).label
    except ValueError:
        return kind
