from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from text.errors import DocumentError
from text.proofread.dictionaries import Dictionaries, Formulation, OfficeHolder, Outdated, SensitiveTerm
from text.proofread.findings import Finding, Kind, Severity
from text.proofread.rules import RuleChecker

SEED_DOCUMENT = Path(__file__).resolve().parents[3] / "demo" / "plan_2023_sihong.txt"
TODAY = date(2025, 1, 1)


@cache
def seed_checker() -> RuleChecker:
    return RuleChecker(Dictionaries.seed())


def check(text: str, checker: RuleChecker | None = None, **kwargs) -> list[Finding]:
    findings = (checker or seed_checker()).check(text, today=TODAY, **kwargs)
    for f in findings:
        assert text[f.start : f.end] == f.text
    return findings


def spans(text: str, checker: RuleChecker | None = None, **kwargs) -> list[tuple[str, str, str]]:
    return [(f.kind.value, f.text, f.suggestion) for f in check(text, checker, **kwargs)]


# --- the seed document ---------------------------------------------------------------------------

def test_it_finds_nothing_in_the_seed_document_but_its_bracketed_document_numbers():
    text = SEED_DOCUMENT.read_text(encoding="utf-8")
    findings = check(text)
    assert [(f.kind, f.text, f.suggestion) for f in findings] == [
        (Kind.FORMAT, "国办发[2018]123号", "国办发〔2018〕123号"),
        (Kind.FORMAT, "苏政办函[2021]99号", "苏政办函〔2021〕99号"),
        (Kind.FORMAT, "宿政办发[2021]22号", "宿政办发〔2021〕22号"),
    ]
    assert findings[0].start == text.index("国办发[2018]123号")


def test_it_finds_nothing_else_in_the_seed_document_line_by_line():
    texts = [f.text for line in SEED_DOCUMENT.read_text(encoding="utf-8").splitlines() for f in check(line)]
    assert texts == ["国办发[2018]123号", "苏政办函[2021]99号", "宿政办发[2021]22号"]


def test_it_leaves_the_seed_documents_formulations_alone_in_a_full_width_rewrite():
    text = ("坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党的二十大精神，坚持以人民为中心的发展思想，"
            "严格落实三审三校、先审后发要求，增强“四个意识”、坚定“四个自信”、做到“两个维护”。")
    assert check(text) == []


# --- formulations ----------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, right", [
    ("习近平新时代特色社会主义思想", "习近平新时代中国特色社会主义思想"),
    ("以习近平总书记为核心的党中央", "以习近平同志为核心的党中央"),
    ("政治意识、核心意识、大局意识、看齐意识", "政治意识、大局意识、核心意识、看齐意识"),
    ("理论自信、道路自信、制度自信和文化自信", "道路自信、理论自信、制度自信和文化自信"),
    ('"一带一路"战略', "“一带一路”倡议"),
    ("坚决维护习近平同志党中央的核心、全党的核心地位", "坚决维护习近平总书记党中央的核心、全党的核心地位"),
])
def test_it_corrects_listed_wrong_forms_as_serious(wrong, right):
    findings = check(f"我们要{wrong}。")
    assert [(f.text, f.suggestion, f.severity, f.rule) for f in findings] == [
        (wrong, right, Severity.SERIOUS, "formulation.wrong_form")]
    assert right.replace("“", "‘").replace("”", "’") in findings[0].message


@pytest.mark.parametrize("slip", [
    "习近平新时代中国特色社会主意思想",  # substituted
    "习近平新时代中国特色社会义思想",  # dropped
    "习近平新时代中国特色的社会主义思想",  # inserted
    "习近平新时代中国特色社主会义思想",  # adjacent characters swapped
    "习近平新时代特色中国社会主义思想",  # adjacent words swapped
    "以习近平同志为中心的党中央",
])
def test_it_catches_one_slip_in_a_long_canonical_phrase(slip):
    findings = check(f"坚持{slip}为指导")
    assert [(f.text, f.rule) for f in findings] == [(slip, "formulation.near")]
    assert findings[0].confidence < 1


@pytest.mark.parametrize("text", [
    "以新时代中国特色社会主义思想为指导",
    "习近平新时代中国特色社会主义经济思想",
    "学习习近平新时代中国特色社会主义思想和党的二十大精神",
    "以习近平新时代中国特色社会主 义思想为指导",  # a PDF line-wrap space is layout, not wording
    "中国特色社会主义进入新时代",
    "两个确立、两个维护、四个意识、四个自信",
])
def test_it_leaves_correct_and_neighbouring_phrases_alone(text):
    assert check(text) == []


