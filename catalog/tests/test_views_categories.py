"""The admin's classification page: the tree, and 目/细目 added with their segment digits checked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import Category
from catalog.tests.factories import make_resource
from core.errors import DomainError, NotAllowed
from core.models import AuditEntry

URL = reverse("catalog:categories")


def _item(code: str) -> Category:
    return Category.objects.get(code=code)


def test_it_shows_the_tree_with_resource_counts(client_for, admin, cdo, units):
    make_resource(cdo, units.finance)
    html = client_for(admin).get(URL).content.decode()
    assert "基础信息资源" in html and "县级政务部门" in html
    assert "资源 1" in html
    assert f'?parent={_item("101").pk}#add' in html


def test_it_adds_a_subject_and_a_detail(client_for, admin):
    client = client_for(admin)
    response = client.post(URL, {"parent": _item("101").pk, "segment": "001", "name": "户籍人口"}, follow=True)
    assert "已新增目“101001 户籍人口”" in response.content.decode()
    subject = Category.objects.get(code="101001")
    assert subject.level == Category.Level.SUBJECT and subject.parent == _item("101")
    client.post(URL, {"parent": subject.pk, "segment": "12", "name": "城镇户籍"})
    detail = Category.objects.get(code="10100112")
    assert detail.level == Category.Level.DETAIL
    assert AuditEntry.objects.filter(action="catalog.category.create").count() == 2
    # the new 目 can classify resources and shows up, indented, on the resource form
    assert "\u3000\u3000101001 户籍人口" in client.get(reverse("catalog:resource_create")).content.decode()


@pytest.mark.parametrize(("parent", "segment", "message"), [
    ("101", "01", "目的本级编码应为 3 位数字"),
    ("101", "0a1", "目的本级编码应为 3 位数字"),
    ("101", "００１", "目的本级编码应为 3 位数字"),  # full-width digits
    ("1", "001", "有效的选项"),  # a 类 is not offered as a parent
])
def test_it_shows_bad_segments_on_the_field(client_for, admin, parent, segment, message):
    response = client_for(admin).post(URL, {"parent": _item(parent).pk, "segment": segment, "name": "测试"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Category.objects.filter(level__gte=3).exists()


def test_it_refuses_a_detail_segment_of_more_than_ten_digits_and_duplicates(admin):
    subject = services.add_category(admin, _item("101"), "001", "户籍人口")
    with pytest.raises(DomainError, match="1–10 位数字") as info:
        services.add_category(admin, subject, "12345678901", "太长")
    assert info.value.field == "segment"
    with pytest.raises(DomainError, match="已存在"):
        services.add_category(admin, _item("101"), "001", "重复编码")
    with pytest.raises(DomainError, match="已有名为"):
        services.add_category(admin, _item("101"), "002", "户籍人口")
    with pytest.raises(DomainError, match="请填写分类名称"):
        services.add_category(admin, _item("101"), "003", "  ")
    for parent in (_item("1"), services.add_category(admin, subject, "1", "城镇户籍")):  # a 类, a 细目
        with pytest.raises(DomainError, match="只能在“项”下增加“目”") as info:
            services.add_category(admin, parent, "009", "不允许")
        assert info.value.field == "parent"


def test_the_service_is_for_the_admin(cdo):
    with pytest.raises(NotAllowed):
        services.add_category(cdo, _item("101"), "001", "户籍人口")


@pytest.mark.parametrize("persona", ["cdo", "editor", "supervisor", "outsider"])
def test_it_is_only_for_the_admin(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"parent": _item("101").pk, "segment": "001", "name": "户籍人口"}).status_code == 404
    assert not Category.objects.filter(code="101001").exists()
