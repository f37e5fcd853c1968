"""The content dashboard, the proofreading dictionaries (admin) and the check-a-text page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from content import checking, dictionaries, workflow
from content.models import ContentForm, ContentItem, ContentSettings, DictionaryEntry, Publication
from core.access import current_user
from core.errors import DomainError
from core.forms import add_domain_error
from core.models import Unit, User

WEEKS = 8


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def new_form_weeks(units: list[Unit], today: date, weeks: int = WEEKS) -> tuple[list[date], list[dict[str, Any]]]:
    """Per unit, original new-form works (图解, 视频, 动漫 …) first published in each of the last weeks."""
    starts = [week_start(today) - timedelta(weeks=n) for n in reversed(range(weeks))]
    first = (Publication.objects.filter(item__unit__in=units, item__is_original=True,
                                        item__form__in=ContentForm.new_forms(),
                                        published_at__date__gte=starts[0])
             .values_list("item_id", "item__unit_id", "published_at"))
    seen: dict[int, tuple[int, date]] = {}
    for item_id, unit_id, at in first:
        day = timezone.localtime(at).date()
        if item_id not in seen or day < seen[item_id][1]:
            seen[item_id] = (unit_id, day)
    counts: dict[tuple[int, date], int] = {}
    for unit_id, day in seen.values():
        key = (unit_id, week_start(day))
        counts[key] = counts.get(key, 0) + 1
    rows = [{"unit": u, "weeks": [counts.get((u.pk, s), 0) for s in starts]} for u in units]
    return starts, rows


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.unit_id is None and not user.is_county_wide:
        raise Http404("页面不存在")
    now = timezone.now()
    visible = ContentItem.objects.visible_to(user)
    units = list(Unit.objects.filter(channels__isnull=False).distinct().order_by("sort_order")) \
        if user.is_county_wide else [u for u in [user.unit] if u is not None]
    target = ContentSettings.current().weekly_new_form_target
    starts, rows = new_form_weeks(units, timezone.localdate(now))
    return render(request, "content/dashboard.html", {
        "nav": "content", "now": now, "target": target, "starts": starts, "rows": rows,
        "waiting": list(workflow.waiting_for(user).select_related("unit")[:50]),
        "overdue": list(visible.filter(pk__in=workflow.overdue(now).values("pk")).select_related("unit")[:50]),
        "published_week": visible.filter(published_at__date__gte=week_start(timezone.localdate(now))).count(),
    })


# ---- dictionaries --------------------------------------------------------------------------------


class EntryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DictionaryEntry
        fields = dictionaries.EDITABLE
        widgets = {"variants": forms.Textarea(attrs={"rows": 4}), "contexts": forms.Textarea(attrs={"rows": 3}),
                   "since": forms.DateInput(attrs={"type": "date"})}


def _admin(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_dc_admin:
        raise Http404("页面不存在")
    return user


@login_required
def dictionary_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    family = request.GET.get("family", DictionaryEntry.Family.FORMULATION)
    if family not in DictionaryEntry.Family.values:
        family = DictionaryEntry.Family.FORMULATION
    entries = DictionaryEntry.objects.filter(family=family).select_related("updated_by")
    return render(request, "content/dictionary_list.html", {
        "nav": "dictionaries", "family": family, "families": DictionaryEntry.Family.choices,
        "entries": entries, "version": dictionaries.version(),
    })


@login_required
def dictionary_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _admin(request)
    if pk is None:
        family = request.GET.get("family", DictionaryEntry.Family.FORMULATION)
        entry, shown = DictionaryEntry(family=family), DictionaryEntry(family=family)
    else:
        found = DictionaryEntry.objects.filter(pk=pk).first()
        if found is None:
            raise Http404("词条不存在")
        entry = found
        shown = DictionaryEntry.objects.get(pk=pk)  # the form's copy: ``entry`` keeps the values before
    form = EntryForm(request.POST or None, instance=shown)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = dictionaries.save_entry(user, entry, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已保存「{saved.term}」，词典更新为第 {dictionaries.version()} 版，立即生效")
                return redirect(reverse("content:dictionary_list") + f"?family={saved.family}")
    return render(request, "content/dictionary_form.html",
                  {"nav": "dictionaries", "form": form, "entry": entry if pk else None}, status=status)


@login_required
@require_POST
def dictionary_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    entry = DictionaryEntry.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404("词条不存在")
    family = entry.family
    dictionaries.delete_entry(user, entry)
    messages.success(request, f"已删除「{entry.term}」")
    return redirect(reverse("content:dictionary_list") + f"?family={family}")


# ---- check a text --------------------------------------------------------------------------------


class CheckForm(forms.Form):
    text = forms.CharField(label="待校对的文字", widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=f"可粘贴 Word 或网页中的内容，不超过 {checking.MAX_CHARS} 字")


@login_required
def check_page(request: HttpRequest) -> HttpResponse:
    current_user(request)
    form = CheckForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = checking.check(form.cleaned_data["text"])
            except DomainError as exc:
                form.add_error("text", exc.message)
            else:
                status = 200
    return render(request, "content/check.html", {
        "nav": "check", "form": form, "result": result,
        "runs": checking.marked_runs(result.text, result.findings) if result else [],
    }, status=status)
