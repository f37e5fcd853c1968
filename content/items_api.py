"""稿件 over JSON (/api/v1/content/…): the same rules as the pages, through ``content.workflow``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError

from content import attachments, slips, workflow
from content.models import (
    Channel,
    ContentAttachment,
    ContentForm,
    ContentItem,
    ContentKind,
    State,
    TextFinding,
)
from content.views import get_attachment_for_user, get_item_for_user
from core.access import current_user
from core.errors import DomainError
from core.models import User
from core.schemas import ErrorOut

router = Router(tags=["稿件审核"])
MAX_PAGE = 100


class FindingOut(Schema):
    id: int
    field: str = Field(description="title、body，或 alt<附件 id>（附件的替代文字）")
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


class RevisionOut(Schema):
    number: int
    title: str
    author: str
    state: str
    note: str
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    kind: str  # image | video
    original_name: str
    content_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    description: str  # the 替代文字 (alt text)
    revision: int
    uploaded_by: str
    created_at: datetime
    url: str  # for people who may see the item (session login)
    public_url: str  # "" until the item is published


class PublicationOut(Schema):
    channel: str
    revision: int
    published_at: datetime


class ItemOut(Schema):
    id: int
    unit: str
    title: str
    body: str
    kind: str
    form: str
    is_key: bool
    is_original: bool
    source: str
    state: str
    state_label: str
    revision: int
    step_due: datetime | None
    channels: list[str]
    actions: list[str]  # edit (incl. attachments), submit, review, publish, withdraw
    findings: list[FindingOut]
    steps: list[StepOut]
    revisions: list[RevisionOut]
    attachments: list[AttachmentOut]
    publications: list[PublicationOut]


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
    kind: ContentKind = ContentKind.ARTICLE
    form: ContentForm = ContentForm.TEXT
    is_key: bool = False
    is_original: bool = True
    source: str = ""


class ItemPatch(Schema):
    """Only the fields given change; a changed title or body makes a new revision and is checked again."""

    title: str | None = None
    body: str | None = None
    channel_ids: list[int] | None = None
    kind: ContentKind | None = None
    form: ContentForm | None = None
    is_key: bool | None = None
    is_original: bool | None = None
    source: str | None = None
    note: str = ""


class ReasonIn(Schema):
    reason: str


class DiffRun(Schema):
    op: str  # "=" unchanged, "-" removed, "+" added
    text: str


class DiffOut(Schema):
    old: int
    new: int
    runs: list[DiffRun]


class ReviewIn(Schema):
    decision: str  # pass | return
    opinion: str = ""
    override_reason: str = ""


def _attachment_out(a: ContentAttachment) -> AttachmentOut:
    public = a.item.state == State.PUBLISHED
    return AttachmentOut(
        id=a.pk, kind=a.kind, original_name=a.original_name, content_type=a.content_type, size=a.size,
        sha256=a.sha256, width=a.width, height=a.height, description=a.description, revision=a.revision,
        uploaded_by=str(a.uploaded_by or ""), created_at=a.created_at,
        url=reverse("content:attachment", args=[a.item_id, a.pk]),
        public_url=reverse("content:public_attachment", args=[a.item_id, a.pk]) if public else "")


def _out(user: User, item: ContentItem) -> ItemOut:
    return ItemOut(
        id=item.pk, unit=str(item.unit), title=item.title, body=item.body, kind=item.kind, form=item.form,
        is_key=item.is_key, is_original=item.is_original, source=item.source, state=item.state,
        state_label=str(item.get_state_display()), revision=item.revision, step_due=item.step_due,
        channels=[c.slug for c in item.channels.all()], actions=workflow.actions_for(user, item),
        findings=[FindingOut(id=f.pk, field=f.field, start=f.start, end=f.end, text=f.text, suggestion=f.suggestion,
                             kind=f.kind, severity=f.severity, message=f.message, status=f.status, reason=f.reason)
                  for f in workflow.in_reading_order(item.findings.all())],
        steps=[StepOut(stage=s.stage, decision=s.decision, actor=str(s.actor or ""), role=s.role, opinion=s.opinion,
                       override_reason=s.override_reason, revision=s.revision, due=s.due, at=s.at)
               for s in item.steps.select_related("actor")],
        revisions=[RevisionOut(number=r.number, title=r.title, author=str(r.author or ""), state=r.state, note=r.note,
                               created_at=r.created_at) for r in item.revisions.select_related("author")],
        attachments=[_attachment_out(a) for a in item.attachments.select_related("item", "uploaded_by")],
        publications=[PublicationOut(channel=p.channel.slug, revision=p.revision, published_at=p.published_at)
                      for p in item.publications.select_related("channel")])


def _item(user: User, pk: int) -> ContentItem:
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
    channels = _channels(payload.channel_ids)
    if not channels:
        raise HttpError(400, "发布渠道不存在或已停用")
    item = workflow.create_item(user, channels[0].unit, title=payload.title, body=payload.body, channels=channels,
                                kind=payload.kind, form=payload.form, is_key=payload.is_key,
                                is_original=payload.is_original, source=payload.source)
    return Status(201, _out(user, item))


def _channels(ids: list[int]) -> list[Channel]:
    channels = list(Channel.objects.filter(pk__in=ids, is_active=True).select_related("unit"))
    if len(channels) != len(set(ids)):
        raise HttpError(400, "发布渠道不存在或已停用")
    return channels


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


@router.patch("/items/{item_id}", response=STEP, summary="修改稿件（生成新版本并重新校对）")
def edit_item(request: HttpRequest, item_id: int, payload: ItemPatch) -> ItemOut:
    user = current_user(request)
    item = _item(user, item_id)
    workflow.require_editable(user, item)  # refuse before reading the channels, as the page does
    fields: dict[str, Any] = {name: getattr(payload, name) for name in workflow.EDITABLE_FIELDS
                              if getattr(payload, name) is not None}
    if payload.channel_ids is not None:
        fields["channels"] = _channels(payload.channel_ids)
    workflow.edit_item(user, item, title=item.title if payload.title is None else payload.title,
                       body=item.body if payload.body is None else payload.body, note=payload.note, **fields)
    return _out(user, item)


@router.post("/items/{item_id}/withdraw", response=STEP, summary="撤回已发布的稿件")
def withdraw(request: HttpRequest, item_id: int, payload: ReasonIn) -> ItemOut:
    user = current_user(request)
    item = _item(user, item_id)
    workflow.withdraw(user, item, reason=payload.reason)
    return _out(user, item)


@router.post("/items/{item_id}/findings/{finding_id}/dismiss", response=STEP, summary="校对问题不予修改（须写理由）")
def dismiss_finding(request: HttpRequest, item_id: int, finding_id: int, payload: ReasonIn) -> ItemOut:
    user = current_user(request)
    item = _item(user, item_id)
    try:
        finding = item.findings.get(pk=finding_id)
    except TextFinding.DoesNotExist:
        raise HttpError(404, "校对问题不存在") from None
    workflow.dismiss_finding(user, finding, reason=payload.reason)
    return _out(user, item)


@router.get("/items/{item_id}/diff", response={200: DiffOut, 404: ErrorOut}, summary="两个版本逐字对比")
def diff(request: HttpRequest, item_id: int, old: int | None = None, new: int | None = None) -> DiffOut:
    """Without ``old``/``new``: the previous revision against the current one."""
    item = _item(current_user(request), item_id)
    new = item.revision if new is None else new
    old = new - 1 if old is None else old
    try:
        runs = workflow.diff(item, old, new)
    except DomainError:
        raise HttpError(404, "版本不存在") from None
    return DiffOut(old=old, new=new, runs=[DiffRun(op=op, text=text) for op, text in runs])


@router.get("/items/{item_id}/slip", response={404: ErrorOut}, summary="下载审签单（PDF 或 Word）")
def slip(request: HttpRequest, item_id: int, format: Literal["pdf", "docx"] = "pdf") -> HttpResponse:
    return slips.download(_item(current_user(request), item_id), format)


@router.post("/items/{item_id}/attachments", response={201: AttachmentOut, 400: ErrorOut, 403: ErrorOut,
                                                       404: ErrorOut, 409: ErrorOut},
             summary="上传图片或视频附件（multipart：file、description 替代文字）")
def add_attachment(request: HttpRequest, item_id: int, file: File[UploadedFile],
                   description: Form[str] = "") -> Status[AttachmentOut]:
    user = current_user(request)
    item = _item(user, item_id)
    attachment = attachments.add_attachment(user, item, file, description=description)
    return Status(201, _attachment_out(attachment))


@router.delete("/items/{item_id}/attachments/{attachment_id}", response={204: None, 403: ErrorOut, 404: ErrorOut,
                                                                         409: ErrorOut}, summary="删除附件")
def remove_attachment(request: HttpRequest, item_id: int, attachment_id: int) -> Status[None]:
    user = current_user(request)
    try:
        attachment = get_attachment_for_user(user, item_id, attachment_id)
    except Http404 as exc:
        raise HttpError(404, "附件不存在") from exc
    attachments.remove_attachment(user, attachment)
    return Status(204, None)
