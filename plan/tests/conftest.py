from __future__ import annotations

from types import SimpleNamespace

import pytest

from core import demo
from core.models import User


@pytest.fixture
def county(db) -> SimpleNamespace:
    """The demo county's units and people (built through services), for import and tracking tests."""
    demo.load()
    people = {u.username: u for u in User.objects.all()}
    return SimpleNamespace(**people)
