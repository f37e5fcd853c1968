"""GET /catalog/demands/scores/: each provider's answers, timeliness and ratings (county-wide roles)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import demands
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file

URL = reverse("catalog:demand_scores")

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("supervisor", 200), ("cdo", 404), ("outsider", 404),
])
def test_it_is_for_county_wide_roles(request, client_for, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == status


def test_it_shows_each_provider(client_for, supervisor, officer, cdo, resource, units):
    demand = file(officer, units.data_center, resource)
    demands.answer_demand(cdo, demand, decision="agreed")
    demands.record_delivery(cdo, demand, note="已开通")
    demands.rate_demand(officer, demand, rating=4)
    file(officer, units.data_center, resource)
    response = client_for(supervisor).get(URL)
    [score] = response.context["scores"]
    assert (score.unit, score.received, score.answered, score.on_time_rate, score.average_rating) == (
        units.finance, 2, 1, 100.0, 4.0)
    html = response.content.decode()
    assert '<th scope="row" data-label="提供单位">财政局</th>' in html and "100.0%" in html and "4.0 分" in html


def test_it_says_when_there_is_nothing_yet(client_for, admin):
    assert "尚无数据需求" in client_for(admin).get(URL).content.decode()
