"""package_search through the real ckanapi client: q, fq, sort, paging, facets and bad parameters."""

from __future__ import annotations

from typing import Any

import pytest
from ckanapi import ValidationError

from catalog import ckan as ckan_module
from catalog.tests import open_county as county
from catalog.tests.open_county import HIDDEN_ITEM, SECRET_MARK, OpenCounty

pytestmark = pytest.mark.django_db(transaction=True)
ckan = county.ckan  # the shared fixture
open_county = county.open_county  # the shared fixture


def found(result: dict[str, Any]) -> list[str]:
    return sorted(p["title"] for p in result["results"])


BUDGET, CONTRACTS, WIFI = "财政预算执行情况", "政府采购合同信息", "公共无线网络热点分布"


def test_it_returns_every_open_dataset_by_default(ckan: Any, open_county: OpenCounty) -> None:
    result = ckan.action.package_search()
    assert result["count"] == 3
    assert found(result) == sorted([BUDGET, CONTRACTS, WIFI])
    assert result["sort"] == "score desc, metadata_modified desc"
    assert ckan.action.package_search(q="*:*")["count"] == 3


WORDS = [
    ("预算", [BUDGET]),  # title
    ("免费", [WIFI]),  # summary
    ("供应商", [CONTRACTS]),  # an open 信息项
    ("财政 执行", [BUDGET]),  # every word must match
    ("财政 热点", []),
    ("201/000002", [WIFI]),  # the 信息资源代码
    ("经办人身份证号", []),  # a sensitive 信息项 is not searchable
    (HIDDEN_ITEM, []),  # nor one that is 不予开放
    (SECRET_MARK, []),  # nor any resource that is not open
]


def test_it_finds_words_in_titles_summaries_and_open_items(ckan: Any, open_county: OpenCounty) -> None:
    # One county for all the cases: building it through the services is the slow part.
    for q, titles in WORDS:
        result = ckan.action.package_search(q=q)
        assert (q, found(result), result["count"]) == (q, sorted(titles), len(titles))


def test_it_ranks_title_hits_above_summary_hits(ckan: Any, open_county: OpenCounty) -> None:
    # 公共 is in the wifi title (and summary) but only in the budget summary.
    result = ckan.action.package_search(q="公共")
    assert [p["title"] for p in result["results"]] == [WIFI, BUDGET]


FILTERS = [
    ("organization:caizhengju", [BUDGET, CONTRACTS]),
    ("organization:dashujuzhongxin", [WIFI]),
    ("organization:shuanggouzhen", []),  # the township has only a 涉密 resource
    ("groups:category-201", [BUDGET, WIFI]),
    ("groups:category-2", [BUDGET, WIFI]),
    ("groups:category-1", [CONTRACTS]),
    ("tags:公共服务", [BUDGET, WIFI]),
    ("tags:公共场所无线网络服务", [WIFI]),
    ("res_format:CSV", [WIFI]),
    ("res_format:xlsx", [BUDGET]),
    ("open_type:有条件开放", [CONTRACTS]),
    ("open_type:conditional", [CONTRACTS]),
    ("grade:重要数据", [CONTRACTS]),
    ("sharing_type:无条件共享", [BUDGET, CONTRACTS, WIFI]),
    ("license_id:cc-by", [BUDGET, WIFI]),
    ("organization:caizhengju -open_type:有条件开放", [BUDGET]),
    ('+organization:caizhengju +res_format:"xlsx"', [BUDGET]),
    ("open_type:不予开放", []),
    ("metadata_modified:[2000-01-01T00:00:00Z TO *]", [BUDGET, CONTRACTS, WIFI]),
    ("metadata_modified:[* TO 2000-01-01]", []),
]


def test_it_filters_with_fq(ckan: Any, open_county: OpenCounty) -> None:
    for fq, titles in FILTERS:
        result = ckan.action.package_search(fq=fq)
        assert (fq, found(result), result["count"]) == (fq, sorted(titles), len(titles))


def test_it_combines_q_fq_list_and_field_clauses_in_q(ckan: Any, open_county: OpenCounty) -> None:
    assert found(ckan.action.package_search(fq_list=["organization:caizhengju", "grade:一般数据2级"])) == [BUDGET]
    assert found(ckan.action.package_search(q="organization:dashujuzhongxin")) == [WIFI]
    assert found(ckan.action.package_search(q="信息", fq="organization:caizhengju")) == [CONTRACTS]


SORTS = [
    ("name asc", [CONTRACTS, BUDGET, WIFI]),  # 102-000001, 201-000001, 201-000002
    ("name desc", [WIFI, BUDGET, CONTRACTS]),
    ("metadata_modified desc", [WIFI, CONTRACTS, BUDGET]),  # published in the order budget, contracts, wifi
    ("metadata_modified asc", [BUDGET, CONTRACTS, WIFI]),
    ("title_string asc", [WIFI, CONTRACTS, BUDGET]),  # code-point order: 公 < 政 < 财
]


def test_it_sorts(ckan: Any, open_county: OpenCounty) -> None:
    for sort, titles in SORTS:
        assert (sort, [p["title"] for p in ckan.action.package_search(sort=sort)["results"]]) == (sort, titles)


