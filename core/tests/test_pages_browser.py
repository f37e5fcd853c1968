"""Core pages in a real headless Chromium: login, accessibility (axe-core, WCAG 2.1 AA), phone width."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from core import services
from core.models import AuditEntry, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
MODES = ["standard", "elderly"]
ADMIN_PAGES = ["home", "audit_list", "audit_detail", "calendar", "schedule", "unit_list", "person_list"]


@pytest.fixture
def admin_page(page: Page, admin: User, login_as: Callable[[User], None], units) -> Page:
    """The admin logged in, with something in the notifications and the audit log to render."""
    services.notify(admin, kind="plan.remind", title="请审核财政局提交的第三季度进展",
                    body="截止 10 月 10 日", link=reverse("core:audit_list"))
    services.add_unit_alias(admin, units.finance, "县财政局")
    login_as(admin)
    return page


def core_path(name: str) -> str:
    if name == "audit_detail":
        entry = AuditEntry.objects.filter(action="core.unit.alias").first() or AuditEntry.objects.first()
        assert entry is not None
        return reverse("core:audit_detail", args=[entry.pk])
    return reverse(f"core:{name}")


def test_it_logs_in_through_the_form(page: Page, site, admin: User, password: str) -> None:
    page.goto(site(reverse("core:home")))
    expect(page).to_have_url(site(reverse("core:login")) + "?next=/")

    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("王管理，您好")
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志")).to_be_visible()


def test_it_shows_a_wrong_password_error_in_the_page(page: Page, site, admin: User) -> None:
    page.goto(site(reverse("core:login")))
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")


def test_it_switches_elderly_mode_with_the_header_button(page: Page, site, db: None) -> None:
    page.goto(site(reverse("core:login")))
    base_size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")

    page.get_by_role("button", name="适老化模式").click()

    expect(page.locator("body")).to_have_class("elderly")
    expect(page.get_by_role("button", name="标准模式")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") > base_size
    assert page.url.endswith(reverse("core:login"))


@pytest.mark.parametrize("mode", MODES)
def test_it_has_an_accessible_login_page(page: Page, site, mode: str, request, assert_accessible) -> None:
    if mode == "elderly":
        request.getfixturevalue("elderly_mode")
    page.goto(site(reverse("core:login")))
    assert_accessible(page)

    # and with the error message shown
    page.get_by_label("用户名").fill("nobody")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_it_has_accessible_core_pages(admin_page: Page, site, name: str, mode: str, request,
                                      assert_accessible) -> None:
    if mode == "elderly":
        request.getfixturevalue("elderly_mode")

    response = admin_page.goto(site(core_path(name)))

    assert response is not None and response.status == 200
    assert ("elderly" in (admin_page.locator("body").get_attribute("class") or "")) == (mode == "elderly")
    assert_accessible(admin_page)


def test_it_has_an_accessible_calendar_form_error(admin_page: Page, site, assert_accessible) -> None:
    admin_page.goto(site(reverse("core:calendar")))
    admin_page.get_by_label("年份").fill("2099")
    admin_page.get_by_label("放假日期").fill("2099-13-45")
    admin_page.get_by_role("button", name="录入通知").click()

    expect(admin_page.locator(".errorlist").first).to_contain_text("不是有效日期")
    assert_accessible(admin_page)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["login", *ADMIN_PAGES])
def test_it_fits_a_phone_screen(browser, live_server, site, admin: User, units, client_for, name: str, mode: str,
                                assert_no_horizontal_scroll) -> None:
    from django.conf import settings

    for n in range(30):
        services.add_unit_alias(admin, units.finance, f"一个很长很长的财政局别名用于测试窄屏下的表格换行效果{n}")
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    try:
        cookies = [{"name": "zt_elderly", "value": "1" if mode == "elderly" else "0", "url": live_server.url}]
        if name != "login":
            session = client_for(admin).cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        context.add_cookies(cookies)
        page = context.new_page()
        response = page.goto(site(core_path(name)))
        assert response is not None and response.status == 200
        assert_no_horizontal_scroll(page)
    finally:
        context.close()
