"""package_list, package_show and resource_show through the real ckanapi client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ckanapi import NotFound, ValidationError

from catalog.models import DataResource
from catalog.opendata import public_id
from catalog.tests import open_county as county
from catalog.tests.open_county import HIDDEN_ITEM, OpenCounty

pytestmark = pytest.mark.django_db(transaction=True)
ckan = county.ckan  # the shared fixture
open_county = county.open_county  # the shared fixture


def extras(package: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in package["extras"]}


def test_it_lists_open_package_names_in_order(ckan: Any, open_county: OpenCounty) -> None:
    assert ckan.action.package_list() == ["102-000001", "201-000001", "201-000002"]
    assert ckan.action.package_list(limit=2) == ["102-000001", "201-000001"]
    assert ckan.action.package_list(limit=2, offset=2) == ["201-000002"]
    assert ckan.action.package_list(offset=5) == []


def test_it_shows_a_package_in_ckans_shape(ckan: Any, open_county: OpenCounty) -> None:
    budget = open_county.budget
    package = ckan.action.package_show(id="201-000001")
    assert package["id"] == public_id("dataset", budget.code)
    assert (package["name"], package["title"], package["notes"]) == ("201-000001", "财政预算执行情况",
                                                                     "全县一般公共预算的年度执行情况")
    assert (package["state"], package["private"], package["type"]) == ("active", False, "dataset")
    assert package["organization"]["name"] == "caizhengju"
    assert package["organization"]["title"] == "泗洪县财政局"
    assert package["owner_org"] == package["organization"]["id"]
    assert package["license_id"] == "cc-by" and package["isopen"] is True
    assert [t["name"] for t in package["tags"]] == ["主题信息资源", "公共服务"]
    assert package["num_tags"] == 2
    assert [g["name"] for g in package["groups"]] == ["category-2", "category-201"]
    assert package["num_resources"] == 1 == len(package["resources"])
    assert package["metadata_created"] <= package["metadata_modified"]
    assert "+" not in package["metadata_modified"]  # naive UTC, as CKAN writes it


def test_it_finds_a_package_by_id_and_by_code(ckan: Any, open_county: OpenCounty) -> None:
    by_name = ckan.action.package_show(id="102-000001")
    assert ckan.action.package_show(id=by_name["id"]) == by_name
    assert ckan.action.package_show(id="102/000001")["id"] == by_name["id"]


def test_it_publishes_the_catalog_attributes_as_chinese_extras(ckan: Any, open_county: OpenCounty) -> None:
    contracts = extras(ckan.action.package_show(id="102-000001"))
    assert contracts["信息资源代码"] == "102/000001"
    assert contracts["资源分类"] == "102 基础信息资源/法人单位"
    assert contracts["共享类型"] == "无条件共享"
    assert contracts["开放属性"] == "有条件开放"
    assert contracts["开放条件"] == "实名注册并签订数据利用协议"
    assert contracts["更新周期"] == "每月"
    assert contracts["数据分级"] == "重要数据"
    assert contracts["开放日期"] == open_county.contracts.opened_on.isoformat()
    package = ckan.action.package_show(id="102-000001")
    assert package["license_id"] == "zhengtong-conditional" and package["isopen"] is False
    assert package["resources"][0]["description"] == "有条件开放，开放条件：实名注册并签订数据利用协议"
    assert extras(ckan.action.package_show(id="201-000001"))["开放条件"] == ""


def test_it_lists_only_the_open_items(ckan: Any, open_county: OpenCounty) -> None:
    items = json.loads(extras(ckan.action.package_show(id="201-000001"))["信息项"])
    assert [i["名称"] for i in items] == ["项目名称", "预算金额", "执行率"]  # not the sensitive or 不予开放 ones
    assert items[1] == {"名称": "预算金额", "数据类型": "货币型", "长度": 18}
    assert HIDDEN_ITEM not in json.dumps(ckan.action.package_show(id="201-000001"), ensure_ascii=False)


def test_it_says_not_found_for_every_resource_that_is_not_open(ckan: Any, open_county: OpenCounty) -> None:
    for secret in open_county.secrets:
        name = secret.code.replace("/", "-")
        with pytest.raises(NotFound) as caught:
            ckan.action.package_show(id=name)
        assert "不存在或未开放" in str(caught.value)
        for ref in (secret.code, public_id("dataset", secret.code), str(secret.pk)):
            with pytest.raises(NotFound):
                ckan.action.package_show(id=ref)
        with pytest.raises(NotFound):
            ckan.action.resource_show(id=public_id("distribution", secret.code))


def test_it_says_not_found_once_a_package_goes_offline(ckan: Any, open_county: OpenCounty, admin: Any) -> None:
    from catalog import services

    ckan.action.package_show(id="201-000002")
    services.transition(admin, open_county.wifi, "offline", "热点改造")
    with pytest.raises(NotFound):
        ckan.action.package_show(id="201-000002")
    assert "201-000002" not in ckan.action.package_list()


def test_it_asks_for_the_id(ckan: Any, open_county: OpenCounty) -> None:
    with pytest.raises(ValidationError) as caught:
        ckan.action.package_show()
    assert caught.value.error_dict["id"] == ["缺少参数 id"]


def test_it_shows_the_resource_of_a_package(ckan: Any, open_county: OpenCounty, live_server: Any) -> None:
    package = ckan.action.package_show(id="201-000002")
    resource = ckan.action.resource_show(id=package["resources"][0]["id"])
    assert resource == package["resources"][0]
    assert resource["package_id"] == package["id"]
    assert resource["format"] == "csv"
    assert resource["name"] == "公共无线网络热点分布（csv）"
    assert resource["url"].startswith(live_server.url + "/")
    assert resource["last_modified"] is not None
    with pytest.raises(NotFound):
        ckan.action.resource_show(id="00000000-0000-0000-0000-000000000000")


def test_it_reads_the_same_through_get_requests(live_server: Any, open_county: OpenCounty) -> None:
    from ckanapi import RemoteCKAN

    with RemoteCKAN(live_server.url, get_only=True) as remote:
        assert remote.action.package_show(id="201-000001")["title"] == "财政预算执行情况"
        assert remote.action.package_search(fq="organization:caizhengju")["count"] == 2


def test_it_lists_recent_packages_with_resources(ckan: Any, open_county: OpenCounty) -> None:
    recent = ckan.action.current_package_list_with_resources(limit=2)
    assert [p["name"] for p in recent] == ["201-000002", "102-000001"]
    assert all(p["resources"] for p in recent)
    assert DataResource.objects.count() == 9  # six hidden ones exist all the while
