"""GET/POST /catalog/demands/new/: a unit member files a demand for a cataloged or an uncataloged dataset."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Demand, DemandState
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import publish
from core.models import AuditEntry

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures

URL = reverse("catalog:demand_create")
FORM = {"purpose": "办理户籍类事项时在线核验", "legal_basis": "国发〔2016〕51号", "medium": "api",
        "wanted_items": "姓名、公民身份号码"}


def test_it_requires_login(client_for):
    assert client_for(None).get(URL).status_code == 302


def test_it_offers_other_units_requestable_resources(client_for, officer, resource, cdo, admin, units):
    publish(admin, admin, units.data_center, name="本单位资源")
    publish(cdo, admin, units.finance, name="政府债务信息", sharing_type="none", sharing_condition="",
            sharing_basis="《预算法》", open_type="none", sharing_medium="")
    response = client_for(officer).get(URL)
    assert response.status_code == 200
    choices = response.context["form"].fields["resource"].choices
    assert choices[0] == ("", "不选：申请目录中没有的数据")
    assert choices[1:] == [("财政局", [(resource.pk, f"人口基础信息（{resource.code}）")])]
    providers = list(response.context["form"].fields["provider"].queryset)
    assert units.data_center not in providers and units.finance in providers
    assert "以大数据中心的名义" in response.content.decode()


def test_it_preselects_a_resource_from_the_catalog(client_for, officer, resource):
    response = client_for(officer).get(URL, {"resource": resource.pk})
    assert response.context["form"].initial["resource"] == resource.pk
    assert f'<option value="{resource.pk}" selected>' in response.content.decode()


def test_it_explains_why_a_preselected_resource_cannot_be_asked_for(client_for, cdo, resource):
    response = client_for(cdo).get(URL, {"resource": resource.pk})  # 财政局's own resource
    assert "resource" not in response.context["form"].initial
    assert "“人口基础信息”不能申请" in response.content.decode()


def test_it_answers_404_for_a_resource_the_person_cannot_see(client_for, officer, cdo, units):
    from catalog.tests.factories import make_resource

    draft = make_resource(cdo, units.finance)
    assert client_for(officer).get(URL, {"resource": draft.pk}).status_code == 404


def test_it_files_a_cataloged_demand(client_for, officer, resource, units):
    client = client_for(officer)
    response = client.post(URL, {**FORM, "resource": resource.pk})
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("catalog:demand_detail", args=[demand.pk])
    assert (demand.requester, demand.provider, demand.resource) == (units.data_center, units.finance, resource)
    assert demand.state == DemandState.SUBMITTED and demand.wanted_items == "姓名、公民身份号码"
    assert AuditEntry.objects.filter(action="catalog.demand.file").count() == 1
    page = client.get(response["Location"])
    assert "已向财政局提出数据需求，答复期限为" in page.content.decode()


def test_it_files_an_uncataloged_demand(client_for, officer, units):
    response = client_for(officer).post(URL, {**FORM, "wanted_name": "村级集体经济收入数据",
                                              "provider": units.finance.pk})
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.resource is None and demand.provider == units.finance
    assert demand.wanted_name == "村级集体经济收入数据"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"purpose": ""}, "purpose", "请填写用途"),
    ({"legal_basis": ""}, "legal_basis", "请填写依据"),
    ({"purpose": "用" * 501}, "purpose", "用途不能超过 500 字"),
    ({"provider": ""}, "provider", "请选择提供单位或所需资源"),
    ({"wanted_name": ""}, "wanted_name", "请填写所需数据"),
    ({"resource": "999999"}, "resource", "所选资源不可申请"),
    ({"provider": "999999"}, "provider", "所选单位不存在"),
    ({"medium": "fax"}, "medium", "fax"),
])
def test_it_shows_errors_on_the_field(client_for, officer, units, data, field, message):
    posted = {**FORM, "wanted_name": "村级集体经济收入数据", "provider": units.finance.pk, **data}
    response = client_for(officer).post(URL, posted)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert "提交未成功" in response.content.decode()
    assert not Demand.objects.exists()


def test_it_refuses_a_demand_on_the_own_unit(client_for, officer, units):
    response = client_for(officer).post(URL, {**FORM, "wanted_name": "x", "provider": units.data_center.pk})
    assert response.status_code == 400  # 本单位 is not offered as a provider
    assert "provider" in response.context["form"].errors


def test_it_answers_404_to_a_person_without_a_unit(client_for, make_person):
    nobody = make_person("nobody", "无单位", None)
    assert client_for(nobody).get(URL).status_code == 404
