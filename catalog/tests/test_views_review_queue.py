"""The Big Data Center's review queue: pending resources and systems, approved or returned inline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import InformationSystem, Lifecycle
from catalog.tests.factories import make_resource

URL = reverse("catalog:review_queue")


@pytest.fixture
def pending(cdo, admin, units):
    resource = make_resource(cdo, units.finance, name="待审资源")
    services.transition(cdo, resource, "submit", "新登记，请审核")
    changed = make_resource(cdo, units.finance, name="变更资源", publish=True, admin=admin)
    services.update_resource(cdo, changed, summary="补充了摘要")
    make_resource(cdo, units.finance, name="仍是草稿")
    system = services.save_system(cdo, units.finance, name="财政一体化系统")
    services.transition(cdo, system, "submit")
    return resource, changed, system


def test_it_lists_what_waits_for_review(client_for, admin, pending):
    html = client_for(admin).get(URL).content.decode()
    assert "数据资源（2）" in html and "信息系统（1）" in html
    assert "待审资源" in html and "变更资源" in html and "仍是草稿" not in html
    assert "提交审核：新登记，请审核" in html
    assert html.count("变更审核") == 1  # the published one that was edited
    assert "财政一体化系统" in html
    assert html.count('value="approve"') == 3 and html.count('value="return"') == 3


def test_it_approves_and_returns_inline(client_for, admin, pending):
    resource, changed, system = pending
    client = client_for(admin)
    response = client.post(reverse("catalog:resource_transition", args=[resource.pk]),
                           {"action": "approve", "comment": "", "next": URL})
    assert response["Location"] == URL
    client.post(reverse("catalog:resource_transition", args=[changed.pk]),
                {"action": "return", "comment": "摘要仍不完整", "next": URL})
    response = client.post(reverse("catalog:system_transition", args=[system.pk]),
                           {"action": "approve", "comment": "同意", "next": URL}, follow=True)
    html = response.content.decode()
    assert "财政一体化系统：已审核通过并发布" in html and "没有待审核的信息系统" in html
    resource.refresh_from_db(), changed.refresh_from_db(), system.refresh_from_db()
    assert (resource.status, changed.status, system.status) == (
        Lifecycle.PUBLISHED, Lifecycle.DRAFT, Lifecycle.PUBLISHED)


def test_it_is_empty_when_nothing_waits(client_for, admin):
    html = client_for(admin).get(URL).content.decode()
    assert "没有待审核的数据资源" in html and "没有待审核的信息系统" in html
    assert not InformationSystem.objects.exists()


@pytest.mark.parametrize("persona", ["cdo", "editor", "supervisor", "outsider"])
def test_it_is_only_for_the_admin(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 404
