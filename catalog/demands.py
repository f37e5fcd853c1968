"""The data-demand workflow with its evaluation mechanism (seed DG5: 数据需求响应评价机制).

submitted (待答复) → agreed | conditional | refused → delivered → rated. Answer limits count working
days (spec §7 defaults, editable in CatalogSettings); overdue answers escalate to the Big Data Center.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Avg, Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from catalog.models import (
    CatalogSettings,
    DataResource,
    Demand,
    DemandState,
    Lifecycle,
    SharingEntry,
    SharingType,
)
from core import audit
from core import services as core_services
from core.calendar import get_calendar
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import Unit, User

MAX_TEXT = 500


def answer_days(resource: DataResource | None, settings: CatalogSettings) -> int:
    if resource is None or resource.status != Lifecycle.PUBLISHED:
        return settings.answer_days_uncataloged
    if resource.sharing_type == SharingType.UNCONDITIONAL:
        return settings.answer_days_unconditional
    return settings.answer_days_conditional


def _member(user: User, unit: Unit) -> bool:
    return user.is_dc_admin or user.unit_id == unit.pk


def requestable_resources(requester: Unit | None = None) -> QuerySet[DataResource]:
    """What a unit may ask for by demand: published, non-涉密, shareable resources of other units."""
    resources = DataResource.objects.filter(status=Lifecycle.PUBLISHED, is_classified=False).exclude(
        sharing_type=SharingType.NONE)
    return resources.exclude(unit=requester) if requester is not None else resources


def actions_for(user: User, demand: Demand) -> list[str]:
    """The steps this person may take on the demand now: answer, deliver, rate, withdraw."""
    actions = []
    if _member(user, demand.provider):
        if demand.state == DemandState.SUBMITTED:
            actions.append("answer")
        elif demand.state in (DemandState.AGREED, DemandState.CONDITIONAL):
            actions.append("deliver")
    if _member(user, demand.requester):
        if demand.state in (DemandState.DELIVERED, DemandState.REFUSED) and demand.rating is None:
            actions.append("rate")
        elif demand.state == DemandState.SUBMITTED:
            actions.append("withdraw")
    return actions


def _text(value: str, label: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{label}", field=field)
    if len(value) > MAX_TEXT:
        raise DomainError(f"{label}不能超过 {MAX_TEXT} 字", field=field)
    return value


@transaction.atomic
def file_demand(actor: User, requester: Unit, *, resource: DataResource | None = None,
                provider: Unit | None = None, wanted_name: str = "", wanted_items: str = "", purpose: str,
                legal_basis: str, medium: str = "api", now: datetime | None = None) -> Demand:
    """A unit asks for data: a cataloged resource, or something the catalog does not list yet."""
    if not _member(actor, requester):
        raise NotAllowed("只能以本单位名义提出数据需求")
    if resource is not None:
        if resource.status != Lifecycle.PUBLISHED or resource.is_classified:
            raise DomainError("只能申请已发布的非涉密资源", field="resource")
        if resource.sharing_type == SharingType.NONE:
            raise DomainError(f"“{resource.name}”为不予共享资源（依据：{resource.sharing_basis}），不能申请",
                              field="resource")
        provider = resource.unit
        wanted_name = wanted_name or resource.name
    if provider is None:
        raise DomainError("请选择提供单位或所需资源", field="provider")
    if provider.pk == requester.pk:
        raise DomainError("不能向本单位提出数据需求", field="provider")
    now = now or timezone.now()
    settings = CatalogSettings.current()
    due = get_calendar().add_workdays(now, answer_days(resource, settings))
    demand = Demand.objects.create(
        requester=requester, provider=provider, resource=resource,
        wanted_name=_text(wanted_name, "所需数据", "wanted_name")[:128],
        wanted_items=_text(wanted_items, "所需信息项", "wanted_items", required=False),
        purpose=_text(purpose, "用途", "purpose"), legal_basis=_text(legal_basis, "依据", "legal_basis"),
        medium=medium,
        submitted_by=actor, submitted_at=now, answer_due=due.at, answer_due_provisional=due.provisional)
    audit.record(actor, "catalog.demand.file", "提出数据需求", demand, unit=requester,
                 after={"provider": str(provider), "wanted": demand.wanted_name, "answer_due": due.at.isoformat()})
    for person in core_services.people_of_units([provider]):
        core_services.notify(person, kind="catalog.demand", title=f"{requester}申请数据：{demand.wanted_name}",
                             body=f"请于 {timezone.localtime(due.at):%Y年%m月%d日 %H:%M} 前答复。",
                             link=reverse("catalog:demand_detail", args=[demand.pk]),
                             dedupe_key=f"demand-new:{demand.pk}")
    return demand


@transaction.atomic
def answer_demand(actor: User, demand: Demand, *, decision: str, reason: str = "", conditions: str = "",
                  now: datetime | None = None) -> Demand:
    """The provider answers: 同意 / 有条件同意 (with conditions) / 不同意 (with a reason)."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not _member(actor, demand.provider):
        raise NotAllowed("只有提供单位可以答复")
    if demand.state != DemandState.SUBMITTED:
        raise InvalidTransition(f"该需求{demand.get_state_display()}，不能再答复")
    if decision not in (DemandState.AGREED, DemandState.CONDITIONAL, DemandState.REFUSED):
        raise DomainError("答复须为同意、有条件同意或不同意", field="decision")
    if decision == DemandState.REFUSED:
        reason = _text(reason, "不同意的理由", "reason")
    if decision == DemandState.CONDITIONAL:
        conditions = _text(conditions, "共享条件", "conditions")
    now = now or timezone.now()
    demand.state, demand.answered_at, demand.answered_by = decision, now, actor
    demand.answer_reason, demand.conditions = reason.strip()[:MAX_TEXT], conditions.strip()[:MAX_TEXT]
    if decision != DemandState.REFUSED:
        demand.delivery_due = get_calendar().add_workdays(now, CatalogSettings.current().delivery_days).at
    demand.save()
    audit.record(actor, "catalog.demand.answer", "答复数据需求", demand, unit=demand.provider,
                 before={"state": DemandState.SUBMITTED},
                 after={"state": decision, "reason": demand.answer_reason, "conditions": demand.conditions,
                        "in_time": now <= demand.answer_due})
    _tell_requester(demand, f"{demand.provider}已答复：{demand.get_state_display()}")
    return demand


