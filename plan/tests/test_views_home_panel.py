"""The plan's block on the home page: my unit's tasks and owed reports; the county for supervisors."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from plan import services
from plan.tests.factories import SMALL_PLAN, import_text


@pytest.fixture
def small(admin, units):
    return import_text(admin, SMALL_PLAN)


def test_it_shows_a_unit_its_lead_tasks_and_owed_reports(client_for, small, cdo):
    task = small.tasks.get(number=1)
    html = client_for(cdo).get(reverse("core:home")).content.decode()
    assert "财政局牵头的工作任务（1）" in html
    assert "滞后 1" in html and "1-1 推进数字人民币应用" in html
    assert "本期待报送的进展（1）" in html
    assert reverse("plan:task_detail", args=[task.pk]) + "#report-form" in html
    assert "全县工作要点进展" not in html


def test_it_drops_a_report_once_filed(client_for, small, cdo, units):
    task = small.tasks.get(number=1)
    services.submit_report(cdo, task, units.finance, period="2023Q4", text="已推进", percent=50,
                           today=date(2023, 12, 20))
    html = client_for(cdo).get(reverse("core:home")).content.decode()
    assert "本期待报送的进展（0）" in html and "本期进展均已报送" in html


def test_it_shows_county_wide_roles_the_whole_county(client_for, small, supervisor):
    html = client_for(supervisor).get(reverse("core:home")).content.decode()
    assert "全县工作要点进展" in html and "共 3 项任务" in html and "3 项任务滞后" in html
    assert reverse("plan:dashboard") in html


def test_it_shows_nothing_to_a_unit_without_tasks(client_for, small, outsider):
    html = client_for(outsider).get(reverse("core:home")).content.decode()
    assert "牵头的工作任务" not in html and "全县工作要点进展" not in html
