"""A system's page: the inventory fields, linked 事项 and resources, lifecycle buttons by role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import Lifecycle, ServiceMatter
from catalog.tests.factories import make_resource
from core.models import AuditEntry


@pytest.fixture
def system(cdo, units):
    matter = ServiceMatter.objects.create(code="320324-001", name="非税收入缴款", unit=units.finance)
    system = services.save_system(cdo, units.finance, name="财政一体化系统", protection_level="3",
                                  deployment="gov_cloud", on_gov_cloud=True, service_matters=[matter])
    services.link_systems(cdo, make_resource(cdo, units.finance), [system])
    return system


def _url(system) -> str:
    return reverse("catalog:system_detail", args=[system.pk])


def test_it_shows_the_inventory_and_its_links(client_for, system, cdo):
    html = client_for(cdo).get(_url(system)).content.decode()
    assert "第三级" in html and "县政务云" in html and "泗洪县财政局" in html
    assert "关联政务服务事项（1）" in html and "非税收入缴款" in html
    assert "关联数据资源（1）" in html and "人口基础信息" in html
    assert 'value="submit"' in html and reverse("catalog:system_edit", args=[system.pk]) in html


def test_it_runs_the_lifecycle(client_for, system, cdo, admin):
    move = reverse("catalog:system_transition", args=[system.pk])
    client_for(cdo).post(move, {"action": "submit", "comment": ""})
    assert 'value="approve"' in client_for(admin).get(_url(system)).content.decode()
    client_for(admin).post(move, {"action": "approve", "comment": "同意"})
    response = client_for(admin).post(move, {"action": "offline", "comment": ""})
    assert response.status_code == 400 and "下线须填写原因" in response.content.decode()
    client_for(admin).post(move, {"action": "offline", "comment": "系统已停用"})
    system.refresh_from_db()
    assert system.status == Lifecycle.OFFLINE
    assert list(AuditEntry.objects.for_object(system).values_list("action", flat=True).order_by("id")) == [
        "catalog.system.create", "catalog.system.submit", "catalog.system.approve", "catalog.system.offline"]
    assert "系统已停用" in client_for(cdo).get(_url(system)).content.decode()


def test_it_hides_a_draft_from_other_units_and_buttons_from_readers(client_for, system, cdo, admin, editor,
                                                                    outsider):
    assert client_for(outsider).get(_url(system)).status_code == 404
    assert 'value="submit"' not in client_for(editor).get(_url(system)).content.decode()
    services.transition(cdo, system, "submit")
    services.transition(admin, system, "approve")
    html = client_for(outsider).get(_url(system)).content.decode()
    assert "财政一体化系统" in html and 'value="offline"' not in html
