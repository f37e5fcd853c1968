"""The admin keeps channels (operators must be outside accounts), webhooks and the review timers."""

from __future__ import annotations

import pytest

from content import channels
from content.models import Channel, ContentSettings
from core.errors import DomainError, NotAllowed
from core.models import AuditEntry, Role


def test_the_admin_creates_a_channel_with_an_outside_operator_and_a_webhook(client_for, admin, units, make_person,
                                                                            editor):
    operator = make_person("op", "代运维", units.outside, Role.EDITOR)
    client = client_for(admin)
    fields = {"unit": units.finance.pk, "kind": "new_media", "name": "泗洪财政", "slug": "sh-finance",
              "platform": "微信公众号", "url": "", "is_active": "on"}
    response = client.post("/content/channels/new/", {**fields, "operators": [editor.pk]})
    assert response.status_code == 400  # an editor of the county is not an outside account
    response = client.post("/content/channels/new/", {**fields, "operators": [operator.pk]})
    assert response.status_code == 302
    channel = Channel.objects.get(slug="sh-finance")
    assert list(channel.operators.all()) == [operator]
    response = client.post(f"/content/channels/{channel.pk}/webhooks/", {"url": "ftp://x"}, follow=True)
    assert "https://" in response.content.decode()
    client.post(f"/content/channels/{channel.pk}/webhooks/", {"url": "https://example.gov.cn/hook"})
    assert channel.webhooks.count() == 1 and len(channel.webhooks.get().secret) == 48
    assert AuditEntry.objects.filter(action__in=["content.channel.save", "content.webhook.add"]).count() == 2
    assert client_for(editor).get("/content/channels/").status_code == 404


def test_review_timers_are_bounded_and_only_for_the_admin(admin, editor):
    with pytest.raises(NotAllowed):
        channels.update_settings(editor, review_1_hours=4)
    with pytest.raises(DomainError, match="工作小时"):
        channels.update_settings(admin, review_1_hours=0)
    channels.update_settings(admin, review_1_hours=4)
    assert ContentSettings.current().review_1_hours == 4
