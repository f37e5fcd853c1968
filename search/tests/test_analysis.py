"""The Chinese analysis layer: normalisation, segmentation, n-grams, pinyin, synonyms, queries."""

from __future__ import annotations

from pathlib import Path

from search import Analyzer
from search.analysis import (
    MAX_QUERY_CHARS,
    normalize,
    pinyin_key,
    read_synonyms,
    substring_grams,
    word_pinyin,
)


def test_it_folds_full_width_and_case_without_moving_offsets() -> None:
    text = "ＡＢＣ１２３（人口）　Data"
    out = normalize(text)
    assert out == "abc123(人口) data"
    assert len(out) == len(text)


def test_it_keeps_government_terms_whole(analyzer: Analyzer) -> None:
    assert "统一社会信用代码" in analyzer.cut("统一社会信用代码")
    assert "信息项" in analyzer.cut("信息项名称")  # from gov_terms.txt
    assert "居民医保" in analyzer.cut("居民医保参保")  # synonym-table words are single tokens


def test_it_adds_the_dictionary_pieces_of_long_words_in_search_mode(analyzer: Analyzer) -> None:
    words = analyzer.analyze("社会保险缴纳信息").words.split()
    assert {"社会保险", "社会", "保险", "缴纳", "信息"} <= set(words)


def test_it_indexes_full_pinyin_and_initials_per_word_and_joined(analyzer: Analyzer) -> None:
    tokens = analyzer.analyze("人口基础信息", pinyin=True)
    full = tokens.pinyin_full.split()
    initials = tokens.pinyin_initials.split()
    assert "renkoujichuxinxi" in full and "jichuxinxi" in full and "renkou" in full
    assert "rkjcxx" in initials and "jcxx" in initials and "rk" in initials
    assert "^rkjcxx" in initials  # the whole value, anchored at its start


def test_it_skips_pinyin_unless_the_field_asks_for_it(analyzer: Analyzer) -> None:
    tokens = analyzer.analyze("人口基础信息")
    assert tokens.pinyin_full == "" and tokens.pinyin_initials == ""


def test_it_reads_polyphones_as_phrases_and_applies_corrections() -> None:
    assert pinyin_key("银行") == "yinhang"
    assert pinyin_key("重庆") == "chongqing"
    assert word_pinyin("献血者") == ("xian", "xue", "zhe")  # data/pinyin.tsv; pypinyin says xie


def test_it_indexes_characters_and_bigrams_so_any_substring_is_a_phrase(analyzer: Analyzer) -> None:
    grams = analyzer.analyze("人口,基础").grams.split()
    assert grams == ["人", "人口", "口", "|", "基", "基础", "础"]
    assert substring_grams("户") == [(0, "户")]
    assert substring_grams("户籍") == [(0, "户籍")]
    assert substring_grams("人口基础信") == [(0, "人口"), (4, "基础"), (6, "础信")]


def test_it_drops_stop_words_from_indexed_words(analyzer: Analyzer) -> None:
    assert "的" not in analyzer.analyze("全县的人口").words.split()


def test_it_treats_ascii_letters_as_pinyin_and_other_alphanumerics_as_codes(analyzer: Analyzer) -> None:
    q = analyzer.analyze_query("rkjc")
    assert [(t.kind, t.text) for t in q.terms] == [("pinyin", "rkjc")]
    q = analyzer.analyze_query("ren kou")
    assert [(t.kind, t.text, t.alternatives) for t in q.terms] == [("pinyin", "renkou", ("ren", "kou"))]
    q = analyzer.analyze_query("人口rk 2023")
    assert [(t.kind, t.text) for t in q.terms] == [("word", "人口"), ("pinyin", "rk"), ("code", "2023")]


def test_it_drops_question_words_but_searches_a_stop_word_only_query_as_typed(analyzer: Analyzer) -> None:
    q = analyzer.analyze_query("如何查询人口基础信息")
    assert "如何" not in [t.text for t in q.terms]
    assert [t.text for t in analyzer.analyze_query("什么").terms] == ["什么"]


def test_it_glues_single_characters_back_together(analyzer: Analyzer) -> None:
    q = analyzer.analyze_query("籍人")
    assert [t.text for t in q.terms] == ["籍人"]


def test_it_attaches_synonyms_both_ways(analyzer: Analyzer) -> None:
    (term,) = analyzer.analyze_query("社保").terms
    assert "社会保险" in term.alternatives
    (term,) = analyzer.analyze_query("社会保险").terms
    assert "社保" in term.alternatives


def test_it_keeps_adjacent_words_as_a_phrase_for_proximity(analyzer: Analyzer) -> None:
    assert analyzer.analyze_query("户籍人口统计").phrases == ("户籍人口统计",)
    assert analyzer.analyze_query("户籍 人口").phrases == ()


def test_it_bounds_very_long_queries(analyzer: Analyzer) -> None:
    q = analyzer.analyze_query("人口" * 1000)
    assert q.truncated and len(q.text) <= MAX_QUERY_CHARS
    assert len(q.terms) <= 16


def test_it_reads_an_edited_synonym_table(tmp_path: Path) -> None:
    table = tmp_path / "synonyms.tsv"
    table.write_text("# comment\n河长制\t河长\t河湖长制\n\n", encoding="utf-8")
    assert read_synonyms(table) == {
        "河长制": ("河长", "河湖长制"),
        "河长": ("河长制", "河湖长制"),
        "河湖长制": ("河长制", "河长"),
    }


def test_it_expands_synonyms_of_words_that_mix_scripts(analyzer: Analyzer) -> None:
    (term,) = analyzer.analyze_query("12345热线").terms
    assert term.kind == "word" and "政务服务便民热线" in term.alternatives
