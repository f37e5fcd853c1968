"""回头看 pages in a real headless Chromium: axe-core, a 375px phone, and the provider's whole round."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from catalog import lookback
from catalog.models import QualityFinding, QualityRun
from catalog.tests.factories import make_resource
from catalog.tests.test_lookback import clean_rows, csv_upload, dirty_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
NOW = datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def checked(cdo, admin, units):
    """A published resource whose data was checked once and has three open findings."""
    people = make_resource(cdo, units.finance, publish=True, admin=admin, name="财政供养人员基础信息")
    lookback.attach_file(cdo, people, csv_upload(dirty_rows()), note="6 月抽取")
    run = lookback.execute(people.quality_runs.get().pk, now=NOW)
    return {"resource": people, "run": run}


PAGES = {
    "resource_quality_keeper": ("cdo", lambda c: reverse("catalog:resource_quality", args=[c["resource"].pk])),
    "resource_quality_admin": ("admin", lambda c: reverse("catalog:resource_quality", args=[c["resource"].pk])),
    "quality_run": ("cdo", lambda c: reverse("catalog:quality_run", args=[c["run"].pk])),
    "finding_list_admin": ("admin", lambda c: reverse("catalog:finding_list") + "?overdue=on"),
    "finding_list_keeper": ("cdo", lambda c: reverse("catalog:finding_list")),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_it_passes_axe_and_fits_a_phone(request, page, site, checked, login_as, assert_accessible,
                                        assert_no_horizontal_scroll, name):
    persona, url = PAGES[name]
    login_as(request.getfixturevalue(persona))
    response = page.goto(site(url(checked)))
    assert response is not None and response.status == 200
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)


def test_the_provider_uploads_sees_findings_rectifies_and_is_rechecked(page, site, cdo, admin, units, login_as,
                                                                        media, assert_accessible):
    people = make_resource(cdo, units.finance, publish=True, admin=admin)
    login_as(cdo)
    page.goto(site(reverse("catalog:resource_detail", args=[people.pk])))
    page.get_by_role("main").get_by_role("link", name="数据质量").click()

    bad = media / "人口.xls"
    bad.write_bytes(b"old excel")
    page.locator("#id_upload_file").set_input_files(str(bad))
    page.get_by_role("button", name="上传并检查").click()
    assert "另存为 .xlsx" in page.locator("#id_upload_file ~ [role=alert]").inner_text()
    assert_accessible(page)

    data = media / "人口.csv"
    data.write_bytes(csv_upload(dirty_rows()).read())
    page.locator("#id_upload_file").set_input_files(str(data))
    page.get_by_role("button", name="上传并检查").click()
    assert page.get_by_text("已挂接数据并开始检查").is_visible()
    lookback.execute(people.quality_runs.get().pk, now=NOW)  # what the task worker does

    page.reload()
    assert page.get_by_role("heading", name="待整改的问题（3）").is_visible()
    fixed = media / "人口-整改.csv"
    fixed.write_bytes(csv_upload(clean_rows()).read())
    page.get_by_label("整改说明").fill("已补录姓名、更正身份证号并去重")
    page.locator("#id_rectify_file").set_input_files(str(fixed))
    page.get_by_role("button", name="提交整改").click()
    assert page.get_by_text("已提交整改，正在复查").is_visible()
    recheck = people.quality_runs.get(state=QualityRun.State.QUEUED)
    lookback.execute(recheck.pk, now=NOW)

    page.reload()
    assert page.get_by_role("heading", name="待整改的问题（0）").is_visible()
    assert page.get_by_role("heading", name="已解决的问题（3）").is_visible()
    assert set(QualityFinding.objects.values_list("state", flat=True)) == {QualityFinding.State.RESOLVED}
    page.get_by_role("link", name=recheck.requested_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime(
        "%Y-%m-%d %H:%M")).first.click()
    assert page.get_by_text("复查通过并解决").first.is_visible()
    assert Path(people.datasets.first().file.path).exists()
