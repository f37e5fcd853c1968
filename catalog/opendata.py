"""What the public interfaces may show: the one definition of "open", and the public names of things.

The CKAN Action API (``catalog.ckan``) and the DCAT-AP export (``catalog.dcat``) both start from
:func:`open_resources` and :func:`open_items`; nothing else decides what leaves the platform.

Public names are stable ASCII slugs, as CKAN requires (``[a-z0-9_-]``, 2–100 characters):

- a dataset is named after its 信息资源代码 with ``/`` → ``-`` (``101/000001`` → ``101-000001``); the
  code never changes after 发布 (spec §3), so neither does the name;
- a unit (CKAN organization) after the pinyin of its short name (大数据中心 → ``dashujuzhongxin``); two
  units with the same pinyin are told apart by the later one's id (``…-17``);
- a category (CKAN group) after its classification code (``category-101``).

Ids are UUIDs derived (uuid5) from those keys, so they too survive a database reload.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from pypinyin import lazy_pinyin

from catalog.models import Category, DataItem, DataResource, FormatClass, Lifecycle, OpenType, UpdateCycle
from core.models import Role, Unit

OPEN_TYPES = (OpenType.UNCONDITIONAL, OpenType.CONDITIONAL)

# Every public id is uuid5(NAMESPACE, "<kind>/<stable key>").
NAMESPACE = uuid.UUID("6f1c2a3e-9d1b-5c4e-8a7f-2b3c4d5e6f70")

# The licence offered with open data. Chinese open-data platforms publish under their own
# 开放数据使用协议; for 无条件开放 data this county uses CC BY 4.0 (free reuse with attribution to the
# provider), the closest internationally understood equivalent. 有条件开放 data is used under an
# agreement with the provider on the stated 开放条件, which is not an open licence.
LICENCES: dict[str, dict[str, str | bool]] = {
    OpenType.UNCONDITIONAL: {
        "id": "cc-by", "title": "知识共享署名 4.0 国际许可协议（CC BY 4.0）",
        "url": "https://creativecommons.org/licenses/by/4.0/", "isopen": True,
        "eu": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    },
    OpenType.CONDITIONAL: {
        "id": "zhengtong-conditional", "title": "有条件开放：按开放条件与提供方签订数据利用协议后使用",
        "url": "", "isopen": False, "eu": "",
    },
}

# 更新周期 → EU frequency authority table (spec §5).
FREQUENCY: dict[str, str] = {
    UpdateCycle.REALTIME: "CONT", UpdateCycle.DAILY: "DAILY", UpdateCycle.WEEKLY: "WEEKLY",
    UpdateCycle.MONTHLY: "MONTHLY", UpdateCycle.QUARTERLY: "QUARTERLY", UpdateCycle.HALF_YEARLY: "BIANNUAL",
    UpdateCycle.YEARLY: "ANNUAL", UpdateCycle.IRREGULAR: "IRREG",
}

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_PACKAGE_NAME = re.compile(r"^(\d{1,40})-(\d{6})$")


def open_resources(today: date | None = None) -> QuerySet[DataResource]:
    """Resources open to the public: 已发布, 开放属性 无条件/有条件开放, not 涉密, opened on or before today.

    The same test as ``DataResource.is_open``, plus the 开放日期 must have arrived: a resource
    scheduled to open next month is not open yet.
    """
    today = today or timezone.localdate()
    return DataResource.objects.filter(status=Lifecycle.PUBLISHED, open_type__in=OPEN_TYPES, is_classified=False,
                                       opened_on__isnull=False, opened_on__lte=today)


def open_items() -> QuerySet[DataItem]:
    """信息项 that may be shown: not 敏感, and not 不予开放 (an empty open type follows the open resource)."""
    return (DataItem.objects.filter(is_sensitive=False)
            .filter(Q(open_type="") | Q(open_type__in=OPEN_TYPES)).order_by("order", "id"))


def with_public_relations(qs: QuerySet[DataResource]) -> QuerySet[DataResource]:
    """Everything a package dict or a DCAT dataset reads, in a fixed number of queries."""
    return qs.select_related("unit", "category").prefetch_related(
        Prefetch("items", queryset=open_items(), to_attr="open_items"), "service_matters")


def public_id(kind: str, key: object) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def package_name(resource: DataResource) -> str:
    return resource.code.replace("/", "-").lower()


def code_from_package_name(name: str) -> str | None:
    m = _PACKAGE_NAME.match(name.strip())
    return f"{m[1]}/{m[2]}" if m else None


def format_label(resource: DataResource) -> str:
    """The format a person is offered: the 格式类型 as registered (xlsx, JSON…), else the 格式分类."""
    return resource.format_type.strip() or FormatClass(resource.format_class).label


def as_utc_naive(moment: datetime) -> str:
    """CKAN writes its timestamps as naive UTC ISO strings; clients parse them that way."""
    if timezone.is_aware(moment):
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def resource_page_path(resource: DataResource) -> str:
    """Where a person reads about the resource: its catalog page once that route exists."""
    try:
        return reverse("catalog:resource_detail", kwargs={"pk": resource.pk})
    except NoReverseMatch:
        return reverse("ckan:dataset", kwargs={"name": package_name(resource)})


def unit_slug_base(unit: Unit) -> str:
    slug = _SLUG_JUNK.sub("", "".join(lazy_pinyin(unit.short_name)).lower())
    return slug if len(slug) >= 2 else f"unit-{unit.pk}"


@dataclass
class Directory:
    """Per-request lookup tables: unit slugs and the category tree (both small for a county)."""

    units: dict[int, Unit]
    unit_slugs: dict[int, str]
    categories: dict[int, Category]
    slug_units: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.slug_units = {slug: pk for pk, slug in self.unit_slugs.items()}

    @classmethod
    def load(cls) -> Directory:
        units = {u.pk: u for u in Unit.objects.order_by("pk")}
        slugs: dict[int, str] = {}
        taken: set[str] = set()
        for pk, unit in units.items():  # by id, so an older unit keeps the plain slug
            slug = unit_slug_base(unit)
            if slug in taken:
                slug = f"{slug}-{pk}"
            taken.add(slug)
            slugs[pk] = slug
        categories = {c.pk: c for c in Category.objects.order_by("code")}
        return cls(units=units, unit_slugs=slugs, categories=categories)

    def org_name(self, unit_id: int) -> str:
        return self.unit_slugs[unit_id]

    def category_chain(self, category_id: int) -> list[Category]:
        """The category and its ancestors, root first."""
        chain: list[Category] = []
        node = self.categories.get(category_id)
        while node is not None:
            chain.append(node)
            node = self.categories.get(node.parent_id) if node.parent_id else None
        return chain[::-1]

    def group_categories(self, category_id: int) -> list[Category]:
        """The CKAN groups of a dataset: the 类 and 项 above (or at) its category."""
        return [c for c in self.category_chain(category_id) if c.level <= Category.Level.ITEM]

    def tags_of(self, resource: DataResource) -> list[str]:
        """Keywords: the names along the classification path, then the linked 政务服务事项."""
        names = [c.name for c in self.category_chain(resource.category_id)]
        names += [m.name for m in resource.service_matters.all()]
        return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def group_name(category: Category) -> str:
    return f"category-{category.code}"


def category_code_from_group(name: str) -> str | None:
    return name.removeprefix("category-") if name.startswith("category-") else None


def catalog_publisher() -> Unit | None:
    """The county's Big Data Center: the unit of the first data-center admin, else the root unit."""
    admin_unit = (Unit.objects.filter(people__role_grants__role=Role.DC_ADMIN)
                  .order_by("people__date_joined", "pk").first())
    if admin_unit is not None:
        return admin_unit
    return Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()
