"""稿件 over JSON (/api/v1/content/…): the same rules as the pages, through ``content.workflow``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from content import workflow
from content.models import Channel, ContentForm, ContentItem, ContentKind, State
from content.views import get_item_for_user
from core.access import current_user
from core.schemas import ErrorOut

router = Router(tags=["稿件审核"])
MAX_PAGE = 100


class FindingOut(Schema):
    id: int
    field: str
    start: int
    end: int
    text: str
    suggestion: str
    kind: str
    severity: str
    message: str
    status: str
    reason: str


class StepOut(Schema):
    stage: str
    decision: str
    actor: str
    role: str
    opinion: str
    override_reason: str
    revision: int
    due: datetime | None
    at: datetime


class ItemOut(Schema):
    id: int
    unit: str
    title: str
    body: str
    kind: str
    form: str
    is_key: bool
    is_original: bool
    state: str
    state_label: str
    revision: int
    step_due: datetime | None
    channels: list[str]
    actions: list[str]
    findings: list[FindingOut]
    steps: list[StepOut]


class ItemPage(Schema):
    count: int
    results: list[dict[str, Any]]


class ItemFilters(Schema):
    box: str = "all"  # all | todo | overdue
    state: str = ""
    offset: int = 0
    limit: int = 30


class ItemIn(Schema):
    title: str
    body: str
    channel_ids: list[int]
    kind: str = ContentKind.ARTICLE
    form: str = ContentForm.TEXT
    is_key: bool = False
    is_original: bool = True
    source: str = ""


class ReviewIn(Schema):
    decision: str  # pass | return
    opinion: str = ""
    override_reason: str = ""


def _out(user: Any, item: ContentItem) -> ItemOut:
    return ItemOut(
        id=item.pk, unit=str(item.unit), title=item.title, body=item.body, kind=item.kind, form=item.form,
        is_key=item.is_key, is_original=item.is_original, state=item.state, state_label=str(item.get_state_display()),
        revision=item.revision, step_due=item.step_due, channels=[c.slug for c in item.channels.all()],
        actions=workflow.actions_for(user, item),
        findings=[FindingOut(id=f.pk, field=f.field, start=f.start, end=f.end, text=f.text, suggestion=f.suggestion,
                             kind=f.kind, severity=f.severity, message=f.message, status=f.status, reason=f.reason)
                  for f in item.findings.all()],
        steps=[StepOut(stage=s.stage, decision=s.decision, actor=str(s.actor or ""), role=s.role, opinion=s.opinion,
                       override_reason=s.override_reason, revision=s.revision, due=s.due, at=s.at)
               for s in item.steps.select_related("actor")])


def _item(user: Any, pk: int) -> ContentItem:
    try:
        return get_item_for_user(user, pk)
    except Http404 as exc:
        raise HttpError(404, "稿件不存在") from exc


@router.get("/items", response={200: ItemPage}, summary="稿件列表")
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> ItemPage:
    user = current_user(request)
    items = workflow.waiting_for(user) if filters.box == "todo" else ContentItem.objects.visible_to(user)
    if filters.box == "overdue":
        items = items.filter(pk__in=workflow.overdue().values("pk"))
    if filters.state:
        if filters.state not in State.values:
            raise HttpError(422, f"未知的状态：{filters.state}")
        items = items.filter(state=filters.state)
    items = items.select_related("unit").order_by("-updated_at", "-id")
    limit, offset = max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)
    return ItemPage(count=items.count(), results=[
        {"id": i.pk, "title": i.title, "unit": str(i.unit), "state": i.state, "step_due": i.step_due,
         "revision": i.revision, "is_key": i.is_key} for i in items[offset:offset + limit]])


@router.get("/items/{item_id}", response={200: ItemOut, 404: ErrorOut}, summary="稿件详情（含校对问题和办理过程）")
def get_item(request: HttpRequest, item_id: int) -> ItemOut:
    user = current_user(request)
    return _out(user, _item(user, item_id))


@router.post("/items", response={201: ItemOut, 400: ErrorOut, 403: ErrorOut}, summary="起草稿件")
def create_item(request: HttpRequest, payload: ItemIn) -> Status[ItemOut]:
    user = current_user(request)
    channels = list(Channel.objects.filter(pk__in=payload.channel_ids, is_active=True).select_related("unit"))
    if len(channels) != len(set(payload.channel_ids)) or not channels:
        raise HttpError(400, "发布渠道不存在或已停用")
    item = workflow.create_item(user, channels[0].unit, title=payload.title, body=payload.body, channels=channels,
                                kind=payload.kind, form=payload.form, is_key=payload.is_key,
                                is_original=payload.is_original, source=payload.source)
    return Status(201, _out(user, item))


STEP: dict[int, Any] = {200: ItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/items/{item_id}/submit", response=STEP, summary="送审")
def submit(request: HttpRequest, item_id: int) -> ItemOut:
    user = current_user(request)
    item = _item(user, item_id)
    workflow.submit(user, item)
    return _out(user, item)


@router.post("/items/{item_id}/review", response=STEP, summary="审核（通过或退回修改）")
def review(request: HttpRequest, item_id: int, payload: ReviewIn) -> ItemOut:
    user = current_user(request)
    item = _item(user, item_id)
    workflow.review(user, item, decision=payload.decision, opinion=payload.opinion,
                    override_reason=payload.override_reason)
    return _out(user, item)


@router.post("/items/{item_id}/publish", response=STEP, summary="发布")
def publish(request: HttpRequest, item_id: int) -> ItemOut:
    user = current_user(request)
    item = _item(user, item_id)
    workflow.publish(user, item)
    return _out(user, item)
