"""The plan and indicator pages in a real headless Chromium: the import flow, axe-core, phone widths."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import record_measurement
from plan import services
from plan.models import Plan
from plan.tests.factories import (
    SEED,
    SEED_TASKS,
    SMALL_PLAN,
    WEATHER_PLAN,
    add_seed_units,
    import_seed,
    import_text,
    stage_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seeded(admin, cdo, units, settings):
    """The seed imported, one report with evidence and one indicator value, so every block has content."""
    plan = import_seed(admin)
    task = plan.tasks.get(section__order=1, number=13)  # 牵头单位：县财政局、县人行
    services.submit_report(cdo, task, units.finance, period="2023Q3", text="已在12家商户开通数字人民币收款",
                           percent=60, problems="部分商户积极性不高",
                           files=[SimpleUploadedFile("开通台账.xlsx", b"PK\x03\x04 ledger")],
                           today=date(2023, 9, 20))
    share = Indicator.objects.get(name="公共数据按需共享率")
    Indicator.objects.filter(pk=share.pk).update(source=Indicator.Source.MANUAL)  # a typed-in value to show
    share.refresh_from_db()
    record_measurement(admin, share, value="95", period_label="2023年第三季度")
    return plan


def test_it_imports_the_seed_through_the_upload_page(page, site, admin, password, assert_accessible):
    add_seed_units(admin)
    page.goto(site(reverse("core:login")))
    page.get_by_label("用户名").fill(admin.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="导入要点").click()
    assert_accessible(page)

    page.get_by_label("工作要点文件").set_input_files(str(SEED))
    page.get_by_role("button", name="上传并解析").click()
    page.wait_for_url("**/plan/import/*/")
    assert page.get_by_text(f"{SEED_TASKS} 项（3 个要点）").is_visible()
    assert page.locator("tr[id^=task-]").count() == SEED_TASKS
    assert_accessible(page)

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/plan/tasks/?plan=*")
    assert page.locator("main p[role=status]").inner_text().startswith(f"共 {SEED_TASKS} 项任务")
    assert_accessible(page)

    page.get_by_role("link", name="督办看板").click()
    assert page.locator(".card", has_text="任务总数").locator(".num").inner_text() == str(SEED_TASKS)
    assert Plan.objects.get().tasks.active().count() == SEED_TASKS
    assert_accessible(page)


def test_it_maps_an_unknown_name_in_the_browser(page, site, admin, units, login_as, assert_accessible):
    imp = stage_text(admin, WEATHER_PLAN)
    login_as(admin)
    page.goto(site(reverse("plan:import_review", args=[imp.pk])))
    confirm = page.get_by_role("button", name="确认导入")
    assert confirm.is_disabled()
    assert_accessible(page)
    page.get_by_label("选择单位", exact=True).select_option(label="双沟镇（泗洪县双沟镇人民政府）")
    page.get_by_role("button", name="对应到所选单位").click()
    assert page.get_by_text("已将“县气象局”对应到双沟镇").is_visible()
    assert page.get_by_role("button", name="确认导入").is_enabled()


def test_it_keeps_the_report_form_usable(page, site, seeded, cdo, login_as, assert_accessible):
    task = seeded.tasks.get(section__order=1, number=13)
    login_as(cdo)
    page.goto(site(reverse("plan:task_detail", args=[task.pk])))
    page.get_by_label("进展情况").fill("已覆盖全部重点商户")
    page.get_by_label("完成进度（%）").fill("150")
    page.get_by_role("button", name="提交进展").click()
    assert page.get_by_text("完成进度应在 0 到 100 之间").is_visible()
    assert_accessible(page)  # the page with errors too
    page.get_by_label("完成进度（%）").fill("90")
    page.get_by_label("佐证材料").set_input_files([{"name": "照片.jpg", "mimeType": "image/jpeg",
                                                   "buffer": b"\xff\xd8 photo"}])
    page.get_by_role("button", name="提交进展").click()
    assert page.get_by_text("已提交财政局2023年第四季度的进展").is_visible()
    assert page.get_by_role("link", name="照片.jpg").is_visible()


PAGES = {
    "task_list": ("supervisor", lambda plan: reverse("plan:task_list")),
    "task_detail": ("cdo", lambda plan: reverse("plan:task_detail",
                                                args=[plan.tasks.get(section__order=1, number=13).pk])),
    "task_detail_admin": ("admin", lambda plan: reverse("plan:task_detail",
                                                        args=[plan.tasks.get(section__order=2, number=2).pk])),
    "dashboard": ("supervisor", lambda plan: reverse("plan:dashboard")),
    "indicator_list": ("cdo", lambda plan: reverse("indicators:list")),
    "indicator_detail": ("admin", lambda plan: reverse(
        "indicators:detail", args=[Indicator.objects.get(name="公共数据按需共享率").pk])),
    "import_start": ("admin", lambda plan: reverse("plan:import_start")),
    "home": ("cdo", lambda plan: reverse("core:home")),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_it_passes_axe_on_every_page(request, page, site, seeded, login_as, assert_accessible, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    response = page.goto(site(url(seeded)))
    assert response is not None and response.status == 200
    assert_accessible(page)


def test_it_passes_axe_on_the_review_page_with_unknown_names(page, site, admin, units, login_as,
                                                            assert_accessible):
    import_text(admin, SMALL_PLAN)  # the plan the upload below revises, so the diff shows
    revised = SMALL_PLAN.replace("覆盖率达到80%", "覆盖率达到90%").replace("(牵头单位:大数据中心;", "(牵头单位:县气象局;")
    imp = stage_text(admin, revised, "revised.txt")
    login_as(admin)
    page.goto(site(reverse("plan:import_review", args=[imp.pk])))
    assert page.get_by_text("与现行文件相比的变化").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("name", ["dashboard", "task_detail"])
def test_it_passes_axe_in_elderly_mode(request, page, site, seeded, login_as, elderly_mode, assert_accessible,
                                       name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    page.goto(site(url(seeded)))
    assert "elderly" in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page)


@pytest.mark.parametrize("name", ["task_list", "dashboard", "task_detail", "indicator_list"])
def test_it_fits_a_phone(request, page, site, seeded, login_as, assert_no_horizontal_scroll, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    page.set_viewport_size(PHONE)
    page.goto(site(url(seeded)))
    assert_no_horizontal_scroll(page)


def test_it_fits_a_phone_in_elderly_mode(page, site, seeded, supervisor, login_as, elderly_mode,
                                         assert_no_horizontal_scroll):
    login_as(supervisor)
    page.set_viewport_size(PHONE)
    page.goto(site(reverse("plan:dashboard")))
    assert_no_horizontal_scroll(page)