def test_it_pages_until_the_results_run_out(ckan: Any, open_county: OpenCounty) -> None:
    seen, start = [], 0
    while True:
        page = ckan.action.package_search(rows=2, start=start, sort="name asc")
        assert page["count"] == 3
        if not page["results"]:
            break
        seen += [p["name"] for p in page["results"]]
        start += 2
    assert seen == ckan.action.package_list()
    assert start == 4  # two full-or-partial pages, then an empty one
    assert ckan.action.package_search(rows=0)["results"] == []
    assert ckan.action.package_search()["results"] and len(ckan.action.package_search(rows=1)["results"]) == 1


def test_it_caps_rows_at_the_maximum(ckan: Any, open_county: OpenCounty, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ckan_module.ROWS_MAX == 1000  # CKAN's ckan.search.rows_max
    assert len(ckan.action.package_search(rows=1_000_000)["results"]) == 3  # capped, not refused
    monkeypatch.setattr(ckan_module, "ROWS_MAX", 2)  # the live server runs in this process
    result = ckan.action.package_search(rows=5000)
    assert result["count"] == 3
    assert len(result["results"]) == 2


ALL_FACETS = ["organization", "groups", "tags", "res_format", "license_id", "sharing_type", "open_type", "grade"]


def test_it_counts_facets_in_both_ckan_shapes(ckan: Any, open_county: OpenCounty) -> None:
    result = ckan.action.package_search(**{"facet.field": ALL_FACETS})
    facets, search_facets = result["facets"], result["search_facets"]
    assert set(facets) == set(search_facets) == set(ALL_FACETS)
    assert facets["organization"] == {"caizhengju": 2, "dashujuzhongxin": 1}
    assert search_facets["organization"]["items"][0] == {"name": "caizhengju", "display_name": "泗洪县财政局",
                                                         "count": 2}
    assert search_facets["organization"]["title"] == "提供方"
    assert facets["groups"] == {"category-2": 2, "category-201": 2, "category-1": 1, "category-102": 1}
    assert facets["tags"] == {"主题信息资源": 2, "公共服务": 2, "基础信息资源": 1, "法人单位": 1,
                              "公共场所无线网络服务": 1}
    assert facets["res_format"] == {"xlsx": 1, "JSON": 1, "csv": 1}
    assert facets["license_id"] == {"cc-by": 2, "zhengtong-conditional": 1}
    assert facets["sharing_type"] == {"无条件共享": 3}
    assert facets["open_type"] == {"无条件开放": 2, "有条件开放": 1}
    assert facets["grade"] == {"一般数据2级": 1, "重要数据": 1, "一般数据1级": 1}
    counts = [i["count"] for i in search_facets["tags"]["items"]]
    assert counts == sorted(counts, reverse=True)


def test_it_counts_facets_over_the_filtered_matches(ckan: Any, open_county: OpenCounty) -> None:
    result = ckan.action.package_search(fq="organization:caizhengju", **{"facet.field": '["open_type", "groups"]'})
    assert result["facets"]["open_type"] == {"无条件开放": 1, "有条件开放": 1}
    assert result["facets"]["groups"] == {"category-2": 1, "category-201": 1, "category-1": 1, "category-102": 1}


def test_it_honours_facet_limit_and_mincount(ckan: Any, open_county: OpenCounty) -> None:
    limited = ckan.action.package_search(**{"facet.field": ["organization"], "facet.limit": 1})
    assert limited["facets"]["organization"] == {"caizhengju": 2}
    frequent = ckan.action.package_search(**{"facet.field": ["tags"], "facet.mincount": 2})
    assert frequent["facets"]["tags"] == {"主题信息资源": 2, "公共服务": 2}
    unlimited = ckan.action.package_search(**{"facet.field": ["tags"], "facet.limit": -1})
    assert len(unlimited["facets"]["tags"]) == 5
    assert ckan.action.package_search(**{"facet.field": ["tags"], "facet": "false"})["facets"] == {}


BAD_PARAMETERS: list[tuple[dict[str, Any], str, str]] = [
    ({"rows": "abc"}, "rows", "整数"),
    ({"rows": -1}, "rows", "整数"),
    ({"start": "第二页"}, "start", "整数"),
    ({"fq": "garbage"}, "fq", "格式不正确"),
    ({"fq": "organization:caizhengju )("}, "fq", "格式不正确"),
    ({"fq": "colour:red"}, "fq", "不支持按“colour”筛选"),
    ({"fq": "metadata_modified:yesterday"}, "fq", "区间"),
    ({"fq": "metadata_modified:[昨天 TO *]"}, "fq", "无法识别"),
    ({"sort": "colour asc"}, "sort", "无法识别"),
    ({"sort": "name sideways"}, "sort", "无法识别"),
    ({"facet.field": ["colour"]}, "facet.field", "不支持按“colour”分面"),
    ({"facet.field": "[not json"}, "facet.field", "JSON"),
    ({"facet.limit": "many"}, "facet.limit", "整数"),
    ({"facet": "maybe"}, "facet", "true 或 false"),
    ({"q": "很长" * 101}, "q", "过长"),
    ({"q": " ".join(["词"] * 17)}, "q", "过多"),
    ({"fq": " ".join(["grade:重要数据"] * 33)}, "fq", "过多"),
]


def test_it_rejects_bad_parameters_in_chinese(ckan: Any, open_county: OpenCounty) -> None:
    for params, field, words in BAD_PARAMETERS:
        with pytest.raises(ValidationError) as caught:
            ckan.action.package_search(**params)
        error = caught.value.error_dict
        assert error["__type"] == "Validation Error", params
        assert words in error[field][0], (params, error)
        assert error["message"] == error[field][0]
