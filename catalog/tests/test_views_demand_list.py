"""GET /catalog/demands/: the unit's two boxes, everything for county-wide roles, filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import demands
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file

URL = reverse("catalog:demand_list")

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures


@pytest.fixture
def filed(officer, cdo, admin, units, resource):
    """Three demands on 财政局: one open and overdue, one answered, one the township made."""
    now = timezone.now()
    overdue = file(officer, units.data_center, resource, now=now - timedelta(days=60))
    answered = file(officer, units.data_center, resource, wanted_items="姓名", now=now - timedelta(hours=2))
    demands.answer_demand(cdo, answered, decision="agreed", now=now - timedelta(hours=1))
    township = file(admin, units.township, resource, now=now - timedelta(minutes=30))
    return overdue, answered, township


def test_it_requires_login(client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_shows_the_providers_box_first(client_for, cdo, filed):
    response = client_for(cdo).get(URL)
    assert response.status_code == 200
    assert response.context["box"] == "todo"
    assert [d.pk for d, _ in response.context["rows"]] == [filed[2].pk, filed[1].pk, filed[0].pk]
    assert [t[0] for t in response.context["tabs"]] == ["todo", "mine"]
    assert response.context["awaiting"] == 2
    html = response.content.decode()
    assert "需要我单位答复的（待答复 2）" in html and "全部需求" not in html
    assert '<span class="badge bad">逾期</span>' in html and "按时答复" in html


def test_it_shows_what_the_unit_asked_for(client_for, officer, filed):
    response = client_for(officer).get(URL, {"box": "mine"})
    assert [d.pk for d, _ in response.context["rows"]] == [filed[1].pk, filed[0].pk]
    assert client_for(officer).get(URL, {"box": "todo"}).context["rows"] == []


def test_it_shows_everything_to_county_wide_roles(client_for, supervisor, filed):
    response = client_for(supervisor).get(URL)
    assert response.context["box"] == "all" and len(response.context["rows"]) == 3
    assert "全部需求" in response.content.decode()


def test_it_ignores_a_box_the_person_does_not_have(client_for, cdo, filed):
    assert client_for(cdo).get(URL, {"box": "all"}).context["box"] == "todo"


def test_it_shows_a_unit_only_its_own_demands(client_for, outsider, filed):
    response = client_for(outsider).get(URL)
    assert response.status_code == 200 and response.context["rows"] == []
    mine = client_for(outsider).get(URL, {"box": "mine"}).context["rows"]
    assert [(d.pk, late) for d, late in mine] == [(filed[2].pk, False)]  # 双沟镇's own; nothing 大数据中心 asked


def test_it_filters_by_state_overdue_and_name(client_for, supervisor, filed):
    client = client_for(supervisor)
    assert [d.pk for d, _ in client.get(URL, {"state": "agreed"}).context["rows"]] == [filed[1].pk]
    overdue = client.get(URL, {"overdue": "on"}).context["rows"]
    assert [(d.pk, late) for d, late in overdue] == [(filed[0].pk, True)]
    assert len(client.get(URL, {"q": "人口"}).context["rows"]) == 3
    assert client.get(URL, {"q": "不存在的数据"}).context["rows"] == []


def test_it_ignores_a_bad_filter_value(client_for, supervisor, filed):
    response = client_for(supervisor).get(URL, {"state": "finished"})
    assert response.status_code == 200 and len(response.context["rows"]) == 3
    assert "state" in response.context["form"].errors


def test_it_lists_with_a_fixed_number_of_queries(client_for, supervisor, officer, resource, units,
                                                 django_assert_max_num_queries):
    for n in range(12):
        file(officer, units.data_center, resource, wanted_items=f"第{n}项")
    client = client_for(supervisor)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["rows"]) == 12


def test_it_pages_long_lists(client_for, supervisor, officer, resource, units):
    for _ in range(31):
        file(officer, units.data_center, resource)
    page2 = client_for(supervisor).get(URL, {"page": 2, "box": "all"})
    assert len(page2.context["rows"]) == 1 and "第 2 / 2 页" in page2.content.decode()
