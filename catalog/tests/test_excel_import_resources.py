"""Importing the 数据资源清单: every resource through the services with audit entries, or nothing at all."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from catalog import services
from catalog.excel import import_resources
from catalog.excel.layout import RESOURCES
from catalog.excel.reader import WorkbookError, read_sheet
from catalog.excel.report import CellError
from catalog.models import DataItem, DataResource, Lifecycle
from catalog.tests.factories import make_resource
from catalog.tests.test_excel_support import (
    edit,
    ledger_state,
    messages_of,
    resource_row,
    with_dimension,
    with_image,
    workbook,
)
from core.errors import NotAllowed
from core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


def twenty_resources() -> list[dict]:
    rows = []
    for n in range(1, 21):
        for i, item in enumerate(("统一社会信用代码", "企业名称", "法定代表人"), start=1):
            rows.append(resource_row(**{"临时编号": str(n), "信息资源名称": f"企业登记信息{n}", "信息项名称": item,
                                        "敏感": "是" if i == 3 else "否", "长度": 18 * i}))
    return rows


def only_error(report) -> CellError:
    assert not report.ok
    assert len(report.errors) == 1, messages_of(report)
    return report.errors[0]


def test_it_imports_twenty_resources_through_the_services_with_audit_entries(cdo, units):
    report = import_resources(cdo, units.finance, workbook(twenty_resources()))
    assert report.ok, messages_of(report)
    assert (report.rows, report.records, report.created, report.updated) == (60, 20, 20, 0)
    resources = DataResource.objects.order_by("code")
    assert [r.code for r in resources] == [f"102/{n:06d}" for n in range(1, 21)]
    assert {r.unit_id for r in resources} == {units.finance.pk}
    assert {r.status for r in resources} == {Lifecycle.DRAFT}
    first = resources.get(name="企业登记信息1")
    assert [i.name for i in first.items.all()] == ["统一社会信用代码", "企业名称", "法定代表人"]
    assert [i.length for i in first.items.all()] == [18, 36, 54]
    assert first.items.get(name="法定代表人").is_sensitive
    assert (first.sharing_type, first.sharing_medium, first.open_type, first.grade) == (
        "conditional", "api", "none", "general_2")
    assert AuditEntry.objects.filter(action="catalog.resource.create", actor=cdo).count() == 20


def test_it_updates_a_draft_by_code_and_sends_a_published_resource_back_to_review(cdo, admin, units):
    draft = make_resource(cdo, units.finance)
    published = make_resource(cdo, units.finance, name="社保缴费信息", publish=True, admin=admin)
    rows = [resource_row(**{"信息资源代码": draft.code, "信息资源名称": "人口基础信息（新）", "信息资源分类": "101",
                            "信息项名称": "姓名"}),
            resource_row(**{"信息资源代码": draft.code, "信息资源名称": "人口基础信息（新）", "信息资源分类": "101",
                            "信息项名称": "性别"}),
            resource_row(**{"信息资源代码": published.code, "信息资源名称": "社保缴费信息", "信息资源分类": "101",
                            "信息资源摘要": "改过的摘要", "信息项名称": "姓名"})]
    report = import_resources(cdo, units.finance, workbook(rows))
    assert report.ok, messages_of(report)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.name == "人口基础信息（新）" and [i.name for i in draft.items.all()] == ["姓名", "性别"]
    assert published.summary == "改过的摘要" and published.status == Lifecycle.PENDING
    assert published.code.startswith("101/")  # codes never change
    assert AuditEntry.objects.filter(action="catalog.resource.update").count() == 2


def test_it_refuses_to_change_a_resource_under_review(cdo, units):
    resource = make_resource(cdo, units.finance)
    services.transition(cdo, resource, "submit")
    before = ledger_state()
    report = import_resources(cdo, units.finance, workbook([resource_row(**{
        "信息资源代码": resource.code, "信息资源分类": "101", "信息项名称": "姓名"})]))
    error = only_error(report)
    assert (error.row, error.column) == (2, "信息资源代码") and "正在审核中" in error.message
    assert ledger_state() == before


def test_it_images_are_ignored_and_the_file_still_imports(cdo, units):
    report = import_resources(cdo, units.finance, with_image(workbook([resource_row()])))
    assert report.ok, messages_of(report)
    assert report.created == 1


def test_it_groups_rows_without_a_temporary_number_by_name(cdo, units):
    rows = [resource_row(**{"临时编号": None, "信息项名称": "企业名称"}),
            resource_row(**{"临时编号": None, "信息项名称": "注册资本", "数据类型": "货币型"}),
            resource_row(**{"临时编号": None, "信息资源名称": "个体工商户信息", "信息项名称": "经营者"})]
    report = import_resources(cdo, units.finance, workbook(rows))
    assert report.ok, messages_of(report)
    assert report.created == 2
    assert DataResource.objects.get(name="企业登记信息").items.count() == 2


def test_it_treats_blank_resource_cells_on_later_rows_as_the_same_resource(cdo, units):
    rows = [resource_row(), {"临时编号": "1", "信息项名称": "注册地址"}]
    report = import_resources(cdo, units.finance, workbook(rows))
    assert report.ok, messages_of(report)
    assert DataItem.objects.count() == 2


def test_it_lets_the_admin_import_for_any_unit_named_in_the_file(admin, units):
    rows = [resource_row(**{"信息资源提供方": "财政局"}),
            resource_row(**{"临时编号": "2", "信息资源名称": "镇村人口", "信息资源提供方": "泗洪县双沟镇人民政府"})]
    report = import_resources(admin, None, workbook(rows))
    assert report.ok, messages_of(report)
    assert sorted(DataResource.objects.values_list("unit__short_name", flat=True)) == ["双沟镇", "财政局"]


def test_it_refuses_people_who_keep_no_list(outsider, editor, units):
    with pytest.raises(NotAllowed):
        import_resources(outsider, units.township, workbook([resource_row()]))
    with pytest.raises(NotAllowed):
        import_resources(editor, None, workbook([resource_row()]))


# ---- bad files: a clear Chinese error, and nothing written -----------------------------------------

@pytest.fixture
def unchanged(cdo, units):
    """Yields nothing; asserts afterwards that the test's import wrote nothing (no rows, no audit)."""
    make_resource(cdo, units.finance)
    before = ledger_state()
    yield
    assert ledger_state() == before


