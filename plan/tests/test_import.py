from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import DomainError
from core.models import AuditEntry, Unit, UnitKind
from indicators.models import Indicator
from plan import importing
from plan.models import Plan, PlanImport, Task, TaskUnit
from plan.tests.factories import SEED, import_seed, import_text


def test_it_imports_the_seed_with_every_unit_resolved(county):
    imp = importing.stage_import(county.admin, SEED.read_bytes(), SEED.name)
    assert importing.unknown_names(imp) == []
    plan = importing.confirm_import(county.admin, imp)
    assert plan.doc_number == "洪政办发〔2023〕16号"
    assert plan.issuer_unit.short_name == "县政府办"
    assert [s.tasks.count() for s in plan.sections.all()] == [22, 10, 7]
    assert plan.appendix_tables and plan.appendix_tables[0]["rows"]


def test_it_maps_aliases_and_keeps_collective_phrases(county):
    plan = import_seed(county.admin)
    first = plan.tasks.get(section__order=1, number=1)
    lead = first.assignments.get(role=TaskUnit.Role.LEAD)
    assert lead.unit.short_name == "大数据中心" and lead.name_as_written == "大数据管理局"
    co = first.assignments.get(role=TaskUnit.Role.CO)
    assert co.unit is None and co.is_collective and co.name_as_written == "各有关部门和单位"
    t13 = plan.tasks.get(section__order=1, number=13)
    assert {a.unit.short_name for a in t13.assignments.filter(role=TaskUnit.Role.LEAD)} == {"财政局", "县人行"}
    t18 = plan.tasks.get(section__order=1, number=18)
    assert [a.unit.short_name for a in t18.assignments.filter(role=TaskUnit.Role.LEAD)] == [
        "网信办", "公安局", "大数据中心"]
    t20 = plan.tasks.get(section__order=1, number=20)
    assert {a.unit.short_name for a in t20.assignments.filter(role=TaskUnit.Role.RESPONSIBLE)} == {"大数据中心", "组织部"}


def test_it_gives_unowned_tasks_to_the_issuer_and_flags_them(county):
    plan = import_seed(county.admin)
    website = plan.tasks.filter(section__order=2)
    assert website.count() == 10
    for task in website:
        lead = task.assignments.get(role=TaskUnit.Role.LEAD)
        assert lead.unit.short_name == "县政府办" and lead.is_default
        assert task.needs_review and task.review_reasons


def test_it_turns_targets_into_indicators(county):
    plan = import_seed(county.admin)
    share = Indicator.objects.get(plan_targets__task__number=4, plan_targets__task__section__order=1,
                                  name__contains="共享率")
    assert share.target_value == Decimal("97") and share.measure_unit == "%" and share.direction == ">="
    assert share.due_date is not None and share.due_date.year == 2023
    cloud = plan.targets.get(task__number=17, task__section__order=1)
    assert cloud.indicator.target_value == Decimal("100")
    assert Indicator.objects.filter(source=Indicator.Source.MANUAL).count() == plan.targets.filter(
        indicator__source=Indicator.Source.MANUAL).values("indicator").distinct().count()
    # The catalog computes these live; the plan's targets point at the same indicators.
    assert share.source == Indicator.Source.COMPUTED and share.formula


def test_it_sets_year_end_deadlines_on_working_days(county):
    plan = import_seed(county.admin)
    t11 = plan.tasks.get(section__order=1, number=11)
    # 2023-12-31 is a Sunday and 12-30 a Saturday: the last working day is Friday the 29th.
    assert str(t11.deadline) == "2023-12-29" and not t11.deadline_provisional


def test_it_refuses_to_confirm_with_unknown_unit_names(county):
    text = ("县政府办公室文件\n洪政办发〔2023〕20号\n# 2023年某项工作要点\n一、重点任务\n"
            "1. 做好气象服务。全年发布预警信息。(牵头单位:县气象局;配合单位:各有关部门和单位)\n")
    imp = importing.stage_import(county.admin, text.encode(), "p.txt")
    assert importing.unknown_names(imp) == ["县气象局"]
    with pytest.raises(DomainError, match="尚未对应"):
        importing.confirm_import(county.admin, imp)
    assert not Plan.objects.filter(doc_number="洪政办发〔2023〕20号").exists()
    name = importing.unknown_names(imp)[0]
    unit = importing.create_unit_for_name(county.admin, imp, name, full_name="泗洪县气象局",
                                          kind=UnitKind.DEPARTMENT)
    plan = importing.confirm_import(county.admin, imp)
    assert plan.tasks.get().assignments.get(role=TaskUnit.Role.LEAD).unit == unit
    assert AuditEntry.objects.filter(action="core.unit.create", object_id=str(unit.pk)).exists()


