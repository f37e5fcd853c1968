"""Admin pages: the channels (with operators and webhooks) and the review timers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from content import channels
from content.models import Channel, ContentSettings, Webhook
from core.access import current_user
from core.errors import DomainError
from core.forms import add_domain_error
from core.models import Unit, UnitKind, User


def _admin(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.is_dc_admin:
        raise Http404("页面不存在")
    return user


class ChannelForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label="地址", required=False, assume_scheme="https")
    operators = forms.ModelMultipleChoiceField(
        label="代运维人员", required=False, widget=forms.CheckboxSelectMultiple,
        queryset=User.objects.filter(unit__kind=UnitKind.OUTSIDE, is_active=True).order_by("username"),
        help_text="外部机构的账号：只能为该渠道起草和送审")

    class Meta:
        model = Channel
        fields = ["unit", "kind", "name", "slug", "platform", "url", "is_active"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        unit_field: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = Unit.objects.active().exclude(kind=UnitKind.OUTSIDE)
        if self.instance.pk:
            self.fields["operators"].initial = list(self.instance.operators.all())


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ContentSettings
        fields = channels.SETTINGS_FIELDS


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    form = SettingsForm(request.POST or None, instance=ContentSettings.current())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                channels.update_settings(user, **{k: form.cleaned_data[k] for k in channels.SETTINGS_FIELDS})
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已保存审核时限")
                return redirect("content:channel_list")
    rows = Channel.objects.select_related("unit").prefetch_related("operators", "webhooks")
    return render(request, "content/channel_list.html", {"nav": "channels", "channels": rows, "form": form},
                  status=status)


@login_required
def channel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _admin(request)
    channel = Channel() if pk is None else Channel.objects.filter(pk=pk).first()
    if channel is None:
        raise Http404("渠道不存在")
    form = ChannelForm(request.POST or None, instance=Channel.objects.get(pk=pk) if pk else Channel())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = channels.save_channel(user, channel, operators=data["operators"],
                                              **{k: data[k] for k in channels.CHANNEL_FIELDS})
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已保存渠道「{saved.name}」")
                return redirect("content:channel_edit", pk=saved.pk)
    hooks = list(channel.webhooks.all()) if channel.pk else []
    return render(request, "content/channel_form.html",
                  {"nav": "channels", "form": form, "channel": channel if pk else None, "hooks": hooks},
                  status=status)


@login_required
@require_POST
def webhook_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    channel = Channel.objects.filter(pk=pk).first()
    if channel is None:
        raise Http404("渠道不存在")
    try:
        hook = channels.add_webhook(user, channel, url=request.POST.get("url", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记推送接口，签名密钥：{hook.secret}（请告知对方平台）")
    return redirect("content:channel_edit", pk=pk)


@login_required
@require_POST
def webhook_remove(request: HttpRequest, pk: int, hook_pk: int) -> HttpResponse:
    user = _admin(request)
    hook = Webhook.objects.filter(pk=hook_pk, channel_id=pk).select_related("channel").first()
    if hook is None:
        raise Http404("推送接口不存在")
    channels.remove_webhook(user, hook)
    messages.success(request, "已删除推送接口")
    return redirect("content:channel_edit", pk=pk)
