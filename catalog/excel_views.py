"""Excel round-trip pages: download a list's template, export a filtered view, import a filled workbook.

- ``excel_template?list=…`` (resources | systems | sharing | demands): for the people who may import
  (a unit's 首席数据官 / 超级数据员, the data-center admin); anyone else gets 404.
- ``excel_export?list=…&<the list page's filters>``: any logged-in person, only what they may see
  (the same querysets and filters as the list pages); 涉密 resources of other units are left out of
  the file even where the page lists them, since a file travels further than a page.
- ``excel_import`` (GET form, POST upload): keepers import their own unit's list, the admin any
  unit's. Success redirects with the counts; errors render the table (first ``SHOWN_ERRORS``) and a
  link to the annotated workbook, which ``excel_import_errors`` builds from the upload kept for an
  hour (see ``catalog.excel.store``). Downloads change nothing and are not audited; imports are
  audited by the services they call, one entry per record.
"""

from __future__ import annotations

import io
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog import excel
from catalog.access import sharing_entries_for_user
from catalog.demand_forms import DemandFilterForm, SharingFilterForm
from catalog.demand_views import filter_demands
from catalog.excel import store
from catalog.excel.layout import Layout
from catalog.forms import ResourceFilterForm, SystemFilterForm
from catalog.models import InformationSystem
from catalog.views import search_resources
from core.access import current_user
from core.errors import NotAllowed
from core.models import User

SHOWN_ERRORS = 200


def may_import(user: User) -> bool:
    """The data-center admin, or a keeper (首席数据官 / 超级数据员) of a unit."""
    return user.is_dc_admin or (user.unit_id is not None and user.is_data_keeper)


def _layout(request: HttpRequest) -> Layout | None:
    return excel.LAYOUTS.get(request.GET.get("list", "resources"))


def _bad_list() -> HttpResponse:
    return HttpResponseBadRequest("清单名称不正确，应为 resources、systems、sharing 或 demands",
                                  content_type="text/plain; charset=utf-8")


def _download(data: bytes, filename: str) -> FileResponse:
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=excel.XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def excel_template(request: HttpRequest) -> HttpResponseBase:
    if not may_import(current_user(request)):
        raise Http404("页面不存在")
    layout = _layout(request)
    if layout is None:
        return _bad_list()
    return _download(excel.template_workbook(layout), f"{layout.title}模板.xlsx")


# ---- export: the list pages' querysets and filters -------------------------------------------------

def _resources(user: User, request: HttpRequest) -> QuerySet[Any]:
    form = ResourceFilterForm(request.GET, user=user)
    found = search_resources(user, form.query(), form.filters()).resources
    if not user.is_county_wide:
        found = found.filter(Q(is_classified=False) | Q(unit_id=user.unit_id))
    return found.select_related("unit", "category").prefetch_related("items", "systems").order_by("code")


def _systems(user: User, request: HttpRequest) -> QuerySet[Any]:
    form = SystemFilterForm(request.GET)
    found = InformationSystem.objects.visible_to(user)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            found = found.filter(name__icontains=data["q"].strip())
        for name in ("unit", "status", "state"):
            if data.get(name):
                found = found.filter(**{name: data[name]})
    if not user.is_county_wide:
        found = found.filter(Q(is_classified=False) | Q(unit_id=user.unit_id))
    return found.select_related("unit").prefetch_related("service_matters").order_by(
        "unit__sort_order", "unit__short_name", "name")


def _sharing(user: User, request: HttpRequest) -> QuerySet[Any]:
    form = SharingFilterForm(request.GET)
    found = sharing_entries_for_user(user)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("unit"):
            found = found.filter(Q(resource__unit=data["unit"]) | Q(consumer=data["unit"]))
        if data.get("q"):
            q = data["q"].strip()
            found = found.filter(Q(resource__name__icontains=q) | Q(resource__code__icontains=q))
        if data.get("resource"):
            found = found.filter(resource_id=data["resource"])
        if data.get("active") in ("0", "1"):
            found = found.filter(active=data["active"] == "1")
    return found.select_related("resource__unit", "consumer").prefetch_related("items").order_by("-since", "-id")


