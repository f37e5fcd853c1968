"""Shared test fixtures: the fixed personas, a logged-in client, and a real headless Chromium.

Personas are built through ``core.services`` on every test (never JSON fixtures), so a test reads
like the county it describes: the government office, the Big Data Center, a department, a township
and an organisation outside the county's tree.

Browser tests (``@pytest.mark.browser``) drive Debian's Chromium through Playwright's sync API.
Playwright runs an event loop in the test thread, which trips Django's "async unsafe" guard on every
ORM call the test makes; the guard protects real async code, not this, so it is switched off here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

if TYPE_CHECKING:
    from django.test import Client
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

    from core.models import Unit, User

PASSWORD = "Zhengtong-test-2025"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_configure(config: pytest.Config) -> None:
    # whitenoise warns that STATIC_ROOT is missing: tests serve static files from the finders.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing(django_test_environment: None) -> Iterator[None]:
    """MD5 instead of PBKDF2 for the test personas: a login costs microseconds, not 0.3 s."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _after_migrate_rows(request: pytest.FixtureRequest) -> None:
    """Rows `migrate` creates (computed indicators, the job schedule, the catalog's 类/项).

    Transactional tests flush every table, so tests that use the database get them back here and
    always start from the state a freshly migrated installation has.
    """
    if not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("db" if "db" in request.fixturenames else "transactional_db")
    from catalog.categories import seed
    from catalog.models import Category
    from content.dictionaries import load_seed
    from core.jobs import sync_schedule
    from indicators.computed import sync_computed

    sync_computed()
    sync_schedule()
    seed(Category)
    load_seed()


# ---- the unit tree and the personas ----------------------------------------------------------


@dataclass(frozen=True)
class UnitTree:
    government: Unit  # 县政府办
    data_center: Unit  # 大数据中心
    finance: Unit  # 财政局
    township: Unit  # 双沟镇
    outside: Unit  # a body outside the county's tree


@pytest.fixture
def units(db: None) -> UnitTree:
    from core import services
    from core.models import UnitKind

    government = services.create_unit(None, short_name="县政府办", full_name="泗洪县人民政府办公室",
                                      kind=UnitKind.GOVERNMENT, sort_order=1)
    data_center = services.create_unit(None, short_name="大数据中心", full_name="泗洪县大数据中心",
                                       kind=UnitKind.DEPARTMENT, parent=government, sort_order=2,
                                       aliases=["县大数据中心"])
    finance = services.create_unit(None, short_name="财政局", full_name="泗洪县财政局",
                                   kind=UnitKind.DEPARTMENT, parent=government, sort_order=10)
    township = services.create_unit(None, short_name="双沟镇", full_name="泗洪县双沟镇人民政府",
                                    kind=UnitKind.TOWNSHIP, parent=government, sort_order=50)
    outside = services.create_unit(None, short_name="测评公司", full_name="江苏某信息技术测评有限公司",
                                   kind=UnitKind.OUTSIDE, sort_order=90)
    return UnitTree(government, data_center, finance, township, outside)


def _make_person(username: str, display_name: str, unit: Unit | None, *roles: str) -> User:
    from core import services

    return services.create_person(None, username=username, password=PASSWORD, display_name=display_name,
                                  unit=unit, roles=roles)


@pytest.fixture
def make_person(db: None) -> Callable[..., User]:
    """``make_person(username, display_name, unit, *roles)``: one more persona, with ``PASSWORD``."""
    return _make_person


@pytest.fixture
def password() -> str:
    """Every persona's password."""
    return PASSWORD


@pytest.fixture
def admin(units: UnitTree) -> User:
    """大数据中心管理员."""
    from core.models import Role

    return _make_person("admin", "王管理", units.data_center, Role.DC_ADMIN)


@pytest.fixture
def supervisor(units: UnitTree) -> User:
    """县政府办督查员."""
    from core.models import Role

    return _make_person("supervisor", "李督查", units.government, Role.SUPERVISOR)


@pytest.fixture
def editor(units: UnitTree) -> User:
    """编辑 at 财政局."""
    from core.models import Role

    return _make_person("editor", "张编辑", units.finance, Role.EDITOR)


@pytest.fixture
def cdo(units: UnitTree) -> User:
    """首席数据官 at 财政局, who also reports the bureau's progress (进度填报员)."""
    from core.models import Role

    return _make_person("cdo", "赵数据", units.finance, Role.CDO, Role.REPORTER)


@pytest.fixture
def reporter(cdo: User) -> User:
    """The person who reports 财政局's progress: the same person as ``cdo``."""
    return cdo


@pytest.fixture
def outsider(units: UnitTree) -> User:
    """编辑 at a township: sees nothing of 财政局's, gets 404 on admin pages."""
    from core.models import Role

    return _make_person("outsider", "孙外单位", units.township, Role.EDITOR)


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """``client_for(person)`` → a Django test client logged in as that person (None: anonymous)."""
    from django.test import Client

    def make(person: User | None) -> Client:
        client = Client()
        if person is not None:
            client.force_login(person)
        return client

    return make


# ---- a real browser --------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return
    if os.environ.get("CI") == "true":
        # CI installs chromium; a missing one there is a broken run, not a reason to skip.
        return
    reason = f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 包（apt-get install chromium）"
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} 不存在，无法运行浏览器测试")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context: BrowserContext) -> Page:
    return browser_context.new_page()


@pytest.fixture
def site(live_server: Any) -> Callable[[str], str]:
    """``site("/audit/")`` → the absolute URL of that path on the live server."""
    base = live_server.url.rstrip("/")
    return lambda path: base + path


@pytest.fixture
def login_as(live_server: Any, browser_context: BrowserContext, client_for: Callable[[User | None], Client]
             ) -> Callable[[User], None]:
    """Log a persona into the browser context by handing it a real session cookie.

    Faster than typing into the form (which ``test_login_browser`` covers once), and the session is
    the same kind Django's login view creates.
    """
    from django.conf import settings

    def login(person: User) -> None:
        client = client_for(person)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser_context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                                      "url": live_server.url}])

    return login


@pytest.fixture
def elderly_mode(live_server: Any, browser_context: BrowserContext) -> None:
    """Switch the browser context to 适老化 mode (the same cookie the toggle button sets)."""
    browser_context.add_cookies([{"name": "zt_elderly", "value": "1", "url": live_server.url}])


def check_accessible(page: Page, *, context: str | dict[str, Any] | None = None) -> None:
    """Run axe-core (WCAG 2.1 A/AA) on the page as it is now; fail listing every violation."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=context, options=options)
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"axe-core 在 {page.url} 发现 {len(violations)} 类无障碍问题："]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    …以及另外 {len(v['nodes']) - 10} 处")
    raise AssertionError("\n".join(lines))


def check_no_horizontal_scroll(page: Page) -> None:
    """The page fits its viewport width (a phone must not scroll sideways)."""
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], (
        f"{page.url} 在 {page.viewport_size} 下出现横向滚动：scrollWidth={sizes['scroll']} > "
        f"clientWidth={sizes['client']}"
    )


@pytest.fixture
def assert_accessible() -> Callable[..., None]:
    """``assert_accessible(page)``: axe-core finds no WCAG 2.1 A/AA violation on the page."""
    return check_accessible


@pytest.fixture
def assert_no_horizontal_scroll() -> Callable[[Page], None]:
    """``assert_no_horizontal_scroll(page)``: document width fits the viewport."""
    return check_no_horizontal_scroll
