"""POST /api/v1/catalog/resources/{id}/transition: submit, approve, return, offline."""

from __future__ import annotations

import json

import pytest

from catalog.models import Lifecycle, ReviewComment
from catalog.tests.factories import make_resource


def _post(client, resource, action: str, comment: str = ""):
    return client.post(f"/api/v1/catalog/resources/{resource.pk}/transition",
                       json.dumps({"action": action, "comment": comment}), content_type="application/json")


@pytest.fixture
def draft(cdo, units):
    return make_resource(cdo, units.finance)


def test_it_runs_the_lifecycle(client_for, draft, cdo, admin):
    submitted = _post(client_for(cdo), draft, "submit", "请审核")
    assert submitted.status_code == 200 and submitted.json()["status"] == Lifecycle.PENDING
    approved = _post(client_for(admin), draft, "approve", "同意发布")
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == Lifecycle.PUBLISHED and body["status_label"] == "已发布" and body["published_on"]
    assert list(ReviewComment.objects.values_list("action", "text")) == [("提交审核", "请审核"), ("审核通过", "同意发布")]


def test_it_answers_403_when_the_role_does_not_allow_it(client_for, draft, cdo):
    _post(client_for(cdo), draft, "submit")
    response = _post(client_for(cdo), draft, "approve")
    assert response.status_code == 403 and response.json()["detail"] == "审核、退回和下线由大数据中心管理员办理"


def test_it_answers_409_in_the_wrong_state(client_for, draft, admin):
    response = _post(client_for(admin), draft, "approve")
    assert response.status_code == 409 and response.json()["detail"] == "当前状态为“草稿”，不能审核通过并发布"


def test_it_answers_400_without_a_required_comment(client_for, draft, cdo, admin):
    _post(client_for(cdo), draft, "submit")
    response = _post(client_for(admin), draft, "return")
    assert response.status_code == 400 and response.json() == {"detail": "退回修改须填写原因", "field": "comment"}


def test_it_answers_404_to_an_outsider(client_for, draft, outsider):
    response = _post(client_for(outsider), draft, "submit")
    assert response.status_code == 404 and response.json()["detail"] == "数据资源不存在"


@pytest.mark.parametrize("body", [{"action": "publish"}, {"action": "submit", "comment": "意" * 2001}, {}])
def test_it_validates_the_body(client_for, draft, cdo, body):
    response = client_for(cdo).post(f"/api/v1/catalog/resources/{draft.pk}/transition", json.dumps(body),
                                    content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] in ("action", "comment")
