"""The CKAN RPC envelope: paths, methods, status codes, error types, help and status_show."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from ckanapi import CKANAPIError, NotFound

from catalog.tests import open_county as county
from catalog.tests.open_county import OpenCounty

pytestmark = pytest.mark.django_db(transaction=True)
ckan = county.ckan  # the shared fixture
open_county = county.open_county  # the shared fixture


def test_it_reports_its_status(ckan: Any, live_server: Any) -> None:
    status = ckan.action.status_show()
    assert status["site_title"] == "政通"
    assert status["ckan_version"] == "2.10.0"
    assert status["extensions"] == []
    assert status["site_url"] == live_server.url


def test_it_answers_on_the_versioned_path_with_the_ckan_envelope(live_server: Any, open_county: OpenCounty) -> None:
    response = requests.get(f"{live_server.url}/api/3/action/package_list", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is True
    assert body["result"] == ["102-000001", "201-000001", "201-000002"]
    assert body["help"] == f"{live_server.url}/api/3/action/help_show?name=package_list"
    assert requests.get(f"{live_server.url}/api/3/", timeout=10).json() == {"version": 3}


def test_it_accepts_post_json_and_form_bodies_without_a_session_or_csrf_token(live_server: Any,
                                                                             open_county: OpenCounty) -> None:
    url = f"{live_server.url}/api/3/action/package_search"
    as_json = requests.post(url, json={"fq": "organization:caizhengju", "rows": 1}, timeout=10)
    assert as_json.status_code == 200 and as_json.json()["result"]["count"] == 2
    as_form = requests.post(url, data={"q": "热点"}, timeout=10)
    assert as_form.status_code == 200 and as_form.json()["result"]["count"] == 1
    # GET parameters and the body are merged, the body winning (as CKAN does).
    merged = requests.post(url + "?q=热点", json={"q": "预算"}, timeout=10).json()["result"]
    assert [p["title"] for p in merged["results"]] == ["财政预算执行情况"]


def test_it_returns_ckan_error_types_and_status_codes(live_server: Any, open_county: OpenCounty) -> None:
    base = f"{live_server.url}/api/3/action/"
    missing = requests.get(base + "package_show", params={"id": "999-000001"}, timeout=10)
    assert missing.status_code == 404
    assert missing.json()["success"] is False
    assert missing.json()["error"] == {"__type": "Not Found Error", "message": "未找到: 数据集“999-000001”不存在或未开放"}
    invalid = requests.get(base + "package_search", params={"rows": "abc"}, timeout=10)
    assert invalid.status_code == 409
    assert invalid.json()["error"]["__type"] == "Validation Error"
    assert invalid.json()["error"]["rows"] == ["参数 rows 须为不小于 0 的整数，收到“abc”"]


def test_it_refuses_unknown_actions_bad_json_and_other_methods(ckan: Any, live_server: Any) -> None:
    base = f"{live_server.url}/api/3/action/"
    unknown = requests.get(base + "package_create", timeout=10)
    assert unknown.status_code == 400
    assert unknown.json()["error"] == {"__type": "Bad Request", "message": "请求错误: 未知的操作 package_create"}
    with pytest.raises(CKANAPIError):
        ckan.action.package_delete(id="201-000001")  # nothing can be changed through this API
    bad_json = requests.post(base + "package_list", data=b"{not json", timeout=10,
                             headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    assert bad_json.json()["error"]["message"].startswith("请求错误: 请求体不是合法的 JSON 对象")
    a_list = requests.post(base + "package_list", data=json.dumps([1, 2]), timeout=10,
                           headers={"Content-Type": "application/json"})
    assert a_list.status_code == 400
    put = requests.put(base + "package_list", timeout=10)
    assert put.status_code == 405 and put.json()["success"] is False


def test_it_explains_each_action(ckan: Any) -> None:
    assert "开放数据集" in ckan.action.help_show(name="package_search")
    assert "rows" in ckan.action.help_show(name="package_search")
    with pytest.raises(NotFound, match="没有名为"):
        ckan.action.help_show(name="package_create")
