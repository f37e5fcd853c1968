"""GET /api/v1/catalog/indicators: the live catalog indicators with their counts and formulas."""

from __future__ import annotations

from django.utils import timezone

from catalog import measures
from catalog.tests.factories import make_resource

URL = "/api/v1/catalog/indicators"


def test_it_requires_a_session(client_for):
    assert client_for(None).get(URL).status_code == 401


def test_it_shows_every_indicator_with_its_formula(client_for, outsider, cdo, admin, units):
    make_resource(cdo, units.finance, publish=True, admin=admin, last_updated_on=timezone.localdate())
    body = client_for(outsider).get(URL).json()
    assert [i["code"] for i in body] == [spec.code for spec in measures.INDICATORS]
    update = next(i for i in body if i["code"] == "catalog-update-rate")
    assert update == {"code": "catalog-update-rate", "name": "数据更新率", "measure_unit": "%",
                      "formula": "按更新周期按时更新的已发布资源数 ÷ 有固定更新周期的已发布资源数 × 100%",
                      "value": "100.00", "numerator": 1, "denominator": 1}
    sharing = next(i for i in body if i["code"] == "catalog-sharing-on-demand")
    assert sharing["value"] is None and sharing["numerator"] is None and "÷" in sharing["formula"]
