"""The catalog's main pages in a real headless Chromium: axe-core, 适老化 mode, a 375px phone, screenshots."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from catalog import demands, services
from catalog.models import Dataset, QualityFinding, QualityRun
from catalog.tests.factories import category, make_resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def county(admin, cdo, units, make_person):
    """A small living catalog: three units' resources in every state, systems, demands and a finding."""
    from core.models import Role

    keeper = make_person("township_cdo", "钱镇数据", units.township, Role.CDO)
    people = make_resource(cdo, units.finance, publish=True, admin=admin, name="财政供养人员基础信息",
                           summary="全县财政供养人员的姓名、身份号码、单位和岗位", storage_total_gb="12.5",
                           record_total=18230, last_updated_on=date(2020, 1, 1))
    make_resource(cdo, units.finance, publish=True, admin=admin, name="财政预算公开信息",
                  summary="县级一般公共预算和政府性基金预算的年度公开数据", category=category("201"),
                  sharing_type="unconditional", sharing_condition="", open_type="unconditional",
                  grade="general_2", opened_on=date(2024, 3, 1), update_cycle="yearly",
                  items=[{"name": "预算科目", "data_type": "C", "length": 40},
                         {"name": "预算金额", "data_type": "Y", "length": 18}])
    make_resource(cdo, units.finance, publish=True, admin=admin, name="非税收入缴款记录",
                  summary="非税收入缴款书与缴款状态", category=category("302"), sharing_type="none",
                  sharing_condition="", sharing_basis="《财政票据管理办法》第二十条", sharing_medium="",
                  grade="important")
    draft = make_resource(cdo, units.finance, name="政府采购合同信息", category=category("102"))
    returned = make_resource(cdo, units.finance, name="国有资产台账")
    services.transition(cdo, returned, "submit", "请审核")
    services.transition(admin, returned, "return", "摘要过于简略，请写明资产类别和统计口径")
    pending = make_resource(cdo, units.finance, name="惠民惠农补贴发放信息", category=category("208"))
    services.transition(cdo, pending, "submit", "新登记")
    town = make_resource(keeper, units.township, publish=True, admin=admin, name="镇村人口台账",
                         items=[{"name": "村组名称", "data_type": "C", "length": 30}])
    system = services.save_system(cdo, units.finance, name="预算管理一体化系统", protection_level="3",
                                  on_gov_cloud=True, description="预算编制、指标管理、国库支付一体化")
    services.transition(cdo, system, "submit")
    services.transition(admin, system, "approve", "同意")
    services.link_systems(cdo, people, [system])
    waiting = services.save_system(cdo, units.finance, name="非税收入管理系统", deployment="local")
    services.transition(cdo, waiting, "submit")
    basis = {"purpose": "核验低保对象身份", "legal_basis": "《社会救助暂行办法》第五十五条"}
    demands.file_demand(keeper, units.township, resource=people, **basis)
    demands.file_demand(keeper, units.township, resource=people, now=timezone.now() - timedelta(days=30), **basis)
    given = demands.file_demand(keeper, units.township, resource=people, **basis)
    demands.answer_demand(cdo, given, decision="agreed")
    demands.record_delivery(cdo, given, note="已开通接口")
    dataset = Dataset.objects.create(resource=people, kind=Dataset.Kind.FILE, original_name="供养人员.csv")
    run = QualityRun.objects.create(resource=people, dataset=dataset, state=QualityRun.State.DONE)
    QualityFinding.objects.create(run=run, resource=people, unit=units.finance, check_kind="validity",
                                  column="公民身份号码", description="12 条身份证号校验位错误", failed=12,
                                  due=timezone.now() + timedelta(days=10))
    return {"people": people, "draft": draft, "returned": returned, "pending": pending, "town": town,
            "system": system, "waiting": waiting}


