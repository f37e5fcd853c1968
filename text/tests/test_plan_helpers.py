"""Units, targets, deadlines and text clean-up helpers in isolation."""

from __future__ import annotations

from datetime import date

import pytest

from text.errors import DocumentError
from text.normalize import cn_to_int, int_to_cn, is_page_furniture, tidy
from text.plan_parser import MAX_CHARS, parse_plan, section_kind
from text.plan_targets import detect_deadline, extract_targets
from text.plan_units import is_collective, parse_units, split_unit_clause, split_unit_names, suggest_units


@pytest.mark.parametrize(
    "name",
    [
        "各有关部门和单位",
        "有关部门和单位",
        "县有关部门和单位",
        "各有关单位",
        "各乡镇(街道)",
        "各乡镇(街道)、各部门",
        "相关部门",
    ],
)
def test_it_recognises_collective_unit_phrases(name: str) -> None:
    assert is_collective(name)


@pytest.mark.parametrize(
    "name", ["大数据中心", "县财政局", "半城镇", "市监局", "行政审批局", "县人行", "有线电视公司"]
)
def test_it_does_not_mistake_named_units_for_collective(name: str) -> None:
    assert not is_collective(name)


def test_it_splits_unit_lists_on_all_separators() -> None:
    assert split_unit_names("旅游度假区、文旅集团、广网公司,移动公司,联通公司,电信公司等有关部门和单位") == [
        "旅游度假区", "文旅集团", "广网公司", "移动公司", "联通公司", "电信公司", "有关部门和单位",
    ]  # fmt: skip
    assert split_unit_names("半城镇,县有关部门和单位") == ["半城镇", "县有关部门和单位"]
    assert split_unit_names("财政局、各有关部门和单位") == ["财政局", "各有关部门和单位"]
    assert split_unit_names("住建局；市监局等") == ["住建局", "市监局"]
    assert split_unit_names("县委网信办等部门") == ["县委网信办"]
    assert split_unit_names("高等学校、 大数据中心、大数据中心") == ["高等学校", "大数据中心"]


def test_it_parses_unit_clauses_in_every_label_spelling() -> None:
    units = parse_units("(牵头单位：网信办、公安局；配合部门：各有关部门和单位)")
    assert (units.lead, units.co, units.responsible) == (["网信办", "公安局"], ["各有关部门和单位"], [])
    units = parse_units("责任单位:大数据中心、组织部")
    assert units.responsible == ["大数据中心", "组织部"]
    units = parse_units("牵头单位：县大数据中心，配合单位：县财政局；完成时限：2024年6月底前")
    assert (units.lead, units.co, units.deadline_text) == (["县大数据中心"], ["县财政局"], "2024年6月底前")


def test_it_separates_the_unit_clause_from_the_body() -> None:
    assert split_unit_clause("加强保障。成立小组。(牵头单位：大数据管理局；配合单位：各有关部门和单位)") == (
        "加强保障。成立小组。",
        "(牵头单位：大数据管理局；配合单位：各有关部门和单位)",
    )
    assert split_unit_clause("加强保障。成立小组(试行)。") == ("加强保障。成立小组(试行)。", None)
    assert split_unit_clause("明确责任单位：各部门要落实。") == ("明确责任单位：各部门要落实。", None)
    assert split_unit_clause("推进共享。责任单位：县大数据中心") == ("推进共享。", "责任单位：县大数据中心")


def test_it_suggests_named_doers_only() -> None:
    assert suggest_units("推进标准化，行政审批局作为主办单位，要牵头推进") == ["行政审批局"]
    assert suggest_units("由县大数据中心负责平台运维。") == ["县大数据中心"]
    assert suggest_units("各部门要加强协作，有关部门负责落实。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推动公共数据按需共享率达到97%", ("公共数据按需共享率", ">=", 97, "%", None)),
        ("确保年底数据更新率达到90%", ("数据更新率", ">=", 90, "%", None)),
        ("推进非涉密信息系统迁移上云率达100%", ("非涉密信息系统迁移上云率", ">=", 100, "%", None)),
        (
            "省、市两级政府网站抽查检查合格率确保100%",
            ("省、市两级政府网站抽查检查合格率", ">=", 100, "%", None),
        ),
        ("差错率控制在0.5%以内", ("差错率", "<=", 0.5, "%", None)),
        ("年内确保新增两家以上", ("新增", ">=", 2, "家", None)),
        ("全年重点部门原则上策划政务专题不少于1次", ("政务专题", ">=", 1, "次", "年")),
        ("每年至少开展一次安全检测", ("安全检测", ">=", 1, "次", "年")),
        ("每季度至少召开十二次例会", ("例会", ">=", 12, "次", "季度")),
        ('严格落实"简单咨询1个工作日答复"制度', ("简单咨询答复时限", "<=", 1, "工作日", None)),
        ("答复时限压缩至3个工作日以内", ("答复时限", "<=", 3, "工作日", None)),
        ("各单位每周有原创类政务信息发布", ("原创类政务信息", ">=", 1, "条", "周")),
        ("每年至少开展2课时的专题学习培训", ("专题学习培训", ">=", 2, "课时", "年")),
        ("每月信息更新不超过3条", ("信息更新", "<=", 3, "条", "月")),
        ("用户数达到10万人", ("用户数", ">=", 10, "万人", None)),
    ],
)
def test_it_extracts_targets_with_the_rule_table(text: str, expected: tuple) -> None:
    [target] = extract_targets(text)
    assert (target.metric, target.comparator, target.value, target.unit, target.period) == expected


