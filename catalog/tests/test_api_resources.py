"""GET/POST /api/v1/catalog/resources and GET /api/v1/catalog/resources/{id}."""

from __future__ import annotations

import json

import pytest

from catalog.models import DataResource, Lifecycle
from catalog.tests.factories import category, make_resource

URL = "/api/v1/catalog/resources"


def _post(client, data):
    return client.post(URL, json.dumps(data), content_type="application/json")


@pytest.fixture
def ledger(cdo, admin, units):
    """Two published resources of 财政局, one draft of 财政局, one published of 双沟镇."""
    population = make_resource(cdo, units.finance, publish=True, admin=admin)
    budget = make_resource(cdo, units.finance, publish=True, admin=admin, name="财政预算执行信息",
                           category=category("301"), sharing_type="unconditional", sharing_condition="",
                           open_type="unconditional", grade="general_1", items=[{"name": "预算单位"}])
    draft = make_resource(cdo, units.finance, name="会计人员信息")
    village = make_resource(admin, units.township, publish=True, admin=admin, name="村居基本情况",
                            category=category("302"))
    return population, budget, draft, village


def _codes(response) -> list[str]:
    return [r["code"] for r in response.json()["items"]]


def test_it_requires_a_session(client_for):
    assert client_for(None).get(URL).status_code == 401


def test_it_lists_what_the_caller_may_see(client_for, ledger, cdo, outsider, supervisor):
    population, budget, draft, village = ledger
    mine = client_for(cdo).get(URL).json()
    assert mine["count"] == 4 and [r["name"] for r in mine["items"]][0] == "人口基础信息"
    assert _codes(client_for(outsider).get(URL)) == [population.code, budget.code, village.code]
    assert client_for(supervisor).get(URL).json()["count"] == 4
    first = mine["items"][0]
    assert first["unit"] == "财政局" and first["category_name"] == "人口" and first["status_label"] == "已发布"
    assert first["sharing_type"] == "conditional" and first["grade"] == "important"


def test_it_filters(client_for, ledger, supervisor, units):
    population, budget, draft, village = ledger
    client = client_for(supervisor)
    assert _codes(client.get(URL, {"unit": units.township.pk})) == [village.code]
    assert _codes(client.get(URL, {"category": "3"})) == [budget.code, village.code]
    assert _codes(client.get(URL, {"category": "101"})) == [population.code, draft.code]
    assert _codes(client.get(URL, {"sharing_type": "unconditional"})) == [budget.code]
    assert _codes(client.get(URL, {"open_type": "unconditional", "grade": "general_1"})) == [budget.code]
    assert _codes(client.get(URL, {"status": "draft"})) == [draft.code]
    assert _codes(client.get(URL, {"q": "预算"})) == [budget.code]
    assert _codes(client.get(URL, {"q": "公民身份号码"})) == [population.code, draft.code, village.code]


@pytest.mark.parametrize("params", [
    {"limit": 101}, {"limit": 0}, {"offset": -1}, {"sharing_type": "sometimes"}, {"category": "1a"},
    {"q": "查" * 61}, {"status": "deleted"},
])
def test_it_rejects_bad_filters_in_chinese(client_for, ledger, supervisor, params):
    response = client_for(supervisor).get(URL, params)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求参数有误")


