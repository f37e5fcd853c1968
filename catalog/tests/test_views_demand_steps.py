"""POST /catalog/demands/<pk>/answer|deliver|rate|withdraw/: one route per step, errors in Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import demands
from catalog.models import DemandState, SharingEntry
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file
from core.models import AuditEntry

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures


@pytest.fixture
def demand(officer, resource, units):
    return file(officer, units.data_center, resource)


def _url(name: str, demand) -> str:
    return reverse(f"catalog:demand_{name}", args=[demand.pk])


@pytest.mark.parametrize("step", ["answer", "deliver", "rate", "withdraw"])
def test_it_only_accepts_post(client_for, demand, admin, step):
    assert client_for(admin).get(_url(step, demand)).status_code == 405


@pytest.mark.parametrize("step", ["answer", "deliver", "rate", "withdraw"])
def test_it_answers_404_to_an_outsider(client_for, demand, outsider, step):
    assert client_for(outsider).post(_url(step, demand), {"decision": "agreed"}).status_code == 404
    demand.refresh_from_db()
    assert demand.state == DemandState.SUBMITTED


def test_it_records_the_answer(client_for, demand, cdo):
    client = client_for(cdo)
    response = client.post(_url("answer", demand), {"decision": "conditional", "conditions": "仅用于核验"})
    assert response.status_code == 302 and response["Location"] == reverse("catalog:demand_detail", args=[demand.pk])
    demand.refresh_from_db()
    assert demand.state == DemandState.CONDITIONAL and demand.conditions == "仅用于核验"
    assert demand.answered_by == cdo
    assert "已答复，需求单位会收到通知" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "decision", "请选择答复结果"),
    ({"decision": "maybe"}, "decision", "请选择答复结果"),
    ({"decision": "refused"}, "reason", "请填写不同意的理由"),
    ({"decision": "conditional"}, "conditions", "请填写共享条件"),
    ({"decision": "refused", "reason": "理" * 501}, "reason", "不能超过 500 字"),
])
def test_it_shows_answer_errors_on_the_form(client_for, demand, cdo, data, field, message):
    response = client_for(cdo).post(_url("answer", demand), data)
    assert response.status_code == 400
    form = response.context["forms"]["answer"]
    assert message in " ".join(form.errors[field])
    assert 'role="alert"' in response.content.decode()
    demand.refresh_from_db()
    assert demand.state == DemandState.SUBMITTED


def test_it_refuses_an_answer_from_the_requester(client_for, demand, officer):
    response = client_for(officer).post(_url("answer", demand), {"decision": "agreed"})
    assert response.status_code == 403
    assert "只有提供单位可以答复" in response.content.decode()


def test_it_refuses_a_second_answer(client_for, demand, cdo):
    demands.answer_demand(cdo, demand, decision="agreed")
    response = client_for(cdo).post(_url("answer", demand), {"decision": "refused", "reason": "改主意"})
    assert response.status_code == 409
    assert "该需求同意，不能再答复" in response.content.decode()


def test_it_records_the_delivery(client_for, demand, cdo, units):
    demands.answer_demand(cdo, demand, decision="agreed")
    assert client_for(cdo).post(_url("deliver", demand), {"note": ""}).status_code == 400
    response = client_for(cdo).post(_url("deliver", demand), {"note": "已开通接口"})
    assert response.status_code == 302
    entry = SharingEntry.objects.get()
    assert entry.consumer == units.data_center and entry.demand_id == demand.pk


def test_it_takes_the_rating(client_for, demand, cdo, officer):
    demands.answer_demand(cdo, demand, decision="agreed")
    demands.record_delivery(cdo, demand, note="已开通接口")
    bad = client_for(officer).post(_url("rate", demand), {"rating": "9"})
    assert bad.status_code == 400 and "评分应为 1 到 5 分" in bad.content.decode()
    assert client_for(officer).post(_url("rate", demand), {"rating": "4", "comment": "好"}).status_code == 302
    demand.refresh_from_db()
    assert (demand.rating, demand.rating_comment) == (4, "好")
    again = client_for(officer).post(_url("rate", demand), {"rating": "5"})
    assert again.status_code == 409 and "已经评价过" in again.content.decode()


def test_it_withdraws(client_for, demand, officer, cdo):
    assert client_for(cdo).post(_url("withdraw", demand)).status_code == 403
    assert client_for(officer).post(_url("withdraw", demand)).status_code == 302
    demand.refresh_from_db()
    assert demand.state == DemandState.WITHDRAWN
    assert AuditEntry.objects.filter(action="catalog.demand.withdraw").count() == 1
