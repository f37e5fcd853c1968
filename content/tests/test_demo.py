"""The demo county's content: every state of the workflow, loaded once."""

from __future__ import annotations

from content import demo
from content.models import ContentAttachment, ContentItem, State, TextFinding
from core import demo as core_demo


def test_the_demo_has_content_in_every_state_and_loads_once(db):
    core_demo.load()
    first = demo.load()
    assert "稿件 13 篇" in first
    assert set(ContentItem.objects.values_list("state", flat=True)) == set(State.values)
    assert TextFinding.objects.filter(kind="privacy", status="open").exists()
    assert ContentItem.objects.filter(steps__override_reason="").exists()
    images = ContentAttachment.objects.filter(kind="image", item__state=State.PUBLISHED)
    assert images.count() == 2 and all(a.description and a.width == 320 for a in images)
    assert "图片附件 2 个" in first
    assert "跳过" in demo.load() and ContentItem.objects.count() == 13
