"""Registering and editing a resource through its form: the code, the 信息项, systems and errors on the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import DataResource, Lifecycle
from catalog.tests.factories import category, make_resource
from core.models import AuditEntry

CREATE = reverse("catalog:resource_create")


def form_data(items: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": category("101").pk, "name": "人口基础信息", "summary": "全县户籍人口的基础信息",
        "format_class": "3", "format_type": "MySQL", "sharing_type": "conditional",
        "sharing_condition": "用于政务服务办理", "sharing_basis": "", "sharing_channel": "platform",
        "sharing_medium": "api", "open_type": "none", "open_condition": "", "opened_on": "",
        "update_cycle": "monthly", "last_updated_on": "", "grade": "important",
        "related_codes_text": "", "storage_total_gb": "1.5", "record_total": "1000", "shared_storage_gb": "0",
        "shared_records": "0", "opened_storage_gb": "0", "opened_records": "0",
    }
    items = items if items is not None else [
        {"name": "姓名", "data_type": "C", "length": "50", "is_sensitive": "on", "required": "on"},
        {"name": "公民身份号码", "data_type": "C", "length": "18", "is_sensitive": "on", "unique": "on",
         "validity": "resident_id"},
    ]
    # a browser posts every select's value, and the page ends with one blank row
    rows = [{"data_type": "C", **item} for item in [*items, {}]]
    data.update({"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0",
                 "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "500"})
    for n, item in enumerate(rows):
        data.update({f"items-{n}-{key}": value for key, value in item.items()})
    data.update(overrides)
    return data


def _field_errors(response, field: str) -> list[str]:
    """The error list rendered right after the field with this name."""
    html = response.content.decode()
    start = html.find(f'name="{field}"')
    assert start >= 0, f"no field {field}"
    rest = html[start:]
    end = min(i for i in (rest.find('<div class="field', 1), len(rest)) if i >= 0)
    errors = re.search(r'<ul class="errorlist">(.*?)</ul>', rest[:end], re.S)
    return re.findall(r"<li>(.*?)</li>", errors.group(1)) if errors else []


def test_it_registers_a_resource_with_items_and_shows_its_code(client_for, cdo, units):
    response = client_for(cdo).post(CREATE, form_data(), follow=True)
    resource = DataResource.objects.get()
    assert response.redirect_chain[-1][0] == reverse("catalog:resource_detail", args=[resource.pk])
    assert "已新建数据资源“人口基础信息”，信息资源代码 101/000001" in response.content.decode()
    assert resource.unit == units.finance and resource.status == Lifecycle.DRAFT
    assert [i.name for i in resource.items.all()] == ["姓名", "公民身份号码"]
    assert resource.items.get(name="公民身份号码").validity == "resident_id"
    assert AuditEntry.objects.filter(action="catalog.resource.create", object_id=str(resource.pk)).exists()


def test_it_lets_the_admin_register_for_any_unit(client_for, admin, units):
    client = client_for(admin)
    assert 'name="unit"' in client.get(CREATE).content.decode()
    client.post(CREATE, form_data(unit=units.township.pk))
    assert DataResource.objects.get().unit == units.township


def test_it_shows_a_missing_sharing_condition_on_its_field(client_for, cdo):
    response = client_for(cdo).post(CREATE, form_data(sharing_condition=""))
    assert response.status_code == 400
    assert _field_errors(response, "sharing_condition") == ["有条件共享的资源必须写明共享条件"]
    assert not DataResource.objects.exists()


def test_it_refuses_core_data_opened_without_conditions_on_the_open_field(client_for, cdo):
    response = client_for(cdo).post(CREATE, form_data(grade="core", open_type="unconditional"))
    assert response.status_code == 400
    assert _field_errors(response, "open_type") == ["核心数据不能无条件开放（GB/T 43697）"]
    assert _field_errors(response, "grade") == []


def test_it_puts_item_rules_above_the_items(client_for, cdo):
    response = client_for(cdo).post(CREATE, form_data(items=[
        {"name": "姓名", "data_type": "C", "is_sensitive": "on", "open_type": "unconditional"}]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="items-errors"><ul class="errorlist"><li>信息项“姓名”为敏感信息，不能无条件开放</li>' in html
    response = client_for(cdo).post(CREATE, form_data(items=[{"name": "姓名"}, {"name": "姓名"}]))
    assert "信息项“姓名”重复" in response.content.decode()
    assert not DataResource.objects.exists()


def test_it_reports_form_level_errors_on_the_field(client_for, cdo):
    response = client_for(cdo).post(CREATE, form_data(name="", sharing_type="sometimes",
                                                      items=[{"name": "长度有误", "length": "-3"}]))
    assert response.status_code == 400
    assert _field_errors(response, "name")
    assert _field_errors(response, "sharing_type")
    assert _field_errors(response, "items-0-length")


def test_it_edits_a_draft_and_replaces_its_items(client_for, cdo, units):
    resource = make_resource(cdo, units.finance)
    client = client_for(cdo)
    url = reverse("catalog:resource_edit", args=[resource.pk])
    page = client.get(url).content.decode()
    assert 'value="公民身份号码"' in page and 'name="items-3-name"' in page  # three items and a blank row
    response = client.post(url, form_data(name="人口基础信息（更新）", items=[{"name": "姓名", "data_type": "C"}]))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.name == "人口基础信息（更新）" and [i.name for i in resource.items.all()] == ["姓名"]
    assert resource.code == "101/000001"
    assert AuditEntry.objects.filter(action="catalog.resource.update", object_id=str(resource.pk)).exists()


def test_it_reallocates_the_code_when_a_draft_changes_category(client_for, cdo, units):
    resource = make_resource(cdo, units.finance)
    client_for(cdo).post(reverse("catalog:resource_edit", args=[resource.pk]),
                         form_data(category=category("102").pk))
    resource.refresh_from_db()
    assert resource.code == "102/000001"


def test_it_sends_an_edited_published_resource_back_to_review(client_for, admin, cdo, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin)
    client = client_for(cdo)
    url = reverse("catalog:resource_edit", args=[resource.pk])
    assert "保存修改后将重新进入审核" in client.get(url).content.decode()
    response = client.post(url, form_data(summary="全县户籍及流动人口"), follow=True)
    assert "已重新提交审核" in response.content.decode()
    resource.refresh_from_db()
    assert resource.status == Lifecycle.PENDING and resource.code == "101/000001"
    response = client.post(url, form_data(category=category("102").pk))
    assert response.status_code == 302  # pending: back to the page, nothing changed
    resource.refresh_from_db()
    assert resource.category.code == "101"


def test_it_refuses_a_new_category_for_a_published_resource_on_the_field(client_for, admin, cdo, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin)
    response = client_for(admin).post(reverse("catalog:resource_edit", args=[resource.pk]),
                                      form_data(category=category("102").pk))
    assert _field_errors(response, "category") == ["已发布过的资源不能更改分类（代码发布后不变）"]


def test_it_links_the_units_systems(client_for, cdo, outsider, units):
    own = services.save_system(cdo, units.finance, name="财政一体化系统")
    services.save_system(cdo, units.finance, name="非税收入系统")
    client = client_for(cdo)
    page = client.get(CREATE).content.decode()
    assert "财政一体化系统" in page and "非税收入系统" in page
    client.post(CREATE, form_data(systems=[own.pk]))
    resource = DataResource.objects.get()
    assert list(resource.systems.all()) == [own]
    assert AuditEntry.objects.filter(action="catalog.resource.link_systems").count() == 1
    client.post(reverse("catalog:resource_edit", args=[resource.pk]), form_data(systems=[]))
    assert not resource.systems.exists()


def test_it_refuses_another_units_system(client_for, admin, cdo, units, make_person):
    from core.models import Role

    keeper = make_person("township_cdo", "钱镇数据", units.township, Role.CDO)
    theirs = services.save_system(keeper, units.township, name="镇综治系统")
    services.save_system(cdo, units.finance, name="财政一体化系统")
    response = client_for(cdo).post(CREATE, form_data(systems=[theirs.pk]))
    assert response.status_code == 400 and _field_errors(response, "systems")
    response = client_for(admin).post(CREATE, form_data(unit=units.finance.pk, systems=[theirs.pk]))
    assert _field_errors(response, "systems") == ["只能关联提供方自己的信息系统"]
    assert not DataResource.objects.exists()


def test_it_offers_only_the_general_levels_the_county_uses(client_for, admin, cdo):
    services.update_settings(admin, general_levels=2)
    page = client_for(cdo).get(CREATE).content.decode()
    assert 'value="general_2"' in page and 'value="general_3"' not in page


@pytest.mark.parametrize("persona", ["editor", "outsider", "supervisor"])
def test_it_hides_the_form_from_people_who_do_not_keep_the_list(request, client_for, cdo, units, persona):
    resource = make_resource(cdo, units.finance)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, form_data()).status_code == 404
    assert client.get(reverse("catalog:resource_edit", args=[resource.pk])).status_code == 404
    assert client.post(reverse("catalog:resource_edit", args=[resource.pk]), form_data()).status_code == 404
    assert DataResource.objects.count() == 1


def test_it_links_the_service_matters_the_resource_serves(client_for, cdo, admin, units):
    from catalog.models import ServiceMatter

    own = ServiceMatter.objects.create(code="320324-001", name="非税收入缴款", unit=units.finance)
    ServiceMatter.objects.create(code="320324-999", name="镇级事项", unit=units.township)
    client = client_for(cdo)
    page = client.get(CREATE).content.decode()
    assert "非税收入缴款" in page and "镇级事项" not in page
    client.post(CREATE, form_data(service_matters=[own.pk]))
    resource = DataResource.objects.get()
    assert list(resource.service_matters.all()) == [own]
    assert AuditEntry.objects.filter(action="catalog.resource.link_matters").count() == 1
    edit = reverse("catalog:resource_edit", args=[resource.pk])
    assert re.search(rf'<input[^>]*name="service_matters" value="{own.pk}"[^>]*checked',
                     client.get(edit).content.decode())
    client.post(edit, form_data())
    assert not resource.service_matters.exists()
    assert 'name="service_matters"' not in client_for(admin).get(CREATE).content.decode()  # unit not chosen yet
