"""The tantivy-backed SearchIndex: matching, facets, paging, snippets, writes, persistence, safety."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from search import Analyzer, Doc, IndexSchema, SchemaMismatchError, SearchIndex, TantivyIndex, TextField
from search.analysis import MAX_QUERY_CHARS

from .conftest import CATALOG, DOCS, resource


def ids(index: TantivyIndex, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in index.search(query, **kwargs).hits]  # type: ignore[arg-type]


def test_it_implements_the_search_index_interface(catalog: TantivyIndex) -> None:
    backend: SearchIndex = catalog
    assert backend.count() == len(DOCS)


def test_it_finds_a_chinese_word(catalog: TantivyIndex) -> None:
    assert ids(catalog, "人口")[0] == "pop"
    assert "hukou" in ids(catalog, "人口")


def test_it_finds_a_two_character_query_inside_a_longer_word(catalog: TantivyIndex) -> None:
    # 户籍 is inside 户籍地址 (an 信息项) and 户籍人口; 籍人 is no word at all, only a substring.
    assert {"pop", "hukou"} <= set(ids(catalog, "户籍"))
    assert set(ids(catalog, "籍人")) == {"pop", "hukou"}


def test_it_finds_a_single_character(catalog: TantivyIndex) -> None:
    assert "house" in ids(catalog, "房")


def test_it_finds_pinyin_initials_as_a_prefix(catalog: TantivyIndex) -> None:
    result = catalog.search("rkjc")
    assert [h.id for h in result.hits] == ["pop"]
    assert result.hits[0].highlights["name"] == "<mark>人口基础</mark>信息"


def test_it_finds_initials_from_any_word_start(catalog: TantivyIndex) -> None:
    assert "pop" in ids(catalog, "jcxx")  # 基础信息


def test_it_finds_full_pinyin_typed_with_or_without_spaces(catalog: TantivyIndex) -> None:
    assert ids(catalog, "renkou")[:2] == ["pop", "hukou"]
    assert set(ids(catalog, "ren kou")) == set(ids(catalog, "renkou"))
    assert "biz" in ids(catalog, "qiyedengji")
    assert "biz" in ids(catalog, "QiYe")  # case folded, prefix of qiyedengji


def test_it_expands_synonyms_in_both_directions(catalog: TantivyIndex) -> None:
    result = catalog.search("社保")
    assert result.hits[0].id == "ss"
    assert "<mark>社会保险</mark>" in result.hits[0].highlights["name"]
    assert "shebao-body" in ids(catalog, "社会保险")  # that document only says 社保
    assert "med" in ids(catalog, "医保")


def test_it_combines_a_mixed_chinese_and_pinyin_query(catalog: TantivyIndex) -> None:
    assert ids(catalog, "人口 tongji") == ["hukou"]


def test_it_counts_facets_and_filters(catalog: TantivyIndex) -> None:
    result = catalog.search("信息", facets=["share", "provider"])
    assert {h.id for h in result.hits} == {"pop", "ss", "biz", "house", "med"}
    assert result.total == 5
    assert result.facets["share"] == [("有条件共享", 3), ("无条件共享", 2)]  # by count, then value
    assert sum(c for _, c in result.facets["provider"]) == 5


def test_it_counts_each_facet_under_the_other_filters(catalog: TantivyIndex) -> None:
    result = catalog.search(
        "", filters={"share": ["有条件共享"], "grade": ["一般数据"]}, facets=["share", "grade", "provider"]
    )
    assert {h.id for h in result.hits} == {"ss", "med"}
    # share counts ignore the share filter (so the other values stay selectable) but keep grade's.
    assert dict(result.facets["share"]) == {"无条件共享": 5, "有条件共享": 2}
    assert dict(result.facets["grade"]) == {"一般数据": 2, "重要数据": 1}
    assert dict(result.facets["provider"]) == {"县人力资源和社会保障局": 1, "县医疗保障局": 1}


def test_it_ors_values_within_a_filter_and_ands_filters(catalog: TantivyIndex) -> None:
    both = catalog.search("信息", filters={"provider": ["县公安局", "县市场监督管理局"]})
    assert {h.id for h in both.hits} == {"pop", "biz"}
    narrowed = catalog.search("信息", filters={"provider": ["县公安局", "县市场监督管理局"], "open": ["无条件开放"]})
    assert [h.id for h in narrowed.hits] == ["biz"]


def test_it_filters_on_hierarchical_categories(catalog: TantivyIndex) -> None:
    basic = {"pop", "biz", "house", "hukou", "med", "xss", "shebao-body"}
    assert set(ids(catalog, "", filters={"category": ["基础信息资源"]})) == basic
    assert ids(catalog, "", filters={"category": ["基础信息资源/人口"]}) == ["pop"]


def test_it_reports_a_selected_filter_value_with_no_documents(catalog: TantivyIndex) -> None:
    result = catalog.search("人口", filters={"grade": ["核心数据"]}, facets=["grade"])
    assert result.total == 0
    assert ("核心数据", 0) in result.facets["grade"]


def test_it_pages_with_offset_and_limit_and_reports_the_total(catalog: TantivyIndex) -> None:
    everything = ids(catalog, "", sort="-updated", limit=100)
    assert len(everything) == len(DOCS)
    page1 = catalog.search("", sort="-updated", offset=0, limit=3)
    page2 = catalog.search("", sort="-updated", offset=3, limit=3)
    past = catalog.search("", sort="-updated", offset=50, limit=3)
    assert page1.total == page2.total == past.total == len(DOCS)
    assert [h.id for h in page1.hits + page2.hits] == everything[:6]
    assert past.hits == []
    assert catalog.search("人口", limit=0).hits == []
    assert catalog.search("人口", limit=0).total == catalog.search("人口").total


def test_it_returns_everything_for_a_blank_query_sorted_for_browsing(catalog: TantivyIndex) -> None:
    for blank in ("", "   ", "\u3000"):
        assert catalog.search(blank).total == len(DOCS)
    assert ids(catalog, "", sort="updated", limit=3) == ["hukou", "xss", "house"]
    assert ids(catalog, "", sort="-updated", limit=2) == ["ss", "med"]


def test_it_returns_nothing_for_a_query_without_searchable_characters(catalog: TantivyIndex) -> None:
    result = catalog.search("（）——！")
    assert result.total == 0 and result.hits == []


@pytest.mark.parametrize(
    "query",
    ['"', ":", "*", "(", ")", "name:人口", '"人口', "人口 AND (", "rk*", "[1 TO 2]", "^2", "~", "\\", "-", "+社保",
     "a" * 300, "人口" * 500, "\x00", "户籍/人口", "'; DROP TABLE", "<mark>"],
)
def test_it_never_crashes_on_query_syntax_characters(catalog: TantivyIndex, query: str) -> None:
    result = catalog.search(query, facets=["share"])
    assert result.total >= 0


def test_it_bounds_very_long_queries(catalog: TantivyIndex) -> None:
    result = catalog.search("人口基础信息" * 100)
    assert result.truncated
    assert len(result.query) <= MAX_QUERY_CHARS
    assert result.hits[0].id == "pop"


def test_it_escapes_html_from_documents_in_highlights_and_snippets(catalog: TantivyIndex) -> None:
    (hit,) = catalog.search("来信").hits
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; 其他" in hit.snippet
    assert "<mark>来信</mark>" in hit.snippet
    (hit,) = catalog.search("script").hits
    assert "&lt;<mark>script</mark>&gt;" in hit.snippet


def test_it_escapes_markup_typed_in_the_query(catalog: TantivyIndex) -> None:
    for hit in catalog.search("<mark>人口</mark>").hits:
        assert "&lt;mark&gt;" not in hit.snippet and hit.snippet.count("<mark>") == hit.snippet.count("</mark>")


def test_it_cuts_long_snippets_around_the_match(analyzer: Analyzer) -> None:
    index = TantivyIndex(CATALOG, analyzer=analyzer)
    body = "无关内容。" * 60 + "这里提到不动产登记。" + "其他内容。" * 60
    index.index([resource("long", "长文档", [], body)])
    index.commit()
    (hit,) = index.search("不动产").hits
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "<mark>不动产</mark>" in hit.snippet
    assert len(hit.snippet) < 200


def test_it_returns_stored_fields_and_values(catalog: TantivyIndex) -> None:
    (hit,) = catalog.search("企业登记").hits[:1]
    assert hit.stored == {"provider": "县市场监督管理局", "code": "C-biz"}
    assert hit.text["items"] == ["统一社会信用代码", "法定代表人", "注册资本"]
    assert hit.keywords["open"] == ["无条件开放"]
    assert hit.highlights["name"] == "<mark>企业登记</mark>信息"


def test_it_deletes_documents(catalog: TantivyIndex) -> None:
    catalog.delete(["pop"])
    assert "pop" in ids(catalog, "人口")  # not yet committed
    catalog.commit()
    assert "pop" not in ids(catalog, "人口")
    assert catalog.count() == len(DOCS) - 1
    assert catalog.get("pop") is None


def test_it_replaces_a_document_indexed_again_with_the_same_id(catalog: TantivyIndex) -> None:
    catalog.index([resource("pop", "流动人口登记信息", ["姓名"], "更新后的摘要")])
    catalog.commit()
    assert catalog.count() == len(DOCS)
    assert ids(catalog, "公民身份号码") == []  # an 信息项 of the old version only
    result = catalog.search("流动人口")
    assert [h.id for h in result.hits] == ["pop"]
    assert result.hits[0].text["summary"] == "更新后的摘要"


def test_it_keeps_the_last_version_when_an_id_repeats_in_one_batch(catalog: TantivyIndex) -> None:
    catalog.index([resource("dup", "第一版"), resource("dup", "第二版")])
    catalog.commit()
    assert ids(catalog, "第二版") == ["dup"]
    assert ids(catalog, "第一版") == []


def test_it_clears_everything(catalog: TantivyIndex) -> None:
    catalog.clear()
    assert catalog.count() == 0
    assert catalog.search("").total == 0


def test_it_ranks_an_exact_title_match_above_a_body_only_match(analyzer: Analyzer) -> None:
    index = TantivyIndex(CATALOG, analyzer=analyzer)
    index.index(
        [
            resource("body1", "年度工作台账", ["备注"], "本台账汇总了婚姻登记信息的报送情况，婚姻登记信息按月报送。"),
            resource("title", "婚姻登记信息", ["男方姓名", "女方姓名"], "民政部门办理结婚和离婚登记的记录。"),
            resource("body2", "民政统计表", ["婚姻登记信息数"], "其中包括婚姻登记。"),
        ]
    )
    index.commit()
    assert ids(index, "婚姻登记信息")[0] == "title"
    assert ids(index, "婚姻登记")[0] == "title"


def test_it_ranks_a_pinyin_match_at_the_start_of_a_title_first(analyzer: Analyzer) -> None:
    index = TantivyIndex(CATALOG, analyzer=analyzer)
    index.index([resource("mid", "流动人口基础信息"), resource("start", "人口基础信息")])
    index.commit()
    assert ids(index, "rkjc") == ["start", "mid"]


def test_it_corrects_a_typo_by_sound_and_says_so(catalog: TantivyIndex) -> None:
    result = catalog.search("社会保线")
    assert result.corrected_query == "社会保险"
    assert result.hits[0].id == "ss"
    assert catalog.search("不动产登机").corrected_query == "不动产登记"
    assert catalog.search("人口").corrected_query is None


def test_it_suggests_a_word_by_sound_from_the_index_vocabulary(catalog: TantivyIndex) -> None:
    assert catalog.suggest("企夜登记") == "企业登记"
    assert catalog.suggest("无此读音的词语") is None


def test_it_relaxes_when_not_every_word_matches(catalog: TantivyIndex) -> None:
    result = catalog.search("企业登记 火星")
    assert result.relaxed
    assert result.hits[0].id == "biz"
    assert not catalog.search("企业登记").relaxed


def test_it_finds_codes_and_latin_words(analyzer: Analyzer) -> None:
    index = TantivyIndex(CATALOG, analyzer=analyzer)
    index.index([resource("api", "GIS地图服务API接口", [], "2023年版"), resource("other", "其他")])
    index.commit()
    assert ids(index, "api") == ["api"]
    assert ids(index, "GIS") == ["api"]
    assert ids(index, "2023") == ["api"]


def test_it_finds_more_like_this(catalog: TantivyIndex) -> None:
    result = catalog.more_like_this("ss", limit=5)
    assert "ss" not in [h.id for h in result.hits]
    assert result.hits[0].id in {"med", "shebao-body", "pop"}
    assert catalog.more_like_this("missing").hits == []


def test_it_rejects_unknown_fields(catalog: TantivyIndex) -> None:
    with pytest.raises(ValueError):
        catalog.search("人口", filters={"nope": ["x"]})
    with pytest.raises(ValueError):
        catalog.search("人口", facets=["nope"])
    with pytest.raises(ValueError):
        catalog.search("人口", sort="-nope")


def test_it_validates_schema_field_names() -> None:
    with pytest.raises(ValueError):
        IndexSchema(text=(TextField("bad__name"),))
    with pytest.raises(ValueError):
        IndexSchema(text=(TextField("a"),), keywords=("a",))


def test_it_persists_across_reopening(tmp_path: Path, analyzer: Analyzer) -> None:
    path = tmp_path / "catalog"
    index = TantivyIndex(CATALOG, path, analyzer=analyzer)
    index.index(DOCS)
    index.commit()
    index.close()
    del index
    reopened = TantivyIndex(CATALOG, path, analyzer=analyzer, writable=False)
    assert reopened.count() == len(DOCS)
    assert ids(reopened, "rkjc") == ["pop"]
    with pytest.raises(PermissionError):
        reopened.delete(["pop"])


def test_a_reader_sees_the_writers_commits(tmp_path: Path, analyzer: Analyzer) -> None:
    path = tmp_path / "catalog"
    writer = TantivyIndex(CATALOG, path, analyzer=analyzer)
    reader = TantivyIndex(CATALOG, path, analyzer=analyzer, writable=False)
    writer.index(DOCS[:2])
    writer.commit()
    reader.refresh()
    assert reader.count() == 2
    with pytest.raises(ValueError, match="LockBusy"):  # one writer per directory, across processes too
        TantivyIndex(CATALOG, path, analyzer=analyzer).index(DOCS[2:3])


def test_a_reader_may_create_the_directory_before_the_writer(tmp_path: Path, analyzer: Analyzer) -> None:
    path = tmp_path / "fresh"
    reader = TantivyIndex(CATALOG, path, analyzer=analyzer, writable=False)
    assert reader.count() == 0 and reader.search("人口").total == 0
    writer = TantivyIndex(CATALOG, path, analyzer=analyzer)
    writer.index(DOCS[:1])
    writer.commit()
    reader.refresh()
    assert reader.count() == 1


def test_it_refuses_an_index_built_with_another_schema_unless_told_to_rebuild(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    path = tmp_path / "idx"
    first = TantivyIndex(CATALOG, path, analyzer=analyzer)
    first.index(DOCS)
    first.commit()
    first.close()
    del first
    other = IndexSchema(text=(TextField("title", boost=2.0),))
    with pytest.raises(SchemaMismatchError):
        TantivyIndex(other, path, analyzer=analyzer)
    rebuilt = TantivyIndex(other, path, analyzer=analyzer, rebuild_on_mismatch=True)
    assert rebuilt.rebuilt and rebuilt.count() == 0


def test_it_holds_several_indexes_with_their_own_schemas(analyzer: Analyzer) -> None:
    policies = TantivyIndex(
        IndexSchema(text=(TextField("title", 3.0, pinyin=True), TextField("body")), keywords=("year",)),
        analyzer=analyzer,
    )
    policies.index([Doc("p1", {"title": "关于进一步优化营商环境的若干措施", "body": "……"}, {"year": "2024"})])
    policies.commit()
    assert [h.id for h in policies.search("营商环境", facets=["year"]).hits] == ["p1"]
    assert [h.id for h in policies.search("yingshang").hits] == ["p1"]


def test_it_serves_readers_while_a_writer_commits(analyzer: Analyzer) -> None:
    index = TantivyIndex(CATALOG, analyzer=analyzer)
    index.index(DOCS)
    index.commit()
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                assert index.search("人口", facets=["share"]).total >= 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    for round_ in range(5):
        index.index([resource(f"extra{round_}", f"人口专题{round_}")])
        index.commit()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    assert index.count() == len(DOCS) + 5


def test_it_analyses_in_worker_processes_for_bulk_loads(analyzer: Analyzer) -> None:
    index = TantivyIndex(CATALOG, analyzer=analyzer)
    docs = [resource(f"d{i}", f"{town}人口基础信息") for i, town in enumerate(["青阳镇", "城头镇", "双沟镇"] * 10)]
    assert index.index(docs, workers=2, chunk_size=7) == 30
    index.commit()
    assert index.search("rkjc").total == 30
    assert index.search("城头").total == 10
