"""A small county catalog for the open-interface tests (CKAN API, DCAT export), built through the services.

Three resources are open (two at 财政局, one at 大数据中心). Six others must never be seen from outside;
each carries the word 机密 in its name and an item named 内部机密字段 appears only where it is hidden, so
a test can grep every public response for ``SECRET_MARK``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from catalog import services
from catalog.models import DataResource, ServiceMatter
from catalog.tests.factories import category, make_resource
from core.models import User

SECRET_MARK = "机密"
HIDDEN_ITEM = "内部机密字段"

BUDGET_ITEMS = [
    {"name": "项目名称", "data_type": "C", "length": 100, "required": True},
    {"name": "预算金额", "data_type": "Y", "length": 18},
    {"name": "执行率", "data_type": "N", "length": 6},
    {"name": "经办人身份证号", "data_type": "C", "length": 18, "is_sensitive": True, "open_type": "none",
     "validity": "resident_id"},
    {"name": HIDDEN_ITEM, "data_type": "M", "open_type": "none"},
]
CONTRACT_ITEMS = [
    {"name": "合同名称", "data_type": "C", "length": 200},
    {"name": "供应商统一社会信用代码", "data_type": "C", "length": 18, "validity": "credit_code"},
    {"name": "合同金额", "data_type": "Y"},
]
WIFI_ITEMS = [
    {"name": "热点名称", "data_type": "C", "length": 60},
    {"name": "经度", "data_type": "F"},
    {"name": "纬度", "data_type": "F"},
]
SECRET_ITEMS = [{"name": HIDDEN_ITEM, "data_type": "C", "length": 50}]


@dataclass
class OpenCounty:
    budget: DataResource  # 财政局, 无条件开放, 201 公共服务, xlsx, 每年
    contracts: DataResource  # 财政局, 有条件开放, 102 法人单位, JSON, 每月, 重要数据
    wifi: DataResource  # 大数据中心, 无条件开放, 201 公共服务, csv, 每日
    secrets: list[DataResource]


def open_fields(**extra: Any) -> dict[str, Any]:
    return {"sharing_type": "unconditional", "sharing_condition": "", "opened_on": timezone.localdate()
            - timedelta(days=30), **extra}


def build_open_county(admin: User, cdo: User, units: Any) -> OpenCounty:
    finance, center = units.finance, units.data_center
    budget = make_resource(cdo, finance, publish=True, admin=admin, items=BUDGET_ITEMS, **open_fields(
        category=category("201"), name="财政预算执行情况", summary="全县一般公共预算的年度执行情况",
        format_class="2", format_type="xlsx", sharing_medium="file", open_type="unconditional",
        update_cycle="yearly", grade="general_2"))
    contracts = make_resource(cdo, finance, publish=True, admin=admin, items=CONTRACT_ITEMS, **open_fields(
        category=category("102"), name="政府采购合同信息", summary="县级政府采购合同的主要信息",
        format_class="3", format_type="JSON", sharing_medium="api", open_type="conditional",
        open_condition="实名注册并签订数据利用协议", update_cycle="monthly", grade="important"))
    wifi = make_resource(admin, center, publish=True, admin=admin, items=WIFI_ITEMS, **open_fields(
        category=category("201"), name="公共无线网络热点分布", summary="县城公共场所免费无线网络热点的位置",
        format_class="2", format_type="csv", sharing_medium="file", open_type="unconditional",
        update_cycle="daily", grade="general_1"))
    matter = ServiceMatter.objects.create(code="320000-WIFI-01", name="公共场所无线网络服务", unit=center)
    services.link_service_matters(admin, wifi, [matter])

    secrets = []
    # 草稿: never submitted.
    secrets.append(make_resource(cdo, finance, items=SECRET_ITEMS, **open_fields(
        name="机密草稿资源", open_type="unconditional", grade="general_2")))
    # 已发布 but 不予开放.
    secrets.append(make_resource(cdo, finance, publish=True, admin=admin, items=SECRET_ITEMS, **open_fields(
        name="机密不予开放资源", open_type="none", grade="general_2")))
    # 已发布, 开放属性 set, but not yet on the open platform (no 开放日期).
    secrets.append(make_resource(cdo, finance, publish=True, admin=admin, items=SECRET_ITEMS, **open_fields(
        name="机密未上线资源", open_type="unconditional", grade="general_2", opened_on=None)))
    # 已发布, opens next month.
    secrets.append(make_resource(cdo, finance, publish=True, admin=admin, items=SECRET_ITEMS, **open_fields(
        name="机密未来开放资源", open_type="unconditional", grade="general_2",
        opened_on=timezone.localdate() + timedelta(days=30))))
    # 已下线.
    offline = make_resource(cdo, finance, publish=True, admin=admin, items=SECRET_ITEMS, **open_fields(
        name="机密已下线资源", open_type="unconditional", grade="general_2"))
    services.transition(admin, offline, "offline", "数据停止更新")
    secrets.append(offline)
    # 涉密 at the township: the rules keep it 不予开放; the row is then corrupted on purpose to show
    # that the 涉密 flag alone keeps it out (defence in depth).
    classified = make_resource(admin, units.township, publish=True, admin=admin, items=SECRET_ITEMS,
                               category=category("101"), name="机密涉密资源", sharing_type="none",
                               sharing_condition="", sharing_basis="《保守国家秘密法》", sharing_medium="",
                               open_type="none", is_classified=True, grade="core")
    DataResource.objects.filter(pk=classified.pk).update(open_type="unconditional",
                                                         opened_on=timezone.localdate() - timedelta(days=1))
    secrets.append(classified)
    return OpenCounty(budget=budget, contracts=contracts, wifi=wifi, secrets=secrets)


@pytest.fixture
def open_county(admin: User, cdo: User, units: Any) -> OpenCounty:
    return build_open_county(admin, cdo, units)


@pytest.fixture
def ckan(live_server: Any) -> Iterator[Any]:
    """The real ckanapi client against the running server, exactly as a harvester would use it."""
    from ckanapi import RemoteCKAN

    with RemoteCKAN(live_server.url, user_agent="zhengtong-tests") as remote:
        yield remote
