"""group_list, group_show and tag_list through the real ckanapi client."""

from __future__ import annotations

from typing import Any

import pytest
from ckanapi import NotFound

from catalog import ckan as ckan_module
from catalog.categories import CLASSES
from catalog.tests import open_county as county
from catalog.tests.open_county import OpenCounty

pytestmark = pytest.mark.django_db(transaction=True)
ckan = county.ckan  # the shared fixture
open_county = county.open_county  # the shared fixture


def test_it_lists_the_classification_as_groups(ckan: Any, open_county: OpenCounty) -> None:
    names = ckan.action.group_list(limit=1000)
    expected = {f"category-{code}" for code, _, _ in CLASSES}
    expected |= {f"category-{code}{n:02d}" for code, _, items in CLASSES for n in range(1, len(items) + 1)}
    assert set(names) == expected


def test_it_counts_only_open_datasets_per_group(ckan: Any, open_county: OpenCounty,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    groups = {g["name"]: g for g in ckan.action.group_list(all_fields=True, sort="package_count desc", limit=6)}
    assert groups["category-2"]["package_count"] == 2
    assert groups["category-201"]["package_count"] == 2
    assert groups["category-1"]["package_count"] == 1  # the 涉密 resource under 101 does not count
    assert groups["category-102"]["package_count"] == 1
    assert groups["category-201"]["title"] == "公共服务"
    assert len(ckan.action.group_list(all_fields=True, limit=1000)) == 23  # 3 类 and 20 项
    monkeypatch.setattr(ckan_module, "LIST_ALL_FIELDS_MAX", 5)  # CKAN caps all_fields lists (25)
    assert len(ckan.action.group_list(all_fields=True, limit=1000)) == 5
    assert len(ckan.action.group_list(limit=1000)) == 23


def test_it_shows_a_group(ckan: Any, open_county: OpenCounty) -> None:
    group = ckan.action.group_show(id="category-101")
    assert (group["title"], group["package_count"], group["is_organization"]) == ("人口", 0, False)
    assert ckan.action.group_show(id=group["id"])["name"] == "category-101"
    with pytest.raises(NotFound):
        ckan.action.group_show(id="category-999")


def test_it_lists_the_tags_of_open_datasets(ckan: Any, open_county: OpenCounty) -> None:
    tags = ckan.action.tag_list()
    assert tags == ["法人单位", "公共场所无线网络服务", "公共服务", "基础信息资源", "主题信息资源"]  # pinyin order
    assert "人口" not in tags  # only the 涉密 and draft resources sit under 101 人口
    assert ckan.action.tag_list(query="公共") == ["公共场所无线网络服务", "公共服务"]
    full = ckan.action.tag_list(query="法人", all_fields=True)
    assert full == [{"id": full[0]["id"], "name": "法人单位", "display_name": "法人单位", "state": "active",
                     "vocabulary_id": None}]
