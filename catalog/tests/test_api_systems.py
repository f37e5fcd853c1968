"""GET /api/v1/catalog/systems: the 信息系统清单 the caller may see."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.models import ServiceMatter

URL = "/api/v1/catalog/systems"


@pytest.fixture
def systems(cdo, admin, units):
    matter = ServiceMatter.objects.create(code="X-001", name="政府采购投诉处理", kind="行政裁决", unit=units.finance)
    budget = services.save_system(cdo, units.finance, name="预算管理一体化系统", protection_level="3",
                                  on_gov_cloud=True, service_matters=[matter])
    services.transition(cdo, budget, "submit")
    services.transition(admin, budget, "approve")
    draft = services.save_system(cdo, units.finance, name="非税收入系统", deployment="local")
    village = services.save_system(admin, units.township, name="网格化平台", on_gov_cloud=True)
    services.transition(admin, village, "submit")
    services.transition(admin, village, "approve")
    return budget, draft, village


def _names(response) -> list[str]:
    return [s["name"] for s in response.json()["items"]]


def test_it_requires_a_session(client_for):
    assert client_for(None).get(URL).status_code == 401


def test_it_lists_what_the_caller_may_see(client_for, systems, cdo, outsider):
    # by unit (财政局 before 双沟镇), then name
    assert _names(client_for(cdo).get(URL)) == ["非税收入系统", "预算管理一体化系统", "网格化平台"]
    assert _names(client_for(outsider).get(URL)) == ["预算管理一体化系统", "网格化平台"]
    budget = client_for(outsider).get(URL).json()["items"][0]
    assert budget == {"id": systems[0].pk, "name": "预算管理一体化系统", "unit_id": systems[0].unit_id,
                      "unit": "财政局", "protection_level": "3", "deployment": "gov_cloud", "on_gov_cloud": True,
                      "is_classified": False, "state": "running", "status": "published",
                      "service_matters": [{"id": budget["service_matters"][0]["id"], "name": "政府采购投诉处理"}]}


def test_it_filters(client_for, systems, supervisor, units):
    client = client_for(supervisor)
    assert _names(client.get(URL, {"unit": units.township.pk})) == ["网格化平台"]
    assert _names(client.get(URL, {"status": "draft"})) == ["非税收入系统"]
    assert _names(client.get(URL, {"on_gov_cloud": "false"})) == ["非税收入系统"]
    assert _names(client.get(URL, {"protection_level": "3"})) == ["预算管理一体化系统"]
    assert _names(client.get(URL, {"deployment": "local", "q": "非税"})) == ["非税收入系统"]
    assert client.get(URL, {"limit": 1}).json()["count"] == 3


@pytest.mark.parametrize("params", [{"limit": 500}, {"protection_level": "9"}, {"deployment": "moon"}])
def test_it_rejects_bad_filters(client_for, systems, supervisor, params):
    assert client_for(supervisor).get(URL, params).status_code == 422
