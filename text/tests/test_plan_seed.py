"""Full parse of the vendored seed notice 洪政办发〔2023〕16号 (39 tasks).

Expected values are written out by hand from the document, not derived from
the parser's output.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path

from text.plan_model import ParsedPlan
from text.plan_parser import NO_UNITS_REASON, parse_plan

SEED = Path(__file__).resolve().parents[2] / "demo" / "plan_2023_sihong.txt"

ALL = ["各有关部门和单位"]
BIG_DATA: tuple[list[str], list[str], list[str]] = (["大数据中心"], ALL, [])

# (section kind, number, heading, lead, co, responsible,
#  [(metric, comparator, value, unit, period)], deadline, deadline_text)
EXPECTED_TASKS: list[tuple] = [
    ("digital_government", 1, "加强数字政府建设组织保障", ["大数据管理局"], ALL, [], [], None, None),
    ("digital_government", 2, "强化数字政府规划设计", *BIG_DATA, [], None, None),
    ("digital_government", 3, "完善数据资源目录体系", *BIG_DATA, [], None, None),
    (
        "digital_government", 4, "推动数据资源共享开放", *BIG_DATA,
        [("公共数据按需共享率", ">=", 97, "%", None), ("应开放公共数据开放率", ">=", 90, "%", None)],
        None, None,
    ),
    ("digital_government", 5, "完善数据资源管理体系", *BIG_DATA, [], None, None),
    ("digital_government", 6, "提升数据资源供给能力", *BIG_DATA, [], None, None),
    ("digital_government", 7, '推进"信用+基层治理"平台建设', ["发改局"], ALL, [], [], None, None),
    ("digital_government", 8, '实施"大城管系统"功能完善工程', ["城管局"], ALL, [], [], None, None),
    ("digital_government", 9, '推进"泗洪粮仓"数字化平台建设', ["发改局"], ALL, [], [], None, None),
    ("digital_government", 10, "推进社会治理数字化建设", ["公安局"], ALL, [], [], None, None),
    (
        "digital_government", 11, '推进"江苏省城市管理示范县"创建工作数据汇聚共享',
        ["城管局", "大数据中心"],
        ["住建局", "市监局", "生态环境局", "应急管理局", "资规局", "有关部门和单位"],
        [],
        [("数据更新率", ">=", 90, "%", None)],
        "year_end", "年底",
    ),
    (
        "digital_government", 12, '推进"智慧旅游"建设，建立泗洪旅游信息中心',
        ["文广旅局"],
        ["旅游度假区", "文旅集团", "广网公司", "移动公司", "联通公司", "电信公司", "有关部门和单位"],
        [], [], None, None,
    ),
    (
        "digital_government", 13, "推进数字人民币应用场景建设",
        ["县财政局", "县人行"], ["半城镇", "县有关部门和单位"], [], [], None, None,
    ),
    ("digital_government", 14, "强化政务信息化项目管理", ["大数据中心"], ["财政局", "各有关部门和单位"], [], [], None, None),
    ("digital_government", 15, "开展政务信息化项目绩效评价工作", ["大数据中心"], ["各有关单位"], [], [], None, None),
    ("digital_government", 16, "加强政务信息化专家库建设管理", *BIG_DATA, [], None, None),
    (
        "digital_government", 17, "加强政务云建设管理", *BIG_DATA,
        [("非涉密信息系统迁移上云率", ">=", 100, "%", None)], None, None,
    ),
    ("digital_government", 18, "推进政务云安全管理", ["网信办", "公安局", "大数据中心"], ALL, [], [], None, None),
    ("digital_government", 19, "加强电子政务外网安全管理", ["行政审批局"], ALL, [], [], None, None),
    ("digital_government", 20, "完善监督考评机制", [], [], ["大数据中心", "组织部"], [], None, None),
    ("digital_government", 21, "加强队伍能力建设", [], [], ["大数据中心", "组织部"], [], None, None),
    ("digital_government", 22, "拓展宣传形式", *BIG_DATA, [], None, None),
    ("website", 1, "深化政务公开和政策解读", [], [], [], [], None, None),
    ("website", 2, "优化办事服务", [], [], [], [], None, None),
    ("website", 3, "畅通互动交流", [], [], [], [], None, None),
    ("website", 4, "做好网站优化提升", [], [], [], [], None, None),
    ("website", 5, "拓展平台智能应用", [], [], [], [], None, None),
    ("website", 6, "推动平台网端一体", [], [], [], [], None, None),
    ("website", 7, "强化平台融合互通", [], [], [], [], None, None),
    ("website", 8, "加强日常运维管理", [], [], [], [("简单咨询答复时限", "<=", 1, "工作日", None)], None, None),
    ("website", 9, "抓牢网络安全保障", [], [], [], [("安全检测", ">=", 1, "次", "年")], "yearly", "每年"),
    ("website", 10, "强化网站内容保障", [], [], [], [("政务专题", ">=", 1, "次", "年")], "within_year", "全年"),
    ("new_media", 1, "规范开设", [], [], [], [("新增政务新媒体", ">=", 2, "家", None)], "within_year", "年内"),
    ("new_media", 2, "变更注销关停", [], [], [], [], None, None),
    ("new_media", 3, "政务公开", [], [], [], [], None, None),
    ("new_media", 4, "政民互动", [], [], [], [], None, None),
    ("new_media", 5, "制作发布", [], [], [], [("新型形式原创类政务信息", ">=", 1, "条", "周")], "weekly", "每周"),
    ("new_media", 6, "安全防护", [], [], [], [], None, None),
    ("new_media", 7, "升级改造", [], [], [], [], None, None),
]  # fmt: skip


@lru_cache(maxsize=1)
def _plan() -> ParsedPlan:
    return parse_plan(SEED.read_text(encoding="utf-8"))


def _json() -> dict:
    return _plan().to_json()


def _task(kind: str, number: int) -> dict:
    section = next(s for s in _json()["sections"] if s["kind"] == kind)
    return next(t for t in section["tasks"] if t["number"] == number)


def test_it_reads_the_notice_header() -> None:
    data = _json()
    assert data["issuer"] == "泗洪县人民政府办公室"
    assert data["doc_number"] == "洪政办发〔2023〕16号"
    assert data["year"] == 2023
    assert data["title"] == (
        "县政府办公室关于印发2023年泗洪县数字政府建设工作要点、泗洪县政府网站工作要点、"
        "泗洪县政务新媒体工作要点的通知"
    )
    assert data["warnings"] == []


def test_it_finds_the_three_work_point_sections() -> None:
    sections = _json()["sections"]
    assert [(s["title"], s["kind"], len(s["tasks"])) for s in sections] == [
        ("2023年泗洪县数字政府建设工作要点", "digital_government", 22),
        ("2023年泗洪县政府网站工作要点", "website", 10),
        ("2023年泗洪县政务新媒体工作要点", "new_media", 7),
    ]
    assert sections[0]["preamble"].startswith("2023年，全县数字政府建设工作坚持以习近平新时代")
    assert sections[2]["preamble"].startswith("为做好政务新媒体工作")


def test_it_parses_every_task_exactly() -> None:
    actual = []
    for section in _json()["sections"]:
        for t in section["tasks"]:
            targets = [
                (g["metric"], g["comparator"], g["value"], g["unit"], g["period"]) for g in t["targets"]
            ]
            actual.append(
                (
                    section["kind"], t["number"], t["heading"], t["lead_units"], t["co_units"],
                    t["responsible_units"], targets, t["deadline"], t["deadline_text"],
                )
            )  # fmt: skip
    assert len(actual) == 39
    for got, want in zip(actual, EXPECTED_TASKS, strict=True):
        assert got == want


def test_it_resolves_deadline_dates_from_the_plan_year() -> None:
    assert _task("digital_government", 11)["deadline_date"] == "2023-12-31"
    assert _task("new_media", 1)["deadline_date"] == "2023-12-31"
    assert _task("website", 10)["deadline_date"] == "2023-12-31"
    assert _task("new_media", 5)["deadline_date"] is None  # weekly: recurring, no single date


def test_it_joins_task_18_units_split_across_page_break_and_heading() -> None:
    task = _task("digital_government", 18)
    assert task["lead_units"] == ["网信办", "公安局", "大数据中心"]
    assert task["co_units"] == ["各有关部门和单位"]
    assert task["unit_text"] == "(牵头单位：网信办、公安局、大数据中心；配合部门：各有关部门和单位)"
    assert task["text"].endswith("集中开展云上系统等保测评和安全检测工作。")
    assert not task["needs_review"]


def test_it_joins_task_text_across_page_breaks() -> None:
    t8 = _task("digital_government", 8)["text"]
    assert "进一步提升城市精细化管理水平，打造一流的城市管理平台" in t8
    t11 = _task("digital_government", 11)["text"]
    assert t11 == (
        '推进"江苏省城市管理示范县"创建工作数据汇聚共享。围绕创建"江苏省城市管理示范县"目标要求，'
        "加快推进城乡建设、城市管理、市场监管、生态环境、应急管理、国土规划等领域公共数据汇聚共享，"
        "加强监督管理并及时更新，确保年底数据更新率达到90%。"
    )
    for number, joint in [
        (5, "全县一体化数据管理新格局"),
        (13, "逐步铺开，最终达到"),
        (21, "专业能力和综合素质"),
    ]:
        assert joint in _task("digital_government", number)["text"]
    assert "切实堵牢网络安全风险漏洞。" in _task("website", 9)["text"]
    assert "严禁代运维机构自编自发信息。" in _json()["sections"][2]["measures"][0]["text"]


def test_it_leaves_no_page_markers_or_markdown_anywhere() -> None:
    dumped = json.dumps(_json(), ensure_ascii=False)
    for marker in ("—", "**", "####", "-20 -", "— 6 —"):
        assert marker not in dumped
    for _, task in _plan().iter_tasks():
        assert "  " not in task.text
        assert "政 务" not in task.text and "配合 单位" not in (task.unit_text or "")


def test_it_keeps_unit_parenthetical_out_of_task_text() -> None:
    task = _task("digital_government", 1)
    assert task["text"] == (
        "加强数字政府建设组织保障。成立县数字政府建设工作领导小组，由县政府主要领导任组长，"
        "相关分管县领导担任副组长，各乡镇(街道)、各有关部门主要负责同志为成员，同时成立工作专班，"
        "统筹推进数字政府建设。"
    )
    assert task["unit_text"] == "(牵头单位：大数据管理局；配合单位：各有关部门和单位)"
    assert "IP地址和MAC码绑定，探索IPv6应用" in _task("digital_government", 19)["text"]


def test_it_flags_website_and_new_media_tasks_without_units() -> None:
    for section in _json()["sections"]:
        for t in section["tasks"]:
            if section["kind"] == "digital_government":
                assert not t["needs_review"], t["number"]
                assert t["review_reasons"] == []
            else:
                assert t["needs_review"]
                assert t["review_reasons"] == [NO_UNITS_REASON]
                assert t["lead_units"] == [] and t["unit_text"] is None


def test_it_suggests_the_doer_named_in_website_task_2() -> None:
    assert _task("website", 2)["suggested_units"] == ["行政审批局"]
    others = [t["suggested_units"] for s in _json()["sections"] for t in s["tasks"]]
    assert sum(1 for s in others if s) == 1


def test_it_records_chapters_and_subchapters() -> None:
    assert _task("digital_government", 1)["chapter"] == "一、强化数字政府顶层设计"
    assert _task("digital_government", 17)["chapter"] == '五、加强"云网"建设管理'
    assert _task("digital_government", 22)["chapter"] == "六、强化大数据工作体系考核评价"
    assert _task("digital_government", 22)["subchapter"] is None
    assert _task("website", 1)["chapter"] == "二、重点任务"
    assert _task("website", 1)["subchapter"] == "(一)聚焦三大功能，全面加强政府网站内容建设"
    assert _task("website", 4)["subchapter"] == "(二)聚焦功能应用，不断推进政府网站智能化发展"
    assert _task("website", 10)["subchapter"] == "(三)聚焦制度落实，持续强化政府网站运维管理"
    assert [_task("new_media", n)["subchapter"] for n in (1, 3, 5)] == [
        "(一)做好规范管理",
        "(二)加强功能建设",
        "(三)提升运维水平",
    ]


def test_it_attaches_targets_to_goals_and_measures() -> None:
    website, new_media = _json()["sections"][1:]
    assert [g["number"] for g in website["goals"]] == [None]
    [goal_target] = website["goals"][0]["targets"]
    assert (goal_target["metric"], goal_target["comparator"], goal_target["value"], goal_target["unit"]) == (
        "省、市两级政府网站抽查检查合格率", ">=", 100, "%",
    )  # fmt: skip
    [nm_goal] = new_media["goals"][0]["targets"]
    assert (nm_goal["metric"], nm_goal["value"], nm_goal["unit"]) == (
        "省、市两级政务新媒体抽查、检查合格率",
        100,
        "%",
    )
    assert [(m["number"], m["title"]) for m in website["measures"]] == [
        (1, "强化组织领导"), (2, "强化学习培训"), (3, "强化工作落实"), (4, "强化考核奖惩"),
    ]  # fmt: skip
    assert website["measures"][3]["deadline"] == "year_end"
    assert [(m["number"], m["title"]) for m in new_media["measures"]] == [
        (1, "责任落实"),
        (2, "学习培训"),
        (3, "监督考核"),
    ]
    [training] = new_media["measures"][1]["targets"]
    assert (training["metric"], training["comparator"], training["value"], training["unit"], training["period"]) == (
        "专题学习培训", ">=", 2, "课时", "年",
    )  # fmt: skip
    assert new_media["measures"][2]["deadline"] == "monthly"
    assert all(not m["targets"] for m in website["measures"])


def test_it_reads_the_appendix_assessment_table() -> None:
    [table] = _json()["appendix_tables"]
    assert table["title"] == "泗洪县政务新媒体监管工作年度考核指标"
    assert table["header"] == ["一级指标", "一级指标", "评分细则", "分值"]
    # The seed has nine data rows (单项否决 … 表彰表扬); merged cells stay "".
    assert len(table["rows"]) == 9
    assert [r[0] for r in table["rows"]] == [
        "单项否决指标", "规范管理(30分)", "内容保障(30分)", "", "", "创新管理(40分)", "", "", "",
    ]  # fmt: skip
    assert [r[1] for r in table["rows"]] == [
        "", "", "保障措施", "权威信息转发", "内容发布", "合格率", "上级采用", "政民互动", "表彰表扬",
    ]  # fmt: skip
    assert [r[3] for r in table["rows"]] == ["", "30", "10", "10", "10", "10", "10", "10", "10"]
    assert all(len(r) == 4 for r in table["rows"])
    items = table["scoring_items"]
    assert [(i["row"], i["number"]) for i in items] == [(1, n) for n in range(1, 7)]
    assert items[0]["text"] == "未按照上级要求落实相关工作的，每次扣10分"


def test_it_serialises_with_the_documented_keys() -> None:
    data = _json()
    json.dumps(data, ensure_ascii=False)
    assert set(data) >= {"issuer", "doc_number", "title", "year", "sections", "appendix_tables", "warnings"}
    section = data["sections"][0]
    assert set(section) >= {"title", "kind", "preamble", "goals", "measures", "tasks"}
    assert set(section["tasks"][0]) >= {
        "number", "heading", "text", "chapter", "subchapter", "lead_units", "co_units",
        "responsible_units", "unit_text", "targets", "deadline", "deadline_text", "needs_review",
        "review_reasons",
    }  # fmt: skip
    assert set(_task("digital_government", 4)["targets"][0]) >= {
        "text",
        "metric",
        "comparator",
        "value",
        "unit",
        "period",
    }
    assert _task("digital_government", 4)["targets"][0]["text"] == "推动公共数据按需共享率达到97%"


def test_it_parses_the_seed_well_under_100_ms() -> None:
    text = SEED.read_text(encoding="utf-8")
    best = min(_timed(text) for _ in range(5))
    assert best < 0.1, f"parse took {best * 1000:.1f} ms"


def _timed(text: str) -> float:
    start = time.perf_counter()
    parse_plan(text)
    return time.perf_counter() - start
