"""The lifecycle through the pages: create → submit → return → submit → approve → offline, with audit."""

from __future__ import annotations

from django.urls import reverse

from catalog.models import DataResource, Lifecycle, ReviewComment
from catalog.tests.factories import make_resource
from catalog.tests.test_views_resource_form import form_data
from core.models import AuditEntry


def _move(client, resource, action: str, comment: str = "", **extra):
    return client.post(reverse("catalog:resource_transition", args=[resource.pk]),
                       {"action": action, "comment": comment, **extra})


def test_it_runs_the_whole_lifecycle_through_the_pages(client_for, cdo, admin):
    keeper, reviewer = client_for(cdo), client_for(admin)
    keeper.post(reverse("catalog:resource_create"), form_data())
    resource = DataResource.objects.get()
    detail = reverse("catalog:resource_detail", args=[resource.pk])

    response = _move(keeper, resource, "submit", "请审核")
    assert response.status_code == 302 and response["Location"] == detail
    response = _move(reviewer, resource, "return", "摘要过于简略", )
    resource.refresh_from_db()
    assert resource.status == Lifecycle.DRAFT
    assert "已被退回修改：</strong>摘要过于简略" in keeper.get(detail).content.decode()

    keeper.post(reverse("catalog:resource_edit", args=[resource.pk]),
                form_data(summary="全县户籍人口的姓名、身份号码和户籍地址"))
    _move(keeper, resource, "submit")
    response = _move(reviewer, resource, "approve", "同意发布")
    assert "已审核通过并发布" in reviewer.get(detail).content.decode()
    resource.refresh_from_db()
    assert resource.status == Lifecycle.PUBLISHED and resource.published_on is not None

    _move(reviewer, resource, "offline", "源系统停用")
    resource.refresh_from_db()
    assert resource.status == Lifecycle.OFFLINE
    assert [c.action for c in ReviewComment.objects.filter(resource=resource)] == [
        "提交审核", "退回", "提交审核", "审核通过", "下线"]
    actions = list(AuditEntry.objects.for_object(resource).order_by("at", "id").values_list("action", "actor"))
    assert actions == [
        ("catalog.resource.create", cdo.pk), ("catalog.resource.submit", cdo.pk),
        ("catalog.resource.return", admin.pk), ("catalog.resource.update", cdo.pk),
        ("catalog.resource.submit", cdo.pk), ("catalog.resource.approve", admin.pk),
        ("catalog.resource.offline", admin.pk)]
    offline = AuditEntry.objects.for_object(resource).get(action="catalog.resource.offline")
    assert offline.before == {"status": "published"} and offline.after["comment"] == "源系统停用"


def test_it_shows_a_missing_reason_under_the_comment_box(client_for, cdo, admin, units):
    resource = make_resource(cdo, units.finance)
    _move(client_for(cdo), resource, "submit")
    response = _move(client_for(admin), resource, "return", "  ")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_lifecycle_comment_error"><ul class="errorlist"><li>退回修改须填写原因</li>' in html
    resource.refresh_from_db()
    assert resource.status == Lifecycle.PENDING


def test_it_refuses_to_submit_a_resource_without_items(client_for, cdo, units):
    resource = make_resource(cdo, units.finance, items=[])
    response = _move(client_for(cdo), resource, "submit")
    assert response.status_code == 400 and "请至少登记一个信息项再提交审核" in response.content.decode()


def test_it_answers_a_wrong_state_with_a_conflict(client_for, cdo, units):
    resource = make_resource(cdo, units.finance)
    _move(client_for(cdo), resource, "submit")
    response = _move(client_for(cdo), resource, "submit")
    assert response.status_code == 409 and "不能提交审核" in response.content.decode()


def test_it_keeps_review_to_the_admin(client_for, cdo, admin, editor, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin)
    for person in (cdo, editor):
        response = _move(client_for(person), resource, "offline", "试试")
        assert response.status_code == 403 and "由大数据中心管理员办理" in response.content.decode()
    resource.refresh_from_db()
    assert resource.status == Lifecycle.PUBLISHED


def test_it_lets_only_keepers_submit(client_for, cdo, editor, units):
    resource = make_resource(cdo, units.finance)
    assert _move(client_for(editor), resource, "submit").status_code == 403
    resource.refresh_from_db()
    assert resource.status == Lifecycle.DRAFT


def test_it_hides_another_units_draft(client_for, cdo, outsider, units):
    resource = make_resource(cdo, units.finance)
    assert _move(client_for(outsider), resource, "submit").status_code == 404


def test_it_goes_back_to_the_review_queue_with_a_message(client_for, cdo, admin, units):
    resource = make_resource(cdo, units.finance)
    _move(client_for(cdo), resource, "submit")
    queue = reverse("catalog:review_queue")
    client = client_for(admin)
    response = _move(client, resource, "return", "", next=queue)
    assert response.status_code == 302 and response["Location"] == queue
    assert "退回修改须填写原因" in client.get(queue).content.decode()
    response = _move(client, resource, "approve", "", next="https://evil.example/")
    assert response["Location"] == reverse("catalog:resource_detail", args=[resource.pk])


def test_it_accepts_only_post_and_known_actions(client_for, cdo, units):
    resource = make_resource(cdo, units.finance)
    client = client_for(cdo)
    assert client.get(reverse("catalog:resource_transition", args=[resource.pk])).status_code == 405
    assert _move(client, resource, "publish-now").status_code == 400
    resource.refresh_from_db()
    assert resource.status == Lifecycle.DRAFT
