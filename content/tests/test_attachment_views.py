"""Attachments on the pages: upload with alt text, removal, who may fetch the file, feeds and the slip."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import pytest

from content import attachments, workflow
from content.tests.test_attachments import ALT, EXE, MP4, PNG, upload
from content.tests.test_workflow import NOW, draft, through_review
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_editor_uploads_on_the_item_page_and_sees_the_image_with_its_alt_text(client_for, people, channel,
                                                                                   units):
    item = draft(people, units, channel)
    client = client_for(people["editor"])
    page = client.get(f"/content/{item.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and "替代文字" in page
    response = client.post(f"/content/{item.pk}/attachments/", {"file": upload("图解.jpg", EXE), "description": ALT})
    assert response.status_code == 400 and "Windows 可执行程序" in response.content.decode()
    response = client.post(f"/content/{item.pk}/attachments/", {"file": upload("图解.png", PNG), "description": ""})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    response = client.post(f"/content/{item.pk}/attachments/", {"file": upload("图解.png", b""), "description": ALT})
    assert response.status_code == 400 and "文件是空的" in response.content.decode()
    response = client.post(f"/content/{item.pk}/attachments/", {"file": upload("图解.png", PNG), "description": ALT})
    assert response.status_code == 302
    attachment = item.attachments.get()
    page = client.get(f"/content/{item.pk}/").content.decode()
    assert f'alt="{ALT}"' in page and 'width="64" height="32"' in page
    served = client.get(f"/content/{item.pk}/attachments/{attachment.pk}/")
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"] and body(served) == PNG
    assert client.post(f"/content/{item.pk}/attachments/{attachment.pk}/delete/").status_code == 302
    assert not item.attachments.exists()


def test_a_video_plays_on_the_page_with_its_description(client_for, people, channel, units):
    item = draft(people, units, channel, form="video")
    attachments.add_attachment(people["editor"], item, upload("片子.mp4", MP4), description="走进县大数据中心")
    page = client_for(people["editor"]).get(f"/content/{item.pk}/").content.decode()
    assert "<video controls" in page and "视频：走进县大数据中心" in page


def test_only_those_who_see_the_item_fetch_its_files_until_it_is_published(client_for, people, channel, units,
                                                                           outsider):
    item = draft(people, units, channel)
    attachment = attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    private, public = f"/content/{item.pk}/attachments/{attachment.pk}/", f"/content/p/{item.pk}/attachments/{attachment.pk}/"
    assert client_for(outsider).get(private).status_code == 404
    assert client_for(None).get(private).status_code == 302  # to the login page
    assert client_for(people["operator"]).get(private).status_code == 200  # the channel's 代运维
    assert client_for(None).get(public).status_code == 404
    assert client_for(outsider).post(f"/content/{item.pk}/attachments/{attachment.pk}/delete/").status_code == 404
    assert client_for(outsider).post(f"/content/{item.pk}/attachments/", {"file": upload("b.png", PNG),
                                                                          "description": ALT}).status_code == 404
    through_review(item, people)
    page = client_for(people["editor"]).get(f"/content/{item.pk}/").content.decode()
    assert "上传附件" not in page and "删除<span" not in page  # approved: what was signed stays as it is
    response = client_for(people["editor"]).post(f"/content/{item.pk}/attachments/", {"file": upload("b.png", PNG),
                                                                                      "description": ALT})
    assert response.status_code == 409 and "已批准" in response.content.decode()
    workflow.publish(people["editor"], item, now=NOW)
    assert body(client_for(None).get(public)) == PNG
    assert f'alt="{ALT}"' in client_for(None).get(f"/content/p/{item.pk}/").content.decode()
    assert client_for(None).get(f"/content/p/{item.pk}/attachments/99999/").status_code == 404
    workflow.withdraw(people["final"], item, reason="过时")
    assert client_for(None).get(public).status_code == 404


def test_feeds_carry_the_attachments_as_enclosures_with_alt_text(client_for, people, channel, units):
    item = draft(people, units, channel)
    image = attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    video = attachments.add_attachment(people["editor"], item, upload("v.mp4", MP4), description="会议视频")
    through_review(item, people)
    workflow.publish(people["editor"], item, now=NOW)
    anonymous = client_for(None)
    url = f"http://testserver/content/p/{item.pk}/attachments/{image.pk}/"
    video_url = f"http://testserver/content/p/{item.pk}/attachments/{video.pk}/"

    feed = anonymous.get("/content/feeds/finance/feed.json").json()["items"][0]
    assert feed["image"] == url
    assert [(a["url"], a["mime_type"], a["title"], a["size_in_bytes"]) for a in feed["attachments"]] == [
        (url, "image/png", ALT, len(PNG)), (video_url, "video/mp4", "会议视频", len(MP4))]
    assert feed["attachments"][0]["_zhengtong"]["sha256"] == image.sha256

    ns = {"media": "http://search.yahoo.com/mrss/", "atom": "http://www.w3.org/2005/Atom"}
    rss = ElementTree.fromstring(anonymous.get("/content/feeds/finance/rss.xml").content).find("channel/item")
    assert rss is not None
    assert [e.get("url") for e in rss.findall("enclosure")] == [url]  # RSS 2.0 allows one
    media = rss.findall("media:content", ns)
    assert [(m.get("type"), m.get("width"), m.find("media:description", ns).text) for m in media] == [
        ("image/png", "64", ALT), ("video/mp4", None, "会议视频")]

    atom = ElementTree.fromstring(anonymous.get("/content/feeds/finance/atom.xml").content)
    links = atom.findall("atom:entry/atom:link[@rel='enclosure']", ns)
    assert [(link.get("href"), link.get("title"), link.get("length")) for link in links][0] == (url, ALT, str(len(PNG)))
    assert len(links) == 2
    assert body(anonymous.get(url.removeprefix("http://testserver"))) == PNG


def test_the_slip_lists_the_attachments_with_their_hashes(client_for, people, channel, units):
    item = draft(people, units, channel)
    image = attachments.add_attachment(people["editor"], item, upload("图解.png", PNG), description=ALT)
    client = client_for(people["editor"])
    xml = zipfile.ZipFile(io.BytesIO(client.get(f"/content/{item.pk}/slip.docx").content)).read(
        "word/document.xml").decode()
    assert "图解.png" in xml and ALT in xml and image.sha256 in xml and "64×32" in xml
    assert client.get(f"/content/{item.pk}/slip.pdf").content.startswith(b"%PDF")


def test_a_video_is_served_in_ranges_so_players_can_seek(client_for, people, channel, units):
    # Browsers seek in a video by asking for byte ranges, and Safari on iOS plays none without them.
    item = draft(people, units, channel, form="video")
    attachment = attachments.add_attachment(people["editor"], item, upload("片子.mp4", MP4), description=ALT)
    client = client_for(people["editor"])
    url = f"/content/{item.pk}/attachments/{attachment.pk}/"
    whole = client.get(url)
    etag = f'"{attachment.sha256}"'
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and whole["ETag"] == etag
    assert body(whole) == MP4
    head = client.head(url)
    assert head.status_code == 200 and head["Content-Length"] == str(len(MP4)) and head["Accept-Ranges"] == "bytes"
    part = client.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206 and body(part) == MP4[4:12] == b"ftypisom"
    assert part["Content-Range"] == f"bytes 4-11/{len(MP4)}" and part["Content-Length"] == "8"
    assert part["Content-Type"] == "video/mp4" and part["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in part["Content-Security-Policy"]
    tail = client.get(url, HTTP_RANGE="bytes=-8")
    assert tail.status_code == 206 and body(tail) == MP4[-8:]
    assert body(client.get(url, HTTP_RANGE="bytes=24-")) == MP4[24:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(MP4)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(MP4)}"
    assert "超出文件大小" in beyond.content.decode()
    # Several ranges, or a copy of another version (If-Range): the whole file.
    assert body(client.get(url, HTTP_RANGE="bytes=0-3,8-11")) == MP4
    stale = client.get(url, HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE='"0000"')
    assert stale.status_code == 200 and body(stale) == MP4
    assert client.get(url, HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE=etag).status_code == 206
    # The public copy of a published item answers ranges too; an outsider still gets nothing early.
    through_review(item, people)
    public = f"/content/p/{item.pk}/attachments/{attachment.pk}/"
    assert client_for(None).get(public, HTTP_RANGE="bytes=0-3").status_code == 404
    workflow.publish(people["editor"], item, now=NOW)
    assert body(client_for(None).get(public, HTTP_RANGE="bytes=0-3")) == MP4[:4]


def test_alt_text_is_proofread_like_the_body_and_its_findings_go_with_the_file(client_for, people, channel, units):
    item = draft(people, units, channel)
    assert not item.findings.exists()
    attachment = attachments.add_attachment(people["editor"], item, upload("a.png", PNG),
                                            description="柱状图，联系人电话13812345678")
    finding = item.findings.get()
    assert finding.kind == "privacy" and finding.field == f"alt{attachment.pk}" and finding.status == "open"
    workflow.edit_item(people["editor"], item, title=item.title, body="联系电话13912345678。" + item.body)
    page = client_for(people["editor"]).get(f"/content/{item.pk}/").content.decode()
    assert "（附件替代文字）" in page
    table = page[page.index("待处理的校对问题"):]
    assert table.index("13912345678") < table.index("（附件替代文字）")  # the body's first, as read
    api = client_for(people["editor"]).get(f"/api/v1/content/items/{item.pk}").json()
    assert sorted(f["field"] for f in api["findings"]) == [f"alt{attachment.pk}", "body"]
    # A privacy finding holds the item at the final review, as it would in the body.
    workflow.submit(people["editor"], item, now=NOW)
    workflow.review(people["r1"], item, decision="pass", now=NOW)
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    with pytest.raises(DomainError, match="隐私泄露未处理"):
        workflow.review(people["final"], item, decision="pass", now=NOW)
    workflow.review(people["final"], item, decision="return", opinion="替代文字里有手机号", now=NOW)
    attachments.remove_attachment(people["editor"], attachment)
    finding.refresh_from_db()
    assert finding.status == "fixed"


def test_no_stored_file_is_one_media_url_away_even_in_debug(client_for, people, channel, units, settings):
    import importlib

    from django.urls import clear_url_caches

    import zhengtong.urls

    item = draft(people, units, channel)
    attachment = attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    settings.DEBUG = True
    try:
        clear_url_caches()
        importlib.reload(zhengtong.urls)
        assert client_for(None).get(f"/media/{attachment.file.name}").status_code == 404
    finally:
        settings.DEBUG = False
        clear_url_caches()
        importlib.reload(zhengtong.urls)
