"""An indicator's page: its history, recording a value, and the access-checked evidence download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from indicators.models import Indicator, Measurement
from indicators.services import record_measurement
from plan.tests.factories import SMALL_PLAN, import_text


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def indicator(admin, units) -> Indicator:
    import_text(admin, SMALL_PLAN)
    return Indicator.objects.get(name="应用场景覆盖率")  # target of task 1-1, led by 财政局


def _record(client, indicator, **fields):
    data = {"value": "85", "period_label": "2023年", "note": ""}
    data.update(fields)
    return client.post(reverse("indicators:record", args=[indicator.pk]), data)


@pytest.mark.parametrize(("persona", "has_form"), [
    ("admin", True), ("supervisor", False), ("editor", True), ("cdo", True), ("outsider", False),
])
def test_it_shows_the_form_to_those_who_may_record(request, client_for, indicator, persona, has_form):
    response = client_for(request.getfixturevalue(persona)).get(reverse("indicators:detail", args=[indicator.pk]))
    assert response.status_code == 200
    assert ("填报实际值" in response.content.decode()) is has_form


def test_it_answers_404_for_a_missing_indicator(client_for, admin):
    assert client_for(admin).get(reverse("indicators:detail", args=[999])).status_code == 404


def test_it_records_a_value_with_evidence(client_for, indicator, cdo, units):
    evidence = SimpleUploadedFile("覆盖统计.xlsx", b"PK\x03\x04 coverage")
    response = _record(client_for(cdo), indicator, value="85.5%", note="按商户数统计", evidence=evidence)
    assert response.status_code == 302
    m = Measurement.objects.get()
    assert (str(m.value.normalize()), m.period_label, m.unit, m.recorded_by) == ("85.5", "2023年", units.finance, cdo)
    assert m.evidence_name == "覆盖统计.xlsx"
    assert AuditEntry.objects.filter(action="indicators.measurement.record", object_id=str(indicator.pk)).exists()
    html = client_for(cdo).get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    assert "85.5%" in html and "按商户数统计" in html and "✓ 达标" in html
    assert reverse("indicators:evidence", args=[m.pk]) in html


@pytest.mark.parametrize(("fields", "message"), [
    ({"value": "八十"}, "“八十”不是有效的数值"),
    ({"value": "120"}, "百分比应在 0 到 100 之间"),
    ({"value": ""}, "请填写实际值"),
    ({"evidence": SimpleUploadedFile("病毒.exe", b"MZ")}, "不支持的佐证材料类型“.exe”"),
])
def test_it_shows_errors_in_chinese_and_records_nothing(client_for, indicator, cdo, fields, message):
    response = _record(client_for(cdo), indicator, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_refuses_a_unit_that_does_not_answer_for_the_indicator(client_for, indicator, outsider):
    response = _record(client_for(outsider), indicator)
    assert response.status_code == 403 and "您所在单位不负责此指标，不能填报" in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_accepts_only_post_for_recording(client_for, indicator, cdo):
    assert client_for(cdo).get(reverse("indicators:record", args=[indicator.pk])).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("supervisor", 200), ("editor", 200), ("cdo", 200), ("outsider", 404),
])
def test_it_serves_evidence_only_to_those_answering_for_it(request, client_for, indicator, cdo, persona, status):
    m = record_measurement(cdo, indicator, value="85", evidence=SimpleUploadedFile("统计.pdf", b"%PDF-1.4 data"))
    response = client_for(request.getfixturevalue(persona)).get(reverse("indicators:evidence", args=[m.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 data"
        assert response["Content-Disposition"].startswith("attachment;")


def test_it_lists_evidence_without_a_link_for_others(client_for, indicator, cdo, outsider):
    m = record_measurement(cdo, indicator, value="85", evidence=SimpleUploadedFile("统计.pdf", b"%PDF-1.4 data"))
    html = client_for(outsider).get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    assert "统计.pdf" in html and reverse("indicators:evidence", args=[m.pk]) not in html


def test_it_answers_404_for_a_value_without_evidence(client_for, indicator, cdo, admin):
    m = record_measurement(cdo, indicator, value="85")
    assert client_for(admin).get(reverse("indicators:evidence", args=[m.pk])).status_code == 404
