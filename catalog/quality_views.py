"""Pages of 回头看: a resource's data and checks, one run's results, the findings list.

Every action is one POST route calling one function of ``catalog.lookback``; its DomainError shows on
the form in Chinese. Resources come only through ``catalog.access``; the quality pages add their own
rule on top (``lookback.can_view``): the provider unit and county-wide roles, everyone else 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from catalog import lookback
from catalog.access import get_resource_for_user
from catalog.demand_forms import add_domain_error
from catalog.models import DataResource, Dataset, QualityFinding, QualityRun
from catalog.models.quality import check_label
from core.access import current_user
from core.errors import DomainError
from core.models import Unit, User

PER_PAGE = 30


def _megabytes(n: int) -> int:
    return n // (1024 * 1024)


class UploadForm(forms.Form):
    file = forms.FileField(label="数据文件", help_text=(
        f"CSV（UTF-8 或 GBK）、xlsx 或 Parquet，不超过 {_megabytes(settings.QUALITY_MAX_UPLOAD_BYTES)} MB；"
        "第一行（xlsx 可在前 10 行内）为表头，列名与信息项名称一致"))
    sheet = forms.CharField(label="工作表", required=False, max_length=100, help_text="仅 xlsx；留空读第一个工作表")
    timestamp_column = forms.CharField(label="时间字段", required=False, max_length=80,
                                       help_text="记录更新时间所在的列，用于按更新周期检查及时性；留空则不检查")
    note = forms.CharField(label="说明", required=False, max_length=200)


class DatabaseForm(forms.Form):
    db_url = forms.CharField(label="连接地址", max_length=500, help_text=(
        "如 postgres://用户名:密码@主机:5432/库名 或 sqlite:///前置库文件路径；密码只用于连接，页面不显示"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    table = forms.CharField(label="表名", max_length=128, help_text="「表名」或「模式名.表名」")
    timestamp_column = forms.CharField(label="时间字段", required=False, max_length=80,
                                       help_text="记录更新时间所在的列；留空则不检查及时性")
    note = forms.CharField(label="说明", required=False, max_length=200)


class RectifyForm(forms.Form):
    note = forms.CharField(label="整改说明", max_length=lookback.MAX_NOTE,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text="写明改了什么、怎么改的")
    file = forms.FileField(label="整改后的数据文件", required=False,
                           help_text="挂接的是上传文件时必须上传整改后的文件；挂接数据库表时留空，直接复查该表")


class DismissForm(forms.Form):
    reason = forms.CharField(label="核销理由", max_length=200)


class FindingFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False,
                              choices=[("", "未解决"), *QualityFinding.State.choices, ("all", "全部")])
    unit = forms.ModelChoiceField(label="单位", required=False, queryset=Unit.objects.active(),
                                  empty_label="全部单位")
    overdue = forms.BooleanField(label="只看逾期", required=False)


def _resource(request: HttpRequest, pk: int) -> tuple[User, DataResource]:
    user = current_user(request)
    resource = get_resource_for_user(user, pk)
    if not lookback.can_view(user, resource):
        raise Http404("页面不存在")
    return user, resource


def _dataset_rows(resource: DataResource) -> list[dict[str, Any]]:
    rows = []
    for dataset in resource.datasets.select_related("attached_by"):
        last = dataset.runs.first()
        rows.append({"dataset": dataset, "source": lookback.source_label(dataset), "last": last,
                     "busy": last is not None and last.state in (QualityRun.State.QUEUED, QualityRun.State.RUNNING)})
    return rows


def _context(user: User, resource: DataResource, **forms_given: forms.Form) -> dict[str, Any]:
    now = timezone.now()
    can = lookback.can_check(user, resource)
    findings = list(resource.quality_findings.select_related("run").order_by("state", "due"))
    unresolved = [f for f in findings if f.state != QualityFinding.State.RESOLVED]
    has_open = any(f.state == QualityFinding.State.OPEN for f in findings)
    context: dict[str, Any] = {
        "nav": "catalog", "resource": resource, "now": now, "can_check": can,
        "datasets": _dataset_rows(resource), "items": list(resource.items.all()),
        "runs": list(resource.quality_runs.select_related("dataset", "requested_by")[:20]),
        "unresolved": unresolved, "resolved": [f for f in findings if f.state == QualityFinding.State.RESOLVED],
        "is_admin": user.is_dc_admin,
    }
    if can:
        context["upload_form"] = forms_given.get("upload") or UploadForm(auto_id="id_upload_%s")
        context["database_form"] = forms_given.get("database") or DatabaseForm(auto_id="id_db_%s")
        if has_open:
            context["rectify_form"] = forms_given.get("rectify") or RectifyForm(auto_id="id_rectify_%s")
    return context


@login_required
@require_GET
def resource_quality(request: HttpRequest, pk: int) -> HttpResponse:
    user, resource = _resource(request, pk)
    return render(request, "catalog/resource_quality.html", _context(user, resource))


def _act(request: HttpRequest, pk: int, name: str, form: forms.Form, perform: Any, done: str) -> HttpResponse:
    """Validate, call the service, show its error on the form; the page again on failure (400/409)."""
    user, resource = _resource(request, pk)
    status = 400
    if form.is_valid():
        try:
            perform(user, resource, form.cleaned_data)
        except DomainError as exc:
            status = exc.status
            if lookback.can_check(user, resource):
                add_domain_error(form, exc)
            else:  # no form on this person's page to carry the reason
                messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("catalog:resource_quality", pk=resource.pk)
    return render(request, "catalog/resource_quality.html", _context(user, resource, **{name: form}), status=status)


@login_required
@require_POST
def quality_upload(request: HttpRequest, pk: int) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, auto_id="id_upload_%s")
    return _act(request, pk, "upload", form, lambda user, resource, data: lookback.attach_file(
        user, resource, data["file"], timestamp_column=data["timestamp_column"], sheet=data["sheet"],
        note=data["note"]), "已挂接数据并开始检查，检查完成后会通知您")


@login_required
@require_POST
def quality_database(request: HttpRequest, pk: int) -> HttpResponse:
    form = DatabaseForm(request.POST, auto_id="id_db_%s")
    return _act(request, pk, "database", form, lambda user, resource, data: lookback.attach_database(
        user, resource, url=data["db_url"], table=data["table"], timestamp_column=data["timestamp_column"],
        note=data["note"]), "已挂接数据库表并开始检查，检查完成后会通知您")


@login_required
@require_POST
def quality_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    form = RectifyForm(request.POST, request.FILES, auto_id="id_rectify_%s")
    return _act(request, pk, "rectify", form, lambda user, resource, data: lookback.submit_rectification(
        user, resource, note=data["note"], upload=data["file"]), "已提交整改，正在复查")


@login_required
@require_POST
def quality_rerun(request: HttpRequest, pk: int, dataset_pk: int) -> HttpResponse:
    user, resource = _resource(request, pk)
    try:
        dataset = resource.datasets.get(pk=dataset_pk)
    except Dataset.DoesNotExist:
        raise Http404("数据不存在") from None
    try:
        lookback.rerun(user, dataset)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新发起检查")
    return redirect("catalog:resource_quality", pk=resource.pk)


@login_required
@require_POST
def finding_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    if not user.is_dc_admin:
        raise Http404("页面不存在")
    try:
        finding = QualityFinding.objects.select_related("resource").get(pk=pk)
    except QualityFinding.DoesNotExist:
        raise Http404("质量问题不存在") from None
    form = DismissForm(request.POST, auto_id=f"id_dismiss_{pk}_%s")
    if not form.is_valid():
        messages.error(request, "请填写核销理由")
    else:
        try:
            lookback.dismiss_finding(user, finding, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已核销该问题")
    return redirect("catalog:resource_quality", pk=finding.resource_id)


# ---- one run -----------------------------------------------------------------------------------


@login_required
@require_GET
def quality_run(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    try:
        run = QualityRun.objects.select_related("dataset", "resource", "requested_by", "recheck_of").get(pk=pk)
    except QualityRun.DoesNotExist:
        raise Http404("检查记录不存在") from None
    resource = get_resource_for_user(user, run.resource_id)
    if not lookback.can_view(user, resource):
        raise Http404("页面不存在")
    results = [dict(r, kind_label=check_label(r["kind"]), rate_pct=r["failure_rate"] * 100) for r in run.results]
    return render(request, "catalog/quality_run.html", {
        "nav": "catalog", "run": run, "resource": resource, "source": lookback.source_label(run.dataset),
        "results": results, "failed": [r for r in results if not r["passed"]],
        "findings": list(run.findings.all()),
        "resolved_here": list(QualityFinding.objects.filter(resolved_by_run=run)),
    })



# ---- the findings list ---------------------------------------------------------------------------


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.is_county_wide and user.unit_id is None:
        raise Http404("您不属于任何单位")
    now = timezone.now()
    form = FindingFilterForm(request.GET or None)
    if not user.is_county_wide:
        del form.fields["unit"]
    found = lookback.findings_for(user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    state = data.get("state", "")
    if state == "all":
        pass
    elif state:
        found = found.filter(state=state)
    else:
        found = found.filter(state__in=lookback.UNRESOLVED)
    if data.get("unit"):
        found = found.filter(unit=data["unit"])
    if data.get("overdue"):
        found = found.filter(state=QualityFinding.State.OPEN, due__lt=now)
    page = Paginator(found.order_by("state", "due", "id"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "catalog/finding_list.html", {
        "nav": "quality", "form": form, "page": page, "now": now, "query": query.urlencode(),
        "overdue_count": lookback.findings_for(user).filter(state=QualityFinding.State.OPEN, due__lt=now).count(),
    })
