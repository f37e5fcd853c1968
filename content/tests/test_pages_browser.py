"""先审后发 pages in a real headless Chromium: axe-core on every page, a 375px phone, the review round."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from content import attachments, workflow
from content.demo import RED, png
from content.models import State
from content.tests.test_attachments import ALT, MP4, PNG, upload
from content.tests.test_workflow import CLEAN, NOW, SERIOUS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def county(units, make_person, editor, admin):
    from content.models import Channel
    from core.models import Role

    f = units.finance
    people = {"editor": editor, "admin": admin,
              "r1": make_person("r1", "初审甲", f, Role.REVIEWER_1),
              "r2": make_person("r2", "复审乙", f, Role.REVIEWER_2),
              "final": make_person("final", "终审丙", f, Role.REVIEWER_FINAL),
              "sup": make_person("sup", "督查", units.government, Role.SUPERVISOR)}
    channel = Channel.objects.create(unit=f, kind=Channel.Kind.COLUMN, name="财政信息", slug="finance")
    faulty = workflow.create_item(editor, f, title="学习会", body=SERIOUS, channels=[channel], now=NOW)
    waiting = workflow.create_item(editor, f, title="预算执行分析会", body=CLEAN, channels=[channel], now=NOW)
    workflow.submit(editor, waiting, now=NOW)
    workflow.edit_item(people["r1"], waiting, title="预算执行分析会召开", body=CLEAN + "会议由局长主持。", note="补充")
    attachments.add_attachment(editor, faulty, upload("图解.png", PNG), description=ALT)
    attachments.add_attachment(editor, faulty, upload("视频.mp4", MP4), description="学习会现场视频")
    published = workflow.create_item(editor, f, title="一图读懂预算执行", body=CLEAN, channels=[channel], now=NOW,
                                     form="graphic")
    attachments.add_attachment(editor, published, upload("图解.png", PNG), description=ALT)
    workflow.submit(editor, published, now=NOW)
    for who in ("r1", "r2", "final"):
        workflow.review(people[who], published, decision="pass", now=NOW)
    workflow.publish(editor, published, now=NOW)
    return {"people": people, "faulty": faulty, "waiting": waiting, "published": published}


PAGES = {
    "list": ("editor", lambda c: reverse("content:item_list") + "?box=all"),
    "create": ("editor", lambda c: reverse("content:item_create")),
    "detail_findings": ("editor", lambda c: reverse("content:item_detail", args=[c["faulty"].pk])),
    "detail_review": ("r1", lambda c: reverse("content:item_detail", args=[c["waiting"].pk])),
    "diff": ("r1", lambda c: reverse("content:item_diff", args=[c["waiting"].pk]) + "?a=1&b=2"),
    "dashboard": ("sup", lambda c: reverse("content:dashboard")),
    "dictionaries": ("admin", lambda c: reverse("content:dictionary_list") + "?family=outdated"),
    "dictionary_form": ("admin", lambda c: reverse("content:dictionary_create") + "?family=formulation"),
    "check": ("editor", lambda c: reverse("content:check")),
    "channels": ("admin", lambda c: reverse("content:channel_list")),
    "channel_form": ("admin", lambda c: reverse("content:channel_edit", args=[c["faulty"].channels.get().pk])),
    "detail_published": ("editor", lambda c: reverse("content:item_detail", args=[c["published"].pk])),
    "public_item": ("editor", lambda c: reverse("content:public_item", args=[c["published"].pk])),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_it_passes_axe_and_fits_a_phone(page, site, county, login_as, assert_accessible,
                                        assert_no_horizontal_scroll, name):
    persona, url = PAGES[name]
    login_as(county["people"][persona])
    response = page.goto(site(url(county)))
    assert response is not None and response.status == 200
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)


def test_a_reviewer_returns_then_passes_and_the_check_page_marks_findings(page, site, county, login_as,
                                                                          assert_accessible):
    login_as(county["people"]["r1"])
    page.goto(site(reverse("content:item_detail", args=[county["waiting"].pk])))
    page.get_by_label("退回修改").check()
    page.get_by_role("button", name="提交意见").click()
    assert "退回修改须写明意见" in page.locator("#id_review_opinion ~ [role=alert]").inner_text()
    assert_accessible(page)
    page.get_by_label("通过", exact=True).check()
    page.get_by_role("button", name="提交意见").click()
    assert page.get_by_text("初审：已通过").is_visible()
    county["waiting"].refresh_from_db()
    assert county["waiting"].state == State.REVIEW_2

    page.goto(site(reverse("content:check")))
    page.get_by_label("待校对的文字").fill(SERIOUS)
    page.get_by_role("button", name="校对").click()
    assert page.locator("mark.serious").count() >= 2
    assert_accessible(page)


def test_the_editor_attaches_an_image_and_the_alt_text_is_required(page, site, county, login_as, assert_accessible,
                                                                   tmp_path):
    login_as(county["people"]["editor"])
    item = county["faulty"]
    page.goto(site(reverse("content:item_detail", args=[item.pk])))
    assert page.get_by_role("img", name=ALT).is_visible()
    picture = tmp_path / "柱状图.png"
    picture.write_bytes(png(64, 32, [(30, RED), (90, RED)]))
    page.get_by_label("图片或视频").set_input_files(str(picture))
    page.get_by_role("button", name="上传附件").click()
    assert "这个字段是必填项" in page.locator("#id_attach_description ~ [role=alert]").inner_text()
    assert_accessible(page)
    page.get_by_label("图片或视频").set_input_files(str(picture))
    page.get_by_label("替代文字").fill("预算执行进度柱状图")
    page.get_by_role("button", name="上传附件").click()
    assert page.get_by_text("已添加附件「柱状图.png」").is_visible()
    assert page.get_by_role("img", name="预算执行进度柱状图").is_visible()
    assert page.get_by_role("img", name="预算执行进度柱状图").evaluate("img => img.naturalWidth") == 64
    page.get_by_role("button", name=re.compile(r"删除\s*附件「柱状图\.png」")).click()
    assert page.get_by_text("已删除附件「柱状图.png」").is_visible()
    assert item.attachments.count() == 2
    assert_accessible(page)
