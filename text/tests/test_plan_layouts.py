"""Layouts other than the seed's: bracket-less unit clauses, (一)/一是 numbering,
full-width punctuation, bare plans without a notice header."""

from __future__ import annotations

import pytest

from text.errors import DocumentError
from text.plan_parser import NO_UNITS_REASON, parse_plan

END_UNITS = """XX县大数据管理局文件
X数发【2024】3号
关于印发2024年XX县数据工作要点的通知

2024年XX县数据工作要点

一、重点任务
1．建设公共数据平台。年底前完成平台建设，汇聚数据不少于500万条。责任单位：县大数据中心
2．推进数据共享。推动共享率达到95%以上。牵头单位：县大数据中心，配合单位：县财政局、县市场监管局等
3．完善目录。6月底前完成目录编制。（牵头单位：县大数据中心；配合单位：各乡镇（街道））
二、保障措施
（一）加强组织领导。各单位要高度重视。
"""

PAREN_TASKS = """2024年XX县政务公开工作要点

为深入推进政务公开，制定本要点。

一、工作目标
到2024年底，政务公开满意度达到90%以上。
二、重点任务
（一）深化决策公开。
完善重大行政决策公开制度，每季度开展一次评估。（牵头单位：县政府办公室；配合单位：各有关部门）
（二）加强政策解读。
政策文件与解读材料同步发布，年内解读比例不低于80%。责任单位：县政府办公室
（三）优化平台建设。一是完善网站栏目；
二是推进集约化建设。（牵头单位：县大数据中心）
三、保障措施
（一）强化考核。将政务公开纳入年度考核。
"""

SHI_TASKS = """XX镇2024年数字乡村建设工作要点
一、主要任务
一是加快数字基础设施建设，新建5G基站10个以上。（牵头单位：镇经发办）
二是推进智慧农业发展，培育数字农业示范基地两个。（责任单位：镇农业服务中心）
"""


def _tasks(text: str) -> list[dict]:
    return [t for s in parse_plan(text).to_json()["sections"] for t in s["tasks"]]


def test_it_reads_unit_clauses_at_paragraph_end_without_brackets() -> None:
    t1, t2, _t3 = _tasks(END_UNITS)
    assert t1["responsible_units"] == ["县大数据中心"] and t1["lead_units"] == []
    assert t1["text"] == "建设公共数据平台。年底前完成平台建设，汇聚数据不少于500万条。"
    assert t1["unit_text"] == "责任单位：县大数据中心"
    assert not t1["needs_review"]
    assert t2["lead_units"] == ["县大数据中心"]
    assert t2["co_units"] == ["县财政局", "县市场监管局"]  # trailing 等 dropped
    assert t2["text"] == "推进数据共享。推动共享率达到95%以上。"


def test_it_handles_fullwidth_punctuation_and_nested_brackets() -> None:
    t3 = _tasks(END_UNITS)[2]
    assert t3["number"] == 3
    assert t3["lead_units"] == ["县大数据中心"]
    assert t3["co_units"] == ["各乡镇(街道)"]
    assert t3["unit_text"] == "(牵头单位：县大数据中心；配合单位：各乡镇(街道))"
    assert (t3["deadline"], t3["deadline_text"], t3["deadline_date"]) == ("by_date", "6月底前", "2024-06-30")


def test_it_normalises_wrong_doc_number_brackets_with_a_warning() -> None:
    plan = parse_plan(END_UNITS)
    assert plan.issuer == "XX县大数据管理局"
    assert plan.doc_number == "X数发〔2024〕3号"
    assert plan.year == 2024
    assert any("【】" in w and "〔〕" in w for w in plan.warnings)
    [section] = plan.sections
    assert [(m.number, m.title) for m in section.measures] == [(1, "加强组织领导")]


def test_it_reads_targets_with_units_of_ten_thousand() -> None:
    [target] = _tasks(END_UNITS)[0]["targets"]
    assert (target["metric"], target["comparator"], target["value"], target["unit"]) == (
        "汇聚数据",
        ">=",
        500,
        "万条",
    )
    [rate] = _tasks(END_UNITS)[1]["targets"]
    assert (rate["metric"], rate["comparator"], rate["value"], rate["unit"]) == ("共享率", ">=", 95, "%")


