"""Pages of the 信息系统清单: the list, a system's page, its form and its lifecycle."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from catalog import services
from catalog.access import get_system_for_user
from catalog.forms import SystemFilterForm, SystemForm, TransitionForm
from catalog.models import DataResource, InformationSystem, Lifecycle
from catalog.views import TRANSITION_DONE, lifecycle_actions, safe_next
from core.access import current_user
from core.errors import DomainError
from core.models import Unit, User

SYSTEMS_PER_PAGE = 30


@login_required
@require_GET
def system_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = SystemFilterForm(request.GET or None)
    systems = InformationSystem.objects.visible_to(user)
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if data.get("q"):
            systems = systems.filter(name__icontains=data["q"].strip())
        if data.get("unit"):
            systems = systems.filter(unit=data["unit"])
        if data.get("status"):
            systems = systems.filter(status=data["status"])
        if data.get("state"):
            systems = systems.filter(state=data["state"])
    systems = (systems.select_related("unit")
               .annotate(matter_count=Count("service_matters", distinct=True),
                         resource_count=Count("resources", distinct=True))
               .order_by("unit__sort_order", "unit__short_name", "name"))
    page = Paginator(systems, SYSTEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "catalog/system_list.html", {
        "nav": "systems", "form": form, "page": page, "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_create": user.is_dc_admin or (user.unit is not None and services.can_keep(user, user.unit)),
    })


def _detail_context(user: User, system: InformationSystem, failed: TransitionForm | None = None
                    ) -> dict[str, Any]:
    resources = (DataResource.objects.visible_to(user).filter(systems=system).select_related("category")
                 .order_by("code"))
    return {
        "nav": "systems", "system": system, "matters": list(system.service_matters.all()),
        "resources": list(resources), "comments": list(system.comments.select_related("author")),
        "actions": lifecycle_actions(user, system.status, system.unit),
        "lifecycle_form": failed or TransitionForm(auto_id="id_lifecycle_%s"),
        "action_url": reverse("catalog:system_transition", args=[system.pk]),
        "can_edit": services.can_keep(user, system.unit) and (system.status != Lifecycle.PENDING
                                                              or user.is_dc_admin),
    }


@login_required
@require_GET
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    system = get_system_for_user(user, pk)
    return render(request, "catalog/system_detail.html", _detail_context(user, system))


@login_required
@require_POST
def system_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    system = get_system_for_user(user, pk)
    form = TransitionForm(request.POST, auto_id="id_lifecycle_%s")
    back = safe_next(request)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.transition(user, system, action, form.cleaned_data["comment"])
        except DomainError as exc:
            if back:
                messages.error(request, f"{system.name}：{exc.message}")
                return HttpResponseRedirect(back)
            form.add_error("comment" if exc.field == "comment" else None, exc.message)
            system.refresh_from_db()
            return render(request, "catalog/system_detail.html", _detail_context(user, system, form),
                          status=exc.status)
        messages.success(request, f"{system.name}：{TRANSITION_DONE[action]}")
        return HttpResponseRedirect(back or reverse("catalog:system_detail", args=[system.pk]))
    return render(request, "catalog/system_detail.html", _detail_context(user, system, form), status=400)


def _system_form_page(request: HttpRequest, system: InformationSystem | None) -> HttpResponse:
    user = current_user(request)
    if system is not None:
        unit: Unit | None = system.unit
    elif user.is_dc_admin:
        unit = None
    elif user.unit is not None and services.can_keep(user, user.unit):
        unit = user.unit
    else:
        raise Http404("页面不存在")
    instance = copy.copy(system) if system is not None else None
    form = SystemForm(request.POST if request.method == "POST" else None, instance=instance, unit=unit)
    if request.method == "POST" and form.is_valid():
        target = unit or form.cleaned_data["unit"]
        try:
            saved = services.save_system(user, target, system,
                                         service_matters=list(form.cleaned_data["service_matters"]),
                                         **form.service_fields())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            note = "，已重新提交审核" if system is not None and saved.status == Lifecycle.PENDING else ""
            messages.success(request, f"已保存信息系统“{saved.name}”{note}")
            return redirect("catalog:system_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/system_form.html", {"nav": "systems", "system": system, "form": form},
                  status=status)


@login_required
def system_create(request: HttpRequest) -> HttpResponse:
    return _system_form_page(request, None)


@login_required
def system_edit(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_system_for_user(current_user(request), pk, write=True)
    if system.status == Lifecycle.PENDING and not current_user(request).is_dc_admin:
        messages.info(request, "系统正在审核中，审核完成前不能修改")
        return redirect("catalog:system_detail", pk=system.pk)
    return _system_form_page(request, system)

