"""Submitting a progress report from the task page, with evidence files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from plan.models import Evidence, ProgressReport, Task, TaskStatus
from plan.tests.factories import SMALL_PLAN, import_text


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def task(admin, units) -> Task:
    return import_text(admin, SMALL_PLAN).tasks.get(number=1)  # 牵头单位：财政局


def _post(client, task, **fields):
    data = {"unit": "", "period": "2023Q4", "text": "已在全县12家商户开通数字人民币收款", "percent": "60",
            "problems": ""}
    data.update(fields)
    return client.post(reverse("plan:report_submit", args=[task.pk]), data)


def test_it_files_a_report_with_evidence(client_for, task, cdo, units):
    files = [SimpleUploadedFile("开通台账.xlsx", b"PK\x03\x04 ledger"), SimpleUploadedFile("照片.jpg", b"\xff\xd8jpeg")]
    response = _post(client_for(cdo), task, unit=units.finance.pk, evidence=files)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan:task_detail", args=[task.pk]) + "#reports"
    report = ProgressReport.objects.get()
    assert (report.unit, report.period, report.percent, report.submitted_by) == (units.finance, "2023Q4", 60, cdo)
    assert sorted(report.evidence.values_list("original_name", flat=True)) == ["开通台账.xlsx", "照片.jpg"]
    entry = AuditEntry.objects.get(action="plan.report.submit", object_id=str(report.pk))
    assert entry.actor == cdo and sorted(entry.after["evidence_added"]) == ["开通台账.xlsx", "照片.jpg"]
    page = client_for(cdo).get(response["Location"]).content.decode()
    for ev in report.evidence.all():
        assert reverse("plan:evidence", args=[ev.pk]) in page
    assert "/media/" not in page  # evidence is never linked from a public media URL


def test_it_marks_the_task_done_when_the_lead_unit_reports_completion(client_for, task, cdo, units):
    _post(client_for(cdo), task, unit=units.finance.pk, claims_done="on", percent="80")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert ProgressReport.objects.get().percent == 100
    assert AuditEntry.objects.filter(action="plan.task.status", object_id=str(task.pk),
                                     after__status="已完成").exists()


def test_it_corrects_a_report_for_the_same_period(client_for, task, cdo, units):
    client = client_for(cdo)
    _post(client, task, unit=units.finance.pk, text="第一稿")
    _post(client, task, unit=units.finance.pk, text="修改稿", percent="70")
    report = ProgressReport.objects.get()
    assert (report.text, report.percent) == ("修改稿", 70)
    assert AuditEntry.objects.filter(action="plan.report.update", object_id=str(report.pk)).count() == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("脚本.exe", b"MZ binary", "不支持的佐证材料类型“.exe”"),
    ("空文件.pdf", b"", "佐证材料是空文件"),
])
def test_it_rejects_bad_evidence_and_keeps_nothing(client_for, task, cdo, units, name, data, message):
    response = _post(client_for(cdo), task, unit=units.finance.pk, evidence=[SimpleUploadedFile(name, data)])
    assert response.status_code == 400 and message in response.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="plan.report").exists()


def test_it_rejects_a_too_large_evidence_file(client_for, task, cdo, units, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF" + b"0" * 2048)
    response = _post(client_for(cdo), task, unit=units.finance.pk, evidence=[big])
    assert response.status_code == 400 and "佐证材料过大，单个文件不能超过" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_it_keeps_the_text_when_the_form_is_wrong(client_for, task, cdo, units):
    response = _post(client_for(cdo), task, unit=units.finance.pk, percent="150", text="写了一半的进展")
    html = response.content.decode()
    assert response.status_code == 400 and "完成进度应在 0 到 100 之间" in html
    assert "写了一半的进展</textarea>" in html
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_period_outside_the_offered_ones(client_for, task, cdo, units):
    response = _post(client_for(cdo), task, unit=units.finance.pk, period="2024Q1")
    assert response.status_code == 400 and "请选择本年度已开始的填报期" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_it_refuses_to_report_for_another_unit(client_for, task, cdo, units):
    response = _post(client_for(cdo), task, unit=units.data_center.pk)
    assert response.status_code == 400 and "您不能为所选单位填报" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "supervisor"])
def test_it_answers_404_to_people_who_cannot_report(request, client_for, task, units, persona):
    response = _post(client_for(request.getfixturevalue(persona)), task, unit=units.finance.pk)
    assert response.status_code == 404 and not ProgressReport.objects.exists()


def test_it_accepts_only_post(client_for, task, cdo):
    assert client_for(cdo).get(reverse("plan:report_submit", args=[task.pk])).status_code == 405
