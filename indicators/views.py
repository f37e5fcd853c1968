"""Indicator pages: every logged-in person sees every indicator; recording a value follows can_record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.access import current_user
from core.errors import DomainError
from core.models import User
from indicators.forms import MeasurementForm
from indicators.models import Indicator, Measurement
from indicators.services import can_record, record_measurement
from plan.models import Target, Task

PER_PAGE = 50



def get_indicator(pk: int) -> Indicator:
    """Indicators are open to every logged-in person; the getter only turns a bad id into 404."""
    try:
        return Indicator.objects.select_related("owner_unit").get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404("指标不存在") from None


def get_measurement_evidence_for_user(user: User, pk: int) -> Measurement:
    """Evidence behind a value: county-wide roles and the units answering for the indicator; else 404."""
    try:
        measurement = Measurement.objects.select_related("indicator").get(pk=pk)
    except Measurement.DoesNotExist:
        raise Http404("材料不存在") from None
    if not measurement.evidence or not may_see_evidence(user, measurement.indicator):
        raise Http404("材料不存在")
    return measurement


def may_see_evidence(user: User, indicator: Indicator) -> bool:
    return user.is_county_wide or can_record(user, indicator)


def with_list_data(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    latest = Prefetch("measurements", queryset=Measurement.objects.order_by("-measured_at", "-id"),
                      to_attr="prefetched_latest")
    return indicators.select_related("owner_unit").prefetch_related(latest, _targets_prefetch())


def _targets_prefetch() -> Prefetch:
    return Prefetch("plan_targets", queryset=Target.objects.select_related("task__section", "plan", "section"))


def _target_links(user: User, indicators: list[Indicator]) -> dict[int, list[dict[str, Any]]]:
    """Each indicator's plan targets, linking to the task only for people who may open it."""
    task_ids = {t.task_id for ind in indicators for t in ind.plan_targets.all() if t.task_id}
    visible = set(Task.objects.visible_to(user).filter(pk__in=task_ids).values_list("pk", flat=True))
    links: dict[int, list[dict[str, Any]]] = {}
    for ind in indicators:
        links[ind.pk] = [{"target": t, "task": t.task, "visible": t.task_id in visible}
                         for t in ind.plan_targets.all()]
    return links


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(with_list_data(Indicator.objects.order_by("name", "pk")), PER_PAGE).get_page(
        request.GET.get("page"))
    indicators = list(page)
    links = _target_links(user, indicators)
    rows = []
    for ind in indicators:
        latest = ind.latest()
        rows.append({"indicator": ind, "latest": latest, "met": ind.meets(latest.value if latest else None),
                     "targets": links[ind.pk]})
    return render(request, "indicators/list.html", {"nav": "indicators", "page": page, "rows": rows,
                                                    "query": ""})


def _detail_context(user: User, indicator: Indicator, form: MeasurementForm | None) -> dict[str, Any]:
    history = list(indicator.measurements.select_related("unit", "recorded_by").order_by("-measured_at", "-id"))
    latest = history[0] if history else None
    recordable = can_record(user, indicator) and indicator.source == Indicator.Source.MANUAL
    prefetch_related_objects([indicator], _targets_prefetch())
    return {
        "nav": "indicators", "indicator": indicator, "latest": latest,
        "history": [(m, indicator.meets(m.value)) for m in history],
        "latest_met": indicator.meets(latest.value if latest else None),
        "targets": _target_links(user, [indicator])[indicator.pk],
        "form": (form or MeasurementForm()) if recordable else None,
        "show_evidence": may_see_evidence(user, indicator),
    }


@login_required
@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    indicator = get_indicator(pk)
    return render(request, "indicators/detail.html", _detail_context(user, indicator, None))


@login_required
@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    indicator = get_indicator(pk)
    form = MeasurementForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            measurement = record_measurement(user, indicator, value=data["value"],
                                             period_label=data["period_label"], note=data["note"],
                                             evidence=data["evidence"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status
        else:
            messages.success(request, f"已记录{indicator.name}：{measurement.value.normalize():f}"
                                      f"{indicator.measure_unit}")
            return redirect(reverse("indicators:detail", args=[indicator.pk]) + "#history")
    context = _detail_context(user, indicator, form)
    if context["form"] is None:
        # The person may not record here: show the refusal instead of a form they cannot use.
        messages.error(request, "; ".join(str(e) for e in form.non_field_errors()) or "您不能填报此指标")
    return render(request, "indicators/detail.html", context, status=status)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    measurement = get_measurement_evidence_for_user(current_user(request), pk)
    try:
        handle = measurement.evidence.open("rb")
    except FileNotFoundError:
        raise Http404("材料文件已丢失") from None
    return FileResponse(handle, as_attachment=True, filename=measurement.evidence_name or "佐证材料",
                        content_type="application/octet-stream")