def test_it_uses_paren_numbering_as_tasks_when_no_arabic_numbers_exist() -> None:
    plan = parse_plan(PAREN_TASKS)
    [section] = plan.sections
    assert section.kind == "open_government"
    assert section.preamble == "为深入推进政务公开，制定本要点。"
    assert [(t.number, t.heading, t.chapter, t.subchapter) for t in section.tasks] == [
        (1, "深化决策公开", "二、重点任务", None),
        (2, "加强政策解读", "二、重点任务", None),
        (3, "优化平台建设", "二、重点任务", None),
    ]
    t1, t2, t3 = section.tasks
    assert t1.text == "深化决策公开。完善重大行政决策公开制度，每季度开展一次评估。"
    assert (t1.lead_units, t1.co_units) == (["县政府办公室"], ["各有关部门"])
    assert t1.deadline is not None and t1.deadline.code == "quarterly"
    assert t2.responsible_units == ["县政府办公室"]
    assert [(g.metric, g.comparator, g.value, g.unit) for g in t2.targets] == [("解读比例", ">=", 80, "%")]
    assert t3.text == "优化平台建设。一是完善网站栏目；二是推进集约化建设。"  # 一是/二是 stay inside the task
    assert t3.lead_units == ["县大数据中心"]
    [goal] = section.goals
    assert goal.deadline is not None and (goal.deadline.code, goal.deadline.text) == ("year_end", "2024年底")
    assert [(g.metric, g.value) for g in goal.targets] == [("政务公开满意度", 90)]
    assert [m.title for m in section.measures] == ["强化考核"]
    assert plan.issuer is None and "未识别到发文机关，导入时请手动指定" in plan.warnings


def test_it_uses_yi_shi_numbering_as_tasks() -> None:
    t1, t2 = _tasks(SHI_TASKS)
    assert (t1["number"], t1["lead_units"]) == (1, ["镇经发办"])
    assert (t2["number"], t2["responsible_units"]) == (2, ["镇农业服务中心"])
    assert [(g["metric"], g["comparator"], g["value"], g["unit"]) for g in t1["targets"]] == [
        ("5G基站", ">=", 10, "个")
    ]
    assert [(g["metric"], g["value"], g["unit"]) for g in t2["targets"]] == [("数字农业示范基地", 2, "个")]


def test_it_treats_a_plan_without_section_title_as_one_section() -> None:
    text = "关于做好2024年网站工作的通知\n各乡镇：\n1. 加强内容保障。每月更新不少于4次。\n2. 加强安全检测。每年至少开展两次安全检测。\n"
    plan = parse_plan(text)
    [section] = plan.sections
    assert section.kind == "website"
    assert [t.heading for t in section.tasks] == ["加强内容保障", "加强安全检测"]
    t1, t2 = section.tasks
    assert t1.review_reasons == [NO_UNITS_REASON]
    assert [(g.comparator, g.value, g.unit, g.period) for g in t1.targets] == [(">=", 4, "次", "月")]
    assert [(g.metric, g.value, g.period) for g in t2.targets] == [("安全检测", 2, "年")]


def test_it_joins_a_unit_clause_split_over_a_page_break_in_any_layout() -> None:
    text = (
        "2024年XX县数字政府建设工作要点\n一、重点任务\n"
        "1. 推进一网通办。提升办件效率,简单事项 3 个工作日内办结。(牵头单位:县行政审批局;配合\n\n"
        "— 2 —\n\n#### 单位:县 数据局、各有关单位)\n"
        "2. 推进数据治理。完成数据清洗。(牵头单位:县数据局)\n"
    )
    t1, t2 = _tasks(text)
    assert t1["co_units"] == ["县数据局", "各有关单位"]
    assert t1["lead_units"] == ["县行政审批局"]
    assert [(g["metric"], g["comparator"], g["value"], g["unit"]) for g in t1["targets"]] == [
        ("简单事项办结时限", "<=", 3, "工作日")
    ]
    assert t2["number"] == 2


