"""Pages of the 需求清单 and 共享清单: list, file, answer, deliver, rate, withdraw; sharing; unit scores.

Demands are fetched only through ``catalog.access``; every step is one POST route calling one function
of ``catalog.demands``, whose DomainError is shown on the form in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from catalog import demands
from catalog.access import get_demand_for_user, get_resource_for_user, sharing_entries_for_user
from catalog.demand_forms import (
    AnswerForm,
    DeliveryForm,
    DemandFilterForm,
    DemandForm,
    RateForm,
    SharingFilterForm,
    WithdrawForm,
    add_domain_error,
)
from catalog.models import CatalogSettings, Demand, DemandState, SharingEntry
from core.access import current_user
from core.errors import DomainError
from core.models import AuditEntry, User

PER_PAGE = 30
BOXES = {"todo": "需要我单位答复的", "mine": "我单位提出的", "all": "全部需求"}


def _boxes(user: User) -> list[str]:
    """Unit members see their two boxes; county-wide roles also see every unit's demands."""
    boxes = ["todo", "mine"] if user.unit_id is not None else []
    return [*boxes, "all"] if user.is_county_wide else boxes


def _page_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---- list ----------------------------------------------------------------------------------------


def filter_demands(user: User, box: str, form: DemandFilterForm, now: datetime) -> QuerySet[Demand]:
    """The demands in one box, narrowed by the filter form (only fields that validated narrow)."""
    found = Demand.objects.visible_to(user)
    if box == "todo":
        found = found.filter(provider_id=user.unit_id)
    elif box == "mine":
        found = found.filter(requester_id=user.unit_id)
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if data.get("state"):
            found = found.filter(state=data["state"])
        if data.get("overdue"):
            found = found.overdue(now)
        if data.get("q"):
            found = found.filter(wanted_name__icontains=data["q"].strip())
    return found


@login_required
@require_GET
def demand_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    boxes = _boxes(user)
    if not boxes:
        raise Http404("您不属于任何单位")
    box = request.GET.get("box", "")
    if box not in boxes:
        box = "all" if "all" in boxes else "todo"
    now = timezone.now()
    form = DemandFilterForm(request.GET if set(request.GET) - {"box", "page"} else None)
    found = filter_demands(user, box, form, now).select_related("requester", "provider", "resource")
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    awaiting = (Demand.objects.awaiting_answer().filter(provider_id=user.unit_id).count()
                if user.unit_id is not None else 0)
    return render(request, "catalog/demand_list.html", {
        "nav": "demands", "form": form, "page": page, "box": box, "now": now,
        "tabs": [(key, BOXES[key]) for key in boxes], "awaiting": awaiting,
        "rows": [(d, d.is_overdue(now)) for d in page], "query": _page_query(request),
        "filtered": form.is_bound,
    })


