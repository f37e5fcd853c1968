"""organization_list and organization_show through the real ckanapi client: units that open data."""

from __future__ import annotations

from typing import Any

import pytest
from ckanapi import NotFound, ValidationError

from catalog.opendata import public_id
from catalog.tests import open_county as county
from catalog.tests.open_county import OpenCounty

pytestmark = pytest.mark.django_db(transaction=True)
ckan = county.ckan  # the shared fixture
open_county = county.open_county  # the shared fixture


def test_it_lists_only_units_that_open_data(ckan: Any, open_county: OpenCounty) -> None:
    # 双沟镇 has a 涉密 resource only; 县政府办 and the outside company have none.
    assert ckan.action.organization_list() == ["caizhengju", "dashujuzhongxin"]


def test_it_lists_all_fields_with_open_counts(ckan: Any, open_county: OpenCounty, units: Any) -> None:
    orgs = ckan.action.organization_list(all_fields=True)
    assert [(o["name"], o["title"], o["package_count"]) for o in orgs] == [
        ("caizhengju", "泗洪县财政局", 2), ("dashujuzhongxin", "泗洪县大数据中心", 1)]
    assert orgs[0]["id"] == public_id("organization", units.finance.pk)
    assert orgs[0]["is_organization"] is True and orgs[0]["type"] == "organization"
    assert "package_count" not in ckan.action.organization_list(all_fields=True,
                                                                include_dataset_count=False)[0]


def test_it_sorts_filters_and_pages_organizations(ckan: Any, open_county: OpenCounty) -> None:
    assert ckan.action.organization_list(sort="package_count asc") == ["dashujuzhongxin", "caizhengju"]
    assert ckan.action.organization_list(sort="name desc") == ["dashujuzhongxin", "caizhengju"]
    assert ckan.action.organization_list(limit=1) == ["caizhengju"]
    assert ckan.action.organization_list(limit=1, offset=1) == ["dashujuzhongxin"]
    assert ckan.action.organization_list(organizations=["dashujuzhongxin", "shuanggouzhen"]) == ["dashujuzhongxin"]
    with pytest.raises(ValidationError) as caught:
        ckan.action.organization_list(sort="size asc")
    assert "无法识别" in caught.value.error_dict["sort"][0]


def test_it_shows_an_organization_by_name_or_id(ckan: Any, open_county: OpenCounty, units: Any) -> None:
    org = ckan.action.organization_show(id="caizhengju")
    assert org["title"] == "泗洪县财政局" and org["package_count"] == 2
    assert org["users"] == []  # people are never published
    assert "packages" not in org
    assert ckan.action.organization_show(id=public_id("organization", units.finance.pk))["name"] == "caizhengju"


def test_it_includes_the_open_datasets_when_asked(ckan: Any, open_county: OpenCounty) -> None:
    org = ckan.action.organization_show(id="caizhengju", include_datasets=True)
    assert [p["name"] for p in org["packages"]] == ["102-000001", "201-000001"]


def test_it_publishes_the_credit_code_as_an_extra(ckan: Any, open_county: OpenCounty, units: Any) -> None:
    from core.models import Unit

    Unit.objects.filter(pk=units.finance.pk).update(credit_code="11321324MB1234567X")
    org = ckan.action.organization_show(id="caizhengju")
    assert org["extras"] == [{"key": "统一社会信用代码", "value": "11321324MB1234567X"}]


def test_it_says_not_found_for_units_without_open_data(ckan: Any, open_county: OpenCounty, units: Any) -> None:
    for ref in ("shuanggouzhen", "xianzhengfuban", public_id("organization", units.township.pk), "nobody"):
        with pytest.raises(NotFound):
            ckan.action.organization_show(id=ref)


def test_it_tells_apart_units_whose_names_sound_alike(ckan: Any, open_county: OpenCounty, admin: Any,
                                                      cdo: Any) -> None:
    from catalog.tests.factories import category, make_resource
    from catalog.tests.open_county import WIFI_ITEMS, open_fields
    from core import services as core_services

    # 财正局 reads caizhengju too; the later unit gets its id appended, the older keeps the plain name.
    twin = core_services.create_unit(None, short_name="财正局", full_name="某财正局")
    make_resource(admin, twin, publish=True, admin=admin, items=WIFI_ITEMS, **open_fields(
        category=category("201"), name="同音单位的数据", open_type="unconditional", grade="general_1"))
    assert ckan.action.organization_list(sort="name asc") == ["caizhengju", f"caizhengju-{twin.pk}",
                                                              "dashujuzhongxin"]
    assert ckan.action.organization_show(id=f"caizhengju-{twin.pk}")["title"] == "某财正局"