@transaction.atomic
def record_delivery(actor: User, demand: Demand, *, note: str, now: datetime | None = None) -> SharingEntry | None:
    """The provider delivers; a cataloged resource gets a 共享清单 line for the requester."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not _member(actor, demand.provider):
        raise NotAllowed("只有提供单位可以登记交付")
    if demand.state not in (DemandState.AGREED, DemandState.CONDITIONAL):
        raise InvalidTransition(f"该需求{demand.get_state_display()}，不能登记交付")
    now = now or timezone.now()
    demand.state, demand.delivered_at = DemandState.DELIVERED, now
    demand.delivery_note = _text(note, "交付说明", "note")
    demand.save()
    entry = None
    if demand.resource is not None:
        entry = SharingEntry.objects.create(resource=demand.resource, consumer=demand.requester,
                                            medium=demand.medium, purpose=demand.purpose[:300],
                                            since=timezone.localdate(now), demand=demand)
    audit.record(actor, "catalog.demand.deliver", "交付共享数据", demand, unit=demand.provider,
                 after={"note": demand.delivery_note, "sharing_entry": entry.pk if entry else None})
    _tell_requester(demand, f"{demand.provider}已交付：{demand.wanted_name}，请评价")
    return entry


@transaction.atomic
def rate_demand(actor: User, demand: Demand, *, rating: int, comment: str = "",
                now: datetime | None = None) -> Demand:
    """The requester rates the response (1–5) once it is delivered or refused."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not _member(actor, demand.requester):
        raise NotAllowed("只有需求单位可以评价")
    if demand.state not in (DemandState.DELIVERED, DemandState.REFUSED):
        raise InvalidTransition("交付或答复不同意之后才能评价")
    if demand.rating is not None:
        raise InvalidTransition("已经评价过")
    if not 1 <= int(rating) <= 5:
        raise DomainError("评价应为 1 到 5 分", field="rating")
    demand.rating, demand.rating_comment = int(rating), _text(comment, "评价意见", "comment", required=False)[:300]
    demand.rated_at = now or timezone.now()
    demand.save()
    audit.record(actor, "catalog.demand.rate", "评价需求响应", demand, unit=demand.requester,
                 after={"rating": demand.rating, "comment": demand.rating_comment})
    return demand


