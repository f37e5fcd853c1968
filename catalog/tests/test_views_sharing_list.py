"""GET /catalog/sharing/: the 共享清单 as the provider, the consumer and county-wide roles see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import demands
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file, publish

URL = reverse("catalog:sharing_list")

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures


def _deliver(cdo, demand) -> None:
    demands.answer_demand(cdo, demand, decision="agreed")
    demands.record_delivery(cdo, demand, note="已开通接口")


@pytest.fixture
def shared(officer, cdo, admin, units, resource):
    """财政局 shares two resources with 大数据中心; the admin, for 双沟镇, shares one with 财政局."""
    second = publish(cdo, admin, units.finance, name="财政收支统计")
    for r in (resource, second):
        _deliver(cdo, file(officer, units.data_center, r))
    village = publish(admin, admin, units.township, name="村居基本情况")
    demand = file(cdo, units.finance, village)
    _deliver(admin, demand)
    return resource, second, village


def _resources(response) -> list[str]:
    return sorted(e.resource.name for e in response.context["page"])


def test_it_requires_login(client_for):
    assert client_for(None).get(URL).status_code == 302


@pytest.mark.parametrize(("persona", "seen"), [
    ("supervisor", ["人口基础信息", "村居基本情况", "财政收支统计"]),
    ("cdo", ["人口基础信息", "村居基本情况", "财政收支统计"]),  # provider of two, consumer of one
    ("officer", ["人口基础信息", "财政收支统计"]),  # consumer
    ("outsider", ["村居基本情况"]),  # 双沟镇 provides it
])
def test_it_shows_each_person_their_lines(request, client_for, shared, persona, seen):
    response = client_for(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200 and _resources(response) == seen


def test_it_shows_nothing_to_a_unit_outside_the_sharing(client_for, shared, make_person, units):
    stranger = make_person("stranger", "陌生人", units.outside)
    assert client_for(stranger).get(URL).context["page"].paginator.count == 0


def test_it_filters_by_unit_resource_and_state(client_for, shared, supervisor, units):
    client = client_for(supervisor)
    assert _resources(client.get(URL, {"unit": units.township.pk})) == ["村居基本情况"]
    assert _resources(client.get(URL, {"q": "收支"})) == ["财政收支统计"]
    assert _resources(client.get(URL, {"q": shared[0].code})) == ["人口基础信息"]
    assert _resources(client.get(URL, {"resource": shared[2].pk})) == ["村居基本情况"]
    assert _resources(client.get(URL, {"active": "0"})) == []
    assert len(_resources(client.get(URL, {"active": "1"}))) == 3


def test_it_links_each_line_to_its_demand(client_for, shared, officer):
    html = client_for(officer).get(URL).content.decode()
    assert "来源需求" in html and reverse("catalog:resource_detail", args=[shared[0].pk]) in html


def test_it_ignores_bad_filters(client_for, shared, supervisor):
    response = client_for(supervisor).get(URL, {"unit": "999999", "active": "maybe"})
    assert response.status_code == 200 and len(_resources(response)) == 3
    assert "unit" in response.context["form"].errors


def test_it_lists_with_a_fixed_number_of_queries(client_for, shared, supervisor, django_assert_max_num_queries):
    client = client_for(supervisor)
    with django_assert_max_num_queries(10):
        client.get(URL)
