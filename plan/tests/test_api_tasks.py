"""GET /api/v1/plan/tasks and /api/v1/plan/tasks/{id}."""

from __future__ import annotations

import pytest

from plan.models import TaskStatus
from plan.tests.factories import SEED_TASKS, SMALL_PLAN, import_seed, import_text

URL = "/api/v1/plan/tasks"


@pytest.fixture
def small(admin, units):
    return import_text(admin, SMALL_PLAN)


def _codes(response) -> list[str]:
    return [t["code"] for t in response.json()["items"]]


def test_it_requires_a_session(client_for, small):
    assert client_for(None).get(URL).status_code == 401


def test_it_lists_the_tasks_a_person_may_see(client_for, small, supervisor, cdo, outsider):
    everything = client_for(supervisor).get(URL)
    assert everything.status_code == 200
    body = everything.json()
    assert body["count"] == 3 and _codes(everything) == ["1-1", "1-2", "1-3"]
    first = body["items"][0]
    assert first["heading"] == "推进数字人民币应用" and first["status"] == TaskStatus.LAGGING
    assert first["status_label"] == "滞后" and first["deadline"] == "2023-12-29"
    assert [u["name"] for u in first["lead_units"]] == ["财政局"]
    assert [u["name"] for u in first["co_units"]] == ["大数据中心"]
    assert first["targets"] == [{"indicator_id": first["targets"][0]["indicator_id"], "metric": "应用场景覆盖率",
                                 "text": "推动应用场景覆盖率达到80%", "target": "不低于 80%", "actual": "未填报",
                                 "met": None}]
    assert body["items"][2]["lead_units"][0]["is_default"] is True
    assert _codes(client_for(cdo).get(URL)) == ["1-1"]
    assert client_for(outsider).get(URL).json() == {"count": 0, "items": []}


def test_it_filters_like_the_page(client_for, small, supervisor, units):
    client = client_for(supervisor)
    section = small.sections.get()
    assert _codes(client.get(URL, {"unit": units.data_center.pk})) == ["1-1", "1-2"]
    assert _codes(client.get(URL, {"status": "done"})) == []
    assert _codes(client.get(URL, {"section": section.pk, "needs_review": "true"})) == ["1-3"]
    assert _codes(client.get(URL, {"q": "安全"})) == ["1-2"]


def test_it_rejects_bad_filters_in_chinese(client_for, small, supervisor):
    response = client_for(supervisor).get(URL, {"status": "finished"})
    assert response.status_code == 400 and response.json()["detail"].startswith("状态：")
    assert client_for(supervisor).get(URL, {"section": 999999}).status_code == 400
    assert client_for(supervisor).get(URL, {"limit": 1000}).status_code == 422


def test_it_paginates(client_for, admin, supervisor):
    import_seed(admin)
    client = client_for(supervisor)
    page = client.get(URL, {"limit": 10, "offset": 30}).json()
    assert page["count"] == SEED_TASKS and len(page["items"]) == SEED_TASKS - 30


def test_it_shows_one_task_with_its_reports(client_for, small, cdo):
    task = small.tasks.get(number=1)
    response = client_for(cdo).get(f"{URL}/{task.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1-1" and body["text"].startswith("推进数字人民币应用。")
    assert body["can_report"] is True and body["reports"] == []
    assert body["chapter"] == "一、强化数据支撑"


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("supervisor", 200), ("editor", 200), ("cdo", 200), ("outsider", 404),
])
def test_it_follows_the_permission_matrix(request, client_for, small, persona, status):
    task = small.tasks.get(number=1)
    response = client_for(request.getfixturevalue(persona)).get(f"{URL}/{task.pk}")
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "任务不存在"}


def test_it_answers_404_for_a_missing_task(client_for, small, admin):
    assert client_for(admin).get(f"{URL}/999999").json() == {"detail": "任务不存在"}
