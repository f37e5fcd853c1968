"""The catalog's live indicators, each with the formula shown next to its value."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F

from catalog.models import (
    CatalogSettings,
    DataResource,
    Demand,
    DemandState,
    InformationSystem,
    Lifecycle,
    OpenType,
    SharingType,
)
from indicators.computed import ComputedIndicator, Value, ratio

PUBLISHED = {"status": Lifecycle.PUBLISHED}


def sharing_on_demand(now: datetime) -> Value | None:
    # Demands refused because the data is 不予共享 by law are not "demands to meet".
    valid = Demand.objects.exclude(state=DemandState.WITHDRAWN).exclude(
        state=DemandState.REFUSED, resource__sharing_type=SharingType.NONE)
    return ratio(valid.filter(state=DemandState.DELIVERED).count(), valid.count())


def open_rate(now: datetime) -> Value | None:
    should = DataResource.objects.filter(**PUBLISHED, is_classified=False).exclude(open_type=OpenType.NONE)
    return ratio(should.filter(opened_on__isnull=False, opened_on__lte=now.date()).count(), should.count())


def update_rate(now: datetime) -> Value | None:
    grace = CatalogSettings.current().stale_grace_days
    fixed = [r for r in DataResource.objects.filter(**PUBLISHED).exclude(update_cycle="irregular")
             .only("update_cycle", "last_updated_on", "published_on", "status")]
    fresh = sum(1 for r in fixed if r.stale_since(now.date(), grace) is None and (r.last_updated_on or r.published_on))
    return ratio(fresh, len(fixed))


def mount_rate(now: datetime) -> Value | None:
    published = DataResource.objects.filter(**PUBLISHED)
    return ratio(published.filter(datasets__isnull=False).distinct().count(), published.count())


def answer_timeliness(now: datetime) -> Value | None:
    answered = Demand.objects.filter(answered_at__isnull=False)
    return ratio(answered.filter(answered_at__lte=F("answer_due")).count(), answered.count())


def cloud_rate(now: datetime) -> Value | None:
    systems = InformationSystem.objects.filter(**PUBLISHED, is_classified=False).exclude(state="retired")
    return ratio(systems.filter(on_gov_cloud=True).count(), systems.count())


INDICATORS = [
    ComputedIndicator("catalog-sharing-on-demand", "公共数据按需共享率", "%",
                      "已交付的数据需求数 ÷ 应响应的数据需求数（不含撤回及依法不予共享的需求）× 100%",
                      sharing_on_demand),
    ComputedIndicator("catalog-open-rate", "应开放公共数据开放率", "%",
                      "已在开放平台上线的应开放资源数 ÷ 已发布且开放属性为无条件/有条件开放的非涉密资源数 × 100%",
                      open_rate),
    ComputedIndicator("catalog-update-rate", "数据更新率", "%",
                      "按更新周期按时更新的已发布资源数 ÷ 有固定更新周期的已发布资源数 × 100%", update_rate),
    ComputedIndicator("catalog-mount-rate", "目录挂接率", "%", "已挂接数据的已发布资源数 ÷ 已发布资源数 × 100%",
                      mount_rate),
    ComputedIndicator("catalog-answer-timeliness", "数据需求按时答复率", "%",
                      "在答复期限内答复的需求数 ÷ 已答复的需求数 × 100%", answer_timeliness),
    ComputedIndicator("catalog-cloud-rate", "非涉密信息系统迁移上云率", "%",
                      "部署在政务云上的非涉密在用系统数 ÷ 已发布的非涉密在用系统数 × 100%", cloud_rate),
]
