from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import User
from plan.models import Plan
from plan.tests.factories import SEED


def test_it_prints_the_dry_run_as_json_with_the_documented_shape(db):
    out = StringIO()
    call_command("import_plan", str(SEED), "--dry-run", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["issuer"] == "泗洪县人民政府办公室" and data["doc_number"] == "洪政办发〔2023〕16号"
    assert [len(s["tasks"]) for s in data["sections"]] == [22, 10, 7]
    task = data["sections"][0]["tasks"][3]
    for key in ("number", "heading", "text", "lead_units", "co_units", "targets", "deadline"):
        assert key in task
    assert {"text", "metric", "comparator", "value", "unit"} <= set(task["targets"][0])
    assert data["appendix_tables"]
    assert Plan.objects.count() == 0


def test_it_imports_for_real_and_reports_unknown_units(db, tmp_path):
    call_command("load_demo", "--only", "plan", stdout=StringIO())
    assert Plan.objects.count() == 1
    doc = tmp_path / "p.txt"
    doc.write_text("县政府办公室文件\n洪政办发〔2024〕9号\n# 2024年工作要点\n一、任务\n"
                   "1. 做好气象服务。(牵头单位:县气象局)\n", encoding="utf-8")
    with pytest.raises(CommandError, match="气象局"):
        call_command("import_plan", str(doc), stdout=StringIO())
    out = StringIO()
    call_command("import_plan", str(doc), "--map", "县气象局=大数据中心", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["tasks"] == 1


def test_it_loads_the_demo_idempotently(db):
    call_command("load_demo", "--only", "plan", stdout=StringIO())
    counts = (User.objects.count(), Plan.objects.count(), Plan.objects.get().tasks.count())
    out = StringIO()
    call_command("load_demo", "--only", "plan", stdout=out)
    assert (User.objects.count(), Plan.objects.count(), Plan.objects.get().tasks.count()) == counts
    assert "admin" in out.getvalue() and "Zhengtong@2023" in out.getvalue()


def test_it_fails_clearly_on_a_missing_file(db):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_plan", "/nonexistent/plan.docx", "--dry-run")


def test_load_demo_names_the_apps_it_knows(db):
    with pytest.raises(CommandError, match="没有这些应用的演示数据：nope"):
        call_command("load_demo", "--only", "nope", stdout=StringIO())
