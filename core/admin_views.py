"""The data-center admin's pages for units, people and the job schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core import jobs, services
from core.admin_forms import PersonForm, ScheduleForm, UnitForm
from core.errors import DomainError
from core.models import ScheduledJob, Unit, User
from core.views import require_admin


def _tree(units: list[Unit]) -> list[tuple[Unit, int]]:
    """Units in tree order with their depth, for an indented list."""
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            out.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return out


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    units = list(Unit.objects.annotate(people_count=Count("people")).order_by("sort_order", "short_name"))
    return render(request, "core/unit_list.html", {"nav": "units", "rows": _tree(units)})


@login_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = require_admin(request)
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = UnitForm(request.POST or None, initial=UnitForm.initial_for(unit) if unit else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if unit is None:
                unit = services.create_unit(actor, short_name=data["short_name"], full_name=data["full_name"],
                                            kind=data["kind"], parent=data["parent"], aliases=data["aliases"],
                                            credit_code=data["credit_code"], sort_order=data["sort_order"])
            else:
                services.update_unit(actor, unit, **data)
            messages.success(request, f"已保存单位“{unit}”")
            return redirect("core:unit_list")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "core/unit_form.html", {"nav": "units", "form": form, "unit": unit})


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    q = (request.GET.get("q") or "").strip()
    people = User.objects.select_related("unit").prefetch_related("role_grants").order_by("unit__sort_order", "id")
    if q:
        people = people.filter(Q(username__icontains=q) | Q(display_name__icontains=q)
                               | Q(unit__short_name__icontains=q))
    return render(request, "core/person_list.html", {"nav": "people", "people": people, "q": q})


@login_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = require_admin(request)
    person = get_object_or_404(User, pk=pk) if pk else None
    initial = None
    if person is not None:
        initial = {"username": person.username, "display_name": person.display_name, "unit": person.unit_id,
                   "roles": sorted(person.role_codes), "phone": person.phone, "is_active": person.is_active}
    form = PersonForm(request.POST or None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if person is None:
                person = services.create_person(actor, username=data["username"], password=data["password"],
                                                display_name=data["display_name"], unit=data["unit"],
                                                roles=data["roles"], phone=data["phone"])
            else:
                services.update_person(actor, person, display_name=data["display_name"], unit=data["unit"],
                                       roles=data["roles"], phone=data["phone"], is_active=data["is_active"])
                if data["password"]:
                    services.reset_password(actor, person, data["password"])
            messages.success(request, f"已保存人员“{person}”")
            return redirect("core:person_list")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "core/person_form.html", {"nav": "people", "form": form, "person": person})


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    actor = require_admin(request)
    rows = list(ScheduledJob.objects.all())
    if request.method == "POST":
        job = get_object_or_404(ScheduledJob, pk=request.POST.get("job"))
        form = ScheduleForm(request.POST, prefix=f"job{job.pk}")
        if form.is_valid():
            try:
                jobs.update_job(actor, job, enabled=form.cleaned_data["enabled"],
                                daily_at=form.cleaned_data["daily_at"],
                                every_minutes=form.cleaned_data["every_minutes"])
                messages.success(request, f"已保存“{job.label}”")
                return redirect("core:schedule")
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    forms = [(job, ScheduleForm(prefix=f"job{job.pk}", initial={
        "enabled": job.enabled, "daily_at": job.daily_at, "every_minutes": job.every_minutes})) for job in rows]
    return render(request, "core/schedule.html", {"nav": "schedule", "forms": forms})
