from __future__ import annotations

from datetime import date

import pytest

from catalog import services
from catalog.models import DataResource, InformationSystem, Lifecycle, ReviewComment
from catalog.tests.factories import ITEMS, category, make_resource, resource_fields
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import AuditEntry


def test_it_allocates_codes_per_category(cdo, units):
    first = make_resource(cdo, units.finance)
    second = make_resource(cdo, units.finance, name="法人基础信息", category=category("102"))
    third = make_resource(cdo, units.finance, name="人口变动信息")
    assert (first.code, second.code, third.code) == ("101/000001", "102/000001", "101/000002")
    assert first.status == Lifecycle.DRAFT and first.items.count() == len(ITEMS)
    assert AuditEntry.objects.filter(action="catalog.resource.create").count() == 3


def test_it_only_lets_keepers_of_the_unit_edit(cdo, editor, outsider, admin, units):
    with pytest.raises(NotAllowed):
        make_resource(editor, units.finance)  # 编辑 is not a keeper
    with pytest.raises(NotAllowed):
        make_resource(cdo, units.township)  # another unit
    assert make_resource(admin, units.township).unit == units.township


def test_it_rejects_inconsistent_resources_on_the_field(cdo, units):
    with pytest.raises(DomainError) as info:
        make_resource(cdo, units.finance, sharing_condition="")
    assert info.value.field == "sharing_condition"
    with pytest.raises(DomainError) as info:
        make_resource(cdo, units.finance, grade="core", open_type="unconditional")
    assert info.value.field == "open_type"
    with pytest.raises(DomainError) as info:
        make_resource(cdo, units.finance, items=[{"name": "a"}, {"name": "a"}])
    assert info.value.field == "items"
    assert not DataResource.objects.exists()


def test_it_runs_the_lifecycle_with_comments_and_audit(cdo, admin, units):
    resource = make_resource(cdo, units.finance)
    with pytest.raises(NotAllowed):
        services.transition(cdo, resource, "approve")
    services.transition(cdo, resource, "submit")
    with pytest.raises(InvalidTransition):
        services.transition(cdo, resource, "submit")
    with pytest.raises(DomainError, match="原因"):
        services.transition(admin, resource, "return", "")
    services.transition(admin, resource, "return", "摘要过于简略")
    services.transition(cdo, resource, "submit")
    services.transition(admin, resource, "approve", "同意发布")
    resource.refresh_from_db()
    assert resource.status == Lifecycle.PUBLISHED and resource.published_on is not None
    services.transition(admin, resource, "offline", "系统停用")
    resource.refresh_from_db()
    assert resource.status == Lifecycle.OFFLINE
    assert [c.action for c in ReviewComment.objects.filter(resource=resource)] == [
        "提交审核", "退回", "提交审核", "审核通过", "下线"]
    actions = list(AuditEntry.objects.filter(object_type="catalog.dataresource").values_list("action", flat=True))
    assert {"catalog.resource.submit", "catalog.resource.return", "catalog.resource.approve",
            "catalog.resource.offline"} <= set(actions)


def test_it_sends_a_changed_published_resource_back_to_review_and_keeps_its_code(cdo, admin, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin)
    code = resource.code
    services.update_resource(cdo, resource, summary="全县户籍人口及流动人口的基础信息")
    resource.refresh_from_db()
    assert resource.status == Lifecycle.PENDING and resource.code == code
    with pytest.raises(InvalidTransition):
        services.update_resource(cdo, resource, summary="再改")
    with pytest.raises(DomainError, match="不能更改分类"):
        services.update_resource(admin, resource, category=category("102"))


def test_it_refuses_to_submit_without_items(cdo, units):
    resource = make_resource(cdo, units.finance, items=[])
    with pytest.raises(DomainError, match="信息项"):
        services.transition(cdo, resource, "submit")


def test_it_flags_stale_resources(cdo, admin, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin)
    services.update_resource(admin, resource, last_updated_on=date(2026, 1, 1))
    services.transition(admin, resource, "approve")
    stale = services.stale_resources(units.finance, date(2026, 3, 1))
    assert [(r.pk, since) for r, since in stale] == [(resource.pk, date(2026, 2, 4))]
    assert services.stale_resources(units.finance, date(2026, 1, 20)) == []


def test_it_keeps_the_systems_list(cdo, admin, units):
    system = services.save_system(cdo, units.finance, name="财政预算一体化系统", protection_level="3",
                                  deployment="gov_cloud", on_gov_cloud=True)
    with pytest.raises(DomainError, match="已登记"):
        services.save_system(cdo, units.finance, name="财政预算一体化系统")
    with pytest.raises(DomainError, match="涉密"):
        services.save_system(cdo, units.finance, system, is_classified=True)
    resource = make_resource(cdo, units.finance)
    services.link_systems(cdo, resource, [system])
    assert list(resource.systems.all()) == [system]
    assert InformationSystem.objects.get().status == Lifecycle.DRAFT
    assert AuditEntry.objects.filter(action="catalog.resource.link_systems").exists()


def test_it_tells_whether_a_unit_may_declare_a_project(cdo, admin, units):
    readiness = services.lists_ready_for_project(units.finance)
    assert not readiness.ok and len(readiness.missing) == 2
    make_resource(cdo, units.finance, publish=True, admin=admin)
    system = services.save_system(cdo, units.finance, name="财政预算一体化系统")
    services.transition(cdo, system, "submit")
    services.transition(admin, system, "approve")
    assert services.lists_ready_for_project(units.finance).ok
    make_resource(cdo, units.finance, name="草稿资源")
    assert "草稿" in services.lists_ready_for_project(units.finance).missing[0]


def test_it_gives_an_explicit_code_to_imported_resources(admin, units):
    resource = services.create_resource(admin, units.finance, code="101/000777", items=ITEMS, **resource_fields())
    assert resource.code == "101/000777"
    with pytest.raises(DomainError, match="已被使用"):
        services.create_resource(admin, units.finance, code="101/000777", items=ITEMS, **resource_fields())
    with pytest.raises(DomainError, match="不一致"):
        services.create_resource(admin, units.finance, code="102/000001", items=ITEMS, **resource_fields())
