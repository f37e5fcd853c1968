"""Registering and editing an information system through its form."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import InformationSystem, Lifecycle, ServiceMatter
from core.models import AuditEntry

CREATE = reverse("catalog:system_create")


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {"name": "财政一体化系统", "protection_level": "3", "deployment": "gov_cloud", "on_gov_cloud": "on",
            "state": "running", "description": "预算、指标、支付一体化"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_registers_a_system_with_its_service_matters(client_for, cdo, units):
    matter = ServiceMatter.objects.create(code="320324-001", name="非税收入缴款", unit=units.finance)
    ServiceMatter.objects.create(code="320324-999", name="镇级事项", unit=units.township)
    client = client_for(cdo)
    page = client.get(CREATE).content.decode()
    assert "非税收入缴款" in page and "镇级事项" not in page
    response = client.post(CREATE, form_data(service_matters=[matter.pk]), follow=True)
    system = InformationSystem.objects.get()
    assert "已保存信息系统“财政一体化系统”" in response.content.decode()
    assert system.unit == units.finance and system.on_gov_cloud and list(system.service_matters.all()) == [matter]
    assert AuditEntry.objects.filter(action="catalog.system.create", object_id=str(system.pk)).exists()


def test_it_shows_rule_errors_on_the_field(client_for, cdo, units):
    client = client_for(cdo)
    response = client.post(CREATE, form_data(is_classified="on"))
    assert response.status_code == 400 and "涉密信息系统不得部署在政务云上" in response.content.decode()
    client.post(CREATE, form_data())
    response = client.post(CREATE, form_data())
    assert response.status_code == 400 and "本单位已登记名为“财政一体化系统”的系统" in response.content.decode()
    assert InformationSystem.objects.count() == 1


def test_it_sends_an_edited_published_system_back_to_review(client_for, cdo, admin, units):
    system = services.save_system(cdo, units.finance, name="财政一体化系统")
    services.transition(cdo, system, "submit")
    services.transition(admin, system, "approve")
    url = reverse("catalog:system_edit", args=[system.pk])
    client = client_for(cdo)
    assert "保存修改后将重新进入审核" in client.get(url).content.decode()
    client.post(url, form_data(protection_level="2"))
    system.refresh_from_db()
    assert system.protection_level == "2" and system.status == Lifecycle.PENDING
    assert client.get(url).status_code == 302  # under review: back to its page


def test_it_lets_the_admin_register_for_any_unit(client_for, admin, units):
    client_for(admin).post(CREATE, form_data(unit=units.township.pk))
    assert InformationSystem.objects.get().unit == units.township


@pytest.mark.parametrize("persona", ["editor", "outsider", "supervisor"])
def test_it_hides_the_form_from_people_who_do_not_keep_the_list(request, client_for, cdo, units, persona):
    system = services.save_system(cdo, units.finance, name="财政一体化系统")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 404
    assert client.get(reverse("catalog:system_edit", args=[system.pk])).status_code == 404
    assert client.post(reverse("catalog:system_edit", args=[system.pk]), form_data(name="改名")).status_code == 404
    system.refresh_from_db()
    assert system.name == "财政一体化系统"
