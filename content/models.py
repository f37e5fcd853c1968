"""Content for the websites and new-media accounts, reviewed before it goes out (三审三校·先审后发).

Seed W8/NM5: every item passes 初审 → 复审 → 终审 before publication, 重点稿件 signed off by the unit
head at 终审; edits keep revisions; each finding of the proofreader is fixed or dismissed with a reason;
publishing records what went where and when (同源发布 through feeds and webhooks).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.db import models
from django.utils import timezone

from core.models import Unit, User


class ContentSettings(models.Model):
    """Working-hour limits of each review step (one row, edited by the admin)."""

    review_1_hours = models.PositiveSmallIntegerField("初审时限（工作小时）", default=8)
    review_2_hours = models.PositiveSmallIntegerField("复审时限（工作小时）", default=8)
    final_hours = models.PositiveSmallIntegerField("终审时限（工作小时）", default=8)
    max_text_chars = models.PositiveIntegerField("单篇正文字数上限", default=100_000)
    weekly_new_form_target = models.PositiveSmallIntegerField("每周原创新形式作品目标（件）", default=1)

    class Meta:
        verbose_name = "内容发布设置"
        verbose_name_plural = "内容发布设置"

    def __str__(self) -> str:
        return "内容发布设置"

    @classmethod
    def current(cls) -> ContentSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class Channel(models.Model):
    """Where content goes: the portal, a website column, or a new-media account of a unit."""

    class Kind(models.TextChoices):
        PORTAL = "portal", "政府门户网站"
        COLUMN = "column", "网站栏目"
        NEW_MEDIA = "new_media", "政务新媒体"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="channels", verbose_name="主办单位")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    slug = models.SlugField("标识", max_length=60, unique=True, help_text="订阅地址中使用的英文标识")
    platform = models.CharField("平台", max_length=30, blank=True, help_text="新媒体：微信公众号、微博、抖音等")
    url = models.URLField("地址", blank=True)
    operators = models.ManyToManyField(User, blank=True, related_name="operated_channels",
                                       verbose_name="代运维人员", help_text="代运维机构的账号：只能起草，不能审核或发布")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "发布渠道"
        verbose_name_plural = "发布渠道"
        ordering = ["unit__sort_order", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class Webhook(models.Model):
    """Another platform that takes the channel's approved content (同源发布)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("推送地址")
    secret = models.CharField("签名密钥", max_length=80, help_text="用于 HMAC-SHA256 签名，对方据此验证来源")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "推送接口"
        verbose_name_plural = "推送接口"

    def __str__(self) -> str:
        return self.url


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW_1 = "review_1", "初审"
    REVIEW_2 = "review_2", "复审"
    FINAL = "final", "终审"
    APPROVED = "approved", "已批准"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class ContentKind(models.TextChoices):
    ARTICLE = "article", "文章"
    NOTICE = "notice", "通知公告"
    INTERPRETATION = "interpretation", "政策解读"
    POST = "post", "新媒体推文"


class ContentForm(models.TextChoices):
    """表现形式: the seed asks each unit for at least one original 新形式 work a week."""

    TEXT = "text", "图文"
    GRAPHIC = "graphic", "图解"
    VIDEO = "video", "视频"
    ANIMATION = "animation", "动漫"
    AUDIO = "audio", "音频"
    H5 = "h5", "H5"

    @classmethod
    def new_forms(cls) -> list[str]:
        return [cls.GRAPHIC, cls.VIDEO, cls.ANIMATION, cls.AUDIO, cls.H5]


class ContentQuerySet(models.QuerySet["ContentItem"]):
    def visible_to(self, user: User) -> ContentQuerySet:
        """County-wide roles see everything; a unit sees its own; an operator sees its channels' drafts."""
        if user.is_county_wide:
            return self
        q = models.Q(pk__in=[])
        if user.unit_id is not None:
            q |= models.Q(unit_id=user.unit_id)
        q |= models.Q(channels__operators=user)
        return self.filter(q).distinct()


