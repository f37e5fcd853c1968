"""JSON API of the catalog (/api/v1/catalog/): the same getters and services as the pages.

Ids in the path are fetched through ``catalog.access`` (404 for people without access); services
raise DomainError, which zhengtong/api.py maps to 400 / 403 / 409 with the Chinese message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from catalog import access, demands, measures, services
from catalog.models import (
    Category,
    DataItem,
    DataResource,
    Demand,
    DemandState,
    Deployment,
    FormatClass,
    Grade,
    InformationSystem,
    ItemType,
    Lifecycle,
    OpenType,
    ProtectionLevel,
    SharingChannel,
    SharingMedium,
    SharingType,
    UpdateCycle,
    ValidityKind,
)
from core.access import current_user
from core.errors import DomainError
from core.models import Unit, User
from core.schemas import ErrorOut

router = Router(tags=["数据资源目录"])

MAX_PAGE = 100
TEXT = demands.MAX_TEXT
T = TypeVar("T")


def _found(fetch: Callable[[], T]) -> T:
    """Run an access-checked getter; its Chinese 404 message goes to the client as is."""
    try:
        return fetch()
    except Http404 as exc:
        raise HttpError(404, str(exc) or "对象不存在或无权查看") from None


def _unit(pk: int, field: str) -> Unit:
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise DomainError("单位不存在", field=field)
    return unit


# ---- schemas -------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class ItemIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    data_type: ItemType = ItemType.CHAR
    length: int | None = Field(None, ge=1, le=1_000_000)
    is_sensitive: bool = False
    sharing_type: SharingType | None = Field(None, description="留空则同资源")
    open_type: OpenType | None = Field(None, description="留空则同资源")
    required: bool = False
    unique: bool = False
    validity: ValidityKind | None = None
    description: str = Field("", max_length=200)

    def fields(self) -> dict[str, Any]:
        data = self.dict()
        for key in ("sharing_type", "open_type", "validity"):
            data[key] = data[key] or ""
        return data


class ItemOut(Schema):
    name: str
    data_type: str
    length: int | None
    is_sensitive: bool
    sharing_type: str
    open_type: str
    required: bool
    unique: bool
    validity: str
    description: str

    @staticmethod
    def of(item: DataItem) -> ItemOut:
        return ItemOut(name=item.name, data_type=item.data_type, length=item.length, is_sensitive=item.is_sensitive,
                       sharing_type=item.effective_sharing, open_type=item.effective_open, required=item.required,
                       unique=item.unique, validity=item.validity, description=item.description)


class ResourceIn(Schema):
    unit_id: int | None = Field(None, description="提供单位编号，默认本人所在单位")
    category: str = Field(min_length=1, max_length=40, description="资源分类编码，如 101")
    name: str = Field(min_length=1, max_length=128)
    summary: str = Field(min_length=1, max_length=255)
    format_class: FormatClass = FormatClass.DATABASE
    format_type: str = Field("", max_length=30)
    sharing_type: SharingType
    sharing_condition: str = Field("", max_length=300)
    sharing_basis: str = Field("", max_length=300)
    sharing_channel: SharingChannel = SharingChannel.PLATFORM
    sharing_medium: SharingMedium | None = None
    open_type: OpenType
    open_condition: str = Field("", max_length=300)
    opened_on: date | None = None
    update_cycle: UpdateCycle
    last_updated_on: date | None = None
    grade: Grade = Grade.GENERAL_2
    is_classified: bool = False
    related_codes: list[str] = Field(default_factory=list, max_length=50)
    record_total: int = Field(0, ge=0, le=10**15)
    storage_total_gb: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=3)
    items: list[ItemIn] = Field(default_factory=list, max_length=500)


class ResourceOut(Schema):
    id: int
    code: str
    name: str
    summary: str
    unit_id: int
    unit: str
    category: str
    category_name: str
    format_class: str
    format_type: str
    sharing_type: str
    sharing_condition: str
    sharing_basis: str
    sharing_channel: str
    sharing_medium: str
    open_type: str
    open_condition: str
    opened_on: date | None
    update_cycle: str
    last_updated_on: date | None
    published_on: date | None
    grade: str
    is_classified: bool
    status: str
    status_label: str

    @staticmethod
    def fields_of(r: DataResource) -> dict[str, Any]:
        return {
            "id": r.pk, "code": r.code, "name": r.name, "summary": r.summary, "unit_id": r.unit_id,
            "unit": r.unit.short_name, "category": r.category.code, "category_name": r.category.name,
            "format_class": r.format_class, "format_type": r.format_type, "sharing_type": r.sharing_type,
            "sharing_condition": r.sharing_condition, "sharing_basis": r.sharing_basis,
            "sharing_channel": r.sharing_channel, "sharing_medium": r.sharing_medium, "open_type": r.open_type,
            "open_condition": r.open_condition, "opened_on": r.opened_on, "update_cycle": r.update_cycle,
            "last_updated_on": r.last_updated_on, "published_on": r.published_on, "grade": r.grade,
            "is_classified": r.is_classified, "status": r.status, "status_label": r.get_status_display(),
        }


class ResourceDetailOut(ResourceOut):
    related_codes: list[str]
    record_total: int
    storage_total_gb: str
    items: list[ItemOut]
    systems: list[Ref]
    service_matters: list[Ref]

    @staticmethod
    def of(r: DataResource) -> ResourceDetailOut:
        return ResourceDetailOut(
            **ResourceOut.fields_of(r), related_codes=list(r.related_codes), record_total=r.record_total,
            storage_total_gb=f"{r.storage_total_gb:f}", items=[ItemOut.of(i) for i in r.items.all()],
            systems=[Ref(id=s.pk, name=s.name) for s in r.systems.all()],
            service_matters=[Ref(id=m.pk, name=m.name) for m in r.service_matters.all()])


class ResourcePage(Schema):
    count: int
    items: list[ResourceOut]


class ResourceFilters(Schema):
    unit: int | None = Field(None, description="提供单位编号")
    category: str | None = Field(None, max_length=40, pattern=r"^\d+$", description="分类编码前缀，如 1 或 101")
    sharing_type: SharingType | None = None
    open_type: OpenType | None = None
    grade: Grade | None = None
    status: Lifecycle | None = None
    q: str | None = Field(None, max_length=60, description="名称、摘要、代码或信息项")
    limit: int = Field(30, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class TransitionIn(Schema):
    action: Literal["submit", "approve", "return", "offline"] = Field(
        description="submit 提交审核 / approve 审核通过 / return 退回 / offline 下线")
    comment: str = Field("", max_length=2000)


class SystemOut(Schema):
    id: int
    name: str
    unit_id: int
    unit: str
    protection_level: str
    deployment: str
    on_gov_cloud: bool
    is_classified: bool
    state: str
    status: str
    service_matters: list[Ref]


class SystemPage(Schema):
    count: int
    items: list[SystemOut]


class SystemFilters(Schema):
    unit: int | None = None
    status: Lifecycle | None = None
    protection_level: ProtectionLevel | None = None
    deployment: Deployment | None = None
    on_gov_cloud: bool | None = None
    q: str | None = Field(None, max_length=60)
    limit: int = Field(30, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class DemandOut(Schema):
    id: int
    requester_id: int
    requester: str
    provider_id: int
    provider: str
    resource_id: int | None
    resource_code: str | None
    wanted_name: str
    wanted_items: str
    purpose: str
    legal_basis: str
    medium: str
    state: str
    state_label: str
    submitted_at: datetime
    answer_due: datetime
    answer_due_provisional: bool
    answered_at: datetime | None
    answered_in_time: bool | None
    answer_reason: str
    conditions: str
    delivery_due: datetime | None
    delivered_at: datetime | None
    delivery_note: str
    escalated_at: datetime | None
    overdue: bool
    rating: int | None
    rating_comment: str

    @staticmethod
    def of(d: Demand, now: datetime) -> DemandOut:
        return DemandOut(
            id=d.pk, requester_id=d.requester_id, requester=d.requester.short_name, provider_id=d.provider_id,
            provider=d.provider.short_name, resource_id=d.resource_id,
            resource_code=d.resource.code if d.resource else None, wanted_name=d.wanted_name,
            wanted_items=d.wanted_items, purpose=d.purpose, legal_basis=d.legal_basis, medium=d.medium,
            state=d.state, state_label=d.get_state_display(), submitted_at=d.submitted_at, answer_due=d.answer_due,
            answer_due_provisional=d.answer_due_provisional, answered_at=d.answered_at,
            answered_in_time=d.answered_in_time(), answer_reason=d.answer_reason, conditions=d.conditions,
            delivery_due=d.delivery_due, delivered_at=d.delivered_at, delivery_note=d.delivery_note,
            escalated_at=d.escalated_at, overdue=d.is_overdue(now), rating=d.rating,
            rating_comment=d.rating_comment)


class DemandPage(Schema):
    count: int
    items: list[DemandOut]


class DemandFilters(Schema):
    box: Literal["todo", "mine", "all"] = Field(
        "all", description="todo 需要本单位答复的 / mine 本单位提出的 / all 本人可见的全部")
    state: DemandState | None = None
    overdue: bool = False
    limit: int = Field(30, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class DemandIn(Schema):
    resource_id: int | None = Field(None, description="目录中的资源；目录外数据留空并填写 provider_id 与 wanted_name")
    provider_id: int | None = None
    wanted_name: str = Field("", max_length=128)
    wanted_items: str = Field("", max_length=TEXT)
    purpose: str = Field(min_length=1, max_length=TEXT)
    legal_basis: str = Field(min_length=1, max_length=TEXT)
    medium: SharingMedium = SharingMedium.API


class AnswerIn(Schema):
    decision: Literal["agreed", "conditional", "refused"] = Field(description="同意 / 有条件同意 / 不同意")
    reason: str = Field("", max_length=TEXT)
    conditions: str = Field("", max_length=TEXT)


class DeliverIn(Schema):
    note: str = Field(min_length=1, max_length=TEXT)


class RateIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=300)


class IndicatorOut(Schema):
    code: str
    name: str
    measure_unit: str
    formula: str
    value: str | None = Field(description="当前值；尚无可计算的数据时为空")
    numerator: int | None
    denominator: int | None


# ---- resources -----------------------------------------------------------------------------------


def _resources(user: User, f: ResourceFilters) -> QuerySet[DataResource]:
    found = DataResource.objects.visible_to(user)
    if f.unit:
        found = found.filter(unit_id=f.unit)
    if f.category:
        found = found.filter(category__code__startswith=f.category)
    for name in ("sharing_type", "open_type", "grade", "status"):
        if getattr(f, name):
            found = found.filter(**{name: getattr(f, name)})
    if f.q and f.q.strip():
        q = f.q.strip()
        found = found.filter(Q(name__icontains=q) | Q(summary__icontains=q) | Q(code__icontains=q)
                             | Q(pk__in=DataItem.objects.filter(name__icontains=q).values("resource_id")))
    return found


@router.get("/resources", response={200: ResourcePage}, summary="数据资源列表")
def list_resources(request: HttpRequest, filters: Query[ResourceFilters]) -> ResourcePage:
    """Published resources, plus drafts of the caller's own unit (all of them for county-wide roles)."""
    found = _resources(current_user(request), filters).select_related("unit", "category").order_by("code")
    page = found[filters.offset: filters.offset + filters.limit]
    return ResourcePage(count=found.count(), items=[ResourceOut(**ResourceOut.fields_of(r)) for r in page])