def test_it_paginates(client_for, ledger, supervisor):
    page = client_for(supervisor).get(URL, {"limit": 3, "offset": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2


def test_it_shows_one_resource_with_its_items(client_for, ledger, outsider):
    population = ledger[0]
    body = client_for(outsider).get(f"{URL}/{population.pk}").json()
    assert body["code"] == population.code and body["summary"] == "全县户籍人口的基础信息"
    assert [i["name"] for i in body["items"]] == ["姓名", "公民身份号码", "户籍地址"]
    assert body["items"][1] == {"name": "公民身份号码", "data_type": "C", "length": 18, "is_sensitive": True,
                                "sharing_type": "conditional", "open_type": "none", "required": False,
                                "unique": True, "validity": "resident_id", "description": ""}
    assert body["systems"] == [] and body["service_matters"] == []


def test_it_answers_404_for_a_draft_of_another_unit(client_for, ledger, outsider, cdo):
    draft = ledger[2]
    response = client_for(outsider).get(f"{URL}/{draft.pk}")
    assert response.status_code == 404 and response.json() == {"detail": "数据资源不存在"}
    assert client_for(cdo).get(f"{URL}/{draft.pk}").status_code == 200
    assert client_for(cdo).get(f"{URL}/999999").status_code == 404


# ---- creating ------------------------------------------------------------------------------------

NEW = {
    "category": "102", "name": "法人基础信息", "summary": "全县法人单位的登记信息", "format_class": "3",
    "format_type": "MySQL", "sharing_type": "unconditional", "sharing_medium": "api", "open_type": "unconditional",
    "update_cycle": "daily", "grade": "general_2",
    "items": [{"name": "统一社会信用代码", "length": 18, "unique": True, "validity": "credit_code"},
              {"name": "法定代表人", "is_sensitive": True, "open_type": "none"}],
}


def test_it_creates_a_draft_with_items(client_for, cdo, units):
    response = _post(client_for(cdo), NEW)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "102/000001" and body["status"] == Lifecycle.DRAFT and body["unit"] == "财政局"
    assert [i["name"] for i in body["items"]] == ["统一社会信用代码", "法定代表人"]
    assert body["items"][1]["open_type"] == "none" and body["items"][0]["open_type"] == "unconditional"
    resource = DataResource.objects.get()
    assert resource.created_by == cdo and resource.items.get(name="统一社会信用代码").validity == "credit_code"


def test_it_lets_the_admin_create_for_another_unit(client_for, admin, units):
    response = _post(client_for(admin), {**NEW, "unit_id": units.township.pk})
    assert response.status_code == 201 and response.json()["unit"] == "双沟镇"


@pytest.mark.parametrize(("change", "status", "field", "fragment"), [
    ({"sharing_type": "conditional"}, 400, "sharing_condition", "共享条件"),
    ({"grade": "core"}, 400, "open_type", "核心数据不能无条件开放"),
    ({"items": [{"name": "姓名", "is_sensitive": True}]}, 400, "items", "敏感信息"),
    ({"category": "999"}, 400, "category", "资源分类 999 不存在"),
    ({"unit_id": 999999}, 400, "unit_id", "单位不存在"),
])
def test_it_maps_rule_violations_to_400_on_the_field(client_for, cdo, change, status, field, fragment):
    response = _post(client_for(cdo), {**NEW, **change})
    assert response.status_code == status
    body = response.json()
    assert body["field"] == field and fragment in body["detail"]
    assert not DataResource.objects.exists()


def test_it_answers_403_to_a_person_who_does_not_keep_the_list(client_for, editor, cdo, units):
    response = _post(client_for(editor), NEW)
    assert response.status_code == 403 and "首席数据官" in response.json()["detail"]
    assert _post(client_for(cdo), {**NEW, "unit_id": units.township.pk}).status_code == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"name": ""}, "name"),
    ({"name": "名" * 129}, "name"),
    ({"summary": "摘" * 256}, "summary"),
    ({"sharing_type": "sometimes"}, "sharing_type"),
    ({"items": [{"name": "x", "data_type": "Z"}]}, "items.0.data_type"),
    ({"items": [{"name": "x" * 81}]}, "items.0.name"),
    ({"sharing_condition": "条" * 301}, "sharing_condition"),
    ({"related_codes": ["101/000001"] * 51}, "related_codes"),
])
def test_it_bounds_every_field(client_for, cdo, change, field):
    response = _post(client_for(cdo), {**NEW, **change})
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_it_refuses_a_body_that_is_not_json(client_for, cdo):
    response = client_for(cdo).post(URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422) and "JSON" in response.json()["detail"]


def test_it_is_described_in_the_openapi_document(client_for, cdo):
    paths = client_for(cdo).get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/catalog/resources", "/api/v1/catalog/demands/{demand_id}/answer",
            "/api/v1/catalog/indicators"} <= set(paths)
