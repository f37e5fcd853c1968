"""The indicator list: every logged-in person sees every indicator; task links only where visible."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import record_measurement
from plan.tests.factories import SMALL_PLAN, import_seed, import_text


@pytest.fixture
def small(admin, units):
    return import_text(admin, SMALL_PLAN)


@pytest.mark.parametrize("persona", ["admin", "supervisor", "editor", "cdo", "outsider"])
def test_it_shows_every_indicator_to_everyone(request, client_for, small, persona):
    response = client_for(request.getfixturevalue(persona)).get(reverse("indicators:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "应用场景覆盖率" in html and "不低于 80%" in html and "推动应用场景覆盖率达到80%" in html


def test_it_requires_login(client_for, small):
    assert client_for(None).get(reverse("indicators:list")).status_code == 302


def test_it_links_a_task_only_for_people_who_may_open_it(client_for, small, cdo, outsider):
    task = small.tasks.get(number=1)
    link = reverse("plan:task_detail", args=[task.pk])
    assert link in client_for(cdo).get(reverse("indicators:list")).content.decode()
    html = client_for(outsider).get(reverse("indicators:list")).content.decode()
    assert link not in html and "任务 1-1 推进数字人民币应用" in html


def test_it_shows_the_latest_value_and_whether_it_meets_the_target(client_for, small, cdo, outsider):
    indicator = Indicator.objects.get(name="应用场景覆盖率")
    record_measurement(cdo, indicator, value="60", period_label="2023年第二季度")
    record_measurement(cdo, indicator, value="82.5", period_label="2023年第四季度")
    html = client_for(outsider).get(reverse("indicators:list")).content.decode()
    assert "82.5%" in html and "2023年第四季度" in html and "✓ 达标" in html


def test_it_uses_a_constant_number_of_queries(client_for, admin, supervisor, units, django_assert_num_queries):
    client = client_for(supervisor)
    import_seed(admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("indicators:list"))
    import_text(admin, SMALL_PLAN)
    assert Indicator.objects.count() > 5
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("indicators:list"))
