"""Channels, their 代运维 operators and webhooks, and the review timers: kept by the Big Data Center admin."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from content.models import Channel, ContentSettings, Webhook
from core import audit
from core.errors import DomainError, NotAllowed
from core.models import UnitKind, User

CHANNEL_FIELDS = ["unit", "kind", "name", "slug", "platform", "url", "is_active"]
SETTINGS_FIELDS = ["review_1_hours", "review_2_hours", "final_hours", "max_text_chars", "weekly_new_form_target"]


def _require_admin(actor: User) -> None:
    if not actor.is_dc_admin:
        raise NotAllowed("只有大数据中心管理员可以维护发布渠道和审核时限")


@transaction.atomic
def save_channel(actor: User, channel: Channel, *, operators: Iterable[User] = (), **fields: Any) -> Channel:
    _require_admin(actor)
    before = audit.snapshot(channel, CHANNEL_FIELDS) if channel.pk else None
    for name, value in fields.items():
        if name not in CHANNEL_FIELDS:
            raise ValueError(name)
        setattr(channel, name, value.strip() if isinstance(value, str) else value)
    if not channel.name:
        raise DomainError("请填写渠道名称", field="name")
    if Channel.objects.filter(slug=channel.slug).exclude(pk=channel.pk).exists():
        raise DomainError(f"标识「{channel.slug}」已被其他渠道使用", field="slug")
    operators = list(operators)
    insiders = [str(u) for u in operators if u.unit is None or u.unit.kind != UnitKind.OUTSIDE]
    if insiders:
        raise DomainError(f"代运维人员须是外部机构的账号：{'、'.join(insiders)}", field="operators")
    channel.save()
    channel.operators.set(operators)
    audit.record(actor, "content.channel.save", "修改发布渠道" if before else "新增发布渠道", channel,
                 unit=channel.unit, before=before,
                 after={**audit.snapshot(channel, CHANNEL_FIELDS), "operators": [u.username for u in operators]})
    return channel


@transaction.atomic
def add_webhook(actor: User, channel: Channel, *, url: str) -> Webhook:
    _require_admin(actor)
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")):
        raise DomainError("推送地址应以 https:// 或 http:// 开头", field="url")
    hook = Webhook.objects.create(channel=channel, url=url[:200], secret=secrets.token_hex(24))
    audit.record(actor, "content.webhook.add", "登记推送接口", channel, unit=channel.unit, after={"url": hook.url})
    return hook


@transaction.atomic
def remove_webhook(actor: User, hook: Webhook) -> None:
    _require_admin(actor)
    audit.record(actor, "content.webhook.remove", "删除推送接口", hook.channel, unit=hook.channel.unit,
                 before={"url": hook.url})
    hook.delete()


@transaction.atomic
def update_settings(actor: User, **fields: int) -> ContentSettings:
    _require_admin(actor)
    current = ContentSettings.current()
    before = audit.snapshot(current, SETTINGS_FIELDS)
    for name, value in fields.items():
        if name not in SETTINGS_FIELDS:
            raise ValueError(name)
        if name.endswith("_hours") and not 1 <= value <= 200:
            raise DomainError("审核时限应在 1 到 200 个工作小时之间", field=name)
        setattr(current, name, value)
    current.save()
    audit.record(actor, "content.settings.update", "修改审核时限", current, before=before,
                 after=audit.snapshot(current, SETTINGS_FIELDS))
    return current
