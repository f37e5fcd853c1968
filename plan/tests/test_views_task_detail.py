"""The task page: who may open it, what it shows, and who gets the report form."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from plan import services
from plan.models import Task
from plan.tests.factories import SMALL_PLAN, import_text


@pytest.fixture
def task(admin, units) -> Task:
    plan = import_text(admin, SMALL_PLAN)
    return plan.tasks.get(number=1)  # 牵头单位：财政局；配合单位：大数据中心


@pytest.mark.parametrize(("persona", "status", "has_form"), [
    ("admin", 200, True),
    ("supervisor", 200, False),
    ("editor", 200, True),
    ("cdo", 200, True),
    ("outsider", 404, False),
])
def test_it_follows_the_permission_matrix(request, client_for, task, persona, status, has_form):
    response = client_for(request.getfixturevalue(persona)).get(reverse("plan:task_detail", args=[task.pk]))
    assert response.status_code == status
    if status == 200:
        assert ("填报进展" in response.content.decode()) is has_form


def test_it_answers_404_for_a_missing_task(client_for, admin):
    assert client_for(admin).get(reverse("plan:task_detail", args=[999999])).status_code == 404


def test_it_shows_the_full_task(client_for, task, cdo):
    html = client_for(cdo).get(reverse("plan:task_detail", args=[task.pk])).content.decode()
    assert "1-1 推进数字人民币应用" in html
    assert "推动全县商户开通数字人民币收款服务" in html
    assert "一、强化数据支撑" in html  # chapter
    assert "财政局" in html and "大数据中心" in html
    assert "2023年12月29日" in html  # year end, moved back to the last working day
    assert "滞后" in html and "已过完成时限" in html
    indicator = task.targets.get().indicator
    assert "应用场景覆盖率" in html and "不低于 80%" in html and "未填报" in html
    assert reverse("indicators:detail", args=[indicator.pk]) in html


def test_it_offers_only_the_reporting_units_and_the_plan_years_periods(client_for, task, cdo, admin, units):
    html = client_for(cdo).get(reverse("plan:task_detail", args=[task.pk])).content.decode()
    assert f'<option value="{units.finance.pk}" selected>财政局</option>' in html
    assert f'value="{units.data_center.pk}"' not in html.split('name="unit"')[1].split("</select>")[0]
    periods = html.split('name="period"')[1].split("</select>")[0]
    assert '<option value="2023Q4" selected>2023年第四季度</option>' in periods
    assert "2023Q1" in periods and "2024Q1" not in periods
    admin_html = client_for(admin).get(reverse("plan:task_detail", args=[task.pk])).content.decode()
    unit_select = admin_html.split('name="unit"')[1].split("</select>")[0]
    assert "财政局" in unit_select and "大数据中心" in unit_select


def test_it_lists_reports_by_period_and_prefills_my_latest(client_for, task, cdo, units):
    services.submit_report(cdo, task, units.finance, period="2023Q2", text="已开通12家商户", percent=40,
                           problems="商户积极性不高", today=date(2023, 6, 20))
    services.submit_report(cdo, task, units.finance, period="2023Q4", text="覆盖全部重点商户", percent=90,
                           today=date(2023, 12, 20))
    html = client_for(cdo).get(reverse("plan:task_detail", args=[task.pk])).content.decode()
    assert html.index("2023年第四季度") < html.index("2023年第二季度")
    assert "已开通12家商户" in html and "商户积极性不高" in html and "完成 90%" in html
    assert "覆盖全部重点商户</textarea>" in html and 'name="percent" value="90"' in html


def test_it_says_which_lead_units_have_not_reported_this_period(client_for, task, supervisor):
    html = client_for(supervisor).get(reverse("plan:task_detail", args=[task.pk])).content.decode()
    assert "2023年第四季度尚未报送：财政局" in html
