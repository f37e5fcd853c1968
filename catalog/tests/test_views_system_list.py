"""The 信息系统清单 list: visibility, filters and the counts of linked 事项 and resources."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import ServiceMatter
from catalog.tests.factories import make_resource

URL = reverse("catalog:system_list")


def _names(response) -> list[str]:
    return re.findall(r'<td data-label="系统名称" class="title"><a href="/catalog/systems/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def systems(cdo, admin, units, make_person):
    from core.models import Role

    keeper = make_person("township_cdo", "钱镇数据", units.township, Role.CDO)
    matter = ServiceMatter.objects.create(code="320324-001", name="非税收入缴款", unit=units.finance)
    finance = services.save_system(cdo, units.finance, name="财政一体化系统", protection_level="3",
                                   on_gov_cloud=True, service_matters=[matter])
    services.transition(cdo, finance, "submit")
    services.transition(admin, finance, "approve")
    services.save_system(cdo, units.finance, name="预算编制系统")
    services.save_system(keeper, units.township, name="镇综治系统", state="building")
    resource = make_resource(cdo, units.finance)
    services.link_systems(cdo, resource, [finance])
    return finance


def test_it_shows_published_systems_and_the_units_own(client_for, systems, cdo, outsider, admin):
    assert _names(client_for(cdo).get(URL)) == ["财政一体化系统", "预算编制系统"]
    assert _names(client_for(outsider).get(URL)) == ["财政一体化系统", "镇综治系统"]
    assert len(_names(client_for(admin).get(URL))) == 3


def test_it_shows_the_inventory_columns(client_for, systems, cdo):
    html = client_for(cdo).get(URL).content.decode()
    assert "第三级" in html and "县政务云" in html and "已上云" in html and "事项 1 · 资源 1" in html


def test_it_filters(client_for, systems, admin, units):
    client = client_for(admin)
    assert _names(client.get(URL, {"q": "综治"})) == ["镇综治系统"]
    assert _names(client.get(URL, {"unit": units.finance.pk})) == ["财政一体化系统", "预算编制系统"]
    assert _names(client.get(URL, {"status": "published"})) == ["财政一体化系统"]
    assert _names(client.get(URL, {"state": "building"})) == ["镇综治系统"]


def test_it_offers_registration_only_to_keepers(client_for, systems, cdo, editor):
    assert reverse("catalog:system_create") in client_for(cdo).get(URL).content.decode()
    assert reverse("catalog:system_create") not in client_for(editor).get(URL).content.decode()
