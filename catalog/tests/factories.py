"""Build catalog test data through the services."""

from __future__ import annotations

from typing import Any

from catalog import services
from catalog.categories import seed
from catalog.models import Category, DataResource, Lifecycle
from core.models import Unit, User

ITEMS = [
    {"name": "姓名", "data_type": "C", "length": 50, "is_sensitive": True, "required": True},
    {"name": "公民身份号码", "data_type": "C", "length": 18, "is_sensitive": True, "unique": True,
     "validity": "resident_id"},
    {"name": "户籍地址", "data_type": "C", "length": 200},
]


def category(code: str = "101") -> Category:
    seed(Category)  # transactional tests flush the seeded rows
    return Category.objects.get(code=code)


def resource_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "category": category(), "name": "人口基础信息", "summary": "全县户籍人口的基础信息",
        "format_class": "3", "format_type": "MySQL", "sharing_type": "conditional",
        "sharing_condition": "用于政务服务办理", "sharing_channel": "platform", "sharing_medium": "api",
        "open_type": "none", "update_cycle": "monthly", "grade": "important",
    }
    fields.update(overrides)
    return fields


def make_resource(actor: User, unit: Unit, *, publish: bool = False, items: list[dict[str, Any]] | None = None,
                  admin: User | None = None, **overrides: Any) -> DataResource:
    resource = services.create_resource(actor, unit, items=items if items is not None else ITEMS,
                                        **resource_fields(**overrides))
    if publish:
        assert admin is not None
        services.transition(actor, resource, "submit")
        services.transition(admin, resource, "approve")
        resource.refresh_from_db()
        assert resource.status == Lifecycle.PUBLISHED
    return resource
