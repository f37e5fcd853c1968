"""The supervisor's dashboard: county-wide roles only, numbers in text next to every bar."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from indicators.services import record_measurement
from plan import services
from plan.tests.factories import SEED_TASKS, SMALL_PLAN, import_seed, import_text


@pytest.fixture
def small(admin, units):
    return import_text(admin, SMALL_PLAN)


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("supervisor", 200), ("editor", 404), ("cdo", 404), ("outsider", 404),
])
def test_it_is_for_county_wide_roles_only(request, client_for, small, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(reverse("plan:dashboard"))
    assert response.status_code == status


def test_it_says_when_nothing_was_imported(client_for, supervisor):
    response = client_for(supervisor).get(reverse("plan:dashboard"))
    assert response.status_code == 200 and "尚未导入工作要点" in response.content.decode()


def test_it_counts_the_seed(client_for, admin, supervisor):
    plan = import_seed(admin)
    html = client_for(supervisor).get(reverse("plan:dashboard")).content.decode()
    assert f'<span class="num">{SEED_TASKS}</span>任务总数' in html
    assert f"滞后任务（{SEED_TASKS}）" in html  # 2023 is over and nobody reported
    assert f"待复核的任务（{plan.tasks.filter(needs_review=True).count()}）" in html
    for section in plan.sections.all():
        assert f"{section.short_title}：共 {section.tasks.count()} 项" in html
    assert "公共数据按需共享率" in html and "不低于 97%" in html


def test_it_gives_every_bar_a_text_equivalent(client_for, small, supervisor):
    html = client_for(supervisor).get(reverse("plan:dashboard")).content.decode()
    bars = re.findall(r'<div class="stack-bar" role="img" aria-label="([^"]+)"', html)
    assert "数字政府建设：共 3 项，已完成 0 项，推进中 0 项，滞后 3 项，未开始 0 项" in bars
    assert "财政局：共 1 项，已完成 0 项，推进中 0 项，滞后 1 项，未开始 0 项" in bars
    assert '<span class="num-lagging">滞后 3</span>' in html  # numbers visible, not only colour


def test_it_follows_reports_and_indicator_values(client_for, small, admin, cdo, supervisor, units):
    task = small.tasks.get(number=1)
    services.submit_report(cdo, task, units.finance, period="2023Q4", text="全部完成", percent=100,
                           claims_done=True, today=date(2023, 12, 20))
    record_measurement(cdo, task.targets.get().indicator, value="85", period_label="2023年")
    html = client_for(supervisor).get(reverse("plan:dashboard"), {"period": "2023Q4"}).content.decode()
    assert '<span class="num">1</span>已完成' in html
    assert "滞后任务（2）" in html
    assert "85%" in html and "✓ 达标" in html
    finance_row = html.split(">财政局</a></th>")[1].split("</tr>")[0]
    assert "1 / 1（100.0%）" in finance_row


def test_it_selects_plan_and_period(client_for, small, admin, supervisor):
    other = import_seed(admin)
    client = client_for(supervisor)
    default = client.get(reverse("plan:dashboard")).content.decode()
    assert "本期：2023年第四季度" in default
    first = client.get(reverse("plan:dashboard"), {"plan": small.pk, "period": "2023Q1"}).content.decode()
    assert "洪政办发〔2023〕99号" in first and "本期：2023年第一季度" in first
    assert '<span class="num">3</span>任务总数' in first
    assert f'<option value="{other.pk}">' in first and f'<option value="{small.pk}" selected>' in first
    junk = client.get(reverse("plan:dashboard"), {"plan": "x", "period": "1999Q9"})
    assert junk.status_code == 200


def test_it_links_the_exports(client_for, small, supervisor):
    html = client_for(supervisor).get(reverse("plan:dashboard")).content.decode()
    assert f'{reverse("plan:export_ledger")}?plan={small.pk}&amp;period=2023Q4' in html
    assert f'{reverse("plan:export_bulletin")}?plan={small.pk}&amp;period=2023Q4' in html
