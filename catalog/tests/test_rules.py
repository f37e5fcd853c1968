from __future__ import annotations

import pytest

from catalog.rules import ItemFacts, ResourceFacts, check_code, check_resource


def facts(**kw) -> ResourceFacts:
    base = dict(code="101/000001", category_code="101", sharing_type="unconditional", sharing_condition="",
                sharing_basis="", sharing_channel="platform", sharing_medium="api", open_type="unconditional",
                open_condition="", grade="general_2", is_classified=False, format_class="3", items=())
    base.update(kw)
    return ResourceFacts(**base)


def test_it_accepts_a_consistent_resource():
    assert check_resource(facts()) == []


@pytest.mark.parametrize("kw,field,fragment", [
    ({"sharing_type": "conditional"}, "sharing_condition", "共享条件"),
    ({"sharing_type": "none", "open_type": "none"}, "sharing_basis", "依据"),
    ({"sharing_type": "none", "sharing_basis": "《统计法》", "open_type": "conditional", "open_condition": "x"},
     "open_type", "不予共享 ⇒ 不予开放"),
    ({"open_type": "conditional"}, "open_condition", "开放条件"),
    ({"grade": "core"}, "open_type", "核心数据不能无条件开放"),
    ({"grade": "important"}, "open_type", "重要数据不能无条件开放"),
    ({"is_classified": True}, "is_classified", "涉密"),
    ({"format_class": "1", "sharing_medium": "database"}, "sharing_medium", "电子文件"),
    ({"sharing_medium": ""}, "sharing_medium", "共享方式类型"),
    ({"code": "101-000001"}, "code", "格式不正确"),
    ({"code": "102/000001"}, "code", "不一致"),
])
def test_it_reports_each_broken_rule_on_its_field(kw, field, fragment):
    violations = check_resource(facts(**kw))
    assert (field, next(m for f, m in violations if f == field)) in violations
    assert any(f == field and fragment in m for f, m in violations), violations


def test_it_limits_general_levels_to_the_setting():
    assert check_resource(facts(grade="general_4"), general_levels=2)[0][0] == "grade"
    assert check_resource(facts(grade="general_2"), general_levels=2) == []


def test_it_checks_items_against_the_resource():
    items = (ItemFacts("身份证号", "none", "unconditional", True), ItemFacts("姓名", "", "", True),
             ItemFacts("姓名", "", "none", False))
    messages = [m for _, m in check_resource(facts(items=items))]
    assert any("身份证号" in m and "不能开放" in m for m in messages)
    assert any("姓名" in m and "敏感" in m for m in messages)
    assert any("重复" in m for m in messages)
    none_items = (ItemFacts("a", "unconditional", "none", False),)
    assert any("也不能共享" in m for _, m in check_resource(
        facts(sharing_type="none", sharing_basis="依法", open_type="none", items=none_items)))


def test_it_validates_codes():
    assert check_code("20103/000123", "20103") == []
    assert check_code("20103/12", "20103")
