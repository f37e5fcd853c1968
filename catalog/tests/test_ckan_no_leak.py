"""Nothing that is not open leaves the platform: every public response is searched for the hidden ones.

The county has six hidden resources (a draft, 不予开放, no 开放日期, opening next month, 已下线, 涉密),
all named with 机密, plus hidden 信息项 (敏感 or 不予开放) inside an open resource.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from catalog.opendata import public_id
from catalog.tests import open_county as county
from catalog.tests.open_county import HIDDEN_ITEM, SECRET_MARK, OpenCounty

pytestmark = pytest.mark.django_db(transaction=True)
ckan = county.ckan  # the shared fixture
open_county = county.open_county  # the shared fixture

FACETS = ["organization", "groups", "tags", "res_format", "license_id", "sharing_type", "open_type", "grade"]


def _forbidden(county: OpenCounty) -> list[str]:
    words = [SECRET_MARK, HIDDEN_ITEM, "经办人身份证号", "shuanggouzhen", "双沟镇", "《保守国家秘密法》"]
    for secret in county.secrets:
        words += [secret.name, secret.code, secret.code.replace("/", "-"), public_id("dataset", secret.code),
                  public_id("distribution", secret.code)]
    return words


def test_it_leaks_nothing_through_any_action_or_export(ckan: Any, live_server: Any,
                                                      open_county: OpenCounty) -> None:
    responses: list[Any] = [
        ckan.action.status_show(),
        ckan.action.package_list(),
        ckan.action.current_package_list_with_resources(limit=1000),
        ckan.action.package_search(rows=1000, **{"facet.field": FACETS, "facet.limit": -1}),
        ckan.action.package_search(q=SECRET_MARK, **{"facet.field": FACETS}),
        ckan.action.package_search(q=HIDDEN_ITEM),
        ckan.action.package_search(fq="organization:shuanggouzhen", **{"facet.field": FACETS}),
        ckan.action.organization_list(all_fields=True),
        ckan.action.group_list(all_fields=True, limit=1000),
        ckan.action.tag_list(all_fields=True),
    ]
    for name in ckan.action.package_list():
        package = ckan.action.package_show(id=name)
        responses += [package, ckan.action.resource_show(id=package["resources"][0]["id"])]
    for org in ckan.action.organization_list():
        responses.append(ckan.action.organization_show(id=org, include_datasets=True))
    text = json.dumps(responses, ensure_ascii=False)
    for path in ("/api/3/catalog.ttl", "/api/3/catalog.jsonld"):
        text += requests.get(live_server.url + path, timeout=30).text
    for name in ("102-000001", "201-000001", "201-000002"):
        for path in (f"/api/3/dataset/{name}.ttl", f"/api/3/dataset/{name}.jsonld", f"/api/3/schema/{name}.json"):
            text += requests.get(live_server.url + path, timeout=30).text

    assert "财政预算执行情况" in text and "项目名称" in text  # the open ones are there
    leaked = [w for w in _forbidden(open_county) if w in text]
    assert leaked == []


def test_it_serves_no_export_of_a_hidden_resource(live_server: Any, open_county: OpenCounty) -> None:
    for secret in open_county.secrets:
        name = secret.code.replace("/", "-")
        for path in (f"/api/3/dataset/{name}", f"/api/3/dataset/{name}.ttl", f"/api/3/dataset/{name}.jsonld",
                     f"/api/3/schema/{name}.json"):
            response = requests.get(live_server.url + path, timeout=10)
            assert response.status_code == 404, path
            assert secret.name not in response.text
