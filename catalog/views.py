"""Pages of the data-resource catalog: the resource list, a resource's page, its form and its lifecycle.

Views validate input with forms, fetch user-supplied ids only through ``catalog.access``, and call the
services for every change (POST only). Systems, the review queue, the CDO view and the admin pages live
in ``system_views``, ``desk_views`` and ``admin_views``.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from catalog import search_index, services
from catalog.access import get_resource_for_user
from catalog.forms import ResourceFilterForm, ResourceForm, TransitionForm, item_formset
from catalog.models import (
    CatalogSettings,
    DataItem,
    DataResource,
    InformationSystem,
    Lifecycle,
    OpenType,
    SharingType,
)
from core.access import current_user
from core.errors import DomainError
from core.models import Unit, User
from indicators.models import format_number

RESOURCES_PER_PAGE = 30

# ---- search: the full-text index finds, the database decides who sees what ---------------------------


@dataclass(frozen=True, slots=True)
class SearchResult:
    resources: QuerySet[DataResource]  # ordered: by relevance for a query the index answered, else by code
    facets: dict[str, dict[str, int]]  # facet name → option value → count
    mine: int | None  # how many of the matches belong to the person's own unit
    corrected_query: str | None = None  # the index searched this spelling instead (您是不是要找…)


def _substring_match(query: str) -> Q:
    """Plain substring search over code, name, summary and 信息项 names (while there is no index)."""
    items = DataItem.objects.filter(name__icontains=query).values("resource_id")
    return (Q(name__icontains=query) | Q(summary__icontains=query) | Q(code__icontains=query)
            | Q(pk__in=items))


def _text_match(query: str) -> tuple[Q, search_index.Matches | None]:
    """The condition for rows matching the text, and the index's ranked matches (None: substring search).

    The index (jieba words, pinyin and initials, n-grams) covers names, summaries, codes and 信息项
    names of every resource; it returns ids, never rows, so ``visible_to`` still decides visibility.
    """
    matches = search_index.find(query)
    if matches is None:
        return _substring_match(query), None
    return Q(pk__in=matches.ids), matches


def _condition(name: str, value: str) -> Q:
    if name == "category":  # a 类 or 项 includes everything classified below it
        return Q(category__code__startswith=value)
    if name == "unit":
        return Q(unit_id=value)
    return Q(**{name: value})


def _facet_counts(name: str, qs: QuerySet[DataResource]) -> dict[str, int]:
    if name == "category":
        rolled: Counter[str] = Counter()
        for code, n in qs.values_list("category__code").annotate(n=Count("id")).order_by():
            rolled[code[:1]] += n
            if len(code) >= 3:
                rolled[code[:3]] += n
        return dict(rolled)
    column = "unit_id" if name == "unit" else name
    return {str(v): n for v, n in qs.values_list(column).annotate(n=Count("id")).order_by()}


def search_resources(user: User, query: str, filters: dict[str, Any]) -> SearchResult:
    """The resources the person may see that match the text and filters, with facet counts.

    Each facet is counted with every *other* filter applied, so the options of a chosen facet still
    show what choosing another value would give (as catalogs with facets usually do).
    """
    base = DataResource.objects.visible_to(user)
    matches = None
    if query:
        condition, matches = _text_match(query)
        base = base.filter(condition)
    if filters.get("mine") and user.unit_id is not None:
        base_mine = base.filter(unit_id=user.unit_id)
    else:
        base_mine = base
    conditions = {name: _condition(name, str(value)) for name, value in filters.items()
                  if name in ResourceFilterForm.FACETS and value}
    facets = {}
    for name in ResourceFilterForm.FACETS:
        others = [q for other, q in conditions.items() if other != name]
        facets[name] = _facet_counts(name, base_mine.filter(*others))
    mine = None
    if user.unit_id is not None:
        mine = base.filter(*conditions.values()).filter(unit_id=user.unit_id).count()
    rows = base_mine.filter(*conditions.values())
    if matches is not None:
        rows = rows.annotate(relevance=matches.score()).order_by("-relevance", "code")
    else:
        rows = rows.order_by("code")
    return SearchResult(rows, facets, mine, matches.corrected_query if matches else None)


# ---- the list --------------------------------------------------------------------------------------


@login_required
@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ResourceFilterForm(request.GET or None, user=user)
    result = search_resources(user, form.query(), form.filters())
    form.apply_facets(result.facets, result.mine)
    rows = result.resources.select_related("unit", "category")  # keeps the search's order
    page = Paginator(rows, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    grace = CatalogSettings.current().stale_grace_days
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "catalog/resource_list.html", {
        "nav": "catalog", "form": form, "page": page, "query": query.urlencode(),
        "rows": [(r, r.stale_since(today, grace)) for r in page],
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_create": user.is_dc_admin or (user.unit is not None and services.can_keep(user, user.unit)),
    })


# ---- one resource ----------------------------------------------------------------------------------


def lifecycle_actions(user: User, status: str, unit: Unit) -> list[str]:
    """Which lifecycle forms this person gets on a record in this state (the services decide again)."""
    actions = []
    if status in (Lifecycle.DRAFT, Lifecycle.OFFLINE) and services.can_keep(user, unit):
        actions.append("submit")
    if user.is_dc_admin and status == Lifecycle.PENDING:
        actions.append("review")
    if user.is_dc_admin and status == Lifecycle.PUBLISHED:
        actions.append("offline")
    return actions


def _detail_context(user: User, resource: DataResource, failed: TransitionForm | None = None) -> dict[str, Any]:
    today = timezone.localdate()
    items = list(resource.items.all())
    systems = list(resource.systems.all())
    visible_systems = set(InformationSystem.objects.visible_to(user).filter(pk__in=[s.pk for s in systems])
                          .values_list("pk", flat=True))
    comments = list(resource.comments.select_related("author"))
    actions = lifecycle_actions(user, resource.status, resource.unit)
    keeper = services.can_keep(user, resource.unit)
    form = failed or TransitionForm(auto_id="id_lifecycle_%s")
    may_demand = (resource.status == Lifecycle.PUBLISHED and not resource.is_classified
                  and resource.sharing_type != SharingType.NONE and user.unit_id is not None
                  and user.unit_id != resource.unit_id)
    return {
        "nav": "catalog", "resource": resource,
        "items": [{"item": i, "sharing": SharingType(i.effective_sharing).label,
                   "open": OpenType(i.effective_open).label} for i in items],
        "sensitive_count": sum(1 for i in items if i.is_sensitive),
        "census": {name: format_number(getattr(resource, name))
                   for name in ("storage_total_gb", "shared_storage_gb", "opened_storage_gb")},
        "category_path": " / ".join(resource.category.path_names()),
        "action_url": reverse("catalog:resource_transition", args=[resource.pk]),
        "systems": [(s, s.pk in visible_systems) for s in systems],
        "matters": list(resource.service_matters.all()), "comments": comments,
        "returned": comments[-1] if (comments and comments[-1].action == "退回"
                                     and resource.status == Lifecycle.DRAFT) else None,
        "stale_since": resource.stale_since(today, CatalogSettings.current().stale_grace_days),
        "actions": actions, "lifecycle_form": form,
        "can_edit": keeper and (resource.status != Lifecycle.PENDING or user.is_dc_admin),
        "may_demand": may_demand,
    }


@login_required
@require_GET
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    resource = get_resource_for_user(user, pk)
    return render(request, "catalog/resource_detail.html", _detail_context(user, resource))


TRANSITION_DONE = {"submit": "已提交审核，等待大数据中心审核", "approve": "已审核通过并发布",
                   "return": "已退回修改", "offline": "已下线"}


def safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


@login_required
@require_POST
def resource_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    resource = get_resource_for_user(user, pk)
    form = TransitionForm(request.POST, auto_id="id_lifecycle_%s")
    back = safe_next(request)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.transition(user, resource, action, form.cleaned_data["comment"])
        except DomainError as exc:
            if back:
                messages.error(request, f"{resource.name}：{exc.message}")
                return HttpResponseRedirect(back)
            form.add_error("comment" if exc.field == "comment" else None, exc.message)
            resource.refresh_from_db()
            return render(request, "catalog/resource_detail.html", _detail_context(user, resource, form),
                          status=exc.status)
        messages.success(request, f"{resource.name}：{TRANSITION_DONE[action]}")
        return HttpResponseRedirect(back or reverse("catalog:resource_detail", args=[resource.pk]))
    return render(request, "catalog/resource_detail.html", _detail_context(user, resource, form), status=400)


# ---- create and edit -------------------------------------------------------------------------------


def _items_initial(resource: DataResource) -> list[dict[str, Any]]:
    return [{k: getattr(item, k) for k in services.ITEM_FIELDS} for item in resource.items.all()]


def _resource_form_page(request: HttpRequest, resource: DataResource | None) -> HttpResponse:
    user = current_user(request)
    if resource is not None:
        unit: Unit | None = resource.unit
    elif user.is_dc_admin:
        unit = None  # the admin chooses the unit on the form
    elif user.unit is not None and services.can_keep(user, user.unit):
        unit = user.unit
    else:
        raise Http404("页面不存在")
    if resource is not None and resource.status == Lifecycle.PENDING and not user.is_dc_admin:
        messages.info(request, "资源正在审核中，审核完成前不能修改")
        return redirect("catalog:resource_detail", pk=resource.pk)
    extra = 1 if resource is not None else 3
    instance = copy.copy(resource) if resource is not None else None  # the form must not touch the original
    if request.method != "POST":
        form = ResourceForm(instance=instance, unit=unit, user=user)
        formset = item_formset(initial=_items_initial(resource) if resource else None, extra=extra)
        return _render_form(request, resource, form, formset)
    form = ResourceForm(request.POST, instance=instance, unit=unit, user=user)
    formset = item_formset(request.POST, extra=extra)
    if form.is_valid() and formset.is_valid():
        try:
            saved = _save(user, resource, form, formset)
        except DomainError as exc:
            if exc.field == "items":
                formset.add_non_form_error(exc.message)
            else:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            verb = "已保存" if resource is not None else "已新建"
            note = "，已重新提交审核" if resource is not None and saved.status == Lifecycle.PENDING else ""
            messages.success(request, f"{verb}数据资源“{saved.name}”，信息资源代码 {saved.code}{note}")
            return redirect("catalog:resource_detail", pk=saved.pk)
    return _render_form(request, resource, form, formset, status=400)


def _save(user: User, resource: DataResource | None, form: ResourceForm, formset: Any) -> DataResource:
    with transaction.atomic():  # the resource and its systems together, or nothing
        if resource is None:
            unit = form.cleaned_data.get("unit") or user.unit
            assert unit is not None  # the page is only offered to keepers of a unit and the admin
            saved = services.create_resource(user, unit, items=formset.items(), **form.service_fields())
        else:
            saved = services.update_resource(user, resource, items=formset.items(), **form.service_fields())
        systems = list(form.cleaned_data.get("systems") or [])
        if systems or resource is not None:
            services.link_systems(user, saved, systems)
        if "service_matters" in form.fields:
            matters = list(form.cleaned_data.get("service_matters") or [])
            if matters or resource is not None:
                services.link_service_matters(user, saved, matters)
    return saved


def _render_form(request: HttpRequest, resource: DataResource | None, form: ResourceForm, formset: Any,
                 status: int = 200) -> HttpResponse:
    return render(request, "catalog/resource_form.html", {
        "nav": "catalog", "resource": resource, "form": form, "formset": formset,
        "groups": _form_groups(form),
    }, status=status)


FORM_GROUPS = [
    ("基本信息", ["unit", "category", "name", "summary", "format_class", "format_type", "related_codes_text"]),
    ("共享属性", ["sharing_type", "sharing_condition", "sharing_basis", "sharing_channel", "sharing_medium"]),
    ("开放属性", ["open_type", "open_condition", "opened_on"]),
    ("更新与分级", ["update_cycle", "last_updated_on", "grade", "is_classified"]),
    ("关联系统与事项", ["systems", "service_matters"]),
    ("信息资源大普查", ["storage_total_gb", "record_total", "shared_storage_gb", "shared_records",
                 "opened_storage_gb", "opened_records"]),
]


def _form_groups(form: ResourceForm) -> list[tuple[str, list[Any]]]:
    return [(title, [form[name] for name in names if name in form.fields]) for title, names in FORM_GROUPS]


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    return _resource_form_page(request, None)


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_resource_for_user(current_user(request), pk, write=True)
    return _resource_form_page(request, resource)