PAGES = {
    "resource_list": ("cdo", lambda c: reverse("catalog:resource_list")),
    "resource_list_filtered": ("outsider", lambda c: reverse("catalog:resource_list") + "?q=信息&sharing_type=conditional"),
    "resource_detail_keeper": ("cdo", lambda c: reverse("catalog:resource_detail", args=[c["people"].pk])),
    "resource_detail_returned": ("cdo", lambda c: reverse("catalog:resource_detail", args=[c["returned"].pk])),
    "resource_detail_review": ("admin", lambda c: reverse("catalog:resource_detail", args=[c["pending"].pk])),
    "resource_edit": ("cdo", lambda c: reverse("catalog:resource_edit", args=[c["draft"].pk])),
    "resource_create_admin": ("admin", lambda c: reverse("catalog:resource_create")),
    "review_queue": ("admin", lambda c: reverse("catalog:review_queue")),
    "system_list": ("cdo", lambda c: reverse("catalog:system_list")),
    "system_detail": ("cdo", lambda c: reverse("catalog:system_detail", args=[c["system"].pk])),
    "system_detail_review": ("admin", lambda c: reverse("catalog:system_detail", args=[c["waiting"].pk])),
    "system_form": ("cdo", lambda c: reverse("catalog:system_edit", args=[c["system"].pk])),
    "cdo": ("cdo", lambda c: reverse("catalog:cdo")),
    "cdo_admin": ("admin", lambda c: reverse("catalog:cdo") + f"?unit={c['people'].unit_id}"),
    "settings": ("admin", lambda c: reverse("catalog:settings")),
    "categories": ("admin", lambda c: reverse("catalog:categories")),
    "home": ("cdo", lambda c: reverse("core:home")),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_it_passes_axe_on_every_page(request, page, site, county, login_as, assert_accessible, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    response = page.goto(site(url(county)))
    assert response is not None and response.status == 200
    assert_accessible(page)


def test_it_shows_a_form_error_accessibly_and_adds_item_rows(page, site, county, cdo, login_as,
                                                             assert_accessible):
    login_as(cdo)
    page.goto(site(reverse("catalog:resource_create")))
    page.get_by_label("资源分类").select_option(label="\u3000101 人口")
    page.get_by_label("信息资源名称").fill("低保对象信息")
    page.get_by_label("信息资源摘要").fill("全县城乡低保对象名单")
    page.locator("#id_sharing_type").select_option(label="有条件共享")  # the 信息项 have one each too
    page.get_by_label("共享方式类型").select_option(label="接口")
    page.locator("#id_open_type").select_option(label="不予开放")
    page.get_by_label("更新周期").select_option(label="每月")
    page.locator("#id_items-0-name").fill("姓名")
    rows = page.locator("[data-rows] > fieldset")
    assert rows.count() == 3
    page.get_by_role("button", name="增加信息项").click()
    assert rows.count() == 4
    page.locator("#id_items-3-name").fill("身份证号")
    page.get_by_role("button", name="保存为草稿").click()
    assert page.locator("#id_sharing_condition ~ [role=alert]").inner_text() == "有条件共享的资源必须写明共享条件"
    assert_accessible(page)  # the page with its errors too
    page.get_by_label("共享条件").fill("用于社会救助审核")
    page.get_by_role("button", name="保存为草稿").click()
    assert page.get_by_text("已新建数据资源“低保对象信息”，信息资源代码 101/000004").is_visible()
    assert page.get_by_role("cell", name="身份证号").is_visible()


def test_it_approves_from_the_review_queue(page, site, county, admin, login_as):
    login_as(admin)
    page.goto(site(reverse("catalog:review_queue")))
    row = page.locator("article", has_text="惠民惠农补贴发放信息")
    row.get_by_label("审核意见（退回时必填）").fill("同意发布")
    row.get_by_role("button", name="通过并发布").click()
    assert page.get_by_text("惠民惠农补贴发放信息：已审核通过并发布").is_visible()
    assert page.locator("article", has_text="惠民惠农补贴发放信息").count() == 0


@pytest.mark.parametrize("name", ["resource_list", "resource_detail_keeper", "cdo", "resource_detail_review"])
def test_it_passes_axe_in_elderly_mode(request, page, site, county, login_as, elderly_mode, assert_accessible,
                                       name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    page.goto(site(url(county)))
    assert "elderly" in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page)


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("name", ["resource_list", "resource_detail_keeper", "cdo", "resource_edit", "review_queue",
                                  "system_list", "categories"])
def test_it_fits_a_phone(request, page, site, county, login_as, assert_no_horizontal_scroll, name, elderly):
    persona, url = PAGES[name]
    if elderly:
        request.getfixturevalue("elderly_mode")
    login_as(request.getfixturevalue(persona))
    page.set_viewport_size(PHONE)
    page.goto(site(url(county)))
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("name", ["resource_list", "resource_detail_keeper", "cdo"])
def test_it_takes_screenshots(request, page, site, county, login_as, name):
    """Desktop and phone pictures of the main pages, for people to look at (var/ is not in git)."""
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    short = name.removesuffix("_keeper")
    for width, viewport in ((1280, {"width": 1280, "height": 900}), (375, PHONE)):
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        page.goto(site(url(county)))
        target = SCREENSHOTS / f"catalog_{short}_{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 0
