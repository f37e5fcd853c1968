"""The catalog's block on the home page: what a unit's keepers must finish, and the admin's review queue."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from catalog import demands, services
from catalog.desk_views import home_panel
from catalog.tests.factories import make_resource

HOME = reverse("core:home")


def test_it_lists_drafts_with_returned_ones_first(client_for, cdo, admin, units):
    make_resource(cdo, units.finance, name="普通草稿")
    returned = make_resource(cdo, units.finance, name="被退回的资源")
    services.transition(cdo, returned, "submit")
    services.transition(admin, returned, "return", "请补充信息项说明")
    html = client_for(cdo).get(HOME).content.decode()
    assert "财政局的数据目录" in html
    assert "草稿 2 条待完成并提交审核，其中 <strong class=\"bad\">1 条被退回修改</strong>" in html
    assert html.index("被退回的资源") < html.index("普通草稿")
    assert '<span class="badge bad">已退回</span>' in html


def test_it_counts_demands_to_answer_stale_data_and_findings(client_for, cdo, admin, units, make_person):
    from core.models import Role

    keeper = make_person("township_cdo", "钱镇数据", units.township, Role.CDO)
    resource = make_resource(cdo, units.finance, publish=True, admin=admin, last_updated_on=date(2020, 1, 1))
    basis = {"purpose": "核验", "legal_basis": "《社会救助暂行办法》"}
    demands.file_demand(keeper, units.township, resource=resource, **basis)
    demands.file_demand(keeper, units.township, resource=resource, now=timezone.now() - timedelta(days=30),
                        **basis)
    context = home_panel(cdo)
    assert context is not None
    keeper_block = context["keeper"]
    assert (keeper_block["answer_count"], keeper_block["overdue_count"], keeper_block["stale_count"]) == (2, 1, 1)
    html = client_for(cdo).get(HOME).content.decode()
    assert "数据需求待答复 2 项" in html and "逾期 1 项" in html and "逾期未更新的资源 1 条" in html


def test_it_shows_the_admin_what_waits_for_review(client_for, cdo, admin, units):
    resource = make_resource(cdo, units.finance)
    services.transition(cdo, resource, "submit")
    system = services.save_system(cdo, units.finance, name="财政一体化系统")
    services.transition(cdo, system, "submit")
    html = client_for(admin).get(HOME).content.decode()
    assert "待审核：数据资源 <strong>1</strong> 条，信息系统 <strong>1</strong> 个" in html
    assert reverse("catalog:review_queue") in html


def test_it_shows_nothing_to_people_without_catalog_work(cdo, editor, outsider, units):
    make_resource(cdo, units.finance)
    assert home_panel(editor) is None and home_panel(outsider) is None
    assert home_panel(cdo) is not None
