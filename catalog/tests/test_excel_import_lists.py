"""Importing the 信息系统清单, 共享清单 and 需求清单: through the services, all or nothing."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.excel import import_demands, import_sharing, import_systems
from catalog.excel.layout import DEMANDS, SHARING, SYSTEMS
from catalog.models import Demand, InformationSystem, ServiceMatter, SharingEntry
from catalog.tests.factories import make_resource
from catalog.tests.test_excel_support import ledger_state, messages_of, workbook
from core.errors import NotAllowed
from core.models import AuditEntry, Notification, Role

pytestmark = pytest.mark.django_db


def system_row(**overrides):
    row = {"系统名称": "财政一体化系统", "等保级别": "第三级", "部署位置": "县政务云", "是否上政务云": "是",
           "是否涉密系统": "否", "运行状态": "运行", "系统简介": "预算、国库一体化"}
    row.update(overrides)
    return row


# ---- systems ----------------------------------------------------------------------------------------

def test_it_registers_new_systems_and_edits_known_ones(cdo, units):
    known = services.save_system(cdo, units.finance, name="非税收入系统", protection_level="2", deployment="local")
    matter = ServiceMatter.objects.create(code="320324-001", name="企业开办")
    rows = [system_row(**{"关联事项编码": "320324-001"}),
            system_row(**{"系统名称": "非税收入系统", "等保级别": "第二级", "部署位置": "本单位机房", "是否上政务云": "否",
                          "系统简介": "新的简介"})]
    report = import_systems(cdo, units.finance, workbook(rows, SYSTEMS))
    assert report.ok, messages_of(report)
    assert (report.created, report.updated) == (1, 1)
    created = InformationSystem.objects.get(name="财政一体化系统")
    assert (created.unit, created.protection_level, created.on_gov_cloud) == (units.finance, "3", True)
    assert list(created.service_matters.all()) == [matter]
    known.refresh_from_db()
    assert known.description == "新的简介"
    assert AuditEntry.objects.filter(action="catalog.system.create").count() == 2  # the known one + the new one
    assert AuditEntry.objects.filter(action="catalog.system.update").count() == 1


def test_it_reports_a_classified_system_on_the_cloud_from_the_service_and_writes_nothing(cdo, units):
    before = ledger_state()
    rows = [system_row(**{"系统名称": "甲"}), system_row(**{"系统名称": "乙", "是否涉密系统": "是"})]
    report = import_systems(cdo, units.finance, workbook(rows, SYSTEMS))
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "是否上政务云", "涉密信息系统不得部署在政务云上")]
    assert report.created == 0 and ledger_state() == before


def test_it_reports_duplicate_names_unknown_matters_and_another_unit(cdo, units):
    before = ledger_state()
    rows = [system_row(), system_row(), system_row(**{"系统名称": "乙", "关联事项编码": "999"}),
            system_row(**{"系统名称": "丙", "建设单位": "双沟镇"}), system_row(**{"系统名称": "丁", "等保级别": None})]
    report = import_systems(cdo, units.finance, workbook(rows, SYSTEMS))
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got[3, "系统名称"] == "与第 2 行重复：同一单位的系统名称不能重复"
    assert got[4, "关联事项编码"] == "政务服务事项编码“999”不存在"
    assert got[5, "建设单位"] == "只能导入本单位（财政局）的信息系统，不能填写“双沟镇”"
    assert got[6, "等保级别"] == "请填写“等保级别”"
    assert ledger_state() == before


# ---- sharing ----------------------------------------------------------------------------------------

@pytest.fixture
def published(cdo, admin, units):
    return make_resource(cdo, units.finance, publish=True, admin=admin)


def test_it_adds_sharing_lines_with_their_items(cdo, units, published):
    rows = [{"信息资源代码": published.code, "使用单位": "双沟镇", "共享方式": "接口", "共享信息项": "姓名、户籍地址",
             "用途": "低保审核", "开始共享日期": "2024-01-02"}]
    report = import_sharing(cdo, units.finance, workbook(rows, SHARING))
    assert report.ok, messages_of(report)
    entry = SharingEntry.objects.get()
    assert (entry.consumer, entry.medium, entry.active, str(entry.since)) == (units.township, "api", True,
                                                                              "2024-01-02")
    assert sorted(i.name for i in entry.items.all()) == ["姓名", "户籍地址"]
    assert AuditEntry.objects.filter(action="catalog.sharing.create", object_id=str(entry.pk)).exists()


def test_it_refuses_unknown_items_other_units_resources_and_unshared_ones(cdo, admin, units, published,
                                                                         make_person):
    other = make_person("cdo2", "钱数据", units.township, Role.CDO)
    theirs = make_resource(other, units.township, name="镇人口", publish=True, admin=admin)
    closed = make_resource(cdo, units.finance, name="内部数据", sharing_type="none", sharing_basis="《保密法》",
                           sharing_medium="", publish=True, admin=admin)
    before = ledger_state()
    rows = [{"信息资源代码": published.code, "使用单位": "双沟镇", "共享方式": "接口", "共享信息项": "血型"},
            {"信息资源代码": theirs.code, "使用单位": "县政府办", "共享方式": "接口"},
            {"信息资源代码": published.code, "使用单位": "财政局", "共享方式": "接口"},
            {"信息资源代码": closed.code, "使用单位": "双沟镇", "共享方式": "文件"}]
    report = import_sharing(cdo, units.finance, workbook(rows, SHARING))
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got[2, "共享信息项"] == "资源“人口基础信息”没有名为“血型”的信息项"
    assert got[3, "信息资源代码"] == f"资源 {theirs.code} 由双沟镇提供，只能登记本单位提供的资源"
    assert len(report.errors) == 2, messages_of(report)  # rows 4–5 break service rules, checked at the write
    assert ledger_state() == before
    report = import_sharing(cdo, units.finance, workbook(rows[2:], SHARING))
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got[2, "使用单位"] == "不能登记向本单位共享"
    assert got[3, "信息资源代码"] == "“内部数据”为不予共享资源，不能登记共享"
    assert ledger_state() == before


def test_it_edits_a_sharing_line_by_its_number(cdo, units, published):
    entry = services.save_sharing_entry(cdo, published, consumer=units.township, medium="api")
    rows = [{"共享编号": entry.pk, "信息资源代码": published.code, "使用单位": "双沟镇", "共享方式": "接口",
             "是否有效": "否", "开始共享日期": entry.since}]
    report = import_sharing(cdo, units.finance, workbook(rows, SHARING))
    assert report.ok and report.updated == 1, messages_of(report)
    entry.refresh_from_db()
    assert not entry.active
    missing = import_sharing(cdo, units.finance, workbook([{**rows[0], "共享编号": 9999}], SHARING))
    assert [(e.column, e.message) for e in missing.errors] == [("共享编号", "共享编号 9999 不存在；新增共享记录请不填编号")]


# ---- demands ----------------------------------------------------------------------------------------

@pytest.fixture
def township_cdo(make_person, units):
    return make_person("cdo2", "钱数据", units.township, Role.CDO)


def test_it_files_new_demands_and_notifies_the_provider(township_cdo, cdo, units, published):
    rows = [{"所需资源代码": published.code, "用途": "低保审核", "依据": "社会救助暂行办法"},
            {"提供单位": "财政局", "所需数据": "财政补贴发放名单", "用途": "核对补贴", "依据": "县政府工作要点",
             "期望共享方式": "文件"}]
    report = import_demands(township_cdo, units.township, workbook(rows, DEMANDS))
    assert report.ok and report.created == 2, messages_of(report)
    first, second = Demand.objects.order_by("id")
    assert (first.requester, first.provider, first.resource, first.wanted_name) == (
        units.township, units.finance, published, "人口基础信息")
    assert (second.resource, second.medium) == (None, "file")
    assert AuditEntry.objects.filter(action="catalog.demand.file").count() == 2
    assert Notification.objects.filter(recipient=cdo, kind="catalog.demand").count() == 2


def test_it_refuses_a_demand_to_ones_own_unit_and_unknown_codes(township_cdo, units):
    before = ledger_state()
    rows = [{"提供单位": "双沟镇", "所需数据": "本镇数据", "用途": "测试", "依据": "测试"},
            {"所需资源代码": "101/999999", "用途": "测试", "依据": "测试"},
            {"所需数据": "某数据", "依据": "测试"}]
    report = import_demands(township_cdo, units.township, workbook(rows, DEMANDS))
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got[3, "所需资源代码"] == "信息资源代码“101/999999”不存在"
    assert got[4, "提供单位"] == "请填写“提供单位”或“所需资源代码”"
    assert got[4, "用途"] == "请填写“用途”"
    assert ledger_state() == before
    report = import_demands(township_cdo, units.township, workbook(rows[:1], DEMANDS))
    assert [(e.row, e.message) for e in report.errors] == [(2, "不能向本单位提出数据需求")]
    assert ledger_state() == before


def test_it_does_not_let_a_file_change_a_filed_demand(township_cdo, units, published):
    from catalog import demands

    demand = demands.file_demand(township_cdo, units.township, resource=published, purpose="低保审核",
                                 legal_basis="社会救助暂行办法")
    rows = [{"需求编号": demand.pk, "需求单位": "双沟镇", "所需资源代码": published.code, "所需数据": demand.wanted_name,
             "用途": "改了用途", "依据": "社会救助暂行办法", "期望共享方式": "接口"}]
    report = import_demands(township_cdo, units.township, workbook(rows, DEMANDS))
    assert [(e.column, e.message) for e in report.errors] == [
        ("需求编号", f"需求 {demand.pk} 已经提出，不能通过导入修改；答复、交付和评价请在需求页面办理")]


def test_it_refuses_importers_without_a_keeper_role(outsider, editor, units):
    for importer in (import_systems, import_sharing, import_demands):
        with pytest.raises(NotAllowed):
            importer(outsider, units.township, workbook([], SYSTEMS))
        with pytest.raises(NotAllowed):
            importer(editor, None, workbook([], SYSTEMS))
