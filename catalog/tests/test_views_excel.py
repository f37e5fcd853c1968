"""The Excel pages: template and export downloads, the import form, its error table and annotated file."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from catalog.excel import store
from catalog.excel.reader import read_sheet
from catalog.models import DataResource
from catalog.tests.factories import make_resource
from catalog.tests.test_excel_support import ledger_state, resource_row, workbook
from core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db

TEMPLATE, EXPORT, IMPORT = (reverse("catalog:excel_template"), reverse("catalog:excel_export"),
                            reverse("catalog:excel_import"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, data: bytes, name: str = "清单.xlsx", list_name: str = "resources"):
    return client.post(IMPORT, {"list_name": list_name, "file": SimpleUploadedFile(name, data)})


def sheet_of(response, title: str = "数据资源清单"):
    return read_sheet(b"".join(response.streaming_content), title, max_rows=1000)


# ---- who may do what ---------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["admin", "cdo"])
def test_it_offers_templates_and_the_import_page_to_keepers_and_the_admin(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    for name in ("resources", "systems", "sharing", "demands"):
        response = client.get(TEMPLATE, {"list": name})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
    assert client.get(IMPORT).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "editor", "supervisor"])
def test_it_hides_templates_and_import_from_people_who_keep_no_list(request, client_for, cdo, units, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(TEMPLATE, {"list": "resources"}).status_code == 404
    assert client.get(IMPORT).status_code == 404
    before = ledger_state()
    assert upload(client, workbook([resource_row(**{"信息资源提供方": "财政局"})])).status_code == 404
    assert ledger_state() == before


def test_it_sends_anonymous_visitors_to_the_login_page(client_for, units):
    for url in (TEMPLATE, EXPORT, IMPORT, reverse("catalog:excel_import_errors", args=["x" * 32])):
        response = client_for(None).get(url)
        assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_it_refuses_an_unknown_list_name(client_for, cdo):
    for url in (TEMPLATE, EXPORT):
        response = client_for(cdo).get(url, {"list": "people"})
        assert response.status_code == 400 and "清单名称不正确" in response.content.decode()


# ---- export ------------------------------------------------------------------------------------------

def test_it_exports_only_what_the_person_may_see(client_for, cdo, admin, outsider, units, make_person):
    mine = make_resource(cdo, units.finance, name="财政草稿")
    published = make_resource(cdo, units.finance, name="已发布资源", publish=True, admin=admin)
    other = make_person("cdo2", "钱数据", units.township, Role.CDO)
    their_draft = make_resource(other, units.township, name="镇草稿")
    codes = lambda response: {v[0] for _, v in sheet_of(response).rows}  # noqa: E731
    assert codes(client_for(outsider).get(EXPORT, {"list": "resources"})) == {published.code, their_draft.code}
    assert codes(client_for(cdo).get(EXPORT, {"list": "resources"})) == {published.code, mine.code}
    assert codes(client_for(admin).get(EXPORT, {"list": "resources"})) == {published.code, mine.code,
                                                                           their_draft.code}


def test_it_exports_with_the_resource_list_filters(client_for, admin, cdo, units):
    conditional = make_resource(cdo, units.finance, name="有条件资源")
    make_resource(cdo, units.finance, name="无条件资源", sharing_type="unconditional", sharing_condition="")
    response = client_for(admin).get(EXPORT, {"list": "resources", "sharing_type": "conditional",
                                              "unit": str(units.finance.pk), "category": "1"})
    assert {v[0] for _, v in sheet_of(response).rows} == {conditional.code}
    response = client_for(admin).get(EXPORT, {"list": "resources", "q": "无条件"})
    assert [v[2] for _, v in sheet_of(response).rows] == ["无条件资源"] * 3


def test_it_leaves_other_units_classified_resources_out_of_the_file(client_for, cdo, admin, units, make_person):
    other = make_person("cdo2", "钱数据", units.township, Role.CDO)
    secret = make_resource(other, units.township, name="涉密资源", is_classified=True, sharing_type="none",
                           sharing_basis="《保密法》", sharing_medium="", publish=True, admin=admin)
    assert secret.code not in {v[0] for _, v in sheet_of(client_for(cdo).get(EXPORT, {"list": "resources"})).rows}
    assert secret.code in {v[0] for _, v in sheet_of(client_for(admin).get(EXPORT, {"list": "resources"})).rows}


def test_it_exports_the_other_lists(client_for, cdo, units):
    from catalog import services

    services.save_system(cdo, units.finance, name="财政一体化系统", protection_level="3", deployment="gov_cloud")
    response = client_for(cdo).get(EXPORT, {"list": "systems"})
    assert [v[:3] for _, v in sheet_of(response, "信息系统清单").rows] == [("财政一体化系统", "财政局", "第三级")]
    for name, title in (("sharing", "共享清单"), ("demands", "需求清单")):
        response = client_for(cdo).get(EXPORT, {"list": name})
        assert response.status_code == 200 and sheet_of(response, title).rows == []


def test_it_exports_a_thousand_resources_in_a_bounded_number_of_queries(client_for, admin, cdo, units,
                                                                       django_assert_max_num_queries):
    from catalog import services
    from catalog.tests.factories import ITEMS, resource_fields

    services.create_resources(cdo, [(units.finance, ITEMS, resource_fields(name=f"资源{n}")) for n in range(60)])
    client = client_for(admin)
    with django_assert_max_num_queries(20):
        response = client.get(EXPORT, {"list": "resources"})
        rows = sheet_of(response).rows
    assert len(rows) == 180


# ---- import ------------------------------------------------------------------------------------------

def test_it_imports_and_redirects_with_the_counts(client_for, cdo, units):
    client = client_for(cdo)
    response = upload(client, workbook([resource_row(), resource_row(**{"信息项名称": "注册资本"})]))
    assert response.status_code == 302 and response["Location"] == IMPORT + "?list=resources"
    page = client.get(response["Location"]).content.decode()
    assert "已导入数据资源清单：读取 2 行、1 条记录，新增 1 条，修改 0 条，未变 0 条" in page
    assert DataResource.objects.get().unit == units.finance
    assert AuditEntry.objects.filter(action="catalog.resource.create", actor=cdo).count() == 1


def test_it_shows_every_error_and_offers_the_annotated_workbook(client_for, cdo, units, settings):
    client = client_for(cdo)
    before = ledger_state()
    data = workbook([resource_row(**{"共享条件": None}), resource_row(**{"临时编号": "2", "信息资源名称": "乙",
                                                                        "信息资源分类": "999"})])
    response = upload(client, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "未导入：发现 2 处问题" in html and "本次没有写入任何数据" in html
    assert "有条件共享的资源必须写明共享条件" in html and "资源分类“999”不存在" in html
    assert ledger_state() == before
    link = reverse("catalog:excel_import_errors", args=[response.context["token"]])
    assert link in html

    download = client.get(link)
    assert download.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ws = wb["数据资源清单"]
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "错误说明"
    assert ws.cell(row=2, column=len(headers)).value == "共享条件：有条件共享的资源必须写明共享条件"
    condition = ws.cell(row=2, column=headers.index("共享条件") + 1)
    assert condition.fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=3, column=headers.index("信息资源分类") + 1).value == "999"
    # fixed and uploaded again, the 错误说明 column is ignored
    ws.cell(row=2, column=headers.index("共享条件") + 1, value="用于政务服务")
    ws.cell(row=3, column=headers.index("信息资源分类") + 1, value="102")
    out = io.BytesIO()
    wb.save(out)
    assert upload(client, out.getvalue()).status_code == 302
    assert DataResource.objects.count() == 2


def test_it_keeps_the_annotated_workbook_for_its_uploader_only_and_for_an_hour(client_for, cdo, admin, units,
                                                                             monkeypatch):
    response = upload(client_for(cdo), workbook([resource_row(**{"共享条件": None})]))
    link = reverse("catalog:excel_import_errors", args=[response.context["token"]])
    assert client_for(admin).get(link).status_code == 404
    assert client_for(cdo).get(reverse("catalog:excel_import_errors", args=["..%2F..%2Fetc"])).status_code == 404
    assert client_for(cdo).get(reverse("catalog:excel_import_errors", args=["x" * 32])).status_code == 404
    later = time.time() + store.TTL_SECONDS + 1
    monkeypatch.setattr(store.time, "time", lambda: later)
    assert client_for(cdo).get(link).status_code == 404
    assert store.sweep(later) == 2


def test_it_explains_a_refused_file_without_a_download(client_for, cdo, units):
    response = upload(client_for(cdo), "名称,摘要\n企业,全县\n".encode("gbk"))
    html = response.content.decode()
    assert response.status_code == 400 and "看起来是 CSV 或文本文件" in html
    assert response.context["token"] == "" and "下载标注错误的文件" not in html


def test_it_refuses_files_that_are_not_xlsx_by_name(client_for, cdo, units):
    response = upload(client_for(cdo), b"whatever", name="清单.xls")
    assert response.status_code == 400
    assert "不支持“.xls”文件" in response.content.decode()


def test_it_lets_a_keeper_import_only_their_units_rows(client_for, cdo, units):
    before = ledger_state()
    response = upload(client_for(cdo), workbook([resource_row(**{"信息资源提供方": "双沟镇"})]))
    assert response.status_code == 400
    assert "只能导入本单位（财政局）的数据资源，不能填写“双沟镇”" in response.content.decode()
    assert ledger_state() == before


def test_it_imports_the_other_lists_by_their_name(client_for, admin, units):
    from catalog.excel.layout import SYSTEMS

    rows = [{"系统名称": "城管平台", "建设单位": "双沟镇", "等保级别": "第二级", "部署位置": "县政务云", "运行状态": "在建"}]
    response = upload(client_for(admin), workbook(rows, SYSTEMS), list_name="systems")
    assert response.status_code == 302 and response["Location"].endswith("?list=systems")


def test_it_preselects_the_list_from_the_link(client_for, cdo):
    html = client_for(cdo).get(IMPORT, {"list": "sharing"}).content.decode()
    assert '<option value="sharing" selected>共享清单</option>' in html


def test_list_pages_link_to_their_filtered_export_and_keepers_to_the_import(client_for, cdo, editor, units):
    pages = {"/catalog/resources/?sharing_type=conditional": "list=resources&sharing_type=conditional",
             "/catalog/systems/": "list=systems", "/catalog/sharing/": "list=sharing",
             "/catalog/demands/?box=mine": "list=demands&box=mine"}
    for url, link in pages.items():
        html = client_for(cdo).get(url).content.decode()
        assert f'/catalog/excel/export/?{link}' in html, url
        assert "/catalog/excel/import/" in html or url.startswith("/catalog/demands/")
    assert "/catalog/excel/import/" not in client_for(editor).get("/catalog/resources/").content.decode()