def test_it_writes_congress_and_plenum_ordinals_in_chinese():
    assert spans("学习党的20大和十九届6中全会、20届3中全会精神") == [
        ("formulation", "党的20大", "党的二十大"), ("formulation", "十九届6中全会", "十九届六中全会"),
        ("formulation", "20届3中全会", "二十届三中全会")]
    assert check("党的十九大、二十届三中全会") == []


def test_it_applies_an_entrys_pattern_but_not_inside_the_canonical_phrase():
    checker = RuleChecker(Dictionaries(formulations=(Formulation("全过程人民民主", pattern="全过程(的)?民主"),)))
    assert spans("发展全过程的民主", checker) == [("formulation", "全过程的民主", "全过程人民民主")]
    assert check("发展全过程人民民主", checker) == []


# --- office holders --------------------------------------------------------------------------------

HOLDERS = RuleChecker(Dictionaries(office_holders=(
    OfficeHolder("李四", "县长", "泗洪县", ("李泗",)), OfficeHolder("王五", "常务副县长", "泗洪县"),
    OfficeHolder("赵六", "县委书记", "泗洪县"), OfficeHolder("钱七", "局长", "财政局"),
    OfficeHolder("孙八", "局长", "教育局"),
)))


@pytest.mark.parametrize("text, span, suggestion", [
    ("会上，县长王五主持会议", "县长王五", "常务副县长王五"),
    ("王五县长指出", "王五县长", "王五常务副县长"),
    ("泗洪县县长王五一行", "县长王五", "常务副县长王五"),
    ("由县委书记王五主持", "县委书记王五", "常务副县长王五"),
    ("财政局局长孙八讲话", "局长孙八", ""),
])
def test_it_flags_a_name_next_to_a_title_that_is_someone_elses(text, span, suggestion):
    findings = check(text, HOLDERS)
    assert [(f.text, f.suggestion, f.kind, f.severity) for f in findings] == [
        (span, suggestion, Kind.FORMULATION, Severity.SERIOUS)]
    assert "现任" in findings[0].message


def test_it_corrects_a_listed_misspelling_next_to_the_persons_title():
    assert spans("县长李泗出席", HOLDERS) == [("formulation", "县长李泗", "县长李四")]
    assert check("李泗同志来信", HOLDERS) == []  # not next to a title: may be someone else


@pytest.mark.parametrize("text", [
    "县长李四主持会议", "常务副县长王五", "原县长王五", "沭阳县县长王五主持", "副县长李四", "县长李四海出席",
    "局长王五讲话",  # 局长 has several holders: cannot tell which is meant
    "县委书记赵六、县长李四出席",
])
def test_it_leaves_right_pairs_and_undecidable_ones_alone(text):
    assert check(text, HOLDERS) == []


# --- outdated names and sensitive terms -------------------------------------------------------------

def test_it_maps_outdated_names_to_current_ones():
    findings = check("请县国土资源局、县环境保护局和县工商局于5月底前报送。")
    assert [(f.text, f.suggestion, f.kind, f.severity) for f in findings] == [
        ("国土资源局", "自然资源局", Kind.OUTDATED, Severity.WARNING),
        ("环境保护局", "生态环境局", Kind.OUTDATED, Severity.WARNING),
        ("工商局", "市场监督管理局", Kind.OUTDATED, Severity.WARNING)]
    assert "2019年起" in findings[0].message


def test_it_keeps_the_longer_outdated_name_and_the_prefix_of_a_national_one():
    assert spans("国家卫生和计划生育委员会") == [("outdated", "卫生和计划生育委员会", "卫生健康委员会")]
    assert spans("银保监会") == [("outdated", "银保监会", "国家金融监督管理总局")]


@pytest.mark.parametrize("text", [
    "原国土资源局", "将国土资源局的职责整合", "环境保护局更名为生态环境局", "国土资源局（现自然资源局）",
    "各级农业部门", "县农业农村局", "国家卫生健康委员会", "县市场监督管理局",
])
def test_it_leaves_historical_and_current_names_alone(text):
    assert check(text) == []