@transaction.atomic
def withdraw_demand(actor: User, demand: Demand) -> Demand:
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not _member(actor, demand.requester):
        raise NotAllowed("只有需求单位可以撤回")
    if demand.state != DemandState.SUBMITTED:
        raise InvalidTransition("已答复的需求不能撤回")
    demand.state = DemandState.WITHDRAWN
    demand.save(update_fields=["state"])
    audit.record(actor, "catalog.demand.withdraw", "撤回数据需求", demand, unit=demand.requester)
    return demand


def escalate_overdue(now: datetime | None = None) -> int:
    """Overdue answers and deliveries go to the Big Data Center (and remind the provider). Idempotent."""
    now = now or timezone.now()
    count = 0
    for demand in Demand.objects.overdue(now).filter(escalated_at__isnull=True).select_related(
            "provider", "requester"):
        with transaction.atomic():
            demand.escalated_at = now
            demand.save(update_fields=["escalated_at"])
            audit.record(None, "catalog.demand.escalate", "逾期督办", demand, unit=demand.provider,
                         after={"state": demand.state})
        link = reverse("catalog:demand_detail", args=[demand.pk])
        for person in core_services.admins() + core_services.people_of_units([demand.provider]):
            core_services.notify(person, kind="catalog.escalation",
                                 title=f"数据需求逾期：{demand.provider}未按时{'答复' if demand.state == DemandState.SUBMITTED else '交付'}",
                                 body=f"{demand.requester}申请“{demand.wanted_name}”。", link=link,
                                 dedupe_key=f"demand-late:{demand.pk}:{demand.state}")
        count += 1
    return count


def _tell_requester(demand: Demand, title: str) -> None:
    for person in core_services.people_of_units([demand.requester]):
        core_services.notify(person, kind="catalog.demand", title=title,
                             link=reverse("catalog:demand_detail", args=[demand.pk]),
                             dedupe_key=f"demand:{demand.pk}:{demand.state}")


@dataclass
class UnitScore:
    """How a provider answers demands: counts, on-time rate and the requesters' average rating."""

    unit: Unit
    received: int
    answered: int
    on_time: int
    overdue_open: int
    average_rating: float | None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None


def unit_scores(now: datetime | None = None) -> list[UnitScore]:
    now = now or timezone.now()
    rows = (Demand.objects.exclude(state=DemandState.WITHDRAWN).values("provider")
            .annotate(received=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)),
                      avg=Avg("rating")))
    units = Unit.objects.in_bulk([r["provider"] for r in rows])
    on_time = dict(Demand.objects.filter(answered_at__isnull=False).values("provider")
                   .annotate(n=Count("id", filter=Q(answered_at__lte=F("answer_due")))).values_list("provider", "n"))
    overdue = dict(Demand.objects.overdue(now).values("provider").annotate(n=Count("id"))
                   .values_list("provider", "n"))
    scores = [UnitScore(units[r["provider"]], r["received"], r["answered"], on_time.get(r["provider"], 0),
                        overdue.get(r["provider"], 0), round(r["avg"], 2) if r["avg"] is not None else None)
              for r in rows]
    return sorted(scores, key=lambda s: (-(s.on_time_rate or 0), s.unit.sort_order))