class ContentItem(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="content_items", verbose_name="单位")
    kind = models.CharField("类别", max_length=16, choices=ContentKind.choices, default=ContentKind.ARTICLE)
    form = models.CharField("表现形式", max_length=10, choices=ContentForm.choices, default=ContentForm.TEXT)
    is_original = models.BooleanField("原创", default=True)
    is_key = models.BooleanField("重点稿件", default=False, help_text="终审须由单位主要负责人签发")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    source = models.CharField("来源", max_length=100, blank=True)
    channels = models.ManyToManyField(Channel, related_name="items", verbose_name="发布渠道")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    step_started_at = models.DateTimeField("本环节开始", null=True, blank=True)
    step_due = models.DateTimeField("本环节期限", null=True, blank=True)
    revision = models.PositiveIntegerField("当前版本", default=1)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="起草人")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """Every saved edit: the diff between two revisions is what a reviewer compares."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField("修改时环节", max_length=10, choices=State.choices)
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "修改版本"
        verbose_name_plural = "修改版本"
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.item} 第 {self.number} 版"


class ReviewStep(models.Model):
    """One decision at 初审/复审/终审 (or the submission that started the review)."""

    class Decision(models.TextChoices):
        SUBMIT = "submit", "送审"
        PASS = "pass", "通过"
        RETURN = "return", "退回修改"
        PUBLISH = "publish", "发布"
        WITHDRAW = "withdraw", "撤回"

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField("环节", max_length=10, choices=State.choices)
    decision = models.CharField("意见", max_length=10, choices=Decision.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="办理人")
    role = models.CharField("办理身份", max_length=20, blank=True)
    opinion = models.TextField("审核意见", blank=True)
    override_reason = models.TextField("带问题通过的理由", blank=True)
    revision = models.PositiveIntegerField("审核版本")
    started_at = models.DateTimeField("环节开始", null=True, blank=True)
    due = models.DateTimeField("环节期限", null=True, blank=True)
    at = models.DateTimeField("办理时间", default=timezone.now)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_decision_display()}"

    @property
    def late(self) -> bool:
        return self.due is not None and self.at > self.due


def attachment_path(attachment: ContentAttachment, filename: str) -> str:
    """A random name with the sniffed extension: the uploader's file name never reaches the disk."""
    return f"content/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ContentAttachment(models.Model):
    """An image or video of an item (图解、视频、动漫): checked by its bytes, served only to those who may
    see the item, and publicly once the item is published."""

    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        VIDEO = "video", "视频"

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    content_type = models.CharField("文件格式", max_length=40)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    width = models.PositiveIntegerField("宽（像素）", null=True, blank=True)
    height = models.PositiveIntegerField("高（像素）", null=True, blank=True)
    description = models.CharField("替代文字", max_length=300,
                                   help_text="读屏软件读给视障人士的文字：说明图片或视频的内容")
    revision = models.PositiveIntegerField("上传时版本")
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="上传人")
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "稿件附件"
        verbose_name_plural = "稿件附件"
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class TextFinding(models.Model):
    """A proofreader finding on one revision; fixed by an edit or dismissed with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        FIXED = "fixed", "已修改"
        DISMISSED = "dismissed", "不予修改"

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="findings")
    revision = models.PositiveIntegerField("发现于版本")
    field = models.CharField("位置", max_length=10, default="body")  # title | body
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField("原文", max_length=200)
    suggestion = models.CharField("建议", max_length=200, blank=True)
    kind = models.CharField("类型", max_length=12)
    severity = models.CharField("程度", max_length=8)
    message = models.CharField("说明", max_length=300)
    rule = models.CharField(max_length=120, blank=True)
    dictionary_version = models.PositiveIntegerField("词典版本", null=True, blank=True)
    # kind|field|text|suggestion: the same problem seen again in a later revision.
    key = models.CharField(max_length=500, db_index=True)
    status = models.CharField("处理", max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField("不予修改的理由", max_length=300, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "校对问题"
        verbose_name_plural = "校对问题"
        ordering = ["item", "field", "start"]

    def __str__(self) -> str:
        return self.message

    @property
    def blocking(self) -> bool:
        """严重表述错误 and 隐私泄露 block approval unless 终审 overrides with a reason."""
        return self.status == self.Status.OPEN and self.kind in ("formulation", "privacy")


class Publication(models.Model):
    """What went where and when."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="publications")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="publications")
    revision = models.PositiveIntegerField("发布版本")
    published_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "发布记录"
        verbose_name_plural = "发布记录"
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["item", "channel"], name="publication_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.item} → {self.channel}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待推送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "失败"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"

    def __str__(self) -> str:
        return f"{self.webhook} {self.get_status_display()}"


class DictionaryEntry(models.Model):
    """One row of the proofreader's editable dictionaries; ``content.dictionaries`` turns the active rows
    into ``text.proofread.dictionaries.Dictionaries``. Every change bumps DictionaryVersion."""

    class Family(models.TextChoices):
        FORMULATION = "formulation", "规范表述"
        OFFICE_HOLDER = "office_holder", "领导姓名职务"
        OUTDATED = "outdated", "过时表述"
        SENSITIVE = "sensitive", "敏感词"

    family = models.CharField("词典", max_length=14, choices=Family.choices, db_index=True)
    term = models.CharField("词条", max_length=200,
                            help_text="规范表述：正确写法；领导：姓名；过时表述：旧称；敏感词：词语")
    replacement = models.CharField("对应", max_length=200, blank=True,
                                   help_text="领导：现任职务（如“县长”）；过时表述：现称；敏感词：建议改写为")
    variants = models.TextField("错误写法", blank=True, help_text="每行一个：规范表述的错误写法，或领导姓名的错写")
    contexts = models.TextField("不提示的语境", blank=True, help_text="每行一个：含这些词时不提示（如“农业部门”）")
    pattern = models.CharField("匹配式", max_length=200, blank=True, help_text="规范表述：受限的正则写法，可留空")
    near = models.BooleanField("近似匹配", default=False, help_text="规范表述：10 字以上的表述错一个字也提示")
    ordered = models.BooleanField("固定顺序", default=False, help_text="规范表述：如“四个意识”，顺序不同即提示")
    certain = models.BooleanField("确定", default=True, help_text="过时表述：不确定的只作提示")
    level = models.PositiveSmallIntegerField("程度", default=2, choices=[(1, "提示"), (2, "一般"), (3, "严重")])
    holder_unit = models.CharField("任职单位", max_length=100, blank=True)
    since = models.DateField("生效日期", null=True, blank=True, help_text="过时表述：改名或撤销的日期")
    note = models.CharField("说明 / 出处", max_length=300, blank=True)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "校对词条"
        verbose_name_plural = "校对词条"
        ordering = ["family", "term", "id"]

    def __str__(self) -> str:
        return self.term

    def lines(self, field: str) -> tuple[str, ...]:
        return tuple(line.strip() for line in getattr(self, field).splitlines() if line.strip())


class DictionaryVersion(models.Model):
    """Bumped on every dictionary change: findings record the version they were checked against."""

    number = models.PositiveIntegerField(unique=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "词典版本"
        verbose_name_plural = "词典版本"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"第 {self.number} 版"
