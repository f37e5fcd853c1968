"""The task list: what each persona sees, the filters, and a query count that does not grow with tasks."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plan.models import TaskStatus
from plan.tests.factories import SEED_TASKS, SMALL_PLAN, import_seed, import_text


def _codes(response) -> list[str]:
    return re.findall(r'<td data-label="编号">([\d-]+)</td>', response.content.decode())


@pytest.fixture
def small(admin, units):
    return import_text(admin, SMALL_PLAN)


def test_it_shows_county_wide_roles_every_task(client_for, small, supervisor):
    response = client_for(supervisor).get(reverse("plan:task_list"))
    assert response.status_code == 200
    assert _codes(response) == ["1-1", "1-2", "1-3"]
    html = response.content.decode()
    assert "推进数字人民币应用" in html and "财政局" in html and "大数据中心" in html
    assert "应用场景覆盖率：不低于 80% / 未填报" in html


def test_it_shows_a_unit_only_the_tasks_it_takes_part_in(client_for, small, cdo, outsider):
    assert _codes(client_for(cdo).get(reverse("plan:task_list"))) == ["1-1"]
    response = client_for(outsider).get(reverse("plan:task_list"))
    assert _codes(response) == [] and "暂无任务" in response.content.decode()


def test_it_shows_status_with_reason_and_provisional_deadlines(client_for, small, supervisor):
    html = client_for(supervisor).get(reverse("plan:task_list")).content.decode()
    assert 'class="badge s-lagging"' in html and "已过完成时限" in html  # 2023 year-end has passed
    assert "（默认）" in html  # task 3 names no unit: the issuer leads by default
    assert "待复核" in html


def test_it_filters_by_status_section_unit_review_and_text(client_for, small, supervisor, units):
    client = client_for(supervisor)
    url = reverse("plan:task_list")
    section = small.sections.get()
    assert _codes(client.get(url, {"status": TaskStatus.LAGGING})) == ["1-1", "1-2", "1-3"]
    assert _codes(client.get(url, {"status": TaskStatus.DONE})) == []
    assert _codes(client.get(url, {"section": section.pk, "plan": small.pk})) == ["1-1", "1-2", "1-3"]
    assert _codes(client.get(url, {"unit": units.finance.pk})) == ["1-1"]
    assert _codes(client.get(url, {"unit": units.data_center.pk})) == ["1-1", "1-2"]
    assert _codes(client.get(url, {"needs_review": "on"})) == ["1-3"]
    assert _codes(client.get(url, {"q": "安全"})) == ["1-2"]
    assert _codes(client.get(url, {"q": "财政局"})) == ["1-1"]
    assert "清除筛选" in client.get(url, {"q": "安全"}).content.decode()


def test_it_narrows_to_the_tasks_my_unit_leads(client_for, small, admin):
    # The admin's unit (大数据中心) leads 1-2 and only supports 1-1.
    client = client_for(admin)
    assert _codes(client.get(reverse("plan:task_list"), {"mine": "on"})) == ["1-2"]


def test_it_ignores_a_unit_filter_from_a_department(client_for, small, cdo, units):
    response = client_for(cdo).get(reverse("plan:task_list"), {"unit": units.data_center.pk})
    assert _codes(response) == ["1-1"]
    assert 'name="unit"' not in response.content.decode()  # the filter is only offered county-wide


def test_it_paginates(client_for, admin, supervisor):
    import_seed(admin)
    client = client_for(supervisor)
    first = client.get(reverse("plan:task_list"))
    assert len(_codes(first)) == 30 and f"共 {SEED_TASKS} 项任务" in first.content.decode()
    second = client.get(reverse("plan:task_list"), {"page": 2})
    assert len(_codes(second)) == SEED_TASKS - 30


def test_it_uses_a_constant_number_of_queries(client_for, admin, supervisor, django_assert_num_queries):
    client = client_for(supervisor)
    # Live indicators (computed from the catalog) cost a fixed number of queries each, so both
    # captures include them: the seed links its targets to them.
    import_seed(admin)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("plan:task_list")).status_code == 200
    import_text(admin, SMALL_PLAN)  # more tasks, targets and units
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("plan:task_list"))
    assert len(_codes(response)) == 30


def test_it_requires_login(client_for, units):
    response = client_for(None).get(reverse("plan:task_list"))
    assert response.status_code == 302
