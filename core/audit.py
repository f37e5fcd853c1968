"""The one way services write the audit log."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from core.middleware import current_ip
from core.models import AuditEntry

if TYPE_CHECKING:
    from core.models import Unit, User


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of an object's concrete field values, for before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        data[field.name] = _jsonable(getattr(obj, name))
    return data


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return str(value)


def record(
    actor: User | None,
    action: str,
    label: str,
    obj: models.Model,
    *,
    unit: Unit | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call inside the service's transaction so it commits with the change."""
    item = entry(actor, action, label, obj, unit=unit, before=before, after=after)
    item.save(force_insert=True)
    return item


def entry(
    actor: User | None,
    action: str,
    label: str,
    obj: models.Model,
    *,
    unit: Unit | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry `record` writes, unsaved: for a service that writes many with one bulk_create."""
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(actor) if actor is not None else "系统",
        action=action,
        label=label,
        unit=unit,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        ip=current_ip.get(),
    )