def test_it_rejects_a_gbk_csv_renamed_to_xlsx(cdo, units, unchanged):
    csv = "信息资源名称,信息资源摘要\n企业登记信息,全县企业\n".encode("gbk")
    error = only_error(import_resources(cdo, units.finance, csv))
    assert error.row is None and "CSV" in error.message and "另存为" in error.message


def test_it_rejects_an_old_xls_and_a_truncated_zip_and_a_word_file(cdo, units, unchanged):
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert ".xls" in only_error(import_resources(cdo, units.finance, xls)).message
    truncated = workbook([resource_row()])[:3000]
    assert "损坏" in only_error(import_resources(cdo, units.finance, truncated)).message
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert "不是 Excel 工作簿" in only_error(import_resources(cdo, units.finance, docx.getvalue())).message


def test_it_rejects_wrong_headers_and_names_the_expected_ones(cdo, units, unchanged):
    data = workbook([{"资源名称": "企业登记信息"}], headers=["资源名称", "摘要"])
    error = only_error(import_resources(cdo, units.finance, data))
    assert error.row is None
    assert "缺少列：信息资源代码、临时编号、信息资源名称" in error.message
    assert "不属于本清单的列：资源名称、摘要" in error.message
    assert "本清单的列依次为：信息资源代码、临时编号" in error.message


def test_it_recognises_another_lists_file(cdo, units, unchanged):
    from catalog.excel.layout import SYSTEMS

    data = workbook([{"系统名称": "财政一体化系统"}], SYSTEMS, title="数据资源清单")
    assert "看起来是“信息系统清单”" in only_error(import_resources(cdo, units.finance, data)).message


def test_it_rejects_merged_cells_with_their_address(cdo, units, unchanged):
    data = edit(workbook([resource_row(), resource_row(**{"信息项名称": "注册资本"})]),
                lambda ws: ws.merge_cells("C2:C3"))
    error = only_error(import_resources(cdo, units.finance, data))
    assert error.row is None and "合并单元格（C2:C3）" in error.message


def test_it_rejects_a_formula_with_its_cell_address(cdo, units, unchanged):
    data = edit(workbook([resource_row()]), lambda ws: ws.cell(row=2, column=26, value="=1+2"))
    error = only_error(import_resources(cdo, units.finance, data))
    assert (error.row, error.column) == (2, "结构化信息记录总数")
    assert "单元格 Z2 含有公式" in error.message and "选择性粘贴" in error.message


