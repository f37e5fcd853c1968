"""POST /api/v1/catalog/demands/{id}/answer, /deliver and /rate."""

from __future__ import annotations

import json

import pytest

from catalog import demands
from catalog.models import DemandState, SharingEntry
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures

@pytest.fixture
def demand(officer, resource, units):
    return file(officer, units.data_center, resource)


def _post(client, demand, step: str, data):
    return client.post(f"/api/v1/catalog/demands/{demand.pk}/{step}", json.dumps(data),
                       content_type="application/json")


def test_it_runs_the_whole_workflow(client_for, demand, cdo, officer, units):
    answered = _post(client_for(cdo), demand, "answer", {"decision": "conditional", "conditions": "仅用于核验"})
    assert answered.status_code == 200
    body = answered.json()
    assert body["state"] == "conditional" and body["answered_in_time"] is True and body["delivery_due"]
    delivered = _post(client_for(cdo), demand, "deliver", {"note": "已开通接口"})
    assert delivered.status_code == 200 and delivered.json()["state"] == DemandState.DELIVERED
    assert SharingEntry.objects.get().consumer == units.data_center
    rated = _post(client_for(officer), demand, "rate", {"rating": 5, "comment": "响应及时"})
    assert rated.status_code == 200 and rated.json()["rating"] == 5 and rated.json()["rating_comment"] == "响应及时"


@pytest.mark.parametrize("step", ["answer", "deliver", "rate"])
def test_it_answers_404_to_an_outsider(client_for, demand, outsider, step):
    body = {"decision": "agreed", "note": "x", "rating": 5}
    response = _post(client_for(outsider), demand, step, body)
    assert response.status_code == 404 and response.json()["detail"] == "数据需求不存在"


def test_it_answers_403_when_the_person_is_on_the_other_side(client_for, demand, officer, cdo):
    response = _post(client_for(officer), demand, "answer", {"decision": "agreed"})
    assert response.status_code == 403 and response.json()["detail"] == "只有提供单位可以答复"
    demands.answer_demand(cdo, demand, decision="agreed")
    assert _post(client_for(officer), demand, "deliver", {"note": "x"}).status_code == 403
    demands.record_delivery(cdo, demand, note="已开通")
    assert _post(client_for(cdo), demand, "rate", {"rating": 3}).status_code == 403


def test_it_answers_409_in_the_wrong_state(client_for, demand, cdo, officer):
    response = _post(client_for(cdo), demand, "deliver", {"note": "已开通"})
    assert response.status_code == 409 and response.json()["detail"] == "该需求待答复，不能登记交付"
    assert _post(client_for(officer), demand, "rate", {"rating": 4}).status_code == 409
    demands.answer_demand(cdo, demand, decision="agreed")
    assert _post(client_for(cdo), demand, "answer", {"decision": "agreed"}).status_code == 409


def test_it_answers_400_for_a_missing_reason(client_for, demand, cdo):
    response = _post(client_for(cdo), demand, "answer", {"decision": "refused"})
    assert response.status_code == 400 and response.json() == {"detail": "请填写不同意的理由", "field": "reason"}


@pytest.mark.parametrize(("step", "body", "field"), [
    ("answer", {"decision": "maybe"}, "decision"),
    ("answer", {"decision": "refused", "reason": "理" * 501}, "reason"),
    ("deliver", {"note": ""}, "note"),
    ("deliver", {"note": "交" * 501}, "note"),
    ("rate", {"rating": 0}, "rating"),
    ("rate", {"rating": 6}, "rating"),
    ("rate", {"rating": 5, "comment": "评" * 301}, "comment"),
])
def test_it_validates_each_body(client_for, demand, cdo, step, body, field):
    response = _post(client_for(cdo), demand, step, body)
    assert response.status_code == 422 and field in [e["field"] for e in response.json()["errors"]]
