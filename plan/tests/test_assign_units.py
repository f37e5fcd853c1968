from __future__ import annotations

import pytest

from core.errors import DomainError, NotAllowed
from core.models import AuditEntry, Unit
from plan import importing, services
from plan.models import TaskUnit
from plan.tests.factories import SEED, import_seed


@pytest.fixture
def website_task(county):
    plan = import_seed(county.admin)
    return plan.tasks.prefetch_related("assignments__unit").get(section__order=2, number=2)  # 优化办事服务


def test_it_lets_the_admin_settle_an_unowned_task(county, website_task):
    approval = Unit.objects.get(short_name="行政审批局")
    dc = Unit.objects.get(short_name="大数据中心")
    assert website_task.needs_review
    task = services.assign_units(county.admin, website_task, leads=[approval], cos=[dc])
    assert not task.needs_review and task.review_reasons == []
    assert [(a.role, a.unit.short_name, a.is_manual) for a in task.assignments.order_by("role")] == [
        (TaskUnit.Role.CO, "大数据中心", True), (TaskUnit.Role.LEAD, "行政审批局", True)]
    entry = AuditEntry.objects.get(action="plan.task.assign", object_id=str(task.pk))
    assert "牵头单位:县政府办" in entry.before["units"] and "牵头单位:行政审批局" in entry.after["units"]


def test_it_refuses_bad_assignments(county, website_task):
    dc = Unit.objects.get(short_name="大数据中心")
    with pytest.raises(NotAllowed):
        services.assign_units(county.supervisor, website_task, leads=[dc])
    with pytest.raises(DomainError, match="至少指定一个牵头单位"):
        services.assign_units(county.admin, website_task, leads=[])
    with pytest.raises(DomainError, match="既牵头又配合"):
        services.assign_units(county.admin, website_task, leads=[dc], cos=[dc])


def test_it_keeps_the_assignment_when_a_revision_still_names_no_units(county, website_task):
    approval = Unit.objects.get(short_name="行政审批局")
    services.assign_units(county.admin, website_task, leads=[approval])
    revised = SEED.read_text(encoding="utf-8").replace("推进政务服务的标准化、规范化、便利化",
                                                       "推进政务服务的标准化、规范化、便利化、智能化")
    imp = importing.stage_import(county.admin, revised.encode(), "revised.txt")
    diff = importing.plan_diff(imp)
    change = next(c for c in diff.changed if c.code == "2-2")
    assert [label for label, _, _ in change.fields] == ["任务内容"]
    importing.confirm_import(county.admin, imp)
    website_task.refresh_from_db()
    assert not website_task.needs_review
    assert [a.unit.short_name for a in website_task.assignments.all()] == ["行政审批局"]


def test_it_serves_the_form_to_the_admin_only(county, website_task, client):
    approval = Unit.objects.get(short_name="行政审批局")
    url = f"/plan/tasks/{website_task.pk}/assign/"
    client.force_login(county.supervisor)
    assert client.post(url, {"leads": [approval.pk]}).status_code == 404
    client.force_login(county.admin)
    page = client.get(f"/plan/tasks/{website_task.pk}/").content.decode()
    assert "调整责任单位" in page
    response = client.post(url, {"leads": [], "cos": []})
    assert response.status_code == 400 and "牵头单位" in response.content.decode()
    response = client.post(url, {"leads": [approval.pk]})
    assert response.status_code == 302
    website_task.refresh_from_db()
    assert not website_task.needs_review
