"""Evidence downloads go through an access check: whoever sees the task, nobody else."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plan import services
from plan.models import Evidence
from plan.tests.factories import SMALL_PLAN, import_text


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def evidence(admin, cdo, units) -> Evidence:
    task = import_text(admin, SMALL_PLAN).tasks.get(number=1)
    report = services.submit_report(cdo, task, units.finance, period="2023Q3", text="已完成商户摸排", percent=50,
                                    files=[SimpleUploadedFile("摸排台账.xlsx", b"PK\x03\x04 ledger rows")],
                                    today=date(2023, 9, 20))
    return report.evidence.get()


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("supervisor", 200), ("editor", 200), ("cdo", 200), ("outsider", 404),
])
def test_it_follows_the_permission_matrix(request, client_for, evidence, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(reverse("plan:evidence", args=[evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"PK\x03\x04 ledger rows"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "%E6%91%B8%E6%8E%92%E5%8F%B0%E8%B4%A6.xlsx" in response["Content-Disposition"]


def test_it_sends_anonymous_visitors_to_login(client_for, evidence):
    response = client_for(None).get(reverse("plan:evidence", args=[evidence.pk]))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_it_answers_404_for_a_missing_file(client_for, evidence, admin):
    evidence.file.storage.delete(evidence.file.name)
    assert client_for(admin).get(reverse("plan:evidence", args=[evidence.pk])).status_code == 404
    assert client_for(admin).get(reverse("plan:evidence", args=[evidence.pk + 1])).status_code == 404
