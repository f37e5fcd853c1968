"""Pages of 先审后发: the item list, drafting, one item with inline findings and its review, feeds.

Items are fetched only through ``get_item_for_user``; every action is one POST route calling one
function of ``content.workflow``, whose DomainError is shown on the page in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from content import attachments, checking, slips, syndication, workflow
from content.models import (
    Channel,
    ContentAttachment,
    ContentForm,
    ContentItem,
    ContentKind,
    Publication,
    State,
    TextFinding,
)
from core.access import current_user
from core.errors import DomainError
from core.forms import add_domain_error
from core.models import User
from core.ranges import ranged_file

PER_PAGE = 30


def get_item_for_user(user: User, pk: int) -> ContentItem:
    try:
        return ContentItem.objects.visible_to(user).select_related("unit", "author").get(pk=pk)
    except ContentItem.DoesNotExist:
        raise Http404("稿件不存在") from None


def get_attachment_for_user(user: User, item_pk: int, pk: int) -> ContentAttachment:
    item = get_item_for_user(user, item_pk)
    try:
        return item.attachments.select_related("item__unit").get(pk=pk)
    except ContentAttachment.DoesNotExist:
        raise Http404("附件不存在") from None


def writable_channels(user: User) -> list[Channel]:
    channels = Channel.objects.filter(is_active=True).select_related("unit")
    if user.unit_id is not None and user.has_role(*workflow.WRITER_ROLES):
        mine = list(channels.filter(unit_id=user.unit_id))
    else:
        mine = []
    operated = [c for c in channels.filter(operators=user) if c not in mine]
    return mine + operated


class ItemForm(forms.Form):
    title = forms.CharField(label="标题", max_length=workflow.MAX_TITLE)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}),
                           help_text="可直接粘贴 Word 中的内容，保存时转为纯文字并自动校对")
    channels = forms.MultipleChoiceField(label="发布渠道", widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(label="类别", choices=ContentKind.choices)
    form = forms.ChoiceField(label="表现形式", choices=ContentForm.choices)
    is_original = forms.BooleanField(label="原创", required=False, initial=True)
    is_key = forms.BooleanField(label="重点稿件（终审须由单位主要负责人签发）", required=False)
    source = forms.CharField(label="来源", required=False, max_length=100)
    note = forms.CharField(label="修改说明", required=False, max_length=200)

    def __init__(self, *args: Any, channels: list[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel_rows = {str(c.pk): c for c in channels}
        field: Any = self.fields["channels"]
        field.choices = [(str(c.pk), f"{c.name}（{c.get_kind_display()}）") for c in channels]

    def chosen(self) -> list[Channel]:
        return [self.channel_rows[pk] for pk in self.cleaned_data["channels"]]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核意见", widget=forms.RadioSelect,
                                 choices=[("pass", "通过"), ("return", "退回修改")])
    opinion = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=workflow.MAX_OPINION)
    override_reason = forms.CharField(label="带问题通过的理由（仅终审，有未处理的严重问题时必填）", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}), max_length=workflow.MAX_OPINION)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300)


class AttachmentForm(forms.Form):
    # allow_empty_file: the service says "文件是空的" itself, with every other refusal in one place.
    file = forms.FileField(label="图片或视频", allow_empty_file=True, max_length=500,
                           widget=forms.FileInput(attrs={"accept": attachments.ACCEPT_ATTR}))
    description = forms.CharField(label="替代文字", max_length=attachments.MAX_DESCRIPTION,
                                  help_text="说明图片或视频的内容，读屏软件会读给视障人士听，如“2023年政府网站工作要点图解”")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        image, video = (attachments.size_label(attachments.image_max_bytes()),
                        attachments.size_label(attachments.video_max_bytes()))
        self.fields["file"].help_text = f"{attachments.ACCEPTED}；图片不超过 {image}，视频不超过 {video}"


# ---- list ----------------------------------------------------------------------------------------


@login_required
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    box = request.GET.get("box", "todo")
    items: QuerySet[ContentItem] = ContentItem.objects.visible_to(user)
    if box == "todo":
        items = workflow.waiting_for(user)
    elif box == "drafts":
        items = items.filter(state=State.DRAFT)
    elif box == "overdue":
        items = items.filter(pk__in=workflow.overdue().values("pk"))
    state = request.GET.get("state", "")
    if state in State.values:
        items = items.filter(state=state)
    page = Paginator(items.select_related("unit", "author").order_by("-updated_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "content/item_list.html", {
        "nav": "content", "page": page, "box": box, "state": state, "states": State.choices, "now": timezone.now(),
        "can_create": bool(writable_channels(user)),
        "tabs": [("todo", "待我办理"), ("drafts", "草稿"), ("overdue", "超时未办"), ("all", "全部稿件")],
    })


# ---- drafting ------------------------------------------------------------------------------------


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    channels = writable_channels(user)
    if not channels:
        raise Http404("您没有可以发布的渠道")
    form = ItemForm(request.POST or None, channels=channels, initial={"is_original": True})
    del form.fields["note"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = form.chosen()
        try:
            item = workflow.create_item(user, chosen[0].unit, title=data["title"], body=data["body"], channels=chosen,
                                        kind=data["kind"], form=data["form"], is_original=data["is_original"],
                                        is_key=data["is_key"], source=data["source"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已保存草稿，自动校对发现 {item.findings.filter(status='open').count()} 处问题")
            return redirect("content:item_detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "content/item_form.html", {"nav": "content", "form": form, "item": None}, status=status)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_item_for_user(user, pk)
    if "edit" not in workflow.actions_for(user, item):
        raise Http404("当前环节您不能修改该稿件")
    channels = list(Channel.objects.filter(Q(unit=item.unit, is_active=True) | Q(pk__in=item.channels.all())))
    initial = {"title": item.title, "body": item.body, "kind": item.kind, "form": item.form,
               "is_original": item.is_original, "is_key": item.is_key, "source": item.source,
               "channels": [str(c.pk) for c in item.channels.all()]}
    form = ItemForm(request.POST or None, channels=channels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.edit_item(user, item, title=data["title"], body=data["body"], note=data["note"],
                               kind=data["kind"], form=data["form"], is_original=data["is_original"],
                               is_key=data["is_key"], source=data["source"], channels=form.chosen())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已保存为第 {item.revision} 版并重新校对")
            return redirect("content:item_detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "content/item_form.html", {"nav": "content", "form": form, "item": item}, status=status)


# ---- one item ------------------------------------------------------------------------------------


def marked_body(item: ContentItem, findings: list[TextFinding]) -> list[tuple[str, TextFinding | None]]:
    """The body cut into plain runs and runs under an open finding (for inline <mark>s)."""
    return checking.marked_runs(item.body, (f for f in findings if f.field == "body" and f.status ==
                                            TextFinding.Status.OPEN and item.body[f.start:f.end] == f.text))


def _context(user: User, item: ContentItem, review_form: forms.Form | None = None,
             attachment_form: forms.Form | None = None) -> dict[str, Any]:
    actions = workflow.actions_for(user, item)
    findings = list(item.findings.order_by("status", "field", "start"))
    open_findings = workflow.in_reading_order(f for f in findings if f.status == TextFinding.Status.OPEN)
    may_decide_findings = (item.state == State.DRAFT and workflow.can_write(user, item)) or workflow.can_review(
        user, item)
    now = timezone.now()
    return {
        "nav": "content", "item": item, "actions": actions, "now": now,
        "runs": marked_body(item, findings), "open_findings": open_findings,
        "closed_findings": [f for f in findings if f.status != TextFinding.Status.OPEN],
        "blocking": [f for f in open_findings if f.blocking], "may_decide_findings": may_decide_findings,
        "steps": list(item.steps.select_related("actor")), "revisions": list(item.revisions.select_related("author")),
        "publications": list(item.publications.select_related("channel")),
        "channels": list(item.channels.all()),
        "attachments": list(item.attachments.select_related("uploaded_by")),
        "attachment_form": (attachment_form or AttachmentForm(auto_id="id_attach_%s"))
        if attachments.can_attach(user, item) else None,
        "review_form": review_form or (ReviewForm(auto_id="id_review_%s") if "review" in actions else None),
        "overdue": item.step_due is not None and item.state in workflow.REVIEW_STAGES and item.step_due < now,
        "stage_role": workflow.stage_role(item, item.state) if item.state in workflow.REVIEW_STAGES else "",
    }


@login_required
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    return render(request, "content/item_detail.html", _context(user, get_item_for_user(user, pk)))


def _post(request: HttpRequest, pk: int, perform: Callable[[User, ContentItem], str]) -> HttpResponse:
    user = current_user(request)
    item = get_item_for_user(user, pk)
    try:
        done = perform(user, item)
    except DomainError as exc:
        messages.error(request, exc.message)
        item.refresh_from_db()
        return render(request, "content/item_detail.html", _context(user, item), status=exc.status)
    messages.success(request, done)
    return redirect("content:item_detail", pk=item.pk)


@login_required
@require_POST
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, lambda user, item: (workflow.submit(user, item), "已送初审")[1])


@login_required
@require_POST
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_item_for_user(user, pk)
    form = ReviewForm(request.POST, auto_id="id_review_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        stage = State(item.state).label
        try:
            workflow.review(user, item, decision=data["decision"], opinion=data["opinion"],
                            override_reason=data["override_reason"])
        except DomainError as exc:
            status = exc.status
            if "review" in workflow.actions_for(user, item):
                add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, f"{stage}：{'已通过' if data['decision'] == 'pass' else '已退回修改'}")
            return redirect("content:item_detail", pk=item.pk)
    item.refresh_from_db()
    return render(request, "content/item_detail.html", _context(user, item, form), status=status)


@login_required
@require_POST
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, lambda user, item: f"已发布到 {len(workflow.publish(user, item))} 个渠道")


@login_required
@require_POST
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _post(request, pk, lambda user, item: (workflow.withdraw(user, item, reason=reason), "已撤回")[1])


@login_required
@require_POST
def finding_dismiss(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""

    def perform(user: User, item: ContentItem) -> str:
        try:
            finding = item.findings.get(pk=finding_pk)
        except TextFinding.DoesNotExist:
            raise Http404("校对问题不存在") from None
        workflow.dismiss_finding(user, finding, reason=reason)
        return f"已标记「{finding.text}」不予修改"

    return _post(request, pk, perform)


@login_required
@require_GET
def item_diff(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_item_for_user(user, pk)
    try:
        old, new = int(request.GET.get("a", item.revision - 1)), int(request.GET.get("b", item.revision))
        runs = workflow.diff(item, old, new)
    except (ValueError, DomainError):
        raise Http404("版本不存在") from None
    return render(request, "content/item_diff.html", {"nav": "content", "item": item, "runs": runs, "old": old,
                                                       "new": new})


@login_required
@require_GET
def item_slip(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = current_user(request)
    return slips.download(get_item_for_user(user, pk), fmt)


# ---- attachments ---------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_item_for_user(user, pk)
    form = AttachmentForm(request.POST, request.FILES, auto_id="id_attach_%s")
    status = 400
    if form.is_valid():
        try:
            attachment = attachments.add_attachment(user, item, form.cleaned_data["file"],
                                                    description=form.cleaned_data["description"])
        except DomainError as exc:
            status = exc.status
            if attachments.can_attach(user, item):
                add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, f"已添加附件「{attachment.original_name}」")
            return redirect(reverse("content:item_detail", args=[item.pk]) + "#attachments")
    item.refresh_from_db()
    return render(request, "content/item_detail.html", _context(user, item, attachment_form=form), status=status)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    def perform(user: User, item: ContentItem) -> str:
        attachment = get_attachment_for_user(user, item.pk, attachment_pk)
        attachments.remove_attachment(user, attachment)
        return f"已删除附件「{attachment.original_name}」"

    return _post(request, pk, perform)


def _serve(request: HttpRequest, attachment: ContentAttachment) -> HttpResponseBase:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已丢失") from None
    # Ranges: a video seeks by them, and Safari on iOS plays none without them. The type was decided
    # from the bytes at upload; nosniff keeps browsers to it, and the sandbox stops anything in the
    # file from running as a page of this site.
    response = ranged_file(request, handle, size=attachment.size, etag=f'"{attachment.sha256}"',
                           content_type=attachment.content_type, filename=attachments.download_name(attachment))
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe  # GET and HEAD: players may ask for the size first
def attachment_file(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """For people who may see the item, whatever its state."""
    return _serve(request, get_attachment_for_user(current_user(request), pk, attachment_pk))


# ---- public: feeds and published items --------------------------------------------------------------


def _channel(slug: str) -> Channel:
    try:
        return Channel.objects.select_related("unit").get(slug=slug, is_active=True)
    except Channel.DoesNotExist:
        raise Http404("渠道不存在") from None


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/") or settings.PUBLIC_BASE_URL


@require_GET
def feed_rss(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(syndication.xml_feed(_channel(slug), _base(request), atom=False),
                        content_type="application/rss+xml; charset=utf-8")


@require_GET
def feed_atom(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(syndication.xml_feed(_channel(slug), _base(request), atom=True),
                        content_type="application/atom+xml; charset=utf-8")


@require_GET
def feed_json(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse(syndication.json_feed(_channel(slug), _base(request)),
                        json_dumps_params={"ensure_ascii": False}, content_type="application/feed+json; charset=utf-8")


def _first_publication(pk: int) -> Publication:
    publication = Publication.objects.filter(item_id=pk, item__state=State.PUBLISHED).select_related(
        "item__unit").order_by("published_at").first()
    if publication is None:
        raise Http404("信息不存在或已撤回")
    return publication


@require_GET
def public_item(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _first_publication(pk)
    item = publication.item
    return render(request, "content/public_item.html", {"item": item, "publication": publication,
                                                       "paragraphs": item.body.split("\n"),
                                                       "attachments": list(item.attachments.all())})


@require_safe
def public_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """Published items' files are public, like their text (feeds link here); withdrawn ones are not."""
    item = _first_publication(pk).item
    try:
        return _serve(request, item.attachments.get(pk=attachment_pk))
    except ContentAttachment.DoesNotExist:
        raise Http404("附件不存在") from None