def _detail(user: User, pk: int) -> ResourceDetailOut:
    resource = _found(lambda: access.get_resource_for_user(user, pk))
    resource = (DataResource.objects.select_related("unit", "category")
                .prefetch_related("items", "systems", "service_matters").get(pk=resource.pk))
    return ResourceDetailOut.of(resource)


@router.get("/resources/{resource_id}", response={200: ResourceDetailOut, 404: ErrorOut}, summary="数据资源详情")
def get_resource(request: HttpRequest, resource_id: int) -> ResourceDetailOut:
    return _detail(current_user(request), resource_id)


@router.post("/resources", response={201: ResourceDetailOut, 400: ErrorOut, 403: ErrorOut}, summary="登记数据资源")
def create_resource(request: HttpRequest, payload: ResourceIn) -> Status[ResourceDetailOut]:
    """A new resource in 草稿 with its 信息项; the code is allocated from the category."""
    user = current_user(request)
    if payload.unit_id is None and user.unit is None:
        raise DomainError("请指定提供单位", field="unit_id")
    unit = _unit(payload.unit_id, "unit_id") if payload.unit_id is not None else user.unit
    assert unit is not None
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        raise DomainError(f"资源分类 {payload.category} 不存在", field="category")
    fields = payload.dict(exclude={"unit_id", "category", "items"})
    fields["sharing_medium"] = fields["sharing_medium"] or ""
    resource = services.create_resource(user, unit, items=[i.fields() for i in payload.items], category=category,
                                        **fields)
    return Status(201, _detail(user, resource.pk))


