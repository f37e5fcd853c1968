"""The admin's catalog settings page: answer limits, deadlines and grading levels, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import CatalogSettings
from catalog.tests.factories import make_resource
from core.models import AuditEntry

URL = reverse("catalog:settings")


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {"answer_days_unconditional": 2, "answer_days_conditional": 5, "answer_days_uncataloged": 10,
            "delivery_days": 5, "rectify_days": 10, "stale_grace_days": 3, "general_levels": 4}
    data.update(overrides)
    return data


def test_it_shows_the_defaults_before_anything_was_saved(client_for, admin):
    html = client_for(admin).get(URL).content.decode()
    assert 'name="answer_days_conditional" value="5"' in html and "一直使用默认设置" in html


def test_it_saves_and_audits_a_change(client_for, admin):
    client = client_for(admin)
    response = client.post(URL, form_data(answer_days_conditional=7, stale_grace_days=5), follow=True)
    assert "已保存目录设置" in response.content.decode()
    current = CatalogSettings.current()
    assert (current.answer_days_conditional, current.stale_grace_days) == (7, 5)
    entry = AuditEntry.objects.get(action="catalog.settings.update")
    assert entry.before["answer_days_conditional"] == 5 and entry.after["answer_days_conditional"] == 7
    assert "有条件共享答复时限（工作日） 5 → 7" in response.content.decode()


def test_it_shows_bad_values_on_the_field(client_for, admin):
    client = client_for(admin)
    response = client.post(URL, form_data(delivery_days=0, general_levels=9, rectify_days="abc"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "确保该值小于或等于4" in html or "一般数据分级数" in html
    response = client.post(URL, form_data(delivery_days=0))
    assert response.status_code == 400 and "时限至少为 1 个工作日" in response.content.decode()
    assert not AuditEntry.objects.filter(action="catalog.settings.update").exists()


def test_it_refuses_to_drop_a_grading_level_still_in_use(client_for, admin, cdo, units):
    make_resource(cdo, units.finance, grade="general_4")
    response = client_for(admin).post(URL, form_data(general_levels=3))
    assert response.status_code == 400
    assert "仍有 1 条数据资源使用将被取消的一般数据级别" in response.content.decode()
    assert CatalogSettings.current().general_levels == 4


@pytest.mark.parametrize("persona", ["cdo", "editor", "supervisor", "outsider"])
def test_it_is_only_for_the_admin(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data(delivery_days=1)).status_code == 404
    assert CatalogSettings.current().delivery_days == 5


def test_the_service_checks_the_actor_and_the_fields(admin, cdo):
    from core.errors import DomainError, NotAllowed

    with pytest.raises(NotAllowed):
        services.update_settings(cdo, delivery_days=3)
    with pytest.raises(DomainError) as info:
        services.update_settings(admin, general_levels=0)
    assert info.value.field == "general_levels"
    with pytest.raises(DomainError):
        services.update_settings(admin, nonsense=1)
    services.update_settings(admin)  # nothing changed: saved, but no audit entry
    assert not AuditEntry.objects.filter(action="catalog.settings.update").exists()
