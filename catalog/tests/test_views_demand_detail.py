"""GET /catalog/demands/<pk>/: the record, its timeline, and the step each person may take."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import demands
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file, tz

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures

@pytest.fixture
def demand(officer, resource, units):
    return file(officer, units.data_center, resource, wanted_items="姓名、户籍地址", now=tz(2026, 3, 2, 10, 0))


def _url(demand) -> str:
    return reverse("catalog:demand_detail", args=[demand.pk])


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("supervisor", 200), ("cdo", 200), ("editor", 200), ("officer", 200), ("outsider", 404),
])
def test_it_follows_the_permission_matrix(request, client_for, demand, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(_url(demand)).status_code == status


def test_it_answers_404_for_a_missing_demand(client_for, admin):
    assert client_for(admin).get(reverse("catalog:demand_detail", args=[999999])).status_code == 404


def test_it_shows_the_record_and_the_answer_form_to_the_provider(client_for, demand, cdo):
    response = client_for(cdo).get(_url(demand))
    html = response.content.decode()
    assert list(response.context["forms"]) == ["answer"]
    assert "数据需求：人口基础信息" in html and "姓名、户籍地址" in html
    assert "2026年3月9日 17:30" in html and "等待财政局答复" in html and "（已逾期）" in html
    assert f'action="/catalog/demands/{demand.pk}/answer/"' in html
    assert '<legend>答复<span aria-hidden="true" class="bad"> *</span></legend>' in html


def test_it_offers_the_requester_to_withdraw(client_for, demand, officer):
    response = client_for(officer).get(_url(demand))
    assert list(response.context["forms"]) == ["withdraw"]
    assert "撤回需求" in response.content.decode()


def test_it_offers_nothing_to_the_supervisor(client_for, demand, supervisor):
    assert client_for(supervisor).get(_url(demand)).context["forms"] == {}


def test_it_tells_the_story_in_order(client_for, demand, cdo, officer, admin):
    demands.escalate_overdue(now=tz(2026, 3, 10, 9, 0))
    demands.answer_demand(cdo, demand, decision="conditional", conditions="仅用于核验", now=tz(2026, 3, 11, 9, 0))
    demands.record_delivery(cdo, demand, note="已开通接口", now=tz(2026, 3, 12, 9, 0))
    demands.rate_demand(officer, demand, rating=4, comment="数据基本满足需要", now=tz(2026, 3, 13, 9, 0))
    response = client_for(officer).get(_url(demand))
    titles = [s.title for s in response.context["steps"]]
    assert titles == ["大数据中心提出需求", "逾期未办，已督办", "财政局答复：有条件同意（逾期答复）",
                      "财政局交付数据（按时交付）", "大数据中心评价：4 分"]
    assert [s.tone for s in response.context["steps"]] == ["", "bad", "bad", "ok", "ok"]
    html = response.content.decode()
    assert "已记入共享清单" in html and "数据基本满足需要" in html
    assert response.context["forms"] == {} and response.context["next_step"] == ""


def test_it_shows_a_refusal_and_asks_for_a_rating(client_for, demand, cdo, officer):
    demands.answer_demand(cdo, demand, decision="refused", reason="涉及个人隐私", now=tz(2026, 3, 3, 9, 0))
    response = client_for(officer).get(_url(demand))
    assert response.context["steps"][-1].title == "财政局答复：不同意（按时答复）"
    assert list(response.context["forms"]) == ["rate"]
    assert response.context["next_step"] == "等待大数据中心评价"
    assert "5 分：非常满意" in response.content.decode()


def test_it_shows_the_withdrawal(client_for, demand, officer):
    demands.withdraw_demand(officer, demand)
    response = client_for(officer).get(_url(demand))
    assert response.context["steps"][-1].title == "大数据中心撤回需求"
    assert response.context["forms"] == {}


def test_it_shows_an_uncataloged_demand(client_for, officer, units, cdo):
    demand = file(officer, units.data_center, provider=units.finance, wanted_name="村级集体经济收入数据")
    html = client_for(cdo).get(_url(demand)).content.decode()
    assert "目录外数据：村级集体经济收入数据" in html