def _demands(user: User, request: HttpRequest) -> QuerySet[Any]:
    box = request.GET.get("box", "all")
    form = DemandFilterForm(request.GET)
    return filter_demands(user, box if box in ("todo", "mine") else "all", form, timezone.now()).select_related(
        "requester", "provider", "resource")


EXPORTS = {"resources": _resources, "systems": _systems, "sharing": _sharing, "demands": _demands}


@login_required
@require_GET
def excel_export(request: HttpRequest) -> HttpResponseBase:
    user = current_user(request)
    layout = _layout(request)
    if layout is None:
        return _bad_list()
    records = EXPORTS[layout.name](user, request)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _download(excel.export_workbook(layout, records.iterator(chunk_size=2000)),
                     f"{layout.title}（导出 {stamp}）.xlsx")


# ---- import ---------------------------------------------------------------------------------------

def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


class ExcelImportForm(forms.Form):
    list_name = forms.ChoiceField(label="清单", choices=[(k, v.title) for k, v in excel.LAYOUTS.items()],
                                  error_messages={"required": "请选择要导入的清单", "invalid_choice": "请选择要导入的清单"})
    file = forms.FileField(
        label="Excel 文件",
        help_text=f"使用本页下载的模板填写的 .xlsx 文件，不超过 {_megabytes(settings.UPLOAD_MAX_BYTES)} MB、"
                  f"{excel.MAX_DATA_ROWS} 行",
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "上传的文件是空的",
                        "invalid": "没有收到文件，请重新选择"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                                                         "spreadsheetml.sheet"}))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        ext = PurePath(upload.name or "").suffix.lower()
        if ext != ".xlsx":
            hint = "旧版 .xls 请在 Excel 中另存为 .xlsx；" if ext == ".xls" else ""
            raise forms.ValidationError(f"不支持“{ext or '无扩展名'}”文件：请上传 Excel 工作簿（.xlsx）。{hint}"
                                        "可先下载模板填写")
        if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大，不能超过 {_megabytes(settings.UPLOAD_MAX_BYTES)} MB")
        return upload


def _page(request: HttpRequest, form: ExcelImportForm, report: excel.ImportReport | None = None,
          token: str = "", status: int = 200) -> HttpResponse:
    user = current_user(request)
    return render(request, "catalog/excel_import.html", {
        "nav": "excel", "form": form, "report": report, "token": token,
        "errors": report.errors[:SHOWN_ERRORS] if report else [], "shown": SHOWN_ERRORS,
        "layouts": list(excel.LAYOUTS.values()),
        "scope": "全县各单位" if user.is_dc_admin else (user.unit.short_name if user.unit else ""),
    }, status=status)


@login_required
def excel_import(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_import(user):
        raise Http404("页面不存在")
    unit = None if user.is_dc_admin else user.unit
    if request.method != "POST":
        chosen = request.GET.get("list", "resources")
        return _page(request, ExcelImportForm(initial={"list_name": chosen if chosen in excel.LAYOUTS else ""}))
    form = ExcelImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload: UploadedFile = form.cleaned_data["file"]
    data = upload.read()
    try:
        report = excel.IMPORTERS[form.cleaned_data["list_name"]](user, unit, data)
    except NotAllowed:
        raise Http404("页面不存在") from None
    if report.ok:
        messages.success(request, f"已导入{report.title}：读取 {report.rows} 行、{report.records} 条记录，"
                                  f"新增 {report.created} 条，修改 {report.updated} 条，未变 {report.unchanged} 条")
        return redirect(reverse("catalog:excel_import") + f"?list={report.list_name}")
    token = "" if report.file_error else store.keep(user.pk, report, data, upload.name or "")
    return _page(request, form, report, token, status=400)


@login_required
@require_GET
def excel_import_errors(request: HttpRequest, token: str) -> HttpResponseBase:
    user = current_user(request)
    kept = store.load(user.pk, token)
    if kept is None:
        raise Http404("错误说明文件不存在或已过期（保留 1 小时），请重新导入")
    layout = excel.LAYOUTS[kept.list_name]
    try:
        data = excel.annotated_workbook(layout, kept.data, kept.errors)
    except excel.WorkbookError:
        raise Http404("错误说明文件不存在") from None
    return _download(data, f"{layout.title}（错误说明）.xlsx")
