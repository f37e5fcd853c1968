from __future__ import annotations

from datetime import date

import pytest

from text.proofread.dictionaries import (
    Dictionaries,
    DictionaryError,
    Formulation,
    OfficeHolder,
    Outdated,
    SensitiveTerm,
    fold,
    parse_formulations,
    parse_office_holders,
    parse_outdated,
    parse_sensitive,
)


def test_it_loads_the_seed_lists():
    seed = Dictionaries.seed()
    assert seed.version == "seed"
    assert len(seed.formulations) >= 15 and len(seed.outdated) >= 40 and len(seed.sensitive) >= 10
    assert seed.office_holders == ()
    canonical = {f.canonical for f in seed.formulations}
    assert {"习近平新时代中国特色社会主义思想", "党的二十大精神"} <= canonical
    assert {o.old: o.new for o in seed.outdated}["国土资源局"] == "自然资源局"


def test_it_gives_every_seed_outdated_row_a_date():
    assert all(o.since is not None for o in Dictionaries.seed().outdated)


def test_it_identifies_content_by_digest_and_not_by_version_label():
    a = Dictionaries(sensitive=(SensitiveTerm("代开发票", 3),), version="第1版")
    b = Dictionaries(sensitive=(SensitiveTerm("代开发票", 3),), version="第2版")
    c = Dictionaries(sensitive=(SensitiveTerm("代开发票", 2),), version="第1版")
    assert a.digest == b.digest != c.digest
    assert len(a.digest) == 64


def test_it_compiles_once_per_content():
    a = Dictionaries(outdated=(Outdated("工商局", "市场监督管理局"),))
    b = Dictionaries(outdated=(Outdated("工商局", "市场监督管理局"),))
    assert a.compile() is b.compile()
    assert a.compile().digest == a.digest


def test_it_turns_an_ordered_enumeration_into_every_other_order():
    compiled = Dictionaries(formulations=(Formulation("甲、乙、丙", ordered=True),)).compile()
    wrong = {form for form, _, _ in compiled.wrong_forms}
    assert len(wrong) == 2 * (6 - 1)
    assert "乙、甲、丙" in wrong and "乙、甲和丙" in wrong
    assert "甲、乙、丙" not in wrong and "甲、乙和丙" not in wrong


@pytest.mark.parametrize("pattern", ["(a+)+", "a*", ".{1,}", "(ab){2}", "x{1,50}", "(?:a|b)*"])
def test_it_rejects_patterns_that_could_backtrack_without_bound(pattern):
    with pytest.raises(DictionaryError):
        Formulation("规范", pattern=pattern)


@pytest.mark.parametrize("pattern", ["党的[0-9]{1,2}大", "二十大(会议)?精神", r"一带一路\s?战略", "[*+]号"])
def test_it_accepts_bounded_patterns(pattern):
    assert Formulation("规范", pattern=pattern).pattern == pattern


def test_it_rejects_an_invalid_pattern():
    with pytest.raises(DictionaryError, match="无效"):
        Formulation("规范", pattern="(")


@pytest.mark.parametrize("build", [
    lambda: Formulation(" "),
    lambda: Formulation("四个自信", wrong_forms=("四个自信",)),
    lambda: Formulation("单项", ordered=True),
    lambda: OfficeHolder("李", "县长"),
    lambda: Outdated("工商局", "工商局"),
    lambda: SensitiveTerm("词", level=4),
])
def test_it_rejects_unusable_entries(build):
    with pytest.raises(DictionaryError):
        build()


def test_it_reads_each_seed_layout():
    formulations = parse_formulations(["# 注释", "canonical\twrong_forms\toptions\tnote",
                                       "甲乙丙丁戊己庚辛壬癸\t甲乙丙|丁戊\tnear\t示例"])
    assert formulations == (Formulation("甲乙丙丁戊己庚辛壬癸", ("甲乙丙", "丁戊"), "示例", near=True),)
    outdated = parse_outdated(["old\tnew\tsince\tcertainty\tallowed_contexts\tnote",
                               "农业部\t农业农村部\t2018-03\tsure\t农业部门\t", "扶贫办\t乡村振兴局\t2021\tunsure"])
    assert outdated[0] == Outdated("农业部", "农业农村部", date(2018, 3, 1), "", True, ("农业部门",))
    assert (outdated[1].since, outdated[1].certain) == (date(2021, 1, 1), False)
    sensitive = parse_sensitive(["term\tlevel\treplacement\tallowed_contexts\tnote", "残废人\t2\t残疾人\t\t不当称谓"])
    assert sensitive == (SensitiveTerm("残废人", 2, "不当称谓", "残疾人"),)
    holders = parse_office_holders(["name\ttitle\tunit\twrong_names\tnote", "李四\t县长\t泗洪县\t李泗"])
    assert holders == (OfficeHolder("李四", "县长", "泗洪县", ("李泗",)),)


def test_it_names_the_line_of_a_bad_seed_row():
    with pytest.raises(DictionaryError, match="第 3 行"):
        parse_sensitive(["term\tlevel", "甲\t1", "乙\t九"])
    with pytest.raises(DictionaryError, match="第 2 行"):
        parse_formulations(["canonical\twrong_forms\toptions", "甲乙\t\tfuzzy"])


def test_it_folds_full_width_and_case_without_changing_length():
    text = "ＡＢＣ１２３abcDEF，中文\u3000"
    assert fold(text) == "abc123abcdef,中文 "
    assert len(fold(text)) == len(text)


def test_it_compiles_empty_dictionaries():
    compiled = Dictionaries().compile()
    assert compiled.formulation_automaton is None and compiled.near_phrases == ()