def test_it_rejects_50001_rows_before_reading_them(cdo, units, unchanged):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据资源清单")
    ws.append(RESOURCES.headers)
    for _ in range(50_001):
        ws.append([None, "1", "企业登记信息", "102"])
    out = io.BytesIO()
    wb.save(out)
    data = with_dimension(out.getvalue(), "A1:AO50002")  # as Excel writes it
    started = time.perf_counter()
    error = only_error(import_resources(cdo, units.finance, data))
    assert time.perf_counter() - started < 1
    assert error.row is None and "有 50001 行数据，超过单个文件 50000 行的上限" in error.message


def test_it_counts_rows_while_streaming_when_the_dimension_lies(cdo, units, unchanged):
    data = with_dimension(workbook([resource_row(**{"临时编号": str(n)}) for n in range(5)]), "A1:A2")
    with pytest.raises(WorkbookError, match="的数据超过 3 行"):
        read_sheet(data, "数据资源清单", max_rows=3)


def test_it_reports_an_unknown_code_a_bad_label_and_an_unknown_category_together(cdo, units, unchanged):
    rows = [resource_row(**{"信息资源代码": "101/999999", "信息项名称": "姓名"}),
            resource_row(**{"临时编号": "2", "共享类型": "随便共享"}),
            resource_row(**{"临时编号": "3", "信息资源名称": "其他", "信息资源分类": "999 不存在"})]
    report = import_resources(cdo, units.finance, workbook(rows))
    got = {(e.row, e.column): e for e in report.errors}
    assert "信息资源代码“101/999999”不存在" in got[2, "信息资源代码"].message
    assert got[3, "共享类型"].value == "随便共享"
    assert "“随便共享”不是可选的共享类型，应为：无条件共享、有条件共享、不予共享" == got[3, "共享类型"].message
    assert "资源分类“999 不存在”不存在" in got[4, "信息资源分类"].message


def test_it_reports_an_unknown_unit_named_by_the_admin(admin, units, unchanged):
    report = import_resources(admin, None, workbook([resource_row(**{"信息资源提供方": "县火星局"})]))
    error = only_error(report)
    assert (error.row, error.column, error.value) == (2, "信息资源提供方", "县火星局")
    assert "单位“县火星局”不存在" in error.message


def test_it_requires_the_admin_to_name_the_unit(admin, units, unchanged):
    error = only_error(import_resources(admin, None, workbook([resource_row()])))
    assert (error.row, error.column, error.message) == (2, "信息资源提供方", "请填写“信息资源提供方”")


def test_it_refuses_a_keeper_naming_another_unit(cdo, units, unchanged):
    error = only_error(import_resources(cdo, units.finance, workbook([resource_row(**{"信息资源提供方": "双沟镇"})])))
    assert (error.row, error.column) == (2, "信息资源提供方")
    assert error.message == "只能导入本单位（财政局）的数据资源，不能填写“双沟镇”"


def test_it_refuses_a_keeper_updating_another_units_published_resource(cdo, admin, units, make_person):
    other = make_person("cdo2", "钱数据", units.township, Role.CDO)
    theirs = make_resource(other, units.township, name="镇人口", publish=True, admin=admin)
    before = ledger_state()
    error = only_error(import_resources(cdo, units.finance, workbook([resource_row(**{
        "信息资源代码": theirs.code, "信息资源分类": "101"})])))
    assert (error.row, error.column) == (2, "信息资源代码")
    assert error.message == f"资源 {theirs.code} 属于双沟镇，只能导入本单位的数据资源"
    named = only_error(import_resources(cdo, units.finance, workbook([resource_row(**{
        "信息资源代码": theirs.code, "信息资源分类": "101", "信息资源提供方": "财政局"})])))
    assert (named.row, named.column) == (2, "信息资源提供方") and "提供方是双沟镇" in named.message
    assert ledger_state() == before


