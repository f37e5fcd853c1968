"""The Big Data Center's catalog pages: the review queue, the settings and the classification tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from catalog import services
from catalog.forms import CategoryForm, SettingsForm, TransitionForm
from catalog.models import (
    CatalogSettings,
    Category,
    DataResource,
    InformationSystem,
    Lifecycle,
    ReviewComment,
)
from core.errors import DomainError
from core.models import AuditEntry
from core.views import require_admin


def _latest_comments() -> Prefetch:
    return Prefetch("comments", queryset=ReviewComment.objects.select_related("author").order_by("-created_at",
                                                                                                  "-id"),
                    to_attr="recent_comments")


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    resources = (DataResource.objects.filter(status=Lifecycle.PENDING).select_related("unit", "category")
                 .prefetch_related(_latest_comments()).annotate(item_count=Count("items"))
                 .order_by("updated_at", "pk"))
    systems = (InformationSystem.objects.filter(status=Lifecycle.PENDING).select_related("unit")
               .prefetch_related(_latest_comments()).order_by("updated_at", "pk"))
    return render(request, "catalog/review_queue.html", {
        "nav": "review", "resources": list(resources), "systems": list(systems),
        "form": TransitionForm(),
    })


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user = require_admin(request)
    current = CatalogSettings.current()
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_settings(user, **{k: form.cleaned_data[k] for k in services.SETTINGS_FIELDS})
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "已保存目录设置")
                return redirect("catalog:settings")
        status = 400
    labels = {name: str(field.label) for name, field in SettingsForm.base_fields.items()}
    history = [(entry, [(labels.get(name, name), before, after) for name, before, after in entry.changed_fields()])
               for entry in AuditEntry.objects.filter(action="catalog.settings.update").order_by("-at", "-id")[:5]]
    return render(request, "catalog/settings.html", {"nav": "catalog_settings", "form": form,
                                                     "history": history}, status=status)


@dataclass
class Node:
    category: Category
    children: list[Node] = field(default_factory=list)


def category_tree() -> list[Node]:
    """The whole classification as nested nodes, with the number of resources filed directly under each."""
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for category in Category.objects.annotate(resource_count=Count("resources")).order_by("code"):
        node = nodes[category.pk] = Node(category)
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


@login_required
def categories_view(request: HttpRequest) -> HttpResponse:
    user = require_admin(request)
    initial: dict[str, Any] = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = CategoryForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.add_category(user, data["parent"], data["segment"], data["name"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"已新增{created.get_level_display()}“{created.code} {created.name}”")
                return redirect("catalog:categories")
        status = 400
    return render(request, "catalog/categories.html", {"nav": "categories", "form": form,
                                                       "tree": category_tree()}, status=status)
