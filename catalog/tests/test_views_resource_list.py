"""The resource list: who sees what, the filters with their facet counts, staleness, paging, query count."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.tests.factories import category, make_resource

URL = reverse("catalog:resource_list")


def _names(response) -> list[str]:
    return re.findall(r'<td data-label="名称" class="title"><a href="/catalog/resources/\d+/">([^<]+)</a>', response.content.decode())


def _option(response, name: str, value: str) -> str:
    """The label of one <option> of a filter select."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    option = re.search(rf'<option value="{re.escape(value)}"[^>]*>([^<]*)</option>', select.group(1))
    return option.group(1) if option else ""


@pytest.fixture
def catalog(admin, cdo, units, make_person):
    """财政局: two published (one open), one draft; 双沟镇: one published, one draft."""
    from core.models import Role

    keeper = make_person("township_cdo", "钱镇数据", units.township, Role.CDO)
    make_resource(cdo, units.finance, publish=True, admin=admin, name="人口基础信息")
    make_resource(cdo, units.finance, publish=True, admin=admin, name="财政预算公开信息",
                  summary="全县财政预算及执行情况", category=category("201"), sharing_type="unconditional", sharing_condition="",
                  open_type="unconditional", grade="general_2", opened_on=date(2024, 1, 2),
                  items=[{"name": "预算科目", "data_type": "C", "length": 40}])
    make_resource(cdo, units.finance, name="财政内部草稿", category=category("102"))
    make_resource(keeper, units.township, publish=True, admin=admin, name="镇村人口台账",
                  items=[{"name": "村组名称", "data_type": "C", "length": 30}])
    make_resource(keeper, units.township, name="镇内草稿")
    return keeper


def test_it_shows_everyone_published_resources_and_their_own_units_drafts(client_for, catalog, cdo, outsider,
                                                                           editor, admin):
    assert _names(client_for(cdo).get(URL)) == ["人口基础信息", "镇村人口台账", "财政内部草稿", "财政预算公开信息"]
    # the outsider's unit (双沟镇) has a draft of its own; 财政局's draft stays hidden
    assert _names(client_for(outsider).get(URL)) == ["人口基础信息", "镇村人口台账", "镇内草稿", "财政预算公开信息"]
    assert "财政内部草稿" in _names(client_for(editor).get(URL))  # same unit, even without a keeper role
    assert len(_names(client_for(admin).get(URL))) == 5


def test_it_shows_the_catalog_columns(client_for, catalog, cdo):
    html = client_for(cdo).get(URL).content.decode()
    for header in ("代码", "名称", "提供方", "分类", "共享类型", "开放属性", "分级", "更新周期", "状态"):
        assert f'<th scope="col">{header}</th>' in html
    assert "101/000001" in html and "有条件共享" in html and "重要数据" in html and "每月" in html
    assert 'class="badge s-draft">草稿' in html and 'class="badge s-published">已发布' in html


def test_it_searches_names_summaries_and_item_names(client_for, catalog, cdo):
    client = client_for(cdo)
    assert _names(client.get(URL, {"q": "预算"})) == ["财政预算公开信息"]
    assert _names(client.get(URL, {"q": "村组"})) == ["镇村人口台账"]  # an 信息项 name
    assert _names(client.get(URL, {"q": "户籍人口"})) == ["人口基础信息", "镇村人口台账", "财政内部草稿"]  # summary
    assert _names(client.get(URL, {"q": "201/"})) == ["财政预算公开信息"]  # code
    assert "没有符合条件的数据资源" in client.get(URL, {"q": "不存在的资源"}).content.decode()


def test_it_filters_by_class_and_item_of_the_classification(client_for, catalog, cdo):
    client = client_for(cdo)
    assert _names(client.get(URL, {"category": "1"})) == ["人口基础信息", "镇村人口台账", "财政内部草稿"]
    assert _names(client.get(URL, {"category": "101"})) == ["人口基础信息", "镇村人口台账"]
    assert _names(client.get(URL, {"category": "2"})) == ["财政预算公开信息"]


def test_it_filters_by_provider_sharing_opening_grade_and_status(client_for, catalog, cdo, units):
    client = client_for(cdo)
    assert _names(client.get(URL, {"unit": units.township.pk})) == ["镇村人口台账"]
    assert _names(client.get(URL, {"sharing_type": "unconditional"})) == ["财政预算公开信息"]
    assert _names(client.get(URL, {"open_type": "unconditional"})) == ["财政预算公开信息"]
    assert _names(client.get(URL, {"grade": "important"})) == ["人口基础信息", "镇村人口台账", "财政内部草稿"]
    assert _names(client.get(URL, {"status": "draft"})) == ["财政内部草稿"]
    assert _names(client.get(URL, {"status": "published", "unit": units.finance.pk})) == [
        "人口基础信息", "财政预算公开信息"]
    assert "清除筛选" in client.get(URL, {"status": "draft"}).content.decode()


