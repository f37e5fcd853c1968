"""先审后发 pages: who sees what, forms with errors in Chinese, slips, feeds, the dictionaries."""

from __future__ import annotations

import io
import zipfile

import pytest

from content import workflow
from content.models import DictionaryEntry, State
from content.tests.test_workflow import NOW, SERIOUS, draft, through_review

pytestmark = pytest.mark.django_db


def test_the_editor_drafts_in_the_browser_form_and_sees_findings_inline(client_for, people, channel):
    client = client_for(people["editor"])
    response = client.post("/content/new/", {"title": "", "body": SERIOUS, "channels": [str(channel.pk)],
                                             "kind": "article", "form": "text"})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    response = client.post("/content/new/", {"title": "学习会", "body": SERIOUS, "channels": [str(channel.pk)],
                                             "kind": "article", "form": "graphic", "is_original": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert '<mark class="serious"' in page and "党的二十大" in page and "送初审" in page
    assert "有 2 处严重表述错误或隐私泄露未处理" in page


def test_review_page_flow_with_the_override_error_on_its_field(client_for, people, channel, units):
    item = draft(people, units, channel, body=SERIOUS)
    workflow.submit(people["editor"], item, now=NOW)
    workflow.review(people["r1"], item, decision="pass", now=NOW)
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    client = client_for(people["final"])
    response = client.post(f"/content/{item.pk}/review/", {"decision": "pass", "opinion": "同意"})
    assert response.status_code == 400 and "终审须写明理由" in response.content.decode()
    response = client.post(f"/content/{item.pk}/review/", {"decision": "pass", "opinion": "同意",
                                                           "override_reason": "号码为单位办公电话"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.APPROVED
    # The editor (not the operator) publishes; the reviewers' slip lists every step and the override.
    assert client_for(people["operator"]).post(f"/content/{item.pk}/publish/").status_code == 403
    assert client_for(people["editor"]).post(f"/content/{item.pk}/publish/").status_code == 302
    docx = client.get(f"/content/{item.pk}/slip.docx")
    assert docx.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "信息发布审签单" in xml and "号码为单位办公电话" in xml and "终审丙" in xml
    pdf = client.get(f"/content/{item.pk}/slip.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_outsiders_get_404_and_feeds_show_only_published_items(client_for, people, channel, units, outsider):
    item = draft(people, units, channel)
    assert client_for(outsider).get(f"/content/{item.pk}/").status_code == 404
    assert client_for(people["operator"]).get(f"/content/{item.pk}/").status_code == 200  # its channel
    anonymous = client_for(None)
    assert anonymous.get(f"/content/p/{item.pk}/").status_code == 404
    assert "预算执行分析会" not in anonymous.get("/content/feeds/finance/feed.json").content.decode()
    through_review(item, people)
    workflow.publish(people["editor"], item, now=NOW)
    feed = anonymous.get("/content/feeds/finance/feed.json").json()
    assert feed["items"][0]["title"] == "预算执行分析会"
    assert b"<rss" in anonymous.get("/content/feeds/finance/rss.xml").content
    assert b"<feed" in anonymous.get("/content/feeds/finance/atom.xml").content
    assert anonymous.get(f"/content/p/{item.pk}/").status_code == 200
    assert anonymous.get("/content/feeds/nope/rss.xml").status_code == 404


def test_the_diff_page_shows_what_changed(client_for, people, channel, units):
    item = draft(people, units, channel, body="今年完成投资10亿元。")
    workflow.edit_item(people["editor"], item, title=item.title, body="今年完成投资12亿元。", note="更正数字")
    page = client_for(people["editor"]).get(f"/content/{item.pk}/diff/?a=1&b=2").content.decode()
    assert "<del>0</del>" in page and "<ins>2</ins>" in page


def test_only_the_admin_edits_dictionaries_and_errors_land_on_the_field(client_for, admin, editor):
    assert client_for(editor).get("/content/dictionaries/").status_code == 404
    client = client_for(admin)
    assert "习近平新时代中国特色社会主义思想" in client.get("/content/dictionaries/").content.decode()
    response = client.post("/content/dictionaries/new/", {"family": "outdated", "term": "县农机局", "replacement": "",
                                                          "level": 2, "certain": "on", "is_active": "on"})
    assert response.status_code == 400 and "现称" in response.content.decode()
    response = client.post("/content/dictionaries/new/", {"family": "outdated", "term": "县农机局",
                                                          "replacement": "县农业农村局", "level": 2, "certain": "on",
                                                          "is_active": "on"})
    assert response.status_code == 302
    entry = DictionaryEntry.objects.get(term="县农机局")
    page = client.post("/content/check/", {"text": "请县农机局报送材料。"}).content.decode()
    assert "县农业农村局" in page
    assert client.post(f"/content/dictionaries/{entry.pk}/delete/").status_code == 302


def test_the_dashboard_counts_original_new_form_works_per_week(client_for, people, channel, units, supervisor):
    item = draft(people, units, channel, form="video")
    through_review(item, people)
    workflow.publish(people["editor"], item)
    page = client_for(supervisor).get("/content/dashboard/").content.decode()
    assert "财政局" in page and '<td class="met">1</td>' in page
