"""Catalog search through the full-text index: the resource list, CKAN package_search, upkeep, fallback.

Resources are written inside ``django_capture_on_commit_callbacks(execute=True)``, the test's stand-in
for a committed transaction: its on-commit hook enqueues the index task, which the immediate task
backend runs at once, as the worker would a moment later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import time, timedelta
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from catalog import search_index, services
from catalog.tests.factories import category, make_resource
from core import jobs

URL = reverse("catalog:resource_list")
CKAN = "/api/3/action/package_search"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

Committing = Callable[[], AbstractContextManager[Any]]


def _names(response: Any) -> list[str]:
    return re.findall(r'<td data-label="名称" class="title"><a href="/catalog/resources/\d+/">([^<]+)</a>',
                      response.content.decode())


def _ckan(client: Any, q: str, **params: str) -> list[str]:
    result = client.get(CKAN, {"q": q, **params}).json()["result"]
    return [p["title"] for p in result["results"]]


def _open(**extra: Any) -> dict[str, Any]:
    return {"sharing_type": "unconditional", "sharing_condition": "", "open_type": "unconditional",
            "grade": "general_2", "opened_on": timezone.localdate() - timedelta(days=30), **extra}


@pytest.fixture
def committed(settings: Any, django_capture_on_commit_callbacks: Any) -> Committing:
    """``with committed():`` — the writes inside commit, and the index task runs right after."""
    settings.TASKS = IMMEDIATE
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def county(committed: Committing, admin: Any, cdo: Any, units: Any, make_person: Any) -> SimpleNamespace:
    """Six resources, indexed. Codes are 101/000001 … in the order below (relevance ≠ code order)."""
    from core.models import Role

    keeper = make_person("township_cdo", "钱镇数据", units.township, Role.CDO)
    with committed():
        yearbook = make_resource(cdo, units.finance, publish=True, admin=admin, name="统计年鉴资料",
                                 summary="历年统计年鉴，含人口、经济等章节",
                                 items=[{"name": "章节名称", "data_type": "C", "length": 50}])
        people = make_resource(cdo, units.finance, publish=True, admin=admin, **_open(
            name="人口基础信息", summary="全县户籍人口的基础信息",
            items=[{"name": "户籍地址", "data_type": "C", "length": 200},
                   {"name": "婚姻状况", "data_type": "C", "length": 10},
                   {"name": "公民身份号码", "data_type": "C", "length": 18, "is_sensitive": True,
                    "open_type": "none", "validity": "resident_id"}]))
        ledger = make_resource(keeper, units.township, publish=True, admin=admin, name="镇村人口台账",
                               summary="各村组常住情况", items=[{"name": "村组名称", "data_type": "C", "length": 30}])
        draft = make_resource(cdo, units.finance, category=category("102"), name="财政内部草稿",
                              summary="内部核算用", items=[{"name": "宅基地审批编号", "data_type": "C", "length": 30}])
        budget = make_resource(cdo, units.finance, publish=True, admin=admin, **_open(
            category=category("201"), name="财政预算公开信息", summary="全县财政预算及执行情况",
            items=[{"name": "预算科目", "data_type": "C", "length": 40}]))
        bikes = make_resource(cdo, units.finance, publish=True, admin=admin, **_open(
            category=category("201"), name="公共自行车站点", summary="站点位置与车位数",
            opened_on=timezone.localdate() + timedelta(days=30),  # on the open platform next month
            items=[{"name": "站点名称", "data_type": "C", "length": 60}]))
    return SimpleNamespace(yearbook=yearbook, people=people, ledger=ledger, draft=draft, budget=budget,
                           bikes=bikes, keeper=keeper)


# ---- the resource list ----------------------------------------------------------------------------


def test_it_finds_a_resource_by_the_pinyin_initials_of_its_name(client_for: Any, county: Any,
                                                                 cdo: Any) -> None:
    assert _names(client_for(cdo).get(URL, {"q": "rkjc"})) == ["人口基础信息"]
    assert _names(client_for(cdo).get(URL, {"q": "renkoujichu"})) == ["人口基础信息"]


def test_it_finds_a_resource_by_a_word_or_the_initials_of_an_item(client_for: Any, county: Any,
                                                                   cdo: Any) -> None:
    client = client_for(cdo)
    assert _names(client.get(URL, {"q": "婚姻"})) == ["人口基础信息"]
    assert _names(client.get(URL, {"q": "hyzk"})) == ["人口基础信息"]
    assert _names(client.get(URL, {"q": "村组"})) == ["镇村人口台账"]
    assert _names(client.get(URL, {"q": "201/000001"})) == ["财政预算公开信息"]  # the code


def test_it_orders_matches_by_relevance_and_everything_else_by_code(client_for: Any, county: Any,
                                                                     cdo: Any) -> None:
    client = client_for(cdo)
    ranked = _names(client.get(URL, {"q": "人口"}))
    # Both titles with 人口 come before the resource that only mentions it in its summary, though
    # that one has the first code.
    assert sorted(ranked[:2]) == ["人口基础信息", "镇村人口台账"] and ranked[2:] == ["统计年鉴资料"]
    assert _names(client.get(URL))[:3] == ["统计年鉴资料", "人口基础信息", "镇村人口台账"]


def test_it_never_shows_a_resource_the_person_may_not_see(client_for: Any, county: Any, cdo: Any,
                                                        outsider: Any) -> None:
    matches = search_index.find("宅基地")
    assert matches is not None and matches.ids == [county.draft.pk]  # 财政局's draft is indexed …
    assert _names(client_for(outsider).get(URL, {"q": "宅基地"})) == []  # … but the township never sees it
    assert _names(client_for(outsider).get(URL, {"q": "czncg"})) == []
    assert _names(client_for(cdo).get(URL, {"q": "宅基地"})) == ["财政内部草稿"]


def test_it_counts_facets_and_pages_within_the_matches(client_for: Any, committed: Committing, admin: Any,
                                                      cdo: Any, units: Any) -> None:
    with committed():
        for n in range(33):
            make_resource(cdo, units.finance, name=f"养老资源{n:02d}", summary="养老服务机构信息",
                          sharing_type="unconditional" if n < 3 else "conditional",
                          sharing_condition="" if n < 3 else "用于政务服务办理")
        make_resource(cdo, units.finance, name="无关资源", summary="别的内容")
    client = client_for(cdo)
    first = client.get(URL, {"q": "养老"})
    html = first.content.decode()
    assert len(_names(first)) == 30 and "共 33 条数据资源" in html
    assert len(_names(client.get(URL, {"q": "养老", "page": 2}))) == 3
    assert re.search(r'<option value="unconditional"[^>]*>无条件共享（3）</option>', html)
    assert re.search(r'<option value="conditional"[^>]*>有条件共享（30）</option>', html)
    chosen = client.get(URL, {"q": "ylzy", "sharing_type": "unconditional"})
    assert sorted(_names(chosen)) == ["养老资源00", "养老资源01", "养老资源02"]
    assert "共 3 条数据资源" in chosen.content.decode()


def test_it_asks_the_database_a_constant_number_of_times(client_for: Any, committed: Committing, cdo: Any,
                                                         units: Any) -> None:
    def run() -> int:
        client = client_for(cdo)
        client.get(URL)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"q": "jcxx"}).status_code == 200
        return len(ctx.captured_queries)

    with committed():
        make_resource(cdo, units.finance, name="人口基础信息")
    few = run()
    with committed():
        for n in range(12):
            make_resource(cdo, units.finance, name=f"法人基础信息{n}")
    assert len(_names(client_for(cdo).get(URL, {"q": "jcxx"}))) == 13
    assert run() == few


# ---- CKAN package_search ----------------------------------------------------------------------------


def test_ckan_finds_an_open_resource_by_pinyin_initials(client: Any, county: Any) -> None:
    assert _ckan(client, "rkjc") == ["人口基础信息"]
    assert _ckan(client, "财政 yusuan") == ["财政预算公开信息"]
    assert _ckan(client, "户籍地址") == ["人口基础信息"]  # an open 信息项


def test_ckan_never_returns_what_is_not_open(client: Any, county: Any) -> None:
    assert _ckan(client, "统计年鉴") == []  # published, not open: not even in the open index
    assert search_index.find("统计年鉴", public=True) == search_index.Matches({})
    assert _ckan(client, "自行车") == []  # in the open index (opens next month), filtered out today
    assert search_index.find("自行车", public=True).ids == [county.bikes.pk]  # type: ignore[union-attr]
    assert _ckan(client, "公民身份号码") == []  # a sensitive 信息项 of an open resource
    assert _ckan(client, "宅基地") == []
    assert _ckan(client, "财政预箅") == []  # no spelling correction for the API: it searches what it was sent


def test_ckan_counts_facets_within_the_matches_and_ranks_by_score(client: Any, county: Any) -> None:
    facets = json.dumps(["organization", "groups"])
    result = client.get(CKAN, {"q": "信息", "facet.field": facets}).json()["result"]
    assert result["count"] == 2 and {p["title"] for p in result["results"]} == {"人口基础信息", "财政预算公开信息"}
    assert result["facets"]["organization"] == {"caizhengju": 2}
    ranked = client.get(CKAN, {"q": "财政"}).json()["result"]
    assert [p["title"] for p in ranked["results"]] == ["财政预算公开信息"] and ranked["count"] == 1


# ---- keeping the index current ----------------------------------------------------------------------


def test_it_reindexes_a_resource_when_it_is_edited(client_for: Any, committed: Committing, county: Any,
                                                   cdo: Any) -> None:
    client = client_for(cdo)
    with committed():
        services.update_resource(cdo, county.people, name="户籍登记信息")
        assert _names(client.get(URL, {"q": "rkjc"})) == ["户籍登记信息"]  # not committed: the old index still
    assert _names(client.get(URL, {"q": "rkjc"})) == []
    assert _names(client.get(URL, {"q": "hjdj"})) == ["户籍登记信息"]
    assert _ckan(client, "rkjc") == []  # back in review (待审核), so out of the open index too
    with committed():
        services.update_resource(cdo, county.draft,
                                 items=[{"name": "宅基地坐落", "data_type": "C", "length": 60}])
    assert _names(client.get(URL, {"q": "坐落"})) == ["财政内部草稿"]
    assert _names(client.get(URL, {"q": "审批编号"})) == []


def test_it_drops_a_deleted_resource(committed: Committing, county: Any) -> None:
    with committed():
        county.ledger.delete()
    assert search_index.find("村组") == search_index.Matches({})


def test_it_enqueues_one_task_per_transaction(settings: Any, django_capture_on_commit_callbacks: Any,
                                              cdo: Any, units: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queue = task_backends["default"]
    assert isinstance(queue, DummyBackend)
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = make_resource(cdo, units.finance, name="甲")
        second = make_resource(cdo, units.finance, name="乙")
        services.update_resource(cdo, first, name="甲二", items=[{"name": "字段", "data_type": "C"}])
    (result,) = queue.results
    assert result.task.name == "update_search_index"
    assert {first.pk, second.pk} <= set(result.args[0])
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        search_index.load_demo()  # load_demo's last step
    assert [r.task.name for r in queue.results] == ["rebuild_search_index"]


def test_the_daily_job_rebuilds_the_index() -> None:
    spec = jobs.JOBS["catalog.rebuild_search_index"]
    assert spec.task.name == "rebuild_search_index" and spec.daily_at == time(3, 30)


def test_the_command_rebuilds_and_forgets_resources_deleted_behind_its_back(committed: Committing,
                                                                          county: Any) -> None:
    pk = county.ledger.pk
    county.ledger.delete()  # its on-commit task never runs: a lost update
    assert search_index.find("村组").ids == [pk]  # type: ignore[union-attr]
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "全部资源 5 条，开放资源 3 条" in out.getvalue()
    assert search_index.find("村组") == search_index.Matches({})


# ---- without a usable index -------------------------------------------------------------------------


def test_it_falls_back_to_substring_search_without_an_index(client_for: Any, client: Any, admin: Any,
                                                           cdo: Any, units: Any) -> None:
    make_resource(cdo, units.finance, publish=True, admin=admin, **_open(
        category=category("201"), name="财政预算公开信息", summary="全县财政预算及执行情况",
        items=[{"name": "预算科目", "data_type": "C", "length": 40}]))
    assert search_index.find("预算") is None
    assert _names(client_for(cdo).get(URL, {"q": "预算"})) == ["财政预算公开信息"]
    assert _names(client_for(cdo).get(URL, {"q": "rkjc"})) == []
    assert _ckan(client, "预算") == ["财政预算公开信息"]


def test_it_falls_back_and_rebuilds_when_the_index_was_built_by_another_version(
        client_for: Any, committed: Committing, county: Any, cdo: Any) -> None:
    schema = search_index.index_path(search_index.INTERNAL) / "zt_schema.json"
    schema.unlink()
    schema.write_text(json.dumps({"schema": "older", "analyzer": 0}), encoding="utf-8")
    client = client_for(cdo)
    with committed():  # the page schedules a rebuild, which the worker runs once the request is over
        assert _names(client.get(URL, {"q": "预算"})) == ["财政预算公开信息"]  # substring, meanwhile
        assert _names(client.get(URL, {"q": "rkjc"})) == []
    assert _names(client.get(URL, {"q": "rkjc"})) == ["人口基础信息"]


@pytest.fixture
def no_index(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.SEARCH_INDEX_ROOT = tmp_path / "nowhere"
    yield
    assert not (tmp_path / "nowhere").exists()  # reading never creates an index


def test_reading_never_creates_an_index(no_index: None, client_for: Any, cdo: Any) -> None:
    assert _names(client_for(cdo).get(URL, {"q": "预算"})) == []
    assert search_index.find("预算", public=True) is None



def test_resources_created_in_bulk_by_an_import_are_indexed(client_for: Any, committed: Committing, county: Any,
                                                           cdo: Any, units: Any) -> None:
    from catalog.tests.factories import resource_fields

    with committed():  # create_resources inserts in bulk: no save signal, an explicit index update
        services.create_resources(cdo, [(units.finance, [{"name": "救助金额", "data_type": "Y"}],
                                         resource_fields(name="低保对象信息", category=category("102")))])
    assert _names(client_for(cdo).get(URL, {"q": "dbdx"})) == ["低保对象信息"]
