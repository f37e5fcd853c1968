"""Matching unit names as documents write them to the unit registry."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.models import Unit
from text import plan_units

# Written by hand: the rules are the county's own naming habits, not a general NLP problem.
_SPACE = re.compile(r"\s+")
_PAREN = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]"})
# Prefixes documents put before a unit's short name; stripped before comparing.
_PREFIXES = ("泗洪县", "县")


def normalise(name: str) -> str:
    return _SPACE.sub("", name).translate(_PAREN).strip("，,、；;：:。. ")


def is_collective(name: str) -> bool:
    """"各有关部门和单位", "各乡镇(街道)", "县有关部门和单位" name a group, not one unit."""
    return plan_units.is_collective(normalise(name))


def _keys(name: str) -> set[str]:
    base = normalise(name)
    keys = {base}
    for prefix in _PREFIXES:
        if base.startswith(prefix) and len(base) > len(prefix) + 1:
            keys.add(base[len(prefix):])
    return keys


class UnitMatcher:
    """Index of every spelling of every active unit; build once per import."""

    def __init__(self, units: Iterable[Unit] | None = None) -> None:
        self._by_key: dict[str, Unit] = {}
        self._ambiguous: set[str] = set()
        for unit in units if units is not None else Unit.objects.active():
            for spelling in unit.names():
                for key in _keys(spelling):
                    other = self._by_key.get(key)
                    if other is not None and other.pk != unit.pk:
                        self._ambiguous.add(key)
                    self._by_key.setdefault(key, unit)

    def match(self, name: str) -> Unit | None:
        """The unit this name means, or None if unknown or ambiguous."""
        for key in sorted(_keys(name), key=len, reverse=True):
            if key in self._ambiguous:
                continue
            unit = self._by_key.get(key)
            if unit is not None:
                return unit
        return None
