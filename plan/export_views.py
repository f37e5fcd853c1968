"""Downloads of the ledger workbook and the quarterly bulletin.

Both are for county-wide roles only (data-center admin, government-office supervisor): the files
cover every unit's tasks, so anyone else gets 404, like any page they may not see. A unit's own
tasks are on its task list; it gets no download of its own (yet).

Query parameters: ``plan`` (id; default the latest plan) and ``period`` (2023Q3, 2023M09 or 2023H2;
default the quarter containing today, clipped to the plan's year). The bulletin also takes
``doc_number``, ``issuer``, ``recipients`` and ``cc``. Downloading changes nothing, so it is not audited.
"""

from __future__ import annotations

import io
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.models import User
from plan import exports
from plan.models import Plan
from plan.periods import Period, parse_period, period_containing
from plan.reporting import build_dashboard, plan_tasks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

DEFAULT_RECIPIENTS = "各乡镇人民政府，各街道办事处，县各开发区、园区管委会，县各办局，县各直属单位："
MAX_PARAM_CHARS = 200


class BadPeriod(Exception):
    pass


def _county_wide(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.is_county_wide:
        raise Http404("页面不存在")
    return user


def _plan(request: HttpRequest) -> Plan:
    raw = request.GET.get("plan", "").strip()
    plans = Plan.objects.select_related("issuer_unit")
    if not raw:
        plan = plans.order_by("-year", "-id").first()
        if plan is None:
            raise Http404("尚未导入工作要点")
        return plan
    if not raw.isdigit():
        raise Http404("工作要点不存在")
    try:
        return plans.get(pk=int(raw))
    except Plan.DoesNotExist:
        raise Http404("工作要点不存在") from None


def default_period(plan: Plan, today: date) -> Period:
    """The quarter containing today, clipped to the plan's year (a 2023 plan read in 2025 → 2023Q4)."""
    clipped = min(max(today, date(plan.year, 1, 1)), date(plan.year, 12, 31))
    return period_containing(clipped)


def _period(request: HttpRequest, plan: Plan, today: date) -> Period:
    raw = request.GET.get("period", "").strip()
    if not raw:
        return default_period(plan, today)
    try:
        period = parse_period(raw)
    except ValueError:
        raise BadPeriod("填报期格式不正确，应为 2023Q1、2023M03 或 2023H1") from None
    if period.start.year != plan.year:
        raise BadPeriod(f"填报期格式不正确：应在 {plan.year} 年内")
    return period


def _text_param(request: HttpRequest, name: str, default: str) -> str:
    return request.GET.get(name, "").strip()[:MAX_PARAM_CHARS] or default


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _download(data: bytes, filename: str, content_type: str) -> FileResponse:
    # FileResponse writes Content-Disposition with an RFC 5987 filename* for the Chinese name.
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ledger_xlsx(request: HttpRequest) -> HttpResponseBase:
    _county_wide(request)
    today = timezone.localdate()
    plan = _plan(request)
    try:
        period = _period(request, plan, today)
    except BadPeriod as exc:
        return _bad_request(str(exc))
    tasks = list(plan_tasks(plan))
    data = exports.ledger_xlsx(plan, tasks, period, today, dashboard=build_dashboard(plan, period, today))
    return _download(data, f"{plan.year}年工作要点任务台账（{period.title}）.xlsx", XLSX)


@login_required
@require_GET
def bulletin_docx(request: HttpRequest) -> HttpResponseBase:
    _county_wide(request)
    today = timezone.localdate()
    plan = _plan(request)
    try:
        period = _period(request, plan, today)
    except BadPeriod as exc:
        return _bad_request(str(exc))
    dashboard = build_dashboard(plan, period, today)
    issuer = _text_param(request, "issuer", plan.issuer or plan.issuer_unit.full_name)
    data = exports.bulletin_docx(
        plan, dashboard, period, today,
        doc_number=_text_param(request, "doc_number", exports.bulletin_doc_number(plan, period)),
        issuer=issuer,
        recipients=_text_param(request, "recipients", DEFAULT_RECIPIENTS),
        cc=_text_param(request, "cc", ""),
    )
    return _download(data, f"{period.title}工作推进情况通报.docx", DOCX)
