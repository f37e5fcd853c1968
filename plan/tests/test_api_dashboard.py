"""GET /api/v1/plan/dashboard."""

from __future__ import annotations

import pytest

from plan.tests.factories import SEED_TASKS, SMALL_PLAN, import_seed, import_text

URL = "/api/v1/plan/dashboard"


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("supervisor", 200), ("editor", 404), ("cdo", 404), ("outsider", 404),
])
def test_it_is_for_county_wide_roles_only(request, client_for, admin, units, persona, status):
    import_text(admin, SMALL_PLAN)
    response = client_for(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "页面不存在"}


def test_it_answers_404_before_any_import(client_for, supervisor):
    assert client_for(supervisor).get(URL).json() == {"detail": "尚未导入工作要点"}


def test_it_summarises_the_seed(client_for, admin, supervisor):
    plan = import_seed(admin)
    body = client_for(supervisor).get(URL, {"plan": plan.pk, "period": "2023Q2"}).json()
    assert body["doc_number"] == "洪政办发〔2023〕16号" and body["period"] == "2023Q2"
    assert body["overall"]["total"] == SEED_TASKS and body["overall"]["lagging"] == SEED_TASKS
    assert [s["counts"]["total"] for s in body["sections"]] == [22, 10, 7]
    assert len(body["lagging"]) == SEED_TASKS and body["lagging"][0]["code"] == "1-1"
    assert any(i["name"] == "公共数据按需共享率" and i["target"] == "不低于 97%" and i["met"] is None
               for i in body["indicators"])
    finance = next(u for u in body["units"] if u["unit"] == "财政局")
    assert finance["lead"]["total"] == 1 and finance["reports_filed"] == 0


def test_it_defaults_to_the_latest_plan_and_current_quarter(client_for, admin, supervisor, units):
    import_text(admin, SMALL_PLAN)
    body = client_for(supervisor).get(URL, {"period": "bogus"}).json()
    assert body["period"] == "2023Q4" and body["overall"]["total"] == 3
    assert client_for(supervisor).get(URL, {"period": "x" * 11}).status_code == 422