def test_it_points_each_coupling_rule_at_its_cell(cdo, units, unchanged):
    rows = [resource_row(**{"共享条件": None}),
            resource_row(**{"临时编号": "2", "信息资源名称": "重点企业", "数据分级": "核心数据", "共享类型": "无条件共享",
                            "开放属性": "无条件开放"}),
            resource_row(**{"临时编号": "3", "信息资源名称": "个人信息", "信息项名称": "身份证号", "敏感": "是",
                            "共享类型": "无条件共享", "开放属性": "无条件开放"})]
    report = import_resources(cdo, units.finance, workbook(rows))
    got = {(e.row, e.column): e.message for e in report.errors}
    assert got[2, "共享条件"] == "有条件共享的资源必须写明共享条件"
    assert got[3, "开放属性"] == "核心数据不能无条件开放（GB/T 43697）"
    assert got[4, "敏感"] == "信息项“身份证号”为敏感信息，不能无条件开放"
    assert len(report.errors) == 3, messages_of(report)


def test_it_points_not_shared_implies_not_opened_at_the_item(cdo, units, unchanged):
    rows = [resource_row(**{"信息项共享类型": "不予共享", "信息项开放属性": "有条件开放"})]
    error = only_error(import_resources(cdo, units.finance, workbook(rows)))
    assert (error.row, error.column, error.value) == (2, "信息项开放属性", "有条件开放")
    assert error.message == "信息项“企业名称”不予共享，不能开放"


def test_it_reports_a_duplicate_item_at_its_second_row(cdo, units, unchanged):
    rows = [resource_row(), resource_row(**{"信息项名称": "注册资本"}), resource_row()]
    error = only_error(import_resources(cdo, units.finance, workbook(rows)))
    assert (error.row, error.column, error.value) == (4, "信息项名称", "企业名称")
    assert error.message == "信息项“企业名称”重复：第 2 行已有同名信息项"


def test_it_reports_rows_of_one_resource_that_disagree(cdo, units, unchanged):
    rows = [resource_row(), resource_row(**{"信息项名称": "注册资本", "更新周期": "每年"})]
    error = only_error(import_resources(cdo, units.finance, workbook(rows)))
    assert (error.row, error.column, error.value) == (3, "更新周期", "每年")
    assert error.message == "同一资源的各行应填写相同的“更新周期”：第 2 行为“每月”"


def test_it_reports_bad_numbers_dates_and_lengths(cdo, units, unchanged):
    rows = [resource_row(**{"长度": "很长", "开放日期": "明年", "结构化信息记录总数": -5, "信息资源名称": "名" * 129})]
    report = import_resources(cdo, units.finance, workbook(rows))
    got = {e.column: e.message for e in report.errors}
    assert got["长度"] == "“长度”应为不小于 0 的整数"
    assert got["开放日期"].startswith("“开放日期”日期格式不正确")
    assert got["结构化信息记录总数"] == "“结构化信息记录总数”应为不小于 0 的整数"
    assert got["信息资源名称"] == "“信息资源名称”不能超过 128 字（现有 129 字）"


def test_it_writes_nothing_when_only_the_last_of_many_rows_is_wrong(cdo, units, unchanged):
    rows = twenty_resources()
    for row in rows[-3:]:  # the last resource: 不予共享 without its legal basis
        row["共享类型"] = "不予共享"
    report = import_resources(cdo, units.finance, workbook(rows))
    error = only_error(report)
    assert (error.row, error.column) == (59, "不予共享依据")
    assert report.created == 0


def test_it_rolls_everything_back_when_a_service_refuses_during_the_write(cdo, units, monkeypatch):
    from core.errors import InvalidTransition

    draft = make_resource(cdo, units.finance)
    before = ledger_state()

    def raced(*args, **kwargs):  # someone submitted it for review after the checks ran
        raise InvalidTransition("资源正在审核中，审核完成前不能修改")

    monkeypatch.setattr(services, "update_resource", raced)
    rows = [*twenty_resources(), resource_row(**{"信息资源代码": draft.code, "信息资源分类": "101",
                                                  "信息项名称": "姓名"})]
    report = import_resources(cdo, units.finance, workbook(rows))
    error = only_error(report)
    assert (error.row, error.message) == (62, "资源正在审核中，审核完成前不能修改")
    assert report.created == 0
    assert ledger_state() == before  # the 20 new resources, written first, were rolled back


def test_it_rejects_a_sheet_with_only_headers(cdo, units, unchanged):
    assert "没有数据" in only_error(import_resources(cdo, units.finance, workbook([]))).message
