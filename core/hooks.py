"""Explicit registries through which domain apps plug into core without core importing them.

An app registers in its ``AppConfig.ready``; core only iterates the lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.models import User


@dataclass(frozen=True, slots=True)
class HomePanel:
    """A block on a person's home page: "what needs you" from one domain app."""

    order: int
    template: str
    context: Callable[[User], dict[str, Any] | None]  # None: nothing to show for this person


home_panels: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    home_panels.append(panel)
    home_panels.sort(key=lambda p: p.order)


@dataclass(frozen=True, slots=True)
class DemoLoader:
    """A step of `load_demo`: fills one app's part of the demo county. Must be idempotent."""

    order: int
    label: str
    load: Callable[[], str]  # returns a one-line summary


demo_loaders: list[DemoLoader] = []


def register_demo_loader(loader: DemoLoader) -> None:
    if all(existing.label != loader.label for existing in demo_loaders):
        demo_loaders.append(loader)
        demo_loaders.sort(key=lambda d: d.order)
