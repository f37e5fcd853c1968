"""/api/v1/indicators: list, detail, recording a value."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from indicators.models import Indicator, Measurement
from indicators.services import record_measurement
from plan.tests.factories import SMALL_PLAN, import_text

URL = "/api/v1/indicators"


@pytest.fixture
def indicator(admin, units) -> Indicator:
    import_text(admin, SMALL_PLAN)
    return Indicator.objects.get(name="应用场景覆盖率")


def test_it_requires_a_session(client_for, indicator):
    assert client_for(None).get(URL + "/").status_code == 401


def test_it_lists_indicators_for_everyone(client_for, indicator, cdo, outsider):
    record_measurement(cdo, indicator, value="82.5", period_label="2023年")
    body = client_for(outsider).get(URL + "/", {"limit": 100}).json()
    computed = [i for i in body["items"] if i["source"] == "computed"]
    assert body["count"] == 1 + len(computed)
    item = next(i for i in body["items"] if i["name"] == "应用场景覆盖率")
    assert item["name"] == "应用场景覆盖率" and item["target"] == "不低于 80%" and item["target_value"] == "80"
    assert item["latest"]["value"] == "82.5" and item["met"] is True
    assert item["targets"] == [{"text": "推动应用场景覆盖率达到80%", "task_id": item["targets"][0]["task_id"],
                                "task_code": "1-1"}]
    assert client_for(outsider).get(URL + "/", {"limit": 500}).status_code == 422


def test_it_shows_one_indicator_with_its_history(client_for, indicator, cdo, outsider):
    record_measurement(cdo, indicator, value="60")
    record_measurement(cdo, indicator, value="70")
    body = client_for(outsider).get(f"{URL}/{indicator.pk}").json()
    assert [m["value"] for m in body["history"]] == ["70", "60"] and body["met"] is False
    missing = client_for(outsider).get(f"{URL}/999999")
    assert missing.status_code == 404 and missing.json() == {"detail": "指标不存在"}


def test_it_records_a_value(client_for, indicator, cdo, units):
    response = client_for(cdo).post(f"{URL}/{indicator.pk}/measurements",
                                    {"value": 85.5, "period_label": "2023年", "note": "按商户数"},
                                    content_type="application/json")
    assert response.status_code == 201
    assert response.json()["value"] == "85.5" and response.json()["unit"] == "财政局"
    assert Measurement.objects.get().recorded_by == cdo
    assert AuditEntry.objects.filter(action="indicators.measurement.record").count() == 1


@pytest.mark.parametrize(("persona", "body", "status", "detail"), [
    ("outsider", {"value": 85}, 403, "您所在单位不负责此指标，不能填报"),
    ("supervisor", {"value": 85}, 403, "您所在单位不负责此指标，不能填报"),
    ("cdo", {"value": 120}, 400, "百分比应在 0 到 100 之间"),
])
def test_it_maps_domain_errors(request, client_for, indicator, persona, body, status, detail):
    response = client_for(request.getfixturevalue(persona)).post(
        f"{URL}/{indicator.pk}/measurements", body, content_type="application/json")
    assert response.status_code == status and response.json()["detail"] == detail
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("body", [{}, {"value": "很多"}, {"value": 1, "note": "长" * 301},
                                  {"value": 1, "period_label": "x" * 21}])
def test_it_validates_the_body(client_for, indicator, cdo, body):
    response = client_for(cdo).post(f"{URL}/{indicator.pk}/measurements", body, content_type="application/json")
    assert response.status_code == 422 and not Measurement.objects.exists()


def test_it_answers_404_for_a_missing_indicator(client_for, indicator, cdo):
    response = client_for(cdo).post(f"{URL}/999999/measurements", {"value": 1}, content_type="application/json")
    assert response.status_code == 404
