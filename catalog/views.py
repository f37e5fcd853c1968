"""Pages of the data-resource catalog."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.access import get_demand_for_user
from core.access import current_user


@login_required
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_demand_for_user(current_user(request), pk)
    return render(request, "catalog/demand_detail.html", {"nav": "demands", "demand": demand})
