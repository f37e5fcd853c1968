"""The people of 财政局 who write and review (plus a 代运维 account and another unit's reviewer), its
channel, and a MEDIA_ROOT of its own for every test (attachments are written there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from content.models import Channel
from core.models import Role


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(units, make_person, editor):
    f = units.finance
    return {
        "editor": editor,
        "r1": make_person("r1", "初审甲", f, Role.REVIEWER_1),
        "r2": make_person("r2", "复审乙", f, Role.REVIEWER_2),
        "final": make_person("final", "终审丙", f, Role.REVIEWER_FINAL),
        "head": make_person("head", "局长丁", f, Role.UNIT_HEAD),
        "operator": make_person("operator", "代运维戊", units.outside, Role.EDITOR, Role.REVIEWER_FINAL),
        "other_r1": make_person("other_r1", "外单位初审", units.township, Role.REVIEWER_1),
    }


@pytest.fixture
def channel(units, people):
    channel = Channel.objects.create(unit=units.finance, kind=Channel.Kind.COLUMN, name="财政信息", slug="finance")
    channel.operators.add(people["operator"])
    return channel