# ---- filing --------------------------------------------------------------------------------------


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.unit is None:
        raise Http404("您不属于任何单位，不能提出数据需求")
    status = 200
    if request.method == "POST":
        form = DemandForm(request.POST, requester=user.unit)
        if form.is_valid():
            data = form.cleaned_data
            resource = get_resource_for_user(user, data["resource"]) if data["resource"] else None
            try:
                demand = demands.file_demand(
                    user, user.unit, resource=resource, provider=None if resource else data["provider"],
                    wanted_name="" if resource else data["wanted_name"], wanted_items=data["wanted_items"],
                    purpose=data["purpose"], legal_basis=data["legal_basis"], medium=data["medium"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                due = timezone.localtime(demand.answer_due)
                messages.success(request, f"已向{demand.provider}提出数据需求，答复期限为 {due:%Y年%m月%d日 %H:%M}"
                                          f"{'（待确认）' if demand.answer_due_provisional else ''}")
                return redirect("catalog:demand_detail", pk=demand.pk)
        status = 400
    else:
        form = DemandForm(requester=user.unit)
        wanted = request.GET.get("resource", "")
        if wanted.isdigit():
            resource = get_resource_for_user(user, int(wanted))
            if form.offers(resource.pk):
                form.initial["resource"] = resource.pk
            else:
                messages.error(request, f"“{resource.name}”不能申请：只能申请其他单位已发布、非涉密且可共享的资源")
    return render(request, "catalog/demand_create.html",
                  {"nav": "demands", "form": form, "limits": CatalogSettings.current()}, status=status)


# ---- one demand ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of a demand's timeline."""

    at: datetime
    title: str
    detail: str = ""
    tone: str = ""  # "ok" | "warn" | "bad" | ""


def timeline(demand: Demand) -> list[Step]:
    """What happened to the demand, in order, with whether each answer and delivery was in time."""
    steps = [Step(demand.submitted_at, f"{demand.requester}提出需求",
                  f"由{demand.submitted_by or '—'}提出；答复期限 "
                  f"{timezone.localtime(demand.answer_due):%Y-%m-%d %H:%M}"
                  f"{'（待确认：该年节假日安排尚未公布）' if demand.answer_due_provisional else ''}")]
    if demand.answered_at:
        in_time = demand.answered_in_time()
        detail = demand.answer_reason or demand.conditions
        steps.append(Step(demand.answered_at, f"{demand.provider}答复：{_decision(demand)}"
                                              f"（{'按时答复' if in_time else '逾期答复'}）",
                          detail, "ok" if in_time else "bad"))
    if demand.escalated_at:
        steps.append(Step(demand.escalated_at, "逾期未办，已督办", "已提交县大数据中心督办", "bad"))
    if demand.delivered_at:
        late = demand.delivery_due is not None and demand.delivered_at > demand.delivery_due
        steps.append(Step(demand.delivered_at, f"{demand.provider}交付数据（{'逾期交付' if late else '按时交付'}）",
                          demand.delivery_note, "bad" if late else "ok"))
    if demand.rated_at:
        steps.append(Step(demand.rated_at, f"{demand.requester}评价：{demand.rating} 分", demand.rating_comment,
                          "ok" if (demand.rating or 0) >= 4 else "warn"))
    if demand.state == DemandState.WITHDRAWN:
        entry = AuditEntry.objects.for_object(demand).filter(action="catalog.demand.withdraw").first()
        steps.append(Step(entry.at if entry else demand.submitted_at, f"{demand.requester}撤回需求"))
    return sorted(steps, key=lambda s: s.at)


def _decision(demand: Demand) -> str:
    """The answer given, even after delivery moved the state on (the answer's audit entry keeps it)."""
    if demand.state in (DemandState.AGREED, DemandState.CONDITIONAL, DemandState.REFUSED):
        return demand.get_state_display()
    entry = AuditEntry.objects.for_object(demand).filter(action="catalog.demand.answer").first()
    state = (entry.after or {}).get("state") if entry else None
    if state in DemandState.values:
        return str(DemandState(state).label)
    return "有条件同意" if demand.conditions else "同意"


def _next_step(demand: Demand, now: datetime) -> str:
    due = demand.answer_due if demand.state == DemandState.SUBMITTED else demand.delivery_due
    if demand.state == DemandState.SUBMITTED:
        what = f"等待{demand.provider}答复"
    elif demand.state in (DemandState.AGREED, DemandState.CONDITIONAL):
        what = f"等待{demand.provider}交付"
    elif demand.state in (DemandState.DELIVERED, DemandState.REFUSED) and demand.rating is None:
        return f"等待{demand.requester}评价"
    else:
        return ""
    if due is None:
        return what
    return f"{what}，期限 {timezone.localtime(due):%Y-%m-%d %H:%M}{'（已逾期）' if now > due else ''}"


FORMS: dict[str, tuple[type[forms.Form], str]] = {
    "answer": (AnswerForm, "id_answer_%s"), "deliver": (DeliveryForm, "id_deliver_%s"),
    "rate": (RateForm, "id_rate_%s"), "withdraw": (WithdrawForm, "id_withdraw_%s"),
}


def _detail_context(user: User, demand: Demand, failed: tuple[str, forms.Form] | None = None) -> dict[str, Any]:
    now = timezone.now()
    actions = demands.actions_for(user, demand)
    step_forms = {name: FORMS[name][0](auto_id=FORMS[name][1]) for name in actions}
    if failed is not None and failed[0] in step_forms:
        step_forms[failed[0]] = failed[1]
    entry = SharingEntry.objects.filter(demand=demand).first() if demand.state == DemandState.DELIVERED else None
    return {
        "nav": "demands", "demand": demand, "steps": timeline(demand), "next_step": _next_step(demand, now),
        "overdue": demand.is_overdue(now), "forms": step_forms, "sharing_entry": entry,
    }


@login_required
@require_GET
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    demand = get_demand_for_user(user, pk)
    return render(request, "catalog/demand_detail.html", _detail_context(user, demand))


def _step(request: HttpRequest, pk: int, name: str,
          perform: Callable[[User, Demand, dict[str, Any]], object], done: str) -> HttpResponse:
    """Run one step: validate the form, call the service, show its error on the form or at the top."""
    user = current_user(request)
    demand = get_demand_for_user(user, pk)
    form_class, auto_id = FORMS[name]
    form = form_class(request.POST, auto_id=auto_id)
    status = 400
    if form.is_valid():
        try:
            perform(user, demand, form.cleaned_data)
        except DomainError as exc:
            status = exc.status
            if name in demands.actions_for(user, demand):
                add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("catalog:demand_detail", pk=demand.pk)
    demand.refresh_from_db()
    return render(request, "catalog/demand_detail.html", _detail_context(user, demand, (name, form)), status=status)


@login_required
@require_POST
def demand_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "answer", lambda user, demand, data: demands.answer_demand(
        user, demand, decision=data["decision"], reason=data["reason"], conditions=data["conditions"]),
        "已答复，需求单位会收到通知")


@login_required
@require_POST
def demand_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "deliver",
                 lambda user, demand, data: demands.record_delivery(user, demand, note=data["note"]),
                 "已登记交付，并记入共享清单")