def test_it_does_not_flag_a_name_in_a_document_dated_before_the_change():
    assert check("县国土资源局", as_of=date(2017, 6, 1)) == []
    assert len(check("县国土资源局", as_of=date(2020, 1, 1))) == 1


def test_it_shows_uncertain_outdated_names_as_hints():
    (f,) = check("新型冠状病毒肺炎疫情防控")
    assert (f.suggestion, f.severity) == ("新型冠状病毒感染", Severity.INFO)


def test_it_grades_sensitive_terms_and_respects_allowed_contexts():
    assert [(f.text, f.severity, f.suggestion) for f in check("专业代开发票，残废人，网络博彩")] == [
        ("代开发票", Severity.SERIOUS, ""), ("残废人", Severity.WARNING, "残疾人"), ("网络博彩", Severity.INFO, "")]
    assert check("严厉打击代开发票等违法行为，打击网络博彩") == []


def test_it_matches_latin_terms_regardless_of_case_and_width():
    checker = RuleChecker(Dictionaries(sensitive=(SensitiveTerm("VPN翻墙", 1),)))
    assert [f.text for f in check("推荐ｖｐｎ翻墙工具和Vpn翻墙", checker)] == ["ｖｐｎ翻墙", "Vpn翻墙"]


# --- privacy and format through the checker --------------------------------------------------------

def test_it_reports_personal_data_with_the_masked_form():
    text = "联系人：张三，电话13812345678，身份证号360426199101010071。"
    assert spans(text) == [("privacy", "13812345678", "138****5678"),
                           ("privacy", "360426199101010071", "360426********0071")]


def test_it_reports_a_document_number_once_and_not_its_brackets_as_punctuation():
    text = "依据《意见》（国办发(2018)123号），现通知如下："
    assert spans(text) == [("format", "国办发(2018)123号", "国办发〔2018〕123号")]


def test_it_keeps_different_problems_that_merely_overlap():
    checker = RuleChecker(Dictionaries(
        outdated=(Outdated("工商局", "市场监督管理局"),), sensitive=(SensitiveTerm("商局", 1),)))
    assert [f.kind for f in check("县工商局", checker)] == [Kind.OUTDATED]  # the hint lies inside
    checker = RuleChecker(Dictionaries(
        outdated=(Outdated("工商局", "市场监督管理局"),), sensitive=(SensitiveTerm("局长", 1),)))
    assert [f.kind for f in check("县工商局长", checker)] == [Kind.OUTDATED, Kind.SENSITIVE]


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", " ", "\n\n", "\x00\x01\x02", "\ud800\udfff", "\u200b\ufeff", "a" * 10])
def test_it_returns_nothing_for_empty_or_meaningless_input(text):
    assert check(text) == []


def test_it_keeps_offsets_right_on_random_mixed_script_text():
    alphabet = list("国土资源局习近平新时代中国特色社会主义思想，,。()（）[]〔〕:：2018年13月0123456789Xx *\x00\t\n\ud800ＡＢ１２")
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        for f in check(text):
            assert 0 <= f.start < f.end <= len(text)


def test_it_refuses_a_text_beyond_its_size_limit_with_a_chinese_message():
    checker = RuleChecker(max_chars=100)
    with pytest.raises(DocumentError, match="过长") as raised:
        checker.check("中" * 101)
    assert raised.value.code == "text_too_long"


def test_it_takes_dictionaries_compiled_elsewhere():
    compiled = Dictionaries(sensitive=(SensitiveTerm("代开发票", 3),)).compile()
    assert [f.text for f in RuleChecker(compiled).check("代开发票")] == ["代开发票"]


def test_it_caps_the_number_of_findings():
    checker = RuleChecker(Dictionaries(sensitive=(SensitiveTerm("代开发票", 3),)), max_findings=5)
    assert len(checker.check("代开发票，" * 50)) == 5


def test_it_handles_pathological_repetition():
    for text in ["习近平新时代中国特色社会主" * 2000, "(" * 20000, "1" * 50000, "国办发[2018]" * 2000,
                 "2023.2." * 5000, "电话13812345678" * 500]:
        assert isinstance(check(text), list)


def test_it_gives_the_same_answers_from_many_threads():
    text = SEED_DOCUMENT.read_text(encoding="utf-8") + "县国土资源局，代开发票，电话13812345678。"
    expected = check(text)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: seed_checker().check(text, today=TODAY), range(32)))
    assert all(r == expected for r in results)
