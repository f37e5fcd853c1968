"""稿件 over JSON: draft, submit, three reviews with an override, publish; permissions and bad input."""

from __future__ import annotations

import pytest

from content.tests.test_workflow import CLEAN, SERIOUS, channel, people  # noqa: F401

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_whole_round_over_the_api(client_for, people, channel, outsider):  # noqa: F811
    editor = client_for(people["editor"])
    response = post(editor, "/api/v1/content/items", {"title": "学习会", "body": SERIOUS, "channel_ids": [channel.pk]})
    assert response.status_code == 201, response.content
    item = response.json()
    assert {f["kind"] for f in item["findings"]} >= {"formulation", "privacy"} and "submit" in item["actions"]
    assert post(editor, f"/api/v1/content/items/{item['id']}/submit").json()["state"] == "review_1"
    for who in ("r1", "r2"):
        assert post(client_for(people[who]), f"/api/v1/content/items/{item['id']}/review",
                    {"decision": "pass"}).status_code == 200
    final = client_for(people["final"])
    response = post(final, f"/api/v1/content/items/{item['id']}/review", {"decision": "pass"})
    assert response.status_code == 400 and response.json()["field"] == "override_reason"
    response = post(final, f"/api/v1/content/items/{item['id']}/review",
                    {"decision": "pass", "override_reason": "经核实为办公电话"})
    assert response.json()["state"] == "approved"
    assert post(client_for(people["operator"]), f"/api/v1/content/items/{item['id']}/publish").status_code == 403
    assert post(editor, f"/api/v1/content/items/{item['id']}/publish").json()["state"] == "published"
    assert editor.get("/api/v1/content/items?state=published").json()["count"] == 1
    assert client_for(outsider).get(f"/api/v1/content/items/{item['id']}").status_code == 404
    assert client_for(outsider).get("/api/v1/content/items").json()["count"] == 0


def test_bad_input_gets_a_chinese_error(client_for, people, channel):  # noqa: F811
    editor = client_for(people["editor"])
    response = post(editor, "/api/v1/content/items", {"title": "t", "body": "\x00 ", "channel_ids": [channel.pk]})
    assert response.status_code == 400 and "正文是空的" in response.json()["detail"]
    response = post(editor, "/api/v1/content/items", {"title": "t", "body": CLEAN, "channel_ids": [99999]})
    assert response.status_code == 400 and "渠道" in response.json()["detail"]
    assert editor.get("/api/v1/content/items?state=nope").status_code == 422
