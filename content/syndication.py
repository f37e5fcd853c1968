"""同源发布: approved content as RSS 2.0 / Atom / JSON Feed per channel, and pushed to webhooks.

Feeds list the channel's published, not withdrawn items, newest first (django.utils.feedgenerator for
RSS and Atom; JSON Feed 1.1 by hand, it is a plain JSON document). An item's images and videos go
along as links to their public address, with the alt text: JSON Feed ``attachments``; Atom
``<link rel="enclosure" title="替代文字">``; RSS allows one ``<enclosure>`` per item, so the first goes
there and every one goes in a Media RSS ``<media:content>`` with its ``<media:description>``. A webhook gets one POST per
publication from the task worker: the JSON of the item, signed with HMAC-SHA256 of the body under the
webhook's secret in ``X-Zhengtong-Signature: sha256=<hex>``; a failed delivery is retried by the
daily job up to ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

import httpx
from django.db import transaction
from django.urls import reverse
from django.utils import feedgenerator, timezone

from content.models import Channel, ContentAttachment, ContentItem, Publication, State, WebhookDelivery

MEDIA_RSS = "http://search.yahoo.com/mrss/"
FEED_SIZE = 50
MAX_ATTEMPTS = 5
TIMEOUT_S = 10.0


def published(channel: Channel) -> list[Publication]:
    return list(Publication.objects.filter(channel=channel, item__state=State.PUBLISHED)
                .select_related("item", "item__unit").prefetch_related("item__attachments")
                .order_by("-published_at", "-id")[:FEED_SIZE])


def attachment_url(attachment: ContentAttachment, base_url: str) -> str:
    return base_url + reverse("content:public_attachment", args=[attachment.item_id, attachment.pk])


def attachment_json(attachment: ContentAttachment, base_url: str) -> dict[str, Any]:
    """A JSON Feed 1.1 attachment; the title is the alt text, the extension proves the file (同源)."""
    return {"url": attachment_url(attachment, base_url), "mime_type": attachment.content_type,
            "title": attachment.description, "size_in_bytes": attachment.size,
            "_zhengtong": {"sha256": attachment.sha256, "width": attachment.width, "height": attachment.height,
                           "name": attachment.original_name}}


def item_json(item: ContentItem, publication: Publication, base_url: str) -> dict[str, Any]:
    url = base_url + reverse("content:public_item", args=[item.pk])
    files = list(item.attachments.all())
    data: dict[str, Any] = {
        "id": f"zhengtong:content:{item.pk}", "url": url, "title": item.title, "content_text": item.body,
        "summary": item.body[:140], "date_published": publication.published_at.isoformat(),
        "date_modified": item.updated_at.isoformat(), "authors": [{"name": item.unit.full_name}],
        "tags": [item.get_kind_display(), item.get_form_display()],
        "_zhengtong": {"unit": item.unit.full_name, "channel": publication.channel.slug,
                       "revision": publication.revision, "is_original": item.is_original}}
    images = [a for a in files if a.is_image]
    if images:
        data["image"] = attachment_url(images[0], base_url)
    if files:
        data["attachments"] = [attachment_json(a, base_url) for a in files]
    return data


def json_feed(channel: Channel, base_url: str) -> dict[str, Any]:
    return {"version": "https://jsonfeed.org/version/1.1", "title": channel.name, "language": "zh-CN",
            "home_page_url": channel.url or base_url,
            "feed_url": base_url + reverse("content:feed_json", args=[channel.slug]),
            "items": [item_json(p.item, p, base_url) for p in published(channel)]}


class _Rss(feedgenerator.Rss201rev2Feed):
    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for a in item["attachments"]:
            attrs = {"url": a["url"], "type": a["mime_type"], "fileSize": str(a["size_in_bytes"]),
                     "medium": a["mime_type"].split("/")[0]}
            if a["_zhengtong"]["width"]:
                attrs |= {"width": str(a["_zhengtong"]["width"]), "height": str(a["_zhengtong"]["height"])}
            handler.startElement("media:content", attrs)
            handler.addQuickElement("media:description", a["title"])
            handler.endElement("media:content")


class _Atom(feedgenerator.Atom1Feed):
    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for a in item["attachments"]:
            handler.addQuickElement("link", "", {"rel": "enclosure", "href": a["url"], "type": a["mime_type"],
                                                 "length": str(a["size_in_bytes"]), "title": a["title"]})


def xml_feed(channel: Channel, base_url: str, *, atom: bool) -> str:
    kind = _Atom if atom else _Rss
    feed = kind(title=channel.name, link=channel.url or base_url, description=f"{channel.unit.full_name}发布的信息",
                language="zh-cn",
                feed_url=base_url + reverse("content:feed_atom" if atom else "content:feed_rss", args=[channel.slug]))
    for p in published(channel):
        url = base_url + reverse("content:public_item", args=[p.item.pk])
        files = [attachment_json(a, base_url) for a in p.item.attachments.all()]
        first = [feedgenerator.Enclosure(f["url"], str(f["size_in_bytes"]), f["mime_type"]) for f in files[:1]]
        feed.add_item(title=p.item.title, link=url, description=p.item.body, unique_id=f"zhengtong:content:{p.item.pk}",
                      pubdate=p.published_at, updateddate=p.item.updated_at, author_name=p.item.unit.full_name,
                      categories=[p.item.get_kind_display()], attachments=files,
                      enclosures=None if atom else first)
    return feed.writeString("utf-8")


def queue_webhooks(publications: Iterable[Publication]) -> list[WebhookDelivery]:
    deliveries = [WebhookDelivery.objects.create(webhook=hook, publication=p)
                  for p in publications for hook in p.channel.webhooks.filter(is_active=True)]
    if deliveries:
        from content.tasks import deliver_webhook

        def enqueue(pk: int) -> None:
            deliver_webhook.enqueue(pk)

        for delivery in deliveries:
            transaction.on_commit(functools.partial(enqueue, delivery.pk))
    return deliveries


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(delivery_id: int, *, base_url: str = "", client: httpx.Client | None = None) -> WebhookDelivery:
    """POST one publication to one webhook; records the outcome. Idempotent once delivered."""
    delivery = WebhookDelivery.objects.select_related("webhook", "publication__item__unit",
                                                      "publication__channel").get(pk=delivery_id)
    if delivery.status == WebhookDelivery.Status.DELIVERED or delivery.attempts >= MAX_ATTEMPTS:
        return delivery
    p = delivery.publication
    body = json.dumps({"event": "content.published", "item": item_json(p.item, p, base_url)},
                      ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "zhengtong-webhook/1",
               "X-Zhengtong-Signature": sign(delivery.webhook.secret, body)}
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    try:
        with (client or httpx.Client(timeout=TIMEOUT_S, follow_redirects=False)) as http:
            response = http.post(delivery.webhook.url, content=body, headers=headers)
        delivery.response_code = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.status = WebhookDelivery.Status.DELIVERED if ok else WebhookDelivery.Status.FAILED
        delivery.error = "" if ok else f"对方返回 HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.error = f"推送失败：{type(exc).__name__}"[:300]
    delivery.save()
    return delivery


def retry_failed() -> int:
    """Daily: failed deliveries with attempts left go to the worker again."""
    from content.tasks import deliver_webhook

    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
    count = 0
    for delivery in pending:
        deliver_webhook.enqueue(delivery.pk)
        count += 1
    return count
