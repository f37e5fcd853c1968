"""The demo county's content: every state of the workflow, loaded once."""

from __future__ import annotations

from content import demo
from content.models import ContentItem, State, TextFinding
from core import demo as core_demo


def test_the_demo_has_content_in_every_state_and_loads_once(db):
    core_demo.load()
    first = demo.load()
    assert "稿件 13 篇" in first
    assert set(ContentItem.objects.values_list("state", flat=True)) == set(State.values)
    assert TextFinding.objects.filter(kind="privacy", status="open").exists()
    assert ContentItem.objects.filter(steps__override_reason="").exists()
    assert "跳过" in demo.load() and ContentItem.objects.count() == 13
