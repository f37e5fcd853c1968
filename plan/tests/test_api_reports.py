"""POST /api/v1/plan/tasks/{id}/reports."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from plan import importing
from plan.models import ProgressReport, Task, TaskStatus
from plan.tests.factories import SMALL_PLAN, import_text, stage_text


@pytest.fixture
def task(admin, units) -> Task:
    return import_text(admin, SMALL_PLAN).tasks.get(number=1)  # 牵头单位：财政局


def _post(client, task, **fields):
    body = {"unit_id": 0, "period": "2023Q3", "text": "已在12家商户开通数字人民币收款", "percent": 40}
    body.update(fields)
    return client.post(f"/api/v1/plan/tasks/{task.pk}/reports", body, content_type="application/json")


def test_it_files_a_report(client_for, task, cdo, units):
    response = _post(client_for(cdo), task, unit_id=units.finance.pk, problems="商户积极性不高")
    assert response.status_code == 201
    body = response.json()
    assert body["unit"] == "财政局" and body["period_title"] == "2023年第三季度" and body["percent"] == 40
    assert body["problems"] == "商户积极性不高" and body["evidence"] == []
    report = ProgressReport.objects.get(pk=body["id"])
    assert report.submitted_by == cdo
    assert AuditEntry.objects.filter(action="plan.report.submit", object_id=str(report.pk)).exists()


def test_it_completes_the_task(client_for, task, cdo, units):
    _post(client_for(cdo), task, unit_id=units.finance.pk, claims_done=True, period="2023Q4")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert AuditEntry.objects.filter(action="plan.task.status", object_id=str(task.pk)).exists()


def test_it_refuses_another_units_report_with_403(client_for, task, cdo, units):
    response = _post(client_for(cdo), task, unit_id=units.data_center.pk)
    assert response.status_code == 403
    assert response.json()["detail"] == "您只能为本单位承担的任务填报进展"
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_supervisor_with_403(client_for, task, supervisor, units):
    response = _post(client_for(supervisor), task, unit_id=units.finance.pk)
    assert response.status_code == 403 and not ProgressReport.objects.exists()


def test_it_answers_404_to_an_outsider(client_for, task, outsider, units):
    response = _post(client_for(outsider), task, unit_id=units.finance.pk)
    assert response.status_code == 404 and response.json() == {"detail": "任务不存在"}


@pytest.mark.parametrize(("fields", "message"), [
    ({"period": "2023Q5"}, "填报期“2023Q5”格式不正确"),
    ({"period": "2022Q4"}, "填报期应在 2023 年内"),
    ({"period": "2099Q1"}, "尚未开始，不能提前填报"),
    ({"text": "   "}, "请填写进展情况"),
])
def test_it_maps_domain_errors_to_400_in_chinese(client_for, task, cdo, units, fields, message):
    response = _post(client_for(cdo), task, unit_id=units.finance.pk, **fields)
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("fields", [
    {"percent": 101}, {"percent": -1}, {"text": ""}, {"text": "长" * 5001}, {"period": "2023Q3" * 3},
    {"unit_id": "财政局"},
])
def test_it_validates_the_body(client_for, task, cdo, units, fields):
    response = _post(client_for(cdo), task, **{"unit_id": units.finance.pk, **fields})
    assert response.status_code == 422 and not ProgressReport.objects.exists()


def test_it_refuses_a_withdrawn_task_with_409(client_for, task, admin, cdo, units):
    # The revision drops task 1 and keeps the others' numbers.
    revised = SMALL_PLAN.replace(
        "1. 推进数字人民币应用。推动全县商户开通数字人民币收款服务，推动应用场景覆盖率达到80%。(牵头单位:财政局;配合单位:大数据中心)\n",
        "")
    importing.confirm_import(admin, stage_text(admin, revised))
    task.refresh_from_db()
    assert not task.is_active
    response = _post(client_for(admin), task, unit_id=units.finance.pk)
    assert response.status_code == 409 and response.json()["detail"] == "该任务已在修订稿中删去，不再填报"
