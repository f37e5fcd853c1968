"""What the platform exports it reads back unchanged: no new rows, no audit entries, no 变更审核."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from catalog import demands, services
from catalog.excel import (
    LAYOUTS,
    export_workbook,
    import_demands,
    import_resources,
    import_sharing,
    import_systems,
)
from catalog.excel.reader import read_sheet
from catalog.models import DataResource, Demand, InformationSystem, Lifecycle, ServiceMatter, SharingEntry
from catalog.tests.factories import make_resource
from catalog.tests.test_excel_support import edit, ledger_state, messages_of

pytestmark = pytest.mark.django_db


def resources_qs():
    return DataResource.objects.select_related("unit", "category").prefetch_related("items", "systems").order_by(
        "code")


@pytest.fixture
def catalog(cdo, admin, units):
    """A small ledger with every kind of value the resource list carries."""
    system = services.save_system(cdo, units.finance, name="财政一体化系统", protection_level="3",
                                  deployment="gov_cloud", on_gov_cloud=True)
    published = make_resource(cdo, units.finance, publish=True, admin=admin, related_codes=["101/000009"],
                              opened_on=date(2024, 3, 1), open_type="conditional", open_condition="申请后开放",
                              last_updated_on=date(2024, 5, 31), storage_total_gb=Decimal("12.345"),
                              record_total=560000, grade="general_3", format_type="=formula-looking text")
    services.link_systems(cdo, published, [system])
    draft = make_resource(cdo, units.finance, name="非税收入信息", sharing_type="none", sharing_basis="《预算法》",
                          sharing_medium="", open_type="none",
                          items=[{"name": "缴款人", "data_type": "C", "length": 50, "is_sensitive": True,
                                  "sharing_type": "", "open_type": "", "required": True, "unique": False,
                                  "validity": "", "description": "缴款单位或个人"}])
    empty = make_resource(cdo, units.finance, name="尚无信息项的资源", items=[])
    return published, draft, empty


def test_it_reads_back_an_export_of_resources_without_changing_anything(cdo, units, catalog):
    data = export_workbook(LAYOUTS["resources"], resources_qs())
    before = ledger_state()
    report = import_resources(cdo, units.finance, data)
    assert report.ok, messages_of(report)
    assert (report.created, report.updated, report.unchanged, report.records) == (0, 0, 3, 3)
    assert ledger_state() == before
    published = DataResource.objects.get(pk=catalog[0].pk)
    assert published.status == Lifecycle.PUBLISHED


def test_it_reads_back_the_admins_export_of_every_unit(admin, units, catalog):
    report = import_resources(admin, None, export_workbook(LAYOUTS["resources"], resources_qs()))
    assert report.ok and report.unchanged == 3, messages_of(report)


def test_it_keeps_text_that_looks_like_a_formula_as_text(cdo, units, catalog):
    data = export_workbook(LAYOUTS["resources"], resources_qs())
    sheet = read_sheet(data, "数据资源清单", max_rows=100)
    assert not sheet.issues
    position = sheet.headers.index("格式类型")
    assert any(values[position] == "=formula-looking text" for _, values in sheet.rows if len(values) > position)


def test_it_updates_exactly_the_edited_resource(cdo, units, catalog):
    published, draft, _ = catalog
    data = export_workbook(LAYOUTS["resources"], resources_qs())
    headers = read_sheet(data, "数据资源清单", max_rows=100).headers
    column = headers.index("信息资源摘要") + 1

    def change(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == draft.code:
                ws.cell(row=row[0].row, column=column, value="改过的摘要")

    report = import_resources(cdo, units.finance, edit(data, change))
    assert report.ok, messages_of(report)
    assert (report.updated, report.unchanged) == (1, 2)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.summary == "改过的摘要" and published.status == Lifecycle.PUBLISHED


def test_it_reads_back_the_systems_list(cdo, units):
    matter = ServiceMatter.objects.create(code="320324-001", name="企业开办", unit=units.finance)
    system = services.save_system(cdo, units.finance, name="财政一体化系统", protection_level="3",
                                  deployment="gov_cloud", on_gov_cloud=True, description="预算、国库一体化")
    services.save_system(cdo, units.finance, name="非税收入系统", protection_level="2", deployment="local",
                         service_matters=[matter])
    data = export_workbook(LAYOUTS["systems"], InformationSystem.objects.select_related("unit")
                           .prefetch_related("service_matters").order_by("name"))
    before = ledger_state()
    report = import_systems(cdo, units.finance, data)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 2), messages_of(report)
    assert ledger_state() == before
    system.refresh_from_db()
    assert system.status == Lifecycle.DRAFT


def test_it_reads_back_the_sharing_list(cdo, admin, units, catalog):
    published = catalog[0]
    services.save_sharing_entry(cdo, published, consumer=units.township, medium="api", purpose="低保审核",
                                since=date(2024, 1, 2), items=list(published.items.all()[:2]))
    services.save_sharing_entry(cdo, published, consumer=units.government, medium="file", active=False)
    data = export_workbook(LAYOUTS["sharing"], SharingEntry.objects.select_related("resource__unit", "consumer")
                           .prefetch_related("items").order_by("id"))
    before = ledger_state()
    report = import_sharing(cdo, units.finance, data)
    assert report.ok and report.unchanged == 2, messages_of(report)
    assert ledger_state() == before


def test_it_reads_back_the_demand_list(cdo, admin, units, make_person):
    from core.models import Role

    township_cdo = make_person("cdo2", "钱数据", units.township, Role.CDO)
    resource = make_resource(cdo, units.finance, publish=True, admin=admin)
    demands.file_demand(township_cdo, units.township, resource=resource, purpose="低保审核", legal_basis="社会救助暂行办法")
    demands.file_demand(township_cdo, units.township, provider=units.finance, wanted_name="财政补贴发放名单",
                        purpose="核对补贴", legal_basis="县政府工作要点")
    data = export_workbook(LAYOUTS["demands"], Demand.objects.select_related("requester", "provider", "resource")
                           .order_by("id"))
    before = ledger_state()
    report = import_demands(township_cdo, units.township, data)
    assert report.ok and report.unchanged == 2, messages_of(report)
    assert ledger_state() == before


def test_it_reads_back_a_keepers_full_export_that_lists_other_units_records(cdo, admin, units, make_person):
    """A keeper's export holds other units' published resources and systems, lines shared to the unit,
    and demands made to it; sent back unchanged, those rows are fine — changed, they are refused."""
    from core.models import Role

    other = make_person("cdo2", "钱数据", units.township, Role.CDO)
    theirs = make_resource(other, units.township, name="镇人口", publish=True, admin=admin)
    make_resource(cdo, units.finance, name="财政草稿")
    system = services.save_system(other, units.township, name="镇网格系统", protection_level="2",
                                  deployment="city")
    services.transition(other, system, "submit")
    services.transition(admin, system, "approve")
    services.save_sharing_entry(other, theirs, consumer=units.finance, medium="api", purpose="补贴核对")
    mine = make_resource(cdo, units.finance, name="财政已发布", publish=True, admin=admin)
    demands.file_demand(other, units.township, resource=mine, purpose="低保审核", legal_basis="社会救助暂行办法")
    before = ledger_state()
    for name, importer, queryset in (
            ("resources", import_resources, resources_qs()),
            ("systems", import_systems, InformationSystem.objects.visible_to(cdo).select_related("unit")
             .prefetch_related("service_matters")),
            ("sharing", import_sharing, SharingEntry.objects.select_related("resource__unit", "consumer")
             .prefetch_related("items")),
            ("demands", import_demands, Demand.objects.select_related("requester", "provider", "resource"))):
        report = importer(cdo, units.finance, export_workbook(LAYOUTS[name], queryset))
        assert report.ok and report.created == report.updated == 0, (name, messages_of(report))
    assert ledger_state() == before

    data = export_workbook(LAYOUTS["resources"], resources_qs())
    headers = read_sheet(data, "数据资源清单", max_rows=100).headers

    def change(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == theirs.code:
                ws.cell(row=row[0].row, column=headers.index("信息资源摘要") + 1, value="越权修改")

    report = import_resources(cdo, units.finance, edit(data, change))
    assert {e.message for e in report.errors} == {f"资源 {theirs.code} 属于双沟镇，只能导入本单位的数据资源"}
    assert ledger_state() == before
