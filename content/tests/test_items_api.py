"""稿件 over JSON: draft, submit, three reviews with an override, publish; permissions and bad input."""

from __future__ import annotations

import pytest

from content import workflow
from content.demo import RED, png
from content.tests.test_attachments import ALT, GIF, HTML, PNG, upload
from content.tests.test_workflow import CLEAN, NOW, SERIOUS, draft, through_review
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_whole_round_over_the_api(client_for, people, channel, outsider):
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


def test_bad_input_gets_a_chinese_error(client_for, people, channel):
    editor = client_for(people["editor"])
    response = post(editor, "/api/v1/content/items", {"title": "t", "body": "\x00 ", "channel_ids": [channel.pk]})
    assert response.status_code == 400 and "正文是空的" in response.json()["detail"]
    response = post(editor, "/api/v1/content/items", {"title": "t", "body": CLEAN, "channel_ids": [99999]})
    assert response.status_code == 400 and "渠道" in response.json()["detail"]
    assert editor.get("/api/v1/content/items?state=nope").status_code == 422


# ---- editing, withdrawing, findings, diff, slip, attachments -------------------------------------


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def item(people, units, channel):
    return draft(people, units, channel, body=SERIOUS)


def test_it_edits_an_item_into_a_new_revision_with_the_page_s_rules(client_for, people, channel, item, units,
                                                                    outsider, supervisor):
    url = f"/api/v1/content/items/{item.pk}"
    assert patch(client_for(outsider), url, {"title": "改"}).status_code == 404
    response = patch(client_for(supervisor), url, {"title": "改"})  # sees every unit, writes none
    assert response.status_code == 403 and response.json()["detail"] == "当前环节您不能修改该稿件"
    editor = client_for(people["editor"])
    response = patch(editor, url, {"body": SERIOUS.replace("党的20大", "党的二十大"), "note": "改正届次写法",
                                   "form": "graphic"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["revision"] == 2 and data["form"] == "graphic" and data["title"] == "预算执行分析会"
    assert {f["kind"]: f["status"] for f in data["findings"]}["formulation"] == "fixed"
    assert [r["note"] for r in data["revisions"]] == ["起草", "改正届次写法"]
    entry = AuditEntry.objects.filter(action="content.item.edit").latest("id")
    assert entry.before["form"] == "text" and entry.after["form"] == "graphic" and entry.after["revision"] == 2
    assert patch(editor, url, {"channel_ids": [99999]}).json()["detail"] == "发布渠道不存在或已停用"
    assert patch(editor, url, {"channel_ids": []}).json()["field"] == "channels"
    assert patch(editor, url, {"kind": "nonsense"}).status_code == 422
    through_review(item, people, override="电话为办公电话")
    response = patch(editor, url, {"title": "批准后再改"})
    assert response.status_code == 409 and "已批准" in response.json()["detail"]


def test_it_dismisses_a_finding_with_a_reason(client_for, people, item, outsider):
    privacy = item.findings.get(kind="privacy")
    url = f"/api/v1/content/items/{item.pk}/findings/{privacy.pk}/dismiss"
    assert post(client_for(outsider), url, {"reason": "x"}).status_code == 404
    editor = client_for(people["editor"])
    assert post(editor, url, {"reason": "  "}).json()["field"] == "reason"
    assert post(editor, f"/api/v1/content/items/{item.pk}/findings/99999/dismiss", {"reason": "x"}).status_code == 404
    assert post(client_for(people["r1"]), url, {"reason": "x"}).status_code == 200  # a writer of the unit too
    privacy.refresh_from_db()
    assert privacy.status == "dismissed" and privacy.reason == "x"
    assert post(editor, url, {"reason": "again"}).status_code == 409
    assert AuditEntry.objects.filter(action="content.finding.dismiss", actor=people["r1"]).exists()


def test_a_finding_of_an_approved_item_is_no_longer_handled(client_for, people, item, outsider):
    privacy = item.findings.get(kind="privacy")
    through_review(item, people, override="电话为办公电话")
    url = f"/api/v1/content/items/{item.pk}/findings/{privacy.pk}/dismiss"
    response = post(client_for(people["editor"]), url, {"reason": "x"})
    assert response.status_code == 409 and response.json()["detail"] == "稿件已批准，校对问题不能再处理"
    assert post(client_for(outsider), url, {"reason": "x"}).status_code == 404
    privacy.refresh_from_db()
    assert privacy.status == "open"


def test_it_withdraws_a_published_item_with_a_reason(client_for, people, item):
    url = f"/api/v1/content/items/{item.pk}/withdraw"
    final = client_for(people["final"])
    response = post(final, url, {"reason": "过时"})
    assert response.status_code == 409 and response.json()["detail"] == "只有已发布的稿件可以撤回"
    through_review(item, people, override="电话为办公电话")
    workflow.publish(people["editor"], item, now=NOW)
    assert post(client_for(people["editor"]), url, {"reason": "过时"}).status_code == 403
    assert post(final, url, {"reason": ""}).json()["field"] == "reason"
    response = post(final, url, {"reason": "内容已过时"})
    assert response.json()["state"] == "withdrawn" and response.json()["steps"][-1]["decision"] == "withdraw"
    assert AuditEntry.objects.filter(action="content.item.withdraw", after__reason="内容已过时").exists()


def test_it_diffs_two_revisions(client_for, people, item, outsider):
    workflow.edit_item(people["editor"], item, title=item.title, body=SERIOUS.replace("20", "二十"))
    editor = client_for(people["editor"])
    data = editor.get(f"/api/v1/content/items/{item.pk}/diff").json()
    assert (data["old"], data["new"]) == (1, 2)
    assert {"op": "-", "text": "20"} in data["runs"] and {"op": "+", "text": "二十"} in data["runs"]
    assert editor.get(f"/api/v1/content/items/{item.pk}/diff?old=1&new=1").json()["runs"][0]["op"] == "="
    response = editor.get(f"/api/v1/content/items/{item.pk}/diff?old=1&new=7")
    assert response.status_code == 404 and response.json()["detail"] == "版本不存在"
    assert client_for(outsider).get(f"/api/v1/content/items/{item.pk}/diff").status_code == 404


def test_it_downloads_the_slip(client_for, people, item, outsider):
    editor = client_for(people["editor"])
    pdf = editor.get(f"/api/v1/content/items/{item.pk}/slip")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    docx = editor.get(f"/api/v1/content/items/{item.pk}/slip?format=docx")
    assert docx.content.startswith(b"PK") and "filename*=UTF-8''" in docx["Content-Disposition"]
    assert editor.get(f"/api/v1/content/items/{item.pk}/slip?format=exe").status_code == 422
    assert client_for(outsider).get(f"/api/v1/content/items/{item.pk}/slip").status_code == 404


def test_it_uploads_and_removes_attachments(client_for, people, item, outsider, supervisor):
    url = f"/api/v1/content/items/{item.pk}/attachments"
    editor = client_for(people["editor"])
    response = editor.post(url, {"file": upload("图解.png", PNG), "description": ALT})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "image" and data["width"] == 64 and data["description"] == ALT and data["public_url"] == ""
    assert b"".join(editor.get(data["url"]).streaming_content) == PNG
    response = editor.post(url, {"file": upload("图解.png", HTML), "description": ALT})
    assert response.status_code == 400 and response.json()["field"] == "file" and "网页" in response.json()["detail"]
    response = editor.post(url, {"file": upload("b.gif", GIF)})
    assert response.status_code == 400 and response.json()["field"] == "description"
    assert editor.post(url, {"description": ALT}).status_code == 422  # no file at all
    assert client_for(outsider).post(url, {"file": upload("b.gif", GIF), "description": ALT}).status_code == 404
    response = client_for(supervisor).post(url, {"file": upload("b.gif", GIF), "description": ALT})
    assert response.status_code == 403 and "添加附件" in response.json()["detail"]
    operator = client_for(people["operator"])  # the channel's 代运维 drafts, so it may attach to drafts
    assert operator.post(url, {"file": upload("b.gif", GIF), "description": ALT}).status_code == 201
    assert [a["sha256"] for a in editor.get(f"/api/v1/content/items/{item.pk}").json()["attachments"]][0] == data["sha256"]
    delete = f"{url}/{data['id']}"
    assert client_for(outsider).delete(delete).status_code == 404
    assert client_for(supervisor).delete(delete).status_code == 403
    assert editor.delete(delete).status_code == 204
    assert editor.delete(delete).status_code == 404
    workflow.submit(people["editor"], item, now=NOW)
    response = operator.post(url, {"file": upload("c.png", png(8, 8, [(50, RED)])), "description": ALT})
    assert response.status_code == 403  # under review only the step's reviewer edits
    assert list(AuditEntry.objects.filter(action__startswith="content.attachment.").values_list(
        "action", flat=True).order_by("id")) == ["content.attachment.add"] * 2 + ["content.attachment.remove"]
