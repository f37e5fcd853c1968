"""The Excel import page in a real headless Chromium: upload, the error table, axe-core, a phone's width."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.categories import seed
from catalog.models import Category, DataResource
from catalog.tests.test_excel_support import resource_row, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def categories(db):
    seed(Category)  # transactional tests flush the migration's seed


def test_it_imports_a_file_through_the_page(page, site, login_as, cdo, tmp_path, assert_accessible):
    login_as(cdo)
    page.goto(site(reverse("catalog:excel_import")))
    assert_accessible(page)
    path = tmp_path / "数据资源清单.xlsx"
    path.write_bytes(workbook([resource_row(), resource_row(**{"信息项名称": "注册资本"})]))
    page.get_by_label("清单").select_option("resources")
    page.get_by_label("Excel 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("已导入数据资源清单").wait_for()
    assert DataResource.objects.count() == 1
    assert_accessible(page)


def test_it_shows_the_errors_accessibly_on_a_phone(page, site, login_as, cdo, tmp_path, assert_accessible,
                                                   assert_no_horizontal_scroll, elderly_mode):
    login_as(cdo)
    page.set_viewport_size(PHONE)
    page.goto(site(reverse("catalog:excel_import")))
    path = tmp_path / "有错误的清单.xlsx"
    path.write_bytes(workbook([resource_row(**{"共享条件": None, "信息资源名称": "名" * 60}),
                               resource_row(**{"临时编号": "2", "信息资源名称": "乙", "信息资源分类": "999 不存在的分类"})]))
    page.get_by_label("Excel 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_role("heading", name="未导入：发现 2 处问题").wait_for()
    assert page.get_by_role("link", name="下载标注错误的文件").is_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert DataResource.objects.count() == 0
