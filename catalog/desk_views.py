"""What a unit's chief data officer answers for: the CDO view and the catalog's home-page panel."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog import demands, measures, services
from catalog.forms import UnitPickForm
from catalog.models import (
    DataResource,
    Demand,
    DemandState,
    InformationSystem,
    Lifecycle,
    QualityFinding,
    ReviewComment,
    SharingEntry,
)
from core.access import current_user
from core.models import Unit, User
from indicators.computed import current
from indicators.models import Indicator, format_number

LIST_LIMIT = 20


def _status_counts(qs: QuerySet[Any]) -> list[tuple[str, str, int]]:
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in Lifecycle.choices]


def _cdo_unit(request: HttpRequest, user: User) -> tuple[Unit, UnitPickForm | None]:
    """County-wide roles pick any unit; a unit's keepers see their own; everyone else gets 404."""
    if user.is_county_wide:
        if request.GET.get("unit"):
            form = UnitPickForm(request.GET)
            if not form.is_valid():
                raise Http404("单位不存在")
            return form.cleaned_data["unit"], form
        unit = user.unit or Unit.objects.active().first()
        if unit is None:
            raise Http404("单位不存在")
        return unit, UnitPickForm(initial={"unit": unit.pk})
    if user.unit is not None and user.has_role(*services.KEEPER_ROLES):
        return user.unit, None
    raise Http404("页面不存在")


def indicator_rows() -> list[dict[str, Any]]:
    """Each catalog indicator computed now (county-wide), with its formula and the plan's target."""
    rows = Indicator.objects.in_bulk([spec.code for spec in measures.INDICATORS], field_name="code")
    out = []
    for spec in measures.INDICATORS:
        value = current(spec.code)
        indicator = rows.get(spec.code)
        out.append({"spec": spec, "value": value, "indicator": indicator,
                    "display": format_number(value.value) if value else None,
                    "meets": indicator.meets(value.value) if indicator and value else None})
    return out


@login_required
@require_GET
def cdo_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    unit, pick = _cdo_unit(request, user)
    now = timezone.now()
    today = timezone.localdate(now)
    provided = Demand.objects.visible_to(user).filter(provider=unit)
    awaiting = list(provided.awaiting_answer().select_related("requester", "resource").order_by("answer_due"))
    overdue = list(provided.overdue(now).select_related("requester", "resource").order_by("answer_due"))
    to_rate = list(Demand.objects.visible_to(user).filter(
        requester=unit, state__in=[DemandState.DELIVERED, DemandState.REFUSED], rating__isnull=True)
        .select_related("provider"))
    given = SharingEntry.objects.filter(resource__unit=unit, active=True).select_related("resource", "consumer")
    received = SharingEntry.objects.filter(consumer=unit, active=True).select_related("resource__unit")
    findings = QualityFinding.objects.filter(unit=unit, state=QualityFinding.State.OPEN).select_related(
        "resource").order_by("due")
    score = next((s for s in demands.unit_scores(now) if s.unit.pk == unit.pk), None)
    return render(request, "catalog/cdo.html", {
        "nav": "cdo", "unit": unit, "pick": pick, "now": now,
        "resource_counts": _status_counts(DataResource.objects.filter(unit=unit)),
        "system_counts": _status_counts(InformationSystem.objects.filter(unit=unit)),
        "given": list(given[:LIST_LIMIT]), "given_count": given.count(),
        "received": list(received[:LIST_LIMIT]), "received_count": received.count(),
        "awaiting": awaiting, "overdue": overdue, "overdue_ids": {d.pk for d in overdue},
        "late_deliveries": [d for d in overdue if d.state != DemandState.SUBMITTED], "to_rate": to_rate,
        "stale": services.stale_resources(unit, today), "findings": list(findings[:LIST_LIMIT]),
        "findings_count": findings.count(), "indicators": indicator_rows(),
        "readiness": services.lists_ready_for_project(unit), "score": score,
    })


# ---- the home panel -------------------------------------------------------------------------------


def _returned_ids(drafts: list[DataResource]) -> set[int]:
    """Drafts whose last lifecycle comment is a 退回 (sent back by the reviewer)."""
    last: dict[int, str] = {}
    for resource_id, action in (ReviewComment.objects.filter(resource__in=drafts)
                                .order_by("created_at", "id").values_list("resource_id", "action")):
        last[resource_id] = action
    return {pk for pk, action in last.items() if action == "退回"}


def home_panel(user: User) -> dict[str, Any] | None:
    """What the catalog asks of this person: their unit's unfinished lists, or the review queue."""
    context: dict[str, Any] = {}
    if user.unit is not None and user.has_role(*services.KEEPER_ROLES):
        unit = user.unit
        now = timezone.now()
        drafts = list(DataResource.objects.filter(unit=unit, status=Lifecycle.DRAFT).order_by("-updated_at")[:50])
        returned = _returned_ids(drafts)
        drafts.sort(key=lambda r: r.pk not in returned)  # sent-back ones first
        to_answer = Demand.objects.filter(provider=unit)
        stale = services.stale_resources(unit, timezone.localdate(now))
        keeper = {
            "unit": unit, "drafts": [(r, r.pk in returned) for r in drafts[:10]], "draft_count": len(drafts),
            "returned_count": len(returned),
            "answer_count": to_answer.awaiting_answer().count(), "overdue_count": to_answer.overdue(now).count(),
            "stale": stale[:5], "stale_count": len(stale),
            "findings_count": QualityFinding.objects.filter(unit=unit, state=QualityFinding.State.OPEN).count(),
        }
        if keeper["draft_count"] or keeper["answer_count"] or keeper["overdue_count"] or stale \
                or keeper["findings_count"]:
            context["keeper"] = keeper
    if user.is_dc_admin:
        context["review"] = {
            "resources": DataResource.objects.filter(status=Lifecycle.PENDING).count(),
            "systems": InformationSystem.objects.filter(status=Lifecycle.PENDING).count(),
        }
    return context or None