@pytest.mark.parametrize(
    "text",
    [
        "推进WiFi信号在3A级以上景区和省级以上旅游度假区全覆盖",
        "开展2023年度政务云服务采购工作",
        "符合国家标准(GB/T37668-2019)",
        "结合日常运维、内容保障两项工作赴乡镇开展调研",
        "严格落实三审三校、日巡查、月检查",
        "形成一个平台、五大系统",
    ],
)
def test_it_ignores_numbers_that_are_not_targets(text: str) -> None:
    assert extract_targets(text) == []


@pytest.mark.parametrize(
    ("text", "code", "phrase", "due"),
    [
        ("确保年底数据更新率达到90%", "year_end", "年底", date(2023, 12, 31)),
        ("2023年底前完成", "year_end", "2023年底前", date(2023, 12, 31)),
        ("年内确保新增2家以上", "within_year", "年内", date(2023, 12, 31)),
        ("每季度通报", "quarterly", "每季度", None),
        ("每月抽查", "monthly", "每月", None),
        ("每周有信息发布", "weekly", "每周", None),
        ("6月底前完成目录编制", "by_date", "6月底前", date(2023, 6, 30)),
        ("2024年3月15日前上报", "by_date", "2024年3月15日前", date(2024, 3, 15)),
        ("12月底前完成", "year_end", "12月底前", date(2023, 12, 31)),
        ("2月30日前完成", "by_date", "2月30日前", None),
        ("上半年完成", "first_half", "上半年", date(2023, 6, 30)),
    ],
)
def test_it_normalises_deadlines(text: str, code: str, phrase: str, due: date | None) -> None:
    deadline = detect_deadline(text, 2023)
    assert deadline is not None
    assert (deadline.code, deadline.text, deadline.due) == (code, phrase, due)


def test_it_finds_no_deadline_in_ordinary_text_or_three_year_spans() -> None:
    assert detect_deadline("持续推进数据共享", 2023) is None
    assert detect_deadline("三年内完成", 2023) is None
    assert detect_deadline("年底完成", None) is not None and detect_deadline("年底完成", None).due is None  # type: ignore[union-attr]


def test_it_converts_chinese_numerals() -> None:
    assert [cn_to_int(s) for s in ["一", "两", "十", "十二", "二十", "一百零五", "三千", "两万", "7", "abc"]] == [
        1, 2, 10, 12, 20, 105, 3000, 20000, 7, None,
    ]  # fmt: skip
    assert [int_to_cn(n) for n in (1, 10, 11, 20, 22, 100)] == ["一", "十", "十一", "二十", "二十二", "100"]


def test_it_cleans_cjk_spacing_and_punctuation() -> None:
    assert tidy("开展 IP 地址和 MAC 码绑定, 探索 IPv6 应用") == "开展IP地址和MAC码绑定，探索IPv6应用"
    assert (
        tidy("政 务 信息化(牵头单位:大数据中心;配合 单位:各有关单位)")
        == "政务信息化(牵头单位：大数据中心；配合单位：各有关单位)"
    )
    assert tidy("Hello  World 1,000 10:30") == "Hello World 1,000 10:30"


@pytest.mark.parametrize(
    "line", ["— 6 —", "**—** 5 **—**", "-20 -", "- 7 -", "第 5 页 共 20 页", "12", "---"]
)
def test_it_recognises_page_furniture(line: str) -> None:
    assert is_page_furniture(line)


@pytest.mark.parametrize("line", ["- 1. 加强数字政府建设", "2023年", "— 见附件 —", "1.5亿元"])
def test_it_keeps_real_content_lines(line: str) -> None:
    assert not is_page_furniture(line)


def test_it_maps_section_titles_to_kinds() -> None:
    assert section_kind("2023年泗洪县数字政府建设工作要点") == "digital_government"
    assert section_kind("2023年泗洪县政府网站工作要点") == "website"
    assert section_kind("2023年泗洪县政务新媒体工作要点") == "new_media"
    assert section_kind("2023年泗洪县安全生产工作要点") == "other"


def test_it_normalises_pdf_kangxi_radicals_and_fullwidth_forms() -> None:
    text = "2023年XX⼯作要点\n１．加强⼯作保障。（牵头单位：⼤数据中⼼）\n"
    [task] = parse_plan(text).sections[0].tasks
    assert (task.number, task.heading, task.lead_units) == (1, "加强工作保障", ["大数据中心"])


def test_it_refuses_absurdly_long_text() -> None:
    with pytest.raises(DocumentError) as exc:
        parse_plan("1. 加强。" * (MAX_CHARS // 5 + 1))
    assert exc.value.code == "too_large"
