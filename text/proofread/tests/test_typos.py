"""错别字 checker: real typos found with the right fix and offsets, correct government text left alone,
bad input handled. Speed is measured in bench/proofread_typos.py, not here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from text.proofread.findings import Kind, Severity
from text.proofread.typos import MAX_CHUNK, TypoChecker, split_chunks

SEED = Path(__file__).resolve().parents[3] / "demo" / "plan_2023_sihong.txt"


@pytest.fixture(scope="module")
def checker() -> TypoChecker:
    return TypoChecker.default()


def fixes(checker: TypoChecker, text: str) -> list[tuple[int, int, str, str]]:
    return [(f.start, f.end, f.text, f.suggestion) for f in checker.check(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # ECSpell-style typos in official-document sentences (written for this test).
    ("我们以经完成了全年目标任务。", [(2, 3, "以", "已")]),
    ("研究制定和修盯有关法律法规。", [(6, 7, "盯", "订")]),
    ("加强口岸卫生捡疫能力建设。", [(6, 7, "捡", "检")]),
    ("各级当政机关及其领导干部要带头执行。", [(2, 3, "当", "党")]),
    # Two wrong characters that sound like the right word (pinyin input).
    ("对有违反鱼蒜管理规定的单位，依法处理。", [(4, 6, "鱼蒜", "预算")]),
    # A non-standard word form from the common-typo list.
    ("他是个很守本份的人。", [(6, 7, "份", "分")]),
])
def test_it_finds_typos_with_fix_and_offsets(checker: TypoChecker, text: str,
                                             expected: list[tuple[int, int, str, str]]) -> None:
    assert fixes(checker, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Each change alone makes a word (深化 / 申花, 主义 / 祖依); together they make none.
    ("国务院办公厅关于印发申化医药卫生体制改革的意见。", [(10, 11, "申", "深")]),
    ("建设社会祖义法治国家。", [(4, 5, "祖", "主")]),
])
def test_it_settles_two_neighbouring_corrections_together(checker: TypoChecker, text: str,
                                                          expected: list[tuple[int, int, str, str]]) -> None:
    assert fixes(checker, text) == expected


def test_it_withholds_a_sentence_that_has_more_wrong_than_it_can_fix(checker: TypoChecker) -> None:
    # 财玫部 alone is found; next to 犮展 and 生㤁, which no candidate reaches, reporting 玫 alone
    # would leave a sentence that still reads wrong, so the checker says nothing.
    assert fixes(checker, "财玫部、国家发展改革委、生态环境部、农业农村部指导。") == [(1, 2, "玫", "政")]
    assert fixes(checker, "人民银行、财玫部、国家犮展改革委、生㤁环境部、农业农村部指导。") == []


def test_it_explains_a_finding_in_chinese(checker: TypoChecker) -> None:
    [finding] = checker.check("我们以经完成了全年目标任务。")
    assert finding.kind is Kind.TYPO
    assert finding.severity in (Severity.WARNING, Severity.INFO)
    assert finding.message == "疑似错别字：「以经」应为「已经」"
    assert 0.0 < finding.confidence <= 1.0
    assert finding.to_json()["kind"] == "typo"


def test_it_reports_offsets_into_the_text_as_given(checker: TypoChecker) -> None:
    text = "第一段没有问题。\n\n  Section 2: 我们以经完成了任务, 请查收。"
    [finding] = checker.check(text)
    assert text[finding.start:finding.end] == "以" == finding.text
    assert finding.suggestion == "已"


def test_it_leaves_the_seed_plan_alone(checker: TypoChecker) -> None:
    # A published county government document: every finding on it would be a false alarm.
    text = SEED.read_text(encoding="utf-8")
    assert checker.check(text) == []


@pytest.mark.parametrize("sentence", [
    "坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党的二十大精神。",
    "县政府办公室负责统筹协调全县政务新媒体的监督管理工作。",
    "复旦大学伍柏麟教授在会上作了发言。",  # a personal name next to a word the LM prefers (柏林)
    "她们为乡村振兴作出了新的贡献。",  # 她们/他们 are both right
])
def test_it_leaves_correct_sentences_alone(checker: TypoChecker, sentence: str) -> None:
    assert checker.check(sentence) == []


@pytest.mark.parametrize("text", [
    "", " ", "\n\n", "。。。", "ABC 123 abc", "\x00\x01\x07\x1b[31m", "\ufeff\u200b", "😀😀😀", "𠀀𠀁𠀂",
    "2023年12月31日", "https://www.gov.cn/zhengce/content/2023-01/01/content_123.htm",
])
def test_it_handles_odd_input(checker: TypoChecker, text: str) -> None:
    assert checker.check(text) == []


def test_it_handles_control_characters_inside_chinese(checker: TypoChecker) -> None:
    text = "我们\x00以经\x07完成了任务"
    for f in checker.check(text):
        assert text[f.start:f.end] == f.text


def test_it_checks_long_text_in_bounded_chunks(checker: TypoChecker) -> None:
    sentence = "我们以经完成了全年目标任务，"  # no full stop: the chunker must cut by length
    text = sentence * 200
    chunks = split_chunks(text)
    assert max(len(c.text) for c in chunks) <= MAX_CHUNK
    assert "".join(c.text for c in chunks) == re.sub(",", "，", text)
    findings = checker.check(text)
    assert {f.text for f in findings} == {"以"}
    assert len(findings) >= 150  # found in (nearly) every repetition, offsets into the whole text
    assert all(text[f.start:f.end] == "以" for f in findings)


def test_it_checks_a_batch_like_one_by_one(checker: TypoChecker) -> None:
    texts = ["我们以经完成了任务。", "", "县政府办公室负责统筹协调。", "研究制定和修盯有关法律法规。",
             "人民银行、财玫部、国家犮展改革委、生㤁环境部、农业农村部指导。", "财玫部、国家发展改革委。"]
    assert checker.check_batch(texts) == [checker.check(t) for t in texts]


def test_it_is_loaded_once_per_process() -> None:
    assert TypoChecker.default() is TypoChecker.default()
