from __future__ import annotations

import json


def test_it_explains_validation_errors_in_chinese(admin, client_for):
    response = client_for(admin).post("/api/v1/indicators/999999/measurements", data="{not json",
                                      content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"].startswith("请求体不是有效的 JSON")
    response = client_for(admin).get("/api/v1/plan/tasks/999999")
    assert response.status_code == 404 and response.json()["detail"] == "任务不存在"
    response = client_for(admin).post("/api/v1/plan/tasks/1/reports", data=json.dumps({"period": 5}),
                                      content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("请求参数有误") and body["errors"]
    assert "\u4e00" <= body["errors"][0]["message"][0] <= "\u9fff"


def test_it_asks_anonymous_callers_to_log_in(client_for, db):
    response = client_for(None).get("/api/v1/plan/tasks")
    assert response.status_code == 401 and response.json()["detail"] == "请先登录"
