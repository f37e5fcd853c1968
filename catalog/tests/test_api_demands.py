"""GET/POST /api/v1/catalog/demands: list what the caller may see, file a demand."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog import demands
from catalog.models import Demand
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file, publish
from catalog.tests.factories import make_resource

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures

URL = "/api/v1/catalog/demands"
NEW = {"purpose": "办理户籍类事项时在线核验", "legal_basis": "国发〔2016〕51号"}


def _post(client, data):
    return client.post(URL, json.dumps(data), content_type="application/json")


def test_it_requires_a_session(client_for):
    assert client_for(None).get(URL).status_code == 401
    assert _post(client_for(None), NEW).status_code == 401


@pytest.fixture
def filed(officer, cdo, admin, resource, units):
    now = timezone.now()
    old = file(officer, units.data_center, resource, now=now - timedelta(days=40))
    answered = file(officer, units.data_center, resource, now=now - timedelta(hours=3))
    demands.answer_demand(cdo, answered, decision="agreed")
    township = file(admin, units.township, resource, now=now - timedelta(hours=1))
    return old, answered, township


def _ids(response) -> list[int]:
    return [d["id"] for d in response.json()["items"]]


def test_it_lists_the_demands_a_person_may_see(client_for, filed, cdo, officer, outsider, supervisor):
    old, answered, township = filed
    assert _ids(client_for(supervisor).get(URL)) == [township.pk, answered.pk, old.pk]
    assert _ids(client_for(cdo).get(URL, {"box": "todo"})) == [township.pk, answered.pk, old.pk]
    assert _ids(client_for(officer).get(URL, {"box": "mine"})) == [answered.pk, old.pk]
    assert _ids(client_for(officer).get(URL, {"box": "todo"})) == []
    assert _ids(client_for(outsider).get(URL)) == [township.pk]
    item = client_for(officer).get(URL).json()["items"][1]
    assert item["requester"] == "大数据中心" and item["provider"] == "财政局" and item["state"] == "submitted"
    assert item["overdue"] is True and item["answered_in_time"] is None and item["resource_code"] == "101/000001"


def test_it_filters_by_state_and_overdue(client_for, filed, supervisor):
    client = client_for(supervisor)
    assert _ids(client.get(URL, {"state": "agreed"})) == [filed[1].pk]
    assert _ids(client.get(URL, {"overdue": "true"})) == [filed[0].pk]
    assert client.get(URL, {"limit": 1}).json()["count"] == 3


@pytest.mark.parametrize("params", [{"box": "others"}, {"state": "lost"}, {"limit": 101}])
def test_it_rejects_bad_filters(client_for, filed, supervisor, params):
    assert client_for(supervisor).get(URL, params).status_code == 422


def test_it_files_a_cataloged_demand(client_for, officer, resource, units):
    response = _post(client_for(officer), {**NEW, "resource_id": resource.pk, "wanted_items": "姓名"})
    assert response.status_code == 201
    body = response.json()
    assert body["provider_id"] == units.finance.pk and body["requester_id"] == units.data_center.pk
    assert body["wanted_name"] == "人口基础信息" and body["state_label"] == "待答复"
    assert body["answer_due"] and body["answer_due_provisional"] in (True, False)
    assert Demand.objects.get().submitted_by == officer


def test_it_files_an_uncataloged_demand(client_for, officer, units):
    response = _post(client_for(officer), {**NEW, "provider_id": units.finance.pk, "wanted_name": "村集体收入"})
    assert response.status_code == 201 and response.json()["resource_id"] is None


@pytest.mark.parametrize(("data", "status", "detail"), [
    ({"provider_id": 999999, "wanted_name": "x"}, 400, "单位不存在"),
    ({}, 400, "请选择提供单位或所需资源"),
    ({"provider_id": "self", "wanted_name": "x"}, 422, "请求参数有误"),
])
def test_it_explains_what_is_wrong(client_for, officer, units, data, status, detail):
    data = {**NEW, **data}
    if data.get("provider_id") == "self":
        data["provider_id"] = units.data_center.pk
        status, detail = 400, "不能向本单位提出数据需求"
    response = _post(client_for(officer), data)
    assert response.status_code == status and detail in response.json()["detail"]


def test_it_refuses_resources_that_cannot_be_asked_for(client_for, officer, cdo, admin, units):
    closed = publish(cdo, admin, units.finance, name="政府债务信息", sharing_type="none", sharing_condition="",
                     sharing_basis="《预算法》", open_type="none", sharing_medium="")
    response = _post(client_for(officer), {**NEW, "resource_id": closed.pk})
    assert response.status_code == 400 and response.json()["field"] == "resource_id"
    draft = make_resource(cdo, units.finance, name="会计人员信息")
    response = _post(client_for(officer), {**NEW, "resource_id": draft.pk})
    assert response.status_code == 404 and response.json()["detail"] == "数据资源不存在"


@pytest.mark.parametrize(("change", "field"), [
    ({"purpose": ""}, "purpose"), ({"purpose": "用" * 501}, "purpose"), ({"legal_basis": "依" * 501}, "legal_basis"),
    ({"wanted_name": "名" * 129}, "wanted_name"), ({"wanted_items": "项" * 501}, "wanted_items"),
    ({"medium": "fax"}, "medium"), ({"resource_id": "abc"}, "resource_id"),
])
def test_it_bounds_every_field(client_for, officer, resource, change, field):
    response = _post(client_for(officer), {**NEW, "resource_id": resource.pk, **change})
    assert response.status_code == 422 and field in [e["field"] for e in response.json()["errors"]]
    assert not Demand.objects.exists()


def test_it_refuses_a_person_without_a_unit(client_for, make_person, resource):
    nobody = make_person("nobody", "无单位", None)
    response = _post(client_for(nobody), {**NEW, "resource_id": resource.pk})
    assert response.status_code == 400 and "不属于任何单位" in response.json()["detail"]
