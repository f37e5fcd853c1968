"""Schemas every API router shares."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """What ``zhengtong.api``'s handlers send for every error: a Chinese sentence and, where known, the field."""

    detail: str
    field: str | None = None
