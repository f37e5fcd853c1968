from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError, NotAllowed
from core.models import AuditEntry, Notification, Unit
from plan import services
from plan.models import TaskStatus
from plan.tests.factories import import_seed


@pytest.fixture
def plan(county):
    return import_seed(county.admin)


def _task(plan, section, number):
    return plan.tasks.prefetch_related("assignments__unit").get(section__order=section, number=number)


def test_it_lets_a_lead_unit_report_with_evidence(county, plan):
    task = _task(plan, 1, 13)  # 牵头单位：县财政局、县人行
    finance = Unit.objects.get(short_name="财政局")
    report = services.submit_report(
        county.cdo, task, finance, period="2023Q1", text="已在12家商户开通数字人民币收款", percent=40,
        files=[SimpleUploadedFile("台账.xlsx", b"PK\x03\x04demo")], today=date(2023, 3, 20))
    assert report.evidence.count() == 1 and report.evidence.get().original_name == "台账.xlsx"
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert AuditEntry.objects.filter(action="plan.report.submit", object_id=str(report.pk)).exists()
    assert AuditEntry.objects.filter(action="plan.task.status", object_id=str(task.pk)).exists()


def test_it_updates_a_report_for_the_same_period_and_audits_before_after(county, plan):
    task = _task(plan, 1, 13)
    finance = Unit.objects.get(short_name="财政局")
    services.submit_report(county.cdo, task, finance, period="2023Q2", text="第一稿", percent=30,
                           today=date(2023, 6, 20))
    services.submit_report(county.cdo, task, finance, period="2023Q2", text="修改稿", percent=45,
                           today=date(2023, 6, 21))
    assert task.reports.count() == 1
    entry = AuditEntry.objects.get(action="plan.report.update")
    assert entry.before["text"] == "第一稿" and entry.after["text"] == "修改稿"


def test_it_refuses_reports_from_other_units(county, plan):
    task = _task(plan, 1, 13)
    township = Unit.objects.get(short_name="半城镇")  # a 配合单位 of task 13 — may report for itself
    services.submit_report(county.township, task, township, period="2023Q2", text="半城镇已完成商户摸排",
                           percent=50, today=date(2023, 6, 20))
    finance = Unit.objects.get(short_name="财政局")
    with pytest.raises(NotAllowed):
        services.submit_report(county.township, task, finance, period="2023Q2", text="越权填报", percent=50,
                               today=date(2023, 6, 20))
    other = _task(plan, 1, 10)  # 公安局 — nothing to do with 半城镇
    with pytest.raises(NotAllowed):
        services.submit_report(county.township, other, township, period="2023Q2", text="x", percent=1,
                               today=date(2023, 6, 20))


@pytest.mark.parametrize("kwargs,message", [
    ({"period": "2023Q4"}, "尚未开始"),
    ({"period": "2023Q9"}, "格式不正确"),
    ({"text": "   "}, "请填写"),
    ({"percent": 130}, "0 到 100"),
    ({"files": [SimpleUploadedFile("virus.exe", b"MZ")]}, "不支持"),
    ({"files": [SimpleUploadedFile("empty.pdf", b"")]}, "空文件"),
])
def test_it_rejects_bad_reports_in_chinese(county, plan, kwargs, message):
    task = _task(plan, 1, 13)
    finance = Unit.objects.get(short_name="财政局")
    args = {"period": "2023Q2", "text": "进展", "percent": 10, **kwargs}
    with pytest.raises(DomainError, match=message):
        services.submit_report(county.cdo, task, finance, today=date(2023, 6, 20), **args)
    assert task.reports.count() == 0


def test_it_derives_status_from_reports_and_deadlines(county, plan):
    task = _task(plan, 1, 13)
    finance = Unit.objects.get(short_name="财政局")
    people_bank = Unit.objects.get(short_name="县人行")
    assert services.compute_status(task, date(2023, 2, 1), [])[0] == TaskStatus.NOT_STARTED
    services.submit_report(county.cdo, task, finance, period="2023Q1", text="启动", percent=10,
                           today=date(2023, 3, 25))
    # Q1 closed and 县人行 (a co-lead) never reported for it: the task lags.
    status, reason = services.compute_status(task, date(2023, 4, 10), task.reports.all())
    assert status == TaskStatus.LAGGING and "未报送" in reason
    services.submit_report(county.admin, task, people_bank, period="2023Q1", text="启动", percent=10,
                           today=date(2023, 4, 10))
    assert services.compute_status(task, date(2023, 4, 10), task.reports.all())[0] == TaskStatus.IN_PROGRESS
    services.submit_report(county.cdo, task, finance, period="2023Q4", text="全部完成", percent=80,
                           claims_done=True, today=date(2023, 12, 20))
    assert services.compute_status(task, date(2023, 12, 20), task.reports.all())[0] == TaskStatus.DONE
    other = _task(plan, 1, 10)
    status, reason = services.compute_status(other, date(2024, 1, 5), [])
    assert status == TaskStatus.LAGGING and "完成时限" in reason


def test_it_reminds_units_missing_a_report_before_the_period_closes(county, plan):
    task = _task(plan, 1, 13)
    finance = Unit.objects.get(short_name="财政局")
    # 2023-06-30 is a Friday; 5 working days earlier is 2023-06-21 (06-22/23 are 端午 holidays).
    assert services.send_report_reminders(today=date(2023, 6, 1), lead_days=5) == 0
    sent = services.send_report_reminders(today=date(2023, 6, 26), lead_days=5)
    assert sent > 0
    notes = Notification.objects.filter(recipient=county.cdo, kind="plan.reminder")
    assert notes.filter(title__contains=task.heading).count() == 1
    assert "2023年第二季度" in notes.first().title
    # Running the job again sends nothing twice; a unit that reported gets nothing.
    assert services.send_report_reminders(today=date(2023, 6, 27), lead_days=5) == 0
    services.submit_report(county.cdo, task, finance, period="2023Q3", text="进展", percent=50,
                           today=date(2023, 9, 20))
    services.send_report_reminders(today=date(2023, 9, 25), lead_days=5)
    assert not notes.filter(title__contains="第三季度", title__endswith=task.heading).exists()


def test_it_lists_reports_a_unit_still_owes(county, plan):
    finance = Unit.objects.get(short_name="财政局")
    owed = services.missing_reports([finance], date(2023, 5, 10))
    assert {t.number for t, _, _ in owed} == {13}
    assert owed[0][2].label == "2023Q2"
