"""Downloading the ledger and the bulletin: county-wide roles only, everyone else 404."""

from __future__ import annotations

import io
from urllib.parse import quote

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from plan.export_views import DOCX, XLSX, default_period
from plan.exports import INDICATOR_SHEET, LEDGER_SHEET, UNIT_SHEET
from plan.tests.factories import import_seed

LEDGER = reverse("plan:export_ledger")
BULLETIN = reverse("plan:export_bulletin")


@pytest.fixture
def plan(admin):
    return import_seed(admin)


@pytest.mark.parametrize("url", [LEDGER, BULLETIN])
def test_it_sends_anonymous_visitors_to_log_in(client_for, plan, url):
    response = client_for(None).get(url)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("url", [LEDGER, BULLETIN])
@pytest.mark.parametrize("persona", ["editor", "outsider"])
def test_it_answers_404_to_people_without_a_county_wide_role(request, client_for, plan, url, persona):
    person = request.getfixturevalue(persona)
    assert client_for(person).get(url, {"plan": plan.pk}).status_code == 404


def test_it_gives_the_admin_the_ledger_workbook(client_for, admin, plan):
    response = client_for(admin).get(LEDGER, {"plan": plan.pk, "period": "2023Q3"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the Chinese name percent-encoded as UTF-8 (the charset name is case-insensitive).
    name = quote("2023年工作要点任务台账（2023年第三季度）.xlsx")
    assert f"filename*=utf-8''{name}" in disposition.replace("UTF-8''", "utf-8''")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == [LEDGER_SHEET, INDICATOR_SHEET, UNIT_SHEET]
    assert wb[LEDGER_SHEET].max_row == plan.tasks.active().count() + 1


def test_it_gives_the_supervisor_the_bulletin(client_for, supervisor, plan):
    response = client_for(supervisor).get(BULLETIN, {"period": "2023Q3"})  # the latest plan by default
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "泗洪县数字政府建设工作通报"
    assert texts[1] == "洪政办通〔2023〕3号"
    assert texts[2].replace("\n", "") == "关于2023年第三季度数字政府建设工作推进情况的通报"
    assert texts[3].startswith("各乡镇人民政府") and texts[3].endswith("：")
    assert plan.issuer in texts


def test_it_takes_the_number_issuer_and_recipients_from_the_request(client_for, admin, plan):
    response = client_for(admin).get(BULLETIN, {
        "plan": plan.pk, "period": "2023Q2", "doc_number": "洪政办通〔2023〕9号", "issuer": "泗洪县大数据管理局",
        "recipients": "县各有关单位", "cc": "县委办公室"})
    texts = [p.text for p in docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs]
    assert texts[1] == "洪政办通〔2023〕9号"
    assert texts[3] == "县各有关单位："
    assert "泗洪县大数据管理局" in texts
    assert "关于2023年第二季度" in texts[2]


def test_it_defaults_to_the_quarter_of_today_within_the_plan_year(client_for, admin, plan):
    expected = default_period(plan, timezone.localdate())
    assert expected.start.year == plan.year
    response = client_for(admin).get(BULLETIN)
    title = docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs[2].text
    assert f"关于{expected.title}" in title


@pytest.mark.parametrize("url", [LEDGER, BULLETIN])
@pytest.mark.parametrize("period", ["2023Q9", "Q3", "2024Q1"])
def test_it_rejects_a_malformed_period_with_400(client_for, admin, plan, url, period):
    response = client_for(admin).get(url, {"plan": plan.pk, "period": period})
    assert response.status_code == 400
    assert "填报期格式不正确" in response.content.decode()


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_it_answers_404_for_an_unknown_plan(client_for, admin, plan, value):
    assert client_for(admin).get(LEDGER, {"plan": value}).status_code == 404


def test_it_answers_404_when_no_plan_was_imported(client_for, admin):
    assert client_for(admin).get(BULLETIN).status_code == 404


def test_it_refuses_post(client_for, admin, plan):
    assert client_for(admin).post(LEDGER).status_code == 405


def test_it_survives_control_characters_in_the_parameters(client_for, admin, plan):
    response = client_for(admin).get(BULLETIN, {"period": "2023Q3", "issuer": "县政府办\x01", "cc": "\x0b"})
    assert response.status_code == 200
    texts = [p.text for p in docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs]
    assert "县政府办" in texts
