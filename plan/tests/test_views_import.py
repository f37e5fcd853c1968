"""The import pages: upload → review (unit names, diff) → map/create units → confirm or cancel."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry, Unit, UnitKind
from plan.models import Plan, PlanImport, Task
from plan.tests.factories import (
    SEED,
    SEED_TASKS,
    SMALL_PLAN,
    WEATHER_PLAN,
    add_seed_units,
    import_text,
    stage_text,
)


def _upload(client, name: str, data: bytes):
    return client.post(reverse("plan:import_start"), {"file": SimpleUploadedFile(name, data)})


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("persona", ["supervisor", "editor", "cdo", "outsider"])
def test_it_hides_every_import_page_from_non_admins(request, client_for, admin, persona):
    imp = stage_text(admin, SMALL_PLAN)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("plan:import_start")).status_code == 404
    assert _upload(client, "plan.txt", SMALL_PLAN.encode()).status_code == 404
    assert client.get(reverse("plan:import_review", args=[imp.pk])).status_code == 404
    for name in ("plan:import_map", "plan:import_confirm", "plan:import_cancel"):
        assert client.post(reverse(name, args=[imp.pk]), {"action": "map"}).status_code == 404
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING and not Plan.objects.exists()


def test_it_sends_anonymous_visitors_to_the_login_page(client_for, units):
    response = client_for(None).get(reverse("plan:import_start"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_it_imports_the_seed_through_the_pages(client_for, admin):
    add_seed_units(admin)
    client = client_for(admin)
    assert client.get(reverse("plan:import_start")).status_code == 200
    response = _upload(client, SEED.name, SEED.read_bytes())
    imp = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plan:import_review", args=[imp.pk])

    review = client.get(response["Location"])
    html = _text(review)
    assert review.status_code == 200
    assert "洪政办发〔2023〕16号" in html and "泗洪县人民政府办公室" in html
    assert f"{SEED_TASKS} 项" in html
    assert len(re.findall(r'<tr id="task-\d+-\d+">', html)) == SEED_TASKS
    assert "大数据管理局" in html and "人工对应" not in html  # alias matched automatically
    assert "各有关部门和单位" in html and "泛指" in html
    assert "需要复核的任务" in html  # the website section names no units
    assert 'disabled' not in html.split("确认导入</button>")[0].rsplit("<button", 1)[1]
    assert not Plan.objects.exists()  # nothing enters the ledger before confirming

    confirmed = client.post(reverse("plan:import_confirm", args=[imp.pk]))
    plan = Plan.objects.get()
    assert confirmed["Location"] == reverse("plan:task_list") + f"?plan={plan.pk}"
    listing = client.get(confirmed["Location"], follow=True)
    assert f"共 {SEED_TASKS} 项任务" in _text(listing)
    assert plan.tasks.active().count() == SEED_TASKS
    assert set(AuditEntry.objects.filter(object_id=str(imp.pk), object_type="plan.planimport")
               .values_list("action", flat=True)) == {"plan.import.stage", "plan.import.confirm"}
    assert AuditEntry.objects.filter(action="plan.plan.create", object_id=str(plan.pk)).exists()
    assert AuditEntry.objects.filter(action="plan.task.create").count() == SEED_TASKS


def test_it_maps_an_unknown_unit_name_to_an_existing_unit(client_for, admin, units):
    client = client_for(admin)
    imp = stage_text(admin, WEATHER_PLAN)
    html = _text(client.get(reverse("plan:import_review", args=[imp.pk])))
    assert "县气象局" in html and "未识别" in html
    assert re.search(r"<button[^>]*disabled[^>]*>确认导入</button>", html)

    response = client.post(reverse("plan:import_map", args=[imp.pk]),
                           {"action": "map", "name": "县气象局", "unit": units.township.pk})
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.unit_mapping == {"县气象局": units.township.pk}
    units.township.refresh_from_db()
    assert "县气象局" in units.township.aliases  # remembered for the next document
    assert AuditEntry.objects.filter(action="plan.import.map_name", object_id=str(imp.pk)).exists()
    assert AuditEntry.objects.filter(action="core.unit.alias", object_id=str(units.township.pk)).exists()

    html = _text(client.get(reverse("plan:import_review", args=[imp.pk])))
    assert "人工对应" in html and not re.search(r"<button[^>]*disabled[^>]*>确认导入</button>", html)
    client.post(reverse("plan:import_confirm", args=[imp.pk]))
    task = Task.objects.get(number=1, plan__doc_number="洪政办发〔2023〕98号")
    assert [a.unit for a in task.lead_assignments()] == [units.township]


def test_it_creates_a_unit_for_an_unknown_name(client_for, admin, units):
    client = client_for(admin)
    imp = stage_text(admin, WEATHER_PLAN)
    review = _text(client.get(reverse("plan:import_review", args=[imp.pk])))
    assert 'value="县气象局"' in review and 'value="泗洪县气象局"' in review  # names prefilled
    response = client.post(reverse("plan:import_map", args=[imp.pk]),
                           {"action": "create", "name": "县气象局", "full_name": "泗洪县气象局",
                            "kind": UnitKind.DEPARTMENT})
    assert response.status_code == 302
    unit = Unit.objects.get(short_name="县气象局")
    assert unit.full_name == "泗洪县气象局" and unit.kind == UnitKind.DEPARTMENT
    assert AuditEntry.objects.filter(action="core.unit.create", object_id=str(unit.pk)).exists()
    client.post(reverse("plan:import_confirm", args=[imp.pk]))
    assert Plan.objects.filter(doc_number="洪政办发〔2023〕98号").exists()


def test_it_shows_errors_of_the_name_forms_in_chinese(client_for, admin, units):
    client = client_for(admin)
    imp = stage_text(admin, WEATHER_PLAN)
    no_unit = client.post(reverse("plan:import_map", args=[imp.pk]), {"action": "map", "name": "县气象局"})
    assert no_unit.status_code == 400 and "请选择要对应的单位" in _text(no_unit)
    taken = client.post(reverse("plan:import_map", args=[imp.pk]),
                        {"action": "create", "name": "县气象局", "full_name": "泗洪县财政局", "kind": "department"})
    assert taken.status_code == 400 and "已存在全称为“泗洪县财政局”的单位" in _text(taken)
    assert not Unit.objects.filter(short_name="县气象局").exists()


def test_it_refuses_to_confirm_while_unknown_names_remain(client_for, admin, units):
    client = client_for(admin)
    imp = stage_text(admin, WEATHER_PLAN)
    response = client.post(reverse("plan:import_confirm", args=[imp.pk]), follow=True)
    assert "以下单位名称尚未对应到单位，请先处理：县气象局" in _text(response)
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING
    assert not Plan.objects.exists() and not Task.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "上传的文件是空的"),
    ("binary.txt", bytes(range(256)) * 20, "文件内容不是文本"),
    ("notes.txt", "这是一段普通的文字，没有任何任务。".encode(), "未在文件中识别到任何编号任务"),
    ("plan.xlsx", b"PK\x03\x04", "不支持“.xlsx”文件"),
    ("scan.pdf", b"%PDF-1.4 not really a pdf", "PDF"),
])
def test_it_rejects_bad_uploads_with_a_chinese_message(client_for, admin, name, data, message):
    response = _upload(client_for(admin), name, data)
    assert response.status_code == 400
    html = _text(response)
    assert message in html and 'aria-invalid="true"' in html
    assert not PlanImport.objects.exists() and not Plan.objects.exists()


def test_it_rejects_an_oversized_upload_before_parsing(client_for, admin, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = _upload(client_for(admin), "big.txt", SMALL_PLAN.encode() * 10)
    assert response.status_code == 400 and "文件过大" in _text(response)
    assert not PlanImport.objects.exists()


def test_it_cancels_an_import(client_for, admin, units):
    client = client_for(admin)
    imp = stage_text(admin, SMALL_PLAN)
    response = client.post(reverse("plan:import_cancel", args=[imp.pk]))
    assert response["Location"] == reverse("plan:import_start")
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.CANCELLED and not Plan.objects.exists()
    assert AuditEntry.objects.filter(action="plan.import.cancel", object_id=str(imp.pk)).exists()
    again = client.post(reverse("plan:import_confirm", args=[imp.pk]), follow=True)
    assert "该导入批次已取消，不能再修改" in _text(again) and not Plan.objects.exists()


def test_it_shows_what_a_revision_changes(client_for, admin, units):
    import_text(admin, SMALL_PLAN)
    revised = SMALL_PLAN.replace("应用场景覆盖率达到80%", "应用场景覆盖率达到90%").replace(
        "3. 做好政务公开。及时公开重大决策部署和重点工作进展。\n", "")
    imp = stage_text(admin, revised, "plan-v2.txt")
    html = _text(client_for(admin).get(reverse("plan:import_review", args=[imp.pk])))
    assert "与现行文件相比的变化" in html
    assert "新增 0 项，删去 1 项，修改 1 项" in html
    assert "做好政务公开" in html and "删去" in html
    assert "推动应用场景覆盖率达到80%" in html and "推动应用场景覆盖率达到90%" in html


def test_it_lists_pending_imports_on_the_upload_page(client_for, admin, units):
    imp = stage_text(admin, SMALL_PLAN, "待确认的要点.txt")
    html = _text(client_for(admin).get(reverse("plan:import_start")))
    assert "待确认的要点.txt" in html and reverse("plan:import_review", args=[imp.pk]) in html


def test_it_accepts_only_post_for_mutations(client_for, admin, units):
    imp = stage_text(admin, SMALL_PLAN)
    client = client_for(admin)
    for name in ("plan:import_map", "plan:import_confirm", "plan:import_cancel"):
        assert client.get(reverse(name, args=[imp.pk])).status_code == 405
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING
