"""The national classification's upper levels (类 and 项), spec §2; 目/细目 are added by the admin."""

from __future__ import annotations

from typing import Any

CLASSES: list[tuple[str, str, list[str]]] = [
    ("1", "基础信息资源", ["人口", "法人单位", "自然资源和空间地理", "社会信用", "电子证照"]),
    ("2", "主题信息资源", ["公共服务", "健康保障", "社会保障", "食品药品安全", "安全生产", "价格监管", "能源安全",
                        "信用体系", "城乡建设", "社区治理", "生态环保", "应急维稳"]),
    ("3", "部门信息资源", ["县级政务部门", "乡镇（街道）", "开发区（园区）"]),
]


def seed(category_model: Any) -> int:
    """Create the 类/项 rows that are missing; returns how many were created. Idempotent."""
    created = 0
    for code, name, items in CLASSES:
        parent, made = category_model.objects.get_or_create(
            code=code, defaults={"level": 1, "segment": code, "name": name})
        created += made
        for n, item in enumerate(items, start=1):
            segment = f"{n:02d}"
            _, made = category_model.objects.get_or_create(
                code=code + segment, defaults={"level": 2, "segment": segment, "name": item, "parent": parent})
            created += made
    return created
