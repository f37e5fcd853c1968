from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core import services
from core.access import current_user
from core.calendar import get_calendar, years_needing_notice
from core.errors import DomainError
from core.forms import AuditFilterForm, CalendarDayForm, HolidayNoticeForm, LoginForm
from core.hooks import home_panels
from core.models import AuditEntry, CalendarDay, HolidayNotice, Notification, User


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django adds the host as "site_name"; it would hide the platform's name in the page title.
        context.pop("site_name", None)
        return context



def require_admin(request: HttpRequest) -> User:
    """Admin-only pages answer 404 to everyone else, like any object they may not see."""
    user = current_user(request)
    if not user.is_dc_admin:
        raise Http404("页面不存在")
    return user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    panels = []
    for panel in home_panels:
        ctx = panel.context(user)
        if ctx is not None:
            panels.append((panel.template, ctx))
    notices = list(user.notifications.unread()[:20])
    notice_years = years_needing_notice(timezone.localdate()) if user.is_dc_admin else []
    return render(request, "core/home.html", {
        "nav": "home", "panels": panels, "notifications": notices, "notice_years": notice_years,
    })


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=current_user(request))
    services.mark_notification_read(current_user(request), note)
    return _back(request, note.link or "core:home")


@require_POST
def toggle_elderly(request: HttpRequest) -> HttpResponse:
    """适老化: a cookie, so anonymous visitors can switch it on too."""
    response = _back(request, "core:home")
    on = request.COOKIES.get("zt_elderly") != "1"
    response.set_cookie("zt_elderly", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect(fallback)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("unit")
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        if data["q"]:
            entries = entries.filter(Q(object_repr__icontains=data["q"]) | Q(actor_name__icontains=data["q"])
                                     | Q(label__icontains=data["q"]))
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"].strip())
        if data["unit"]:
            entries = entries.filter(unit=data["unit"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"nav": "audit", "form": form, "page": page,
                                                     "query": query.urlencode()})


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request)
    entry = get_object_or_404(AuditEntry, pk=pk)
    return render(request, "core/audit_detail.html", {"nav": "audit", "entry": entry})


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    user = require_admin(request)
    day_form = CalendarDayForm(prefix="day")
    notice_form = HolidayNoticeForm(prefix="notice")
    if request.method == "POST":
        try:
            if "day-day" in request.POST:
                day_form = CalendarDayForm(request.POST, prefix="day")
                if day_form.is_valid():
                    d = day_form.cleaned_data
                    services.set_calendar_day(user, d["day"], is_workday=d["is_workday"], note=d["note"])
                    messages.success(request, f"已保存 {d['day']:%Y-%m-%d} 的日历调整")
                    return redirect("core:calendar")
            elif "notice-year" in request.POST:
                notice_form = HolidayNoticeForm(request.POST, prefix="notice")
                if notice_form.is_valid():
                    d = notice_form.cleaned_data
                    services.enter_holiday_notice(user, d["year"], title=d["title"], holidays=d["holidays"],
                                                  workdays=d["workdays"])
                    messages.success(request, f"已录入 {d['year']} 年放假通知，该年期限不再标记为待确认")
                    return redirect("core:calendar")
        except DomainError as exc:
            messages.error(request, exc.message)
    cal = get_calendar()
    today = timezone.localdate()
    upcoming = [today + timedelta(days=i) for i in range(0, 21)]
    return render(request, "core/calendar.html", {
        "nav": "calendar", "day_form": day_form, "notice_form": notice_form,
        "entries": CalendarDay.objects.filter(source=CalendarDay.Source.LOCAL),
        "notices": HolidayNotice.objects.all(),
        "notice_years": years_needing_notice(today, 400),
        "known_first": min(cal.known_years()), "known_last": max(cal.known_years()),
        "upcoming": [(d, cal.is_workday(d), cal.holiday_name(d), cal.is_known(d)) for d in upcoming],
        "in_ten": cal.add_workdays(today, 10),
    })


@login_required
@require_POST
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_admin(request)
    entry = get_object_or_404(CalendarDay, pk=pk)
    services.delete_calendar_day(user, entry)
    messages.success(request, "已删除")
    return redirect("core:calendar")
