"""共享清单 and 需求清单: what is shared to whom, and the demand workflow with its timers."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models.choices import SharingMedium
from catalog.models.resources import DataItem, DataResource
from core.models import Unit, User


class SharingEntry(models.Model):
    """One line of the 共享清单: a resource (or some of its items) shared to a unit, and how."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="sharing_entries")
    consumer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="shared_to_me",
                                 verbose_name="使用单位")
    medium = models.CharField("共享方式", max_length=10, choices=SharingMedium.choices)
    items = models.ManyToManyField(DataItem, blank=True, related_name="+", verbose_name="共享信息项",
                                   help_text="留空表示全部信息项")
    purpose = models.CharField("用途", max_length=300, blank=True)
    since = models.DateField("开始共享日期", default=timezone.localdate)
    active = models.BooleanField("有效", default=True)
    demand = models.ForeignKey("Demand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="来源需求")

    class Meta:
        verbose_name = "共享清单"
        verbose_name_plural = "共享清单"
        ordering = ["-since", "id"]

    def __str__(self) -> str:
        return f"{self.resource.name} → {self.consumer}"


class DemandState(models.TextChoices):
    SUBMITTED = "submitted", "待答复"
    AGREED = "agreed", "同意"
    CONDITIONAL = "conditional", "有条件同意"
    REFUSED = "refused", "不同意"
    DELIVERED = "delivered", "已交付"
    WITHDRAWN = "withdrawn", "已撤回"


class DemandQuerySet(models.QuerySet["Demand"]):
    def visible_to(self, user: User) -> DemandQuerySet:
        if user.is_county_wide:
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(Q(requester_id=user.unit_id) | Q(provider_id=user.unit_id))

    def awaiting_answer(self) -> DemandQuerySet:
        return self.filter(state=DemandState.SUBMITTED)

    def overdue(self, now: datetime) -> DemandQuerySet:
        return self.filter(Q(state=DemandState.SUBMITTED, answer_due__lt=now)
                           | Q(state__in=[DemandState.AGREED, DemandState.CONDITIONAL], delivery_due__lt=now))


class Demand(models.Model):
    """需求清单 entry: a unit asks for data; the provider answers within working-day limits."""

    requester = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="demands_made",
                                  verbose_name="需求单位")
    provider = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="demands_received",
                                 verbose_name="提供单位")
    resource = models.ForeignKey(DataResource, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="demands", verbose_name="所需资源")
    wanted_name = models.CharField("所需数据", max_length=128, help_text="目录中没有时写明所需数据的名称")
    wanted_items = models.CharField("所需信息项", max_length=500, blank=True)
    purpose = models.CharField("用途", max_length=500)
    legal_basis = models.CharField("依据", max_length=500)
    medium = models.CharField("期望共享方式", max_length=10, choices=SharingMedium.choices,
                              default=SharingMedium.API)
    state = models.CharField("状态", max_length=12, choices=DemandState.choices, default=DemandState.SUBMITTED,
                             db_index=True)
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提出时间", default=timezone.now)
    answer_due = models.DateTimeField("答复期限")
    answer_due_provisional = models.BooleanField(default=False)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer_reason = models.CharField("答复意见", max_length=500, blank=True)
    conditions = models.CharField("共享条件", max_length=500, blank=True)
    delivery_due = models.DateTimeField("交付期限", null=True, blank=True)
    delivered_at = models.DateTimeField("交付时间", null=True, blank=True)
    delivery_note = models.CharField("交付说明", max_length=500, blank=True)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    rating_comment = models.CharField("评价意见", max_length=300, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = "数据需求"
        verbose_name_plural = "数据需求"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="demand_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} 需要 {self.wanted_name}"

    def is_overdue(self, now: datetime) -> bool:
        """Is an answer or a delivery late?"""
        if self.state == DemandState.SUBMITTED:
            return now > self.answer_due
        if self.state in (DemandState.AGREED, DemandState.CONDITIONAL) and self.delivery_due:
            return now > self.delivery_due
        return False

    def answered_in_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        return self.answered_at <= self.answer_due
