"""The demand and sharing pages in a real headless Chromium: each role's view, axe-core, 适老化, a 375px phone."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import demands
from catalog.models import DemandState
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}

officer = demand_fixtures.officer  # the shared fixture


@pytest.fixture
def story(officer, cdo, admin, units):
    """财政局 answers 大数据中心's demands: one waiting (and late), one delivered, one refused; one uncataloged."""
    people = publish(cdo, admin, units.finance)
    budget = publish(cdo, admin, units.finance, name="财政预算执行信息", sharing_type="unconditional",
                     sharing_condition="", grade="general_2")
    now = timezone.now()
    waiting = file(officer, units.data_center, people, wanted_items="姓名、公民身份号码", now=now - timedelta(days=20))
    demands.escalate_overdue(now=now - timedelta(days=5))
    delivered = file(officer, units.data_center, budget, now=now - timedelta(days=9))
    demands.answer_demand(cdo, delivered, decision="conditional", conditions="仅用于预算绩效分析",
                          now=now - timedelta(days=8))
    demands.record_delivery(cdo, delivered, note="已在共享平台开通接口权限", now=now - timedelta(days=6))
    refused = file(officer, units.data_center, people, now=now - timedelta(days=4))
    demands.answer_demand(cdo, refused, decision="refused", reason="申请用途不属于共享范围", now=now - timedelta(days=3))
    demands.rate_demand(officer, refused, rating=2, comment="理由不充分")
    file(officer, units.data_center, provider=units.finance, wanted_name="村级集体经济收入数据")
    return SimpleNamespace(waiting=waiting, delivered=delivered, refused=refused, people=people)


def _detail(demand) -> str:
    return reverse("catalog:demand_detail", args=[demand.pk])


PAGES = {
    "list_provider": ("cdo", lambda s: reverse("catalog:demand_list")),
    "list_requester": ("officer", lambda s: reverse("catalog:demand_list") + "?box=mine&overdue=on"),
    "list_county": ("supervisor", lambda s: reverse("catalog:demand_list")),
    "detail_provider_answering": ("cdo", lambda s: _detail(s.waiting)),
    "detail_requester_rating": ("officer", lambda s: _detail(s.delivered)),
    "detail_refused": ("supervisor", lambda s: _detail(s.refused)),
    "sharing": ("officer", lambda s: reverse("catalog:sharing_list")),
    "scores": ("supervisor", lambda s: reverse("catalog:demand_scores")),
    "create": ("officer", lambda s: reverse("catalog:demand_create") + f"?resource={s.people.pk}"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_it_passes_axe_on_every_page(request, page, site, story, login_as, assert_accessible, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    response = page.goto(site(url(story)))
    assert response is not None and response.status == 200
    assert_accessible(page)


def test_it_files_a_demand_after_an_error(page, site, story, officer, login_as, assert_accessible):
    login_as(officer)
    page.goto(site(reverse("catalog:demand_create")))
    page.get_by_label("所需数据（目录中没有时填写）").fill("住宅小区电梯维保记录")
    page.get_by_role("button", name="提交需求").click()
    assert page.get_by_text("请填写用途").is_visible()
    page.get_by_label("用途").fill("核查住宅小区电梯安全隐患")
    page.get_by_label("依据").fill("《特种设备安全法》第五十七条")
    page.get_by_role("button", name="提交需求").click()
    assert page.get_by_text("请选择提供单位或所需资源").is_visible()  # the service's rule, on its field
    assert_accessible(page)  # the page with errors too
    page.get_by_label("提供单位（目录中没有时选择）").select_option(label="财政局")
    page.get_by_role("button", name="提交需求").click()
    page.wait_for_url("**/catalog/demands/*/")
    assert page.get_by_text("已向财政局提出数据需求").is_visible()
    assert_accessible(page)


def test_it_lets_the_provider_answer(page, site, story, cdo, login_as, assert_accessible):
    login_as(cdo)
    page.goto(site(_detail(story.waiting)))
    assert page.get_by_text("逾期未办，已督办").is_visible()
    page.get_by_role("radio", name="不同意", exact=True).check()
    page.get_by_role("button", name="提交答复").click()
    assert page.get_by_text("请填写不同意的理由").is_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="有条件同意").check()
    page.get_by_label("共享条件（有条件同意时填写）").fill("仅用于户籍类事项核验")
    page.get_by_role("button", name="提交答复").click()
    assert page.get_by_text("已答复，需求单位会收到通知").is_visible()
    story.waiting.refresh_from_db()
    assert story.waiting.state == DemandState.CONDITIONAL
    assert page.get_by_role("heading", name="登记交付").is_visible()


def test_it_lets_the_requester_rate(page, site, story, officer, login_as, assert_accessible):
    login_as(officer)
    page.goto(site(_detail(story.delivered)))
    page.get_by_label("4 分：满意").check()
    page.get_by_label("评价意见").fill("数据基本满足需要")
    page.get_by_role("button", name="提交评价").click()
    assert page.get_by_text("感谢评价").is_visible()
    assert page.get_by_text("大数据中心评价：4 分").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("name", ["list_provider", "detail_provider_answering", "detail_requester_rating"])
def test_it_passes_axe_in_elderly_mode(request, page, site, story, login_as, elderly_mode, assert_accessible, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    page.goto(site(url(story)))
    assert "elderly" in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page)


@pytest.mark.parametrize("name", ["list_provider", "list_county", "detail_provider_answering",
                                  "detail_requester_rating", "sharing", "scores", "create"])
def test_it_fits_a_phone(request, page, site, story, login_as, assert_no_horizontal_scroll, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    page.set_viewport_size(PHONE)
    page.goto(site(url(story)))
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("name", ["list_provider", "detail_provider_answering"])
def test_it_fits_a_phone_in_elderly_mode(request, page, site, story, login_as, elderly_mode,
                                         assert_no_horizontal_scroll, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    page.set_viewport_size(PHONE)
    page.goto(site(url(story)))
    assert_no_horizontal_scroll(page)
