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
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from content import checking, slips, syndication, workflow
from content.models import Channel, ContentForm, ContentItem, ContentKind, Publication, State, TextFinding
from core.access import current_user
from core.errors import DomainError
from core.forms import add_domain_error
from core.models import User

PER_PAGE = 30


def get_item_for_user(user: User, pk: int) -> ContentItem:
    try:
        return ContentItem.objects.visible_to(user).select_related("unit", "author").get(pk=pk)
    except ContentItem.DoesNotExist:
        raise Http404("稿件不存在") from None


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


def _context(user: User, item: ContentItem, review_form: forms.Form | None = None) -> dict[str, Any]:
    actions = workflow.actions_for(user, item)
    findings = list(item.findings.order_by("status", "field", "start"))
    open_findings = [f for f in findings if f.status == TextFinding.Status.OPEN]
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
    item = get_item_for_user(user, pk)
    data, content_type = (slips.slip_docx(item), slips.DOCX) if fmt == "docx" else (slips.slip_pdf(item), "application/pdf")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{slips.filename(item, fmt)}"
    return response


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


@require_GET
def public_item(request: HttpRequest, pk: int) -> HttpResponse:
    publication = Publication.objects.filter(item_id=pk, item__state=State.PUBLISHED).select_related(
        "item__unit").order_by("published_at").first()
    if publication is None:
        raise Http404("信息不存在或已撤回")
    return render(request, "content/public_item.html", {"item": publication.item, "publication": publication,
                                                       "paragraphs": publication.item.body.split("\n")})