def test_it_maps_an_unknown_name_and_remembers_it_as_alias(county):
    text = ("县政府办公室文件\n洪政办发〔2023〕21号\n# 2023年某项工作要点\n一、重点任务\n"
            "1. 做好统计。按季报送。(牵头单位:统计部门)\n")
    imp = importing.stage_import(county.admin, text.encode(), "p.txt")
    fgj = Unit.objects.get(short_name="发改局")
    importing.map_name(county.admin, imp, importing.unknown_names(imp)[0], fgj)
    importing.confirm_import(county.admin, imp)
    fgj.refresh_from_db()
    assert "统计部门" in fgj.aliases


@pytest.mark.parametrize("data,name", [
    (b"", "empty.txt"),
    (bytes(range(256)) * 40, "binary.txt"),
    ("这是一份没有任何编号任务的文件。".encode(), "notasks.txt"),
    (b"x" * (21 * 1024 * 1024), "huge.txt"),
])
def test_it_rejects_bad_documents_in_chinese_and_stores_nothing(county, data, name):
    with pytest.raises(DomainError) as info:
        importing.stage_import(county.admin, data, name)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)
    assert PlanImport.objects.count() == 0 and Plan.objects.count() == 0


def test_it_only_lets_the_admin_import(county):
    with pytest.raises(DomainError):
        importing.stage_import(county.cdo, SEED.read_bytes(), SEED.name)


def test_it_confirms_at_most_once(county):
    imp = importing.stage_import(county.admin, SEED.read_bytes(), SEED.name)
    importing.confirm_import(county.admin, imp)
    imp.refresh_from_db()
    with pytest.raises(DomainError):
        importing.confirm_import(county.admin, imp)


def test_it_writes_an_audit_entry_for_every_imported_task(county):
    plan = import_seed(county.admin)
    created = AuditEntry.objects.filter(action="plan.task.create").count()
    assert created == plan.tasks.count() == 39
    assert AuditEntry.objects.filter(action="plan.import.confirm").count() == 1


def test_it_revises_a_plan_without_losing_progress(county):
    from plan import services

    plan = import_seed(county.admin)
    task = plan.tasks.get(section__order=1, number=4)
    unit = Unit.objects.get(short_name="大数据中心")
    from datetime import date

    services.submit_report(county.admin, task, unit, period="2023Q1", text="已启动共享需求梳理", percent=20,
                           today=date(2023, 3, 20))
    revised = SEED.read_text(encoding="utf-8")
    revised = revised.replace("推动公共数据按需共享率达到97%", "推动公共数据按需共享率达到98%")
    revised = revised.replace("- 22. 拓展宣传形式。", "- 22. 拓展宣传渠道。")
    revised = revised.replace("22. 拓展宣传形式。", "22. 拓展宣传渠道。")
    cut_start = revised.index("- 16. 加强政务信息化专家库建设管理")
    cut_end = revised.index("#### 五、加强")
    revised = revised[:cut_start] + revised[cut_end:]
    imp = importing.stage_import(county.admin, revised.encode(), "revised.txt")
    assert imp.target_plan == plan
    diff = importing.plan_diff(imp)
    assert diff is not None
    assert [c.code for c in diff.removed] == ["1-16"]
    changed = {c.code: c for c in diff.changed}
    assert "1-4" in changed and any(label == "量化目标" for label, _, _ in changed["1-4"].fields)
    plan = importing.confirm_import(county.admin, imp)
    assert plan.revision == 2
    task.refresh_from_db()
    assert task.is_active and task.reports.count() == 1
    assert task.targets.get(metric__contains="共享率").indicator.target_value == Decimal("98")
    withdrawn = Task.objects.get(plan=plan, heading__contains="专家库")
    assert not withdrawn.is_active and withdrawn.number == 16
    assert plan.tasks.active().count() == 38
    assert AuditEntry.objects.filter(action="plan.task.withdraw").count() == 1
    assert AuditEntry.objects.filter(action="plan.plan.revise").count() == 1


def test_it_imports_a_document_with_end_of_paragraph_units(county):
    text = ("泗洪县人民政府办公室文件\n洪政办发〔2024〕3号\n# 2024年泗洪县数据工作要点\n"
            "一、重点任务\n（一）完善数据目录。全年目录挂接率达到95%以上。责任单位：县大数据中心\n"
            "（二）推进数据开放。年底前开放数据集不少于50个。牵头单位：大数据中心，配合单位：县财政局\n")
    plan = import_text(county.admin, text)
    tasks = list(plan.tasks.order_by("number"))
    assert len(tasks) == 2
    assert tasks[0].assignments.get(role=TaskUnit.Role.RESPONSIBLE).unit.short_name == "大数据中心"
    assert tasks[1].assignments.get(role=TaskUnit.Role.CO).unit.short_name == "财政局"
