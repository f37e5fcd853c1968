"""The four lists' core: information systems and data resources with their 信息项."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models.choices import (
    CYCLE_DAYS,
    Deployment,
    FormatClass,
    Grade,
    ItemType,
    OpenType,
    ProtectionLevel,
    SharingChannel,
    SharingMedium,
    SharingType,
    UpdateCycle,
    ValidityKind,
)
from core.models import Unit, User


class CatalogSettings(models.Model):
    """One row of editable defaults (answer limits from the Shaanxi rule, spec §7; grading; freshness)."""

    answer_days_unconditional = models.PositiveSmallIntegerField("无条件共享答复时限（工作日）", default=2)
    answer_days_conditional = models.PositiveSmallIntegerField("有条件共享答复时限（工作日）", default=5)
    answer_days_uncataloged = models.PositiveSmallIntegerField("未编目数据答复时限（工作日）", default=10)
    delivery_days = models.PositiveSmallIntegerField("同意后交付时限（工作日）", default=5)
    rectify_days = models.PositiveSmallIntegerField("质量问题整改时限（工作日）", default=10)
    stale_grace_days = models.PositiveSmallIntegerField("更新宽限（天）", default=3)
    general_levels = models.PositiveSmallIntegerField("一般数据分级数", default=4,
                                                      help_text="GB/T 43697 一般数据细分的级数（1–4）")

    class Meta:
        verbose_name = "目录设置"
        verbose_name_plural = "目录设置"

    def __str__(self) -> str:
        return "目录设置"

    @classmethod
    def current(cls) -> CatalogSettings:
        # Unsaved defaults until the admin first saves the settings page: reading never writes.
        return cls.objects.order_by("pk").first() or cls()


class Category(models.Model):
    """信息资源分类: 类 (1 digit) / 项 (2) / 目 (3) / 细目 (any), spec §2–§3."""

    class Level(models.IntegerChoices):
        CLASS = 1, "类"
        ITEM = 2, "项"
        SUBJECT = 3, "目"
        DETAIL = 4, "细目"

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    segment = models.CharField("本级编码", max_length=10)
    code = models.CharField("分类编码", max_length=40, unique=True, help_text="各级编码连写，如 101")
    name = models.CharField("名称", max_length=60)

    class Meta:
        verbose_name = "资源分类"
        verbose_name_plural = "资源分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def path_names(self) -> list[str]:
        names: list[str] = []
        node: Category | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return names[::-1]


class ServiceMatter(models.Model):
    """政务服务事项 a system or resource supports."""

    code = models.CharField("事项编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=200)
    kind = models.CharField("事项类型", max_length=20, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Lifecycle(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已发布"
    OFFLINE = "offline", "已下线"


class OwnedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> OwnedQuerySet:
        """County-wide roles see every unit's list; others their own unit's and anything published."""
        if user.is_county_wide:
            return self
        published = Q(status=Lifecycle.PUBLISHED)
        if user.unit_id is None:
            return self.filter(published)
        return self.filter(published | Q(unit_id=user.unit_id))


class InformationSystem(models.Model):
    """政务信息系统清单."""

    class State(models.TextChoices):
        BUILDING = "building", "在建"
        RUNNING = "running", "运行"
        RETIRED = "retired", "停用"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="systems", verbose_name="建设单位")
    name = models.CharField("系统名称", max_length=128)
    protection_level = models.CharField("等保级别", max_length=1, choices=ProtectionLevel.choices,
                                        default=ProtectionLevel.NONE)
    deployment = models.CharField("部署位置", max_length=12, choices=Deployment.choices, default=Deployment.GOV_CLOUD)
    on_gov_cloud = models.BooleanField("已上政务云", default=False)
    is_classified = models.BooleanField("涉密系统", default=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RUNNING)
    description = models.TextField("系统简介", blank=True)
    service_matters = models.ManyToManyField(ServiceMatter, blank=True, related_name="systems",
                                             verbose_name="关联事项")
    status = models.CharField("审核状态", max_length=10, choices=Lifecycle.choices, default=Lifecycle.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "信息系统"
        verbose_name_plural = "信息系统"
        ordering = ["unit__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="system_name_unique_per_unit")]

    def __str__(self) -> str:
        return self.name


class DataResource(models.Model):
    """数据资源 (政务信息资源目录 entry) with the 1272号 core metadata."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="data_resources",
                             verbose_name="提供方")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="resources",
                                 verbose_name="资源分类")
    code = models.CharField("信息资源代码", max_length=60, unique=True)
    name = models.CharField("信息资源名称", max_length=128)
    summary = models.CharField("信息资源摘要", max_length=255)
    format_class = models.CharField("格式分类", max_length=1, choices=FormatClass.choices,
                                    default=FormatClass.DATABASE)
    format_type = models.CharField("格式类型", max_length=30, blank=True, help_text="如 xlsx、MySQL、JSON")
    sharing_type = models.CharField("共享类型", max_length=14, choices=SharingType.choices)
    sharing_condition = models.CharField("共享条件", max_length=300, blank=True)
    sharing_basis = models.CharField("不予共享依据", max_length=300, blank=True)
    sharing_channel = models.CharField("共享方式分类", max_length=10, choices=SharingChannel.choices,
                                       default=SharingChannel.PLATFORM)
    sharing_medium = models.CharField("共享方式类型", max_length=10, choices=SharingMedium.choices, blank=True)
    open_type = models.CharField("开放属性", max_length=14, choices=OpenType.choices)
    open_condition = models.CharField("开放条件", max_length=300, blank=True)
    opened_on = models.DateField("开放日期", null=True, blank=True, help_text="在开放平台上线的日期")
    update_cycle = models.CharField("更新周期", max_length=12, choices=UpdateCycle.choices)
    last_updated_on = models.DateField("最近更新日期", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    grade = models.CharField("数据分级", max_length=10, choices=Grade.choices, default=Grade.GENERAL_2)
    is_classified = models.BooleanField("涉密", default=False, help_text="涉密资源不进入共享平台和对外接口")
    systems = models.ManyToManyField(InformationSystem, blank=True, related_name="resources",
                                     verbose_name="关联信息系统")
    service_matters = models.ManyToManyField(ServiceMatter, blank=True, related_name="resources",
                                             verbose_name="关联事项")
    related_codes = models.JSONField("关联资源代码", default=list, blank=True)
    # 信息资源大普查 counters (spec §6)
    storage_total_gb = models.DecimalField("数据存储总量（GB）", max_digits=14, decimal_places=3, default=0)
    record_total = models.BigIntegerField("结构化记录总数", default=0)
    shared_storage_gb = models.DecimalField("已共享存储量（GB）", max_digits=14, decimal_places=3, default=0)
    shared_records = models.BigIntegerField("已共享记录数", default=0)
    opened_storage_gb = models.DecimalField("已开放存储量（GB）", max_digits=14, decimal_places=3, default=0)
    opened_records = models.BigIntegerField("已开放记录数", default=0)
    status = models.CharField("状态", max_length=10, choices=Lifecycle.choices, default=Lifecycle.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "数据资源"
        verbose_name_plural = "数据资源"
        ordering = ["code"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["sharing_type", "open_type"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def stale_since(self, today: date, grace_days: int = 3) -> date | None:
        """The day the data became overdue for its update cycle, or None while it is fresh."""
        days = CYCLE_DAYS.get(self.update_cycle)
        if days is None or self.status != Lifecycle.PUBLISHED:
            return None
        last = self.last_updated_on or self.published_on
        if last is None:
            return None
        due = last + timedelta(days=days + grace_days)
        return due if today > due else None

    @property
    def is_open(self) -> bool:
        """Published to the public: only these may appear in the CKAN API and the DCAT export."""
        return (self.status == Lifecycle.PUBLISHED and self.open_type != OpenType.NONE and not self.is_classified
                and self.opened_on is not None and self.opened_on <= timezone.localdate())


class DataItem(models.Model):
    """信息项: one field of a resource, with its own share/open attributes and sensitivity."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField("顺序", default=0)
    name = models.CharField("信息项名称", max_length=80)
    data_type = models.CharField("数据类型", max_length=1, choices=ItemType.choices, default=ItemType.CHAR)
    length = models.PositiveIntegerField("长度", null=True, blank=True)
    is_sensitive = models.BooleanField("敏感", default=False)
    sharing_type = models.CharField("共享类型", max_length=14, choices=SharingType.choices, blank=True,
                                    help_text="留空则同资源")
    open_type = models.CharField("开放属性", max_length=14, choices=OpenType.choices, blank=True,
                                 help_text="留空则同资源")
    required = models.BooleanField("必填", default=False)
    unique = models.BooleanField("唯一", default=False)
    validity = models.CharField("取值校验", max_length=14, choices=ValidityKind.choices, blank=True)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "信息项"
        verbose_name_plural = "信息项"
        ordering = ["resource", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["resource", "name"], name="item_name_unique_per_resource")]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_sharing(self) -> str:
        return self.sharing_type or self.resource.sharing_type

    @property
    def effective_open(self) -> str:
        return self.open_type or self.resource.open_type


class CodeSequence(models.Model):
    """The next 顺序码 per classification prefix (codes never change after 发布; spec §3)."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "代码顺序号"
        verbose_name_plural = "代码顺序号"

    def __str__(self) -> str:
        return f"{self.prefix}/{self.last:06d}"


class ReviewComment(models.Model):
    """A comment on a catalog record's lifecycle (submit, return, publish, take offline)."""

    resource = models.ForeignKey(DataResource, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="comments")
    system = models.ForeignKey(InformationSystem, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="comments")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=20)
    text = models.TextField("意见", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.text[:20]}"
