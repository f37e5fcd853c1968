"""The templates: national headers, a frozen header row, dropdowns for every coded field, 填写说明."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from catalog.excel import LAYOUTS, import_resources, template_workbook
from catalog.excel.layout import BOOL, CHOICE, RESOURCES
from catalog.tests.test_excel_support import messages_of, resource_row

pytestmark = pytest.mark.django_db


def open_template(name: str):
    return load_workbook(io.BytesIO(template_workbook(LAYOUTS[name])))


@pytest.mark.parametrize("name", ["resources", "systems", "sharing", "demands"])
def test_it_has_the_lists_headers_frozen_and_the_three_sheets(name, units):
    wb = open_template(name)
    layout = LAYOUTS[name]
    assert wb.sheetnames == [layout.title, "填写说明", "代码表"]
    ws = wb[layout.title]
    assert [c.value for c in ws[1]] == layout.headers
    assert ws.freeze_panes == "A2"
    assert wb["代码表"].sheet_state == "hidden"
    assert ws.max_row == 1  # no example rows that would be imported by mistake


def test_it_puts_a_dropdown_on_every_coded_column_of_the_resource_list(units):
    wb = open_template("resources")
    ws, lists = wb["数据资源清单"], wb["代码表"]
    letters = {c.value: c.column_letter for c in ws[1]}
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    for column in RESOURCES.columns:
        if column.kind not in (CHOICE, BOOL) or column.export_only:
            continue
        dv = validations[f"{letters[column.header]}2"]
        assert dv.type == "list" and dv.formula1.startswith("'代码表'!$")
        source = dv.formula1.split("!")[1].replace("$", "")
        values = [c.value for row in lists[source] for c in row]
        assert values == column.labels, column.header
    sharing = validations[f"{letters['共享类型']}2"]
    assert str(sharing.sqref) == f"{letters['共享类型']}2:{letters['共享类型']}50001"
    assert sharing.errorStyle == "stop"
    units_dv = validations[f"{letters['信息资源提供方']}2"]
    source = units_dv.formula1.split("!")[1].replace("$", "")
    assert "财政局" in [c.value for row in lists[source] for c in row]
    category = validations[f"{letters['信息资源分类']}2"]
    source = category.formula1.split("!")[1].replace("$", "")
    assert "101 人口" in [c.value for row in lists[source] for c in row]


def test_it_explains_each_column_and_the_rules(units):
    guide = open_template("resources")["填写说明"]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert "不予共享 ⇒ 不予开放" in text
    assert "核心数据、重要数据不能无条件开放（GB/T 43697）" in text
    assert "下拉选择：无条件共享、有条件共享、不予共享" in text
    assert "单个文件最多 50000 行数据" in text
    assert "不要合并单元格，不要使用公式" in text


def test_it_imports_a_template_filled_in_like_a_person_would(cdo, units):
    wb = open_template("resources")
    ws = wb["数据资源清单"]
    row = resource_row()
    ws.append([row.get(h) for h in RESOURCES.headers])
    out = io.BytesIO()
    wb.save(out)
    report = import_resources(cdo, units.finance, out.getvalue())
    assert report.ok and report.created == 1, messages_of(report)
