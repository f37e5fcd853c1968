"""The CKAN actions and the DCAT export read a fixed number of queries, however many datasets match."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import category, make_resource
from catalog.tests.open_county import WIFI_ITEMS, open_fields

pytestmark = pytest.mark.django_db

FACETS = '["organization","groups","tags","res_format","license_id","sharing_type","open_type","grade"]'
CALLS = [
    ("/api/3/action/package_search", {"rows": "1000", "facet.field": FACETS, "q": "数据"}),
    ("/api/3/action/package_search", {"rows": "1000", "fq": "organization:caizhengju tags:公共服务"}),
    ("/api/3/action/organization_show", {"id": "caizhengju", "include_datasets": "true"}),
    ("/api/3/action/current_package_list_with_resources", {"limit": "1000"}),
    ("/api/3/catalog.ttl", {}),
]


def _publish(admin: Any, cdo: Any, unit: Any, n: int) -> None:
    for i in range(n):
        make_resource(cdo, unit, publish=True, admin=admin, items=WIFI_ITEMS, **open_fields(
            category=category("201"), name=f"开放数据{i}", open_type="unconditional", grade="general_1"))


def _counts(client: Any) -> list[int]:
    counts = []
    for path, params in CALLS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, params).status_code == 200
        counts.append(len(queries))
    return counts


def test_it_reads_the_same_number_of_queries_for_2_and_12_datasets(client: Any, admin: Any, cdo: Any,
                                                                     units: Any) -> None:
    _publish(admin, cdo, units.finance, 2)
    few = _counts(client)
    _publish(admin, cdo, units.finance, 10)
    assert client.get("/api/3/action/package_search", {"q": "数据"}).json()["result"]["count"] == 12
    assert _counts(client) == few
    assert max(few) <= 12