def test_it_warns_about_gaps_in_task_numbering() -> None:
    text = "2024年XX工作要点\n1. 甲任务。(牵头单位:A局)\n3. 乙任务。(牵头单位:B局)\n"
    plan = parse_plan(text)
    assert [t.number for _, t in plan.iter_tasks()] == [1, 3]
    assert any("编号不连续" in w for w in plan.warnings)


def test_it_flags_collective_only_lead_units() -> None:
    text = "2024年XX工作要点\n1. 甲任务。(牵头单位:各乡镇(街道))\n"
    [task] = _tasks(text)
    assert task["lead_units"] == ["各乡镇(街道)"]
    assert task["needs_review"] and task["review_reasons"] == ["牵头单位为泛指，需指定具体单位"]


def test_it_reads_pipe_tables_from_markdown_converters() -> None:
    text = (
        "2024年XX工作要点\n1. 甲任务。(牵头单位:A局)\n\n附件\n\n考核细则\n\n"
        "| 指标 | 分值 |\n|---|---|\n| 内容更新 | 10 |\n|  | 5 |\n"
    )
    [table] = parse_plan(text).to_json()["appendix_tables"]
    assert table == {
        "title": "考核细则",
        "header": ["指标", "分值"],
        "rows": [["内容更新", "10"], ["", "5"]],
        "scoring_items": [],
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "关于印发工作要点的通知\n各乡镇人民政府：现将工作要点印发给你们，请认真贯彻执行。",
        "2024年XX县数字政府建设工作要点\n一、重点任务\n加强组织领导。",
    ],
)
def test_it_rejects_text_without_numbered_tasks(text: str) -> None:
    with pytest.raises(DocumentError) as exc:
        parse_plan(text)
    assert exc.value.code == "no_tasks"
    assert "未在文件中识别到任何编号任务" in str(exc.value)


def test_it_does_not_open_a_section_on_a_title_like_fragment_after_a_page_break() -> None:
    text = (
        "2024年XX县政府网站工作要点\n二、重点任务\n"
        "1. 强化工作落实。各部门要认真对照工作\n\n— 3 —\n\n要点\n\n明确任务。\n"
        "2. 强化考核。年底进行考评。\n"
    )
    plan = parse_plan(text)
    [section] = plan.sections
    assert [t.text for t in section.tasks] == [
        "强化工作落实。各部门要认真对照工作要点明确任务。",
        "强化考核。年底进行考评。",
    ]


def test_it_reads_several_plans_attached_to_one_notice() -> None:
    text = (
        "XX县人民政府办公室文件\nX政办发〔2024〕1号\n关于印发两个工作要点的通知\n"
        "附件：1.2024年XX县数字政府建设工作要点\n2.2024年XX县政务新媒体工作要点\n"
        "附件1\n2024年XX县数字政府建设工作要点\n一、重点任务\n1. 甲。(牵头单位:A局)\n"
        "附件2\n2024年XX县政务新媒体工作要点\n一、重点任务\n1. 乙。\n"
    )
    plan = parse_plan(text)
    assert plan.issuer == "XX县人民政府办公室"
    assert [(s.kind, len(s.tasks)) for s in plan.sections] == [("digital_government", 1), ("new_media", 1)]
    assert plan.warnings == []


def test_it_falls_back_to_the_signature_for_the_issuer() -> None:
    text = "2024年XX县数据工作要点\n一、重点任务\n1. 甲。(牵头单位:A局)\n\nXX县大数据管理局\n2024年1月5日\n"
    plan = parse_plan(text)
    assert plan.issuer == "XX县大数据管理局"
    assert plan.title == "2024年XX县数据工作要点"
    assert plan.warnings == ["未识别到发文字号"]


def test_it_keeps_the_signature_out_of_a_last_task_without_units() -> None:
    text = (
        "2024年XX县政府网站工作要点\n二、重点任务\n1. 强化内容保障。全年策划专题不少于2次。\n\n"
        "XX县人民政府办公室\n2024年3月1日\n(此件公开发布)\n抄送：县委办公室。\n"
    )
    plan = parse_plan(text)
    [task] = plan.sections[0].tasks
    assert task.text == "强化内容保障。全年策划专题不少于2次。"
    assert plan.issuer == "XX县人民政府办公室"