@login_required
@require_POST
def demand_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "rate", lambda user, demand, data: demands.rate_demand(
        user, demand, rating=data["rating"], comment=data["comment"]), "感谢评价")


@login_required
@require_POST
def demand_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "withdraw", lambda user, demand, data: demands.withdraw_demand(user, demand),
                 "已撤回该需求")


# ---- the sharing list ----------------------------------------------------------------------------


@login_required
@require_GET
def sharing_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = SharingFilterForm(request.GET if set(request.GET) - {"page"} else None)
    entries = sharing_entries_for_user(user)
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if data.get("unit"):
            entries = entries.filter(Q(resource__unit=data["unit"]) | Q(consumer=data["unit"]))
        if data.get("q"):
            q = data["q"].strip()
            entries = entries.filter(Q(resource__name__icontains=q) | Q(resource__code__icontains=q))
        if data.get("resource"):
            entries = entries.filter(resource_id=data["resource"])
        if data.get("active") in ("0", "1"):
            entries = entries.filter(active=data["active"] == "1")
    entries = entries.select_related("resource__unit", "consumer", "demand").order_by("-since", "-id")
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "catalog/sharing_list.html", {
        "nav": "demands", "form": form, "page": page, "query": _page_query(request), "filtered": form.is_bound,
    })


# ---- per-unit scores -----------------------------------------------------------------------------


@login_required
@require_GET
def demand_scores(request: HttpRequest) -> HttpResponse:
    """How each provider answers demands (county-wide roles; others get 404, like any page they may not see)."""
    user = current_user(request)
    if not user.is_county_wide:
        raise Http404("页面不存在")
    return render(request, "catalog/demand_scores.html", {"nav": "demands", "scores": demands.unit_scores()})