def test_it_narrows_to_my_unit(client_for, catalog, cdo):
    assert _names(client_for(cdo).get(URL, {"mine": "on"})) == ["人口基础信息", "财政内部草稿", "财政预算公开信息"]


def test_it_counts_each_option_with_the_other_filters_applied(client_for, catalog, cdo, units):
    client = client_for(cdo)
    everything = client.get(URL)
    assert _option(everything, "sharing_type", "conditional") == "有条件共享（3）"
    assert _option(everything, "sharing_type", "unconditional") == "无条件共享（1）"
    assert _option(everything, "sharing_type", "none") == "不予共享（0）"
    assert _option(everything, "category", "1") == "1 基础信息资源（3）"
    assert _option(everything, "category", "101") == "\u3000101 人口（2）"
    assert _option(everything, "category", "104") == ""  # nothing filed there: not offered
    assert _option(everything, "unit", str(units.finance.pk)) == "财政局（3）"
    assert _option(everything, "status", "draft") == "草稿（1）"
    assert "只看本单位（3）" in everything.content.decode()
    # choosing a sharing type narrows the other facets, not its own options
    chosen = client.get(URL, {"sharing_type": "conditional"})
    assert _option(chosen, "sharing_type", "unconditional") == "无条件共享（1）"
    assert _option(chosen, "status", "published") == "已发布（2）"
    assert _option(chosen, "unit", str(units.finance.pk)) == "财政局（2）"
    assert "只看本单位（2）" in chosen.content.decode()


def test_it_flags_resources_overdue_for_their_update_cycle(client_for, admin, cdo, units):
    make_resource(cdo, units.finance, publish=True, admin=admin, name="过期资源", last_updated_on=date(2020, 1, 1))
    make_resource(cdo, units.finance, publish=True, admin=admin, name="新鲜资源",
                  last_updated_on=date.today())
    html = client_for(cdo).get(URL).content.decode()
    rows = {name: row for row, name in re.findall(r'(<tr>.*?>([^<]+)</a>.*?</tr>)', html, re.S)}
    assert "逾期未更新" in rows["过期资源"]
    assert "逾期未更新" not in rows["新鲜资源"]


def test_it_ignores_bad_filter_values(client_for, catalog, cdo):
    response = client_for(cdo).get(URL, {"status": "nonsense", "unit": "abc", "category": "9"})
    assert response.status_code == 200
    assert len(_names(response)) == 4


def test_it_paginates(client_for, cdo, units):
    for n in range(33):
        make_resource(cdo, units.finance, name=f"资源{n:02d}", items=[{"name": "字段", "data_type": "C"}])
    client = client_for(cdo)
    first = client.get(URL)
    assert len(_names(first)) == 30 and "共 33 条数据资源" in first.content.decode()
    assert len(_names(client.get(URL, {"page": 2}))) == 3


def test_it_offers_registration_only_to_keepers(client_for, catalog, cdo, editor, admin):
    create = reverse("catalog:resource_create")
    assert create in client_for(cdo).get(URL).content.decode()
    assert create in client_for(admin).get(URL).content.decode()
    assert create not in client_for(editor).get(URL).content.decode()


def test_it_asks_the_database_a_constant_number_of_times(client_for, admin, cdo, units,
                                                          django_assert_num_queries):
    def run() -> int:
        client = client_for(cdo)
        client.get(URL)  # the session and the user are loaded once per request; warm nothing else
        with CaptureQueriesContext(connection) as ctx:
            client.get(URL, {"q": "信息", "sharing_type": "conditional", "mine": "on"})
        return len(ctx.captured_queries)

    make_resource(cdo, units.finance, publish=True, admin=admin)
    few = run()
    for n in range(12):
        resource = make_resource(cdo, units.finance, name=f"资源{n}信息", category=category("102"))
        if n % 2:
            services.transition(cdo, resource, "submit")
    assert run() == few
    client = client_for(cdo)
    with django_assert_num_queries(few):
        client.get(URL, {"q": "信息", "sharing_type": "conditional", "mine": "on"})