@router.post("/resources/{resource_id}/transition",
             response={200: ResourceDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="提交审核、审核通过、退回或下线")
def transition_resource(request: HttpRequest, resource_id: int, payload: TransitionIn) -> ResourceDetailOut:
    user = current_user(request)
    resource = _found(lambda: access.get_resource_for_user(user, resource_id))
    services.transition(user, resource, payload.action, payload.comment)
    return _detail(user, resource.pk)


# ---- systems -------------------------------------------------------------------------------------


@router.get("/systems", response={200: SystemPage}, summary="信息系统列表")
def list_systems(request: HttpRequest, filters: Query[SystemFilters]) -> SystemPage:
    found = InformationSystem.objects.visible_to(current_user(request))
    for name in ("status", "protection_level", "deployment", "on_gov_cloud"):
        if getattr(filters, name) is not None:
            found = found.filter(**{name: getattr(filters, name)})
    if filters.unit:
        found = found.filter(unit_id=filters.unit)
    if filters.q and filters.q.strip():
        found = found.filter(name__icontains=filters.q.strip())
    found = found.select_related("unit").prefetch_related("service_matters").order_by("unit__sort_order", "name")
    page = found[filters.offset: filters.offset + filters.limit]
    return SystemPage(count=found.count(), items=[SystemOut(
        id=s.pk, name=s.name, unit_id=s.unit_id, unit=s.unit.short_name, protection_level=s.protection_level,
        deployment=s.deployment, on_gov_cloud=s.on_gov_cloud, is_classified=s.is_classified, state=s.state,
        status=s.status, service_matters=[Ref(id=m.pk, name=m.name) for m in s.service_matters.all()])
        for s in page])


# ---- demands -------------------------------------------------------------------------------------


@router.get("/demands", response={200: DemandPage}, summary="数据需求列表")
def list_demands(request: HttpRequest, filters: Query[DemandFilters]) -> DemandPage:
    """Demands the caller's unit made or must answer (every demand for county-wide roles)."""
    user = current_user(request)
    now = timezone.now()
    found = Demand.objects.visible_to(user)
    if filters.box == "todo":
        found = found.filter(provider_id=user.unit_id)
    elif filters.box == "mine":
        found = found.filter(requester_id=user.unit_id)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.overdue:
        found = found.overdue(now)
    found = found.select_related("requester", "provider", "resource")
    page = found[filters.offset: filters.offset + filters.limit]
    return DemandPage(count=found.count(), items=[DemandOut.of(d, now) for d in page])


def _demand_out(user: User, pk: int) -> DemandOut:
    return DemandOut.of(_found(lambda: access.get_demand_for_user(user, pk)), timezone.now())


@router.post("/demands", response={201: DemandOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="提出数据需求")
def file_demand(request: HttpRequest, payload: DemandIn) -> Status[DemandOut]:
    """In the name of the caller's unit; answer limits count working days (see 目录设置)."""
    user = current_user(request)
    if user.unit is None:
        raise DomainError("您不属于任何单位，不能提出数据需求")
    resource = None
    if payload.resource_id is not None:
        resource = _found(lambda: access.get_resource_for_user(user, payload.resource_id or 0))
    provider = _unit(payload.provider_id, "provider_id") if payload.provider_id is not None else None
    try:
        demand = demands.file_demand(user, user.unit, resource=resource, provider=provider,
                                     wanted_name=payload.wanted_name, wanted_items=payload.wanted_items,
                                     purpose=payload.purpose, legal_basis=payload.legal_basis,
                                     medium=payload.medium)
    except DomainError as exc:  # the service names the objects; this API names their ids
        exc.field = {"resource": "resource_id", "provider": "provider_id"}.get(exc.field or "", exc.field)
        raise
    return Status(201, _demand_out(user, demand.pk))


STEP_RESPONSES: dict[int, Any] = {200: DemandOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/demands/{demand_id}/answer", response=STEP_RESPONSES, summary="答复数据需求")
def answer_demand(request: HttpRequest, demand_id: int, payload: AnswerIn) -> DemandOut:
    user = current_user(request)
    demand = _found(lambda: access.get_demand_for_user(user, demand_id))
    demands.answer_demand(user, demand, decision=payload.decision, reason=payload.reason,
                          conditions=payload.conditions)
    return _demand_out(user, demand.pk)


@router.post("/demands/{demand_id}/deliver", response=STEP_RESPONSES, summary="登记交付")
def deliver_demand(request: HttpRequest, demand_id: int, payload: DeliverIn) -> DemandOut:
    user = current_user(request)
    demand = _found(lambda: access.get_demand_for_user(user, demand_id))
    demands.record_delivery(user, demand, note=payload.note)
    return _demand_out(user, demand.pk)


@router.post("/demands/{demand_id}/rate", response=STEP_RESPONSES, summary="评价需求响应")
def rate_demand(request: HttpRequest, demand_id: int, payload: RateIn) -> DemandOut:
    user = current_user(request)
    demand = _found(lambda: access.get_demand_for_user(user, demand_id))
    demands.rate_demand(user, demand, rating=payload.rating, comment=payload.comment)
    return _demand_out(user, demand.pk)


# ---- indicators ----------------------------------------------------------------------------------


@router.get("/indicators", response={200: list[IndicatorOut]}, summary="目录实时指标")
def indicators(request: HttpRequest) -> list[IndicatorOut]:
    """按需共享率、开放率、数据更新率… computed from the ledger now, each with its formula."""
    current_user(request)
    now = timezone.now()
    out = []
    for spec in measures.INDICATORS:
        value = spec.compute(now)
        out.append(IndicatorOut(code=spec.code, name=spec.name, measure_unit=spec.measure_unit, formula=spec.formula,
                                value=f"{value.value:f}" if value else None,
                                numerator=value.numerator if value else None,
                                denominator=value.denominator if value else None))
    return out
