"""The search interface and its embedded implementation on tantivy.

:class:`SearchIndex` is what the rest of the platform uses (catalog now; policies and Q&A later):
``index``/``delete``/``commit``/``clear`` on the write side; ``search`` (facets, filters, paging,
sort, highlighted snippets, typo correction) and ``more_like_this`` on the read side. Each index
declares its own :class:`IndexSchema`: text fields with boosts, keyword (facet/filter) fields and
integer sort fields. Documents are :class:`Doc` values; results are :class:`SearchResult`.

:class:`TantivyIndex` keeps the index in a directory (``var/search/<name>/``) or in memory (tests).
tantivy's Python wheel cannot run a Python tokenizer, so all Chinese analysis is done by
:class:`search.analysis.Analyzer` and tantivy indexes the resulting space-joined token streams with
its whitespace tokenizer. Queries are built programmatically from the analysed terms (never through
tantivy's query-string parser), so no user input can produce a syntax error.

Query semantics
- Every query term is required (AND). A word matches as a dictionary word (boosted per field), as a
  synonym, or as a substring through character bigrams; letters match pinyin (full or initials,
  prefix from any word start) or the literal word; codes match literally.
- Extra score for the whole query equal to a field's value (``exact`` fields, e.g. a title) and for
  adjacent query words found together.
- With no hits: words that occur nowhere are corrected by sound from the index's own vocabulary
  (社会保线 → 社会保险; reported in ``SearchResult.corrected_query``), then the AND is relaxed to a
  majority of the terms (``SearchResult.relaxed``).
- A blank (empty or whitespace) query matches every document: the browse view, with filters, facets
  and ``sort``. A query with no searchable characters (only punctuation) matches nothing.
- Queries are cut at ``MAX_QUERY_CHARS`` (200) characters and ``MAX_QUERY_TERMS`` terms.

Concurrency: one writer and any number of readers per process. Writes go through one lock; readers
take a fresh searcher per query. A commit makes changes visible to this process at once. Across
processes, exactly one process may write (tantivy holds a lock file; a second writer fails with an
error): the task worker (re)indexes and commits, web processes open the same directory read-only
(``writable=False``) and pick up each commit automatically (the reader reloads when ``meta.json``
changes) or at once with :meth:`TantivyIndex.refresh`.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import tantivy

from . import highlight
from .analysis import (
    ANALYZER_VERSION,
    CJK_RUN,
    START_MARK,
    VALUE_JOINER,
    AnalyzedQuery,
    Analyzer,
    QueryTerm,
    normalize,
    pinyin_key,
    substring_grams,
)

# Relative weights inside one field (the field's own boost multiplies them).
WORD_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.8
NGRAM_WEIGHT = 0.4
PINYIN_FULL_WEIGHT = 0.8
PINYIN_INITIALS_WEIGHT = 0.6
PINYIN_EXACT_WEIGHT = 0.4
PINYIN_START_WEIGHT = 0.3
EXACT_WEIGHT = 3.0
PHRASE_WEIGHT = 0.5

MAX_LIMIT = 1000
MAX_OFFSET = 100_000
SNIPPET_CHARS = 120
MLT_TERMS = 24

_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")
_TOKENIZER = "zt_ws"


class SchemaMismatchError(RuntimeError):
    """The directory holds an index built with another schema or analyzer version."""


# -- schema and documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class TextField:
    """A searchable text field.

    ``boost``: weight against other fields (title > keywords/items > body). ``pinyin``: also index
    full pinyin and initials (short fields: titles, names, 信息项). ``exact``: extra score when the
    whole query equals the value (titles). ``ngram``: character n-gram fallback (on by default).
    ``snippet``: may supply the hit's snippet (turn off for titles, shown from ``highlights``).
    """

    name: str
    boost: float = 1.0
    pinyin: bool = False
    exact: bool = False
    ngram: bool = True
    snippet: bool = True


@dataclass(frozen=True)
class IndexSchema:
    """What one index holds: text fields, keyword (facet and filter) fields, integer sort fields."""

    text: tuple[TextField, ...]
    keywords: tuple[str, ...] = ()
    sortable: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [f.name for f in self.text] + list(self.keywords) + list(self.sortable)
        for name in names:
            if not _NAME.fullmatch(name) or "__" in name:
                raise ValueError(f"invalid field name {name!r}: use [a-z][a-z0-9_]*, no '__'")
        if len(set(names)) != len(names):
            raise ValueError("field names must be unique across text, keywords and sortable")
        if not self.text:
            raise ValueError("an index needs at least one text field")

    def describe(self) -> dict[str, Any]:
        return {
            "text": [vars(f) for f in self.text],
            "keywords": list(self.keywords),
            "sortable": list(self.sortable),
        }

    def build(self) -> tantivy.Schema:
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("_id", tokenizer_name="raw")
        sb.add_bytes_field("_doc", stored=True)
        sb.add_text_field("_spell", tokenizer_name=_TOKENIZER, index_option="freq")
        for f in self.text:
            sb.add_text_field(f"{f.name}__w", tokenizer_name=_TOKENIZER)
            if f.ngram:
                sb.add_text_field(f"{f.name}__g", tokenizer_name=_TOKENIZER)
            if f.pinyin:
                sb.add_text_field(f"{f.name}__pf", tokenizer_name=_TOKENIZER, index_option="freq")
                sb.add_text_field(f"{f.name}__pi", tokenizer_name=_TOKENIZER, index_option="freq")
            if f.exact:
                sb.add_text_field(f"{f.name}__x", tokenizer_name="raw", index_option="basic")
        for k in self.keywords:
            sb.add_text_field(f"kw__{k}", tokenizer_name="raw", fast=True, index_option="basic")
        for s in self.sortable:
            sb.add_integer_field(f"sort__{s}", indexed=True, fast=True)
        return sb.build()


TextValue = str | Sequence[str]


@dataclass
class Doc:
    """One document: ``text`` and ``keywords`` values are a string or a list of strings."""

    id: str
    text: Mapping[str, TextValue]
    keywords: Mapping[str, TextValue] = field(default_factory=dict)
    stored: Mapping[str, Any] = field(default_factory=dict)
    sort: Mapping[str, int] = field(default_factory=dict)


def _values(value: TextValue | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def display_text(value: TextValue | None) -> str:
    """A text value as shown: a list is joined with 、."""
    return VALUE_JOINER.join(v for v in _values(value) if v)


# -- results ----------------------------------------------------------------------------------


class FacetCount(NamedTuple):
    value: str
    count: int  # type: ignore[assignment]  # a field named like tuple.count, on purpose


@dataclass
class Hit:
    id: str
    score: float
    stored: dict[str, Any]
    text: dict[str, Any]  # the text values as indexed (str or list)
    keywords: dict[str, list[str]]
    highlights: dict[str, str]  # field → escaped HTML with <mark>; long fields are cut to a window
    snippet: str  # the best highlighted fragment of a snippet field (escaped HTML)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    query: str = ""  # the normalised query actually searched (after truncation)
    corrected_query: str | None = None  # set when the hits are for a corrected query (您是不是要找)
    relaxed: bool = False  # True when not every term could be matched
    truncated: bool = False
    took_ms: float = 0.0


class SearchIndex(Protocol):
    """The small interface every search backend offers."""

    schema: IndexSchema

    def index(self, docs: Iterable[Doc]) -> int: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def commit(self) -> None: ...

    def clear(self) -> None: ...

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        facets: Sequence[str] = (),
        offset: int = 0,
        limit: int = 20,
        sort: str | None = None,
    ) -> SearchResult: ...

    def more_like_this(self, id: str, limit: int = 10) -> SearchResult: ...

    def count(self) -> int: ...


# -- document preparation (also run in worker processes for bulk loads) ------------------------

Prepared = tuple[str, list[tuple[str, str]], list[tuple[str, int]], bytes]

_worker_analyzer: Analyzer | None = None


def prepare(doc: Doc, schema: IndexSchema, analyzer: Analyzer) -> Prepared:
    """Analyse one document into (id, [(field, text)], [(sort field, int)], stored JSON)."""
    texts: list[tuple[str, str]] = []
    spell: list[str] = []
    stored_text: dict[str, Any] = {}
    cuts: dict[str, list[int]] = {}
    for f in schema.text:
        raw = doc.text.get(f.name)
        values = [v for v in _values(raw) if v and not v.isspace()]
        if raw is not None:
            stored_text[f.name] = raw if isinstance(raw, str) else list(values)
        if not values:
            continue
        tokens = analyzer.analyze_values(values, pinyin=f.pinyin)
        if tokens.words:
            texts.append((f"{f.name}__w", tokens.words))
        if f.ngram and tokens.grams:
            texts.append((f"{f.name}__g", tokens.grams))
        if f.pinyin:
            cuts[f.name] = list(tokens.cuts)
            if tokens.pinyin_full:
                texts.append((f"{f.name}__pf", tokens.pinyin_full))
            if tokens.pinyin_initials:
                texts.append((f"{f.name}__pi", tokens.pinyin_initials))
        if tokens.spell:
            spell.append(tokens.spell)
        if f.exact:
            texts.extend((f"{f.name}__x", c) for c in map(_compact, values) if c)
    if spell:
        texts.append(("_spell", " ".join(spell)))
    keywords: dict[str, list[str]] = {}
    for k in schema.keywords:
        values = [v for v in _values(doc.keywords.get(k)) if v]
        if values:
            keywords[k] = values
            texts.extend((f"kw__{k}", v) for v in values)
    sorts: list[tuple[str, int]] = []
    for s in schema.sortable:
        if doc.sort.get(s) is not None:
            sorts.append((f"sort__{s}", int(doc.sort[s])))
    payload = {
        "id": doc.id,
        "text": stored_text,
        "kw": keywords,
        "stored": dict(doc.stored),
        "sort": {s: doc.sort[s] for s in schema.sortable if doc.sort.get(s) is not None},
        "cuts": cuts,
    }
    return doc.id, texts, sorts, json.dumps(payload, ensure_ascii=False, default=str).encode()


def _compact(value: str) -> str:
    return "".join(normalize(value).split())


def _worker_prepare(args: tuple[IndexSchema, list[Doc]]) -> list[Prepared]:
    global _worker_analyzer
    if _worker_analyzer is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)  # our own worker process (importing jieba resets it to DEBUG)
        _worker_analyzer = Analyzer()
    schema, docs = args
    return [prepare(d, schema, _worker_analyzer) for d in docs]


def _chunks(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    chunk: list[Doc] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- the tantivy implementation ---------------------------------------------------------------


class TantivyIndex:
    """An embedded index on tantivy; see the module docstring for semantics and concurrency."""

    META_FILE = "zt_schema.json"

    def __init__(
        self,
        schema: IndexSchema,
        path: str | Path | None = None,
        *,
        analyzer: Analyzer | None = None,
        writable: bool = True,
        rebuild_on_mismatch: bool = False,
        writer_heap_bytes: int = 64_000_000,
        writer_threads: int = 1,
    ) -> None:
        self.schema = schema
        self.analyzer = analyzer or default_analyzer()
        self.path = Path(path) if path is not None else None
        self.writable = writable
        self.rebuilt = False
        self._heap = writer_heap_bytes
        self._threads = writer_threads
        self._lock = threading.RLock()
        self._writer: tantivy.IndexWriter | None = None
        self._tschema = schema.build()
        self._text_by_name = {f.name: f for f in schema.text}
        self._index = self._open(rebuild_on_mismatch)
        self._index.register_tokenizer(
            _TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        self._index.config_reader("OnCommit", 0)

    # -- opening -----------------------------------------------------------------------------

    def _fingerprint(self) -> dict[str, Any]:
        return {"schema": self.schema.describe(), "analyzer": ANALYZER_VERSION}

    def _open(self, rebuild_on_mismatch: bool) -> tantivy.Index:
        if self.path is None:
            return tantivy.Index(self._tschema)
        meta = self.path / self.META_FILE
        if self.path.exists() and (self.path / "meta.json").exists():
            found = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else None
            if found != self._fingerprint():
                if not (rebuild_on_mismatch and self.writable):
                    raise SchemaMismatchError(
                        f"{self.path} was built with another schema or analyzer; "
                        "open it writable with rebuild_on_mismatch=True and re-index"
                    )
                shutil.rmtree(self.path)
                self.rebuilt = True
        fresh = not (self.path / "meta.json").exists()
        self.path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self._tschema, path=str(self.path), reuse=True)
        if fresh:  # whoever creates the directory (a reader too) records what it was built for
            meta.write_text(json.dumps(self._fingerprint(), ensure_ascii=False), encoding="utf-8")
        return index

    # -- writing -----------------------------------------------------------------------------

    def _get_writer(self) -> tantivy.IndexWriter:
        if not self.writable:
            raise PermissionError("this index was opened read-only")
        if self._writer is None:
            self._writer = self._index.writer(heap_size=self._heap, num_threads=self._threads)
        return self._writer

    def index(self, docs: Iterable[Doc], *, workers: int = 1, chunk_size: int = 500) -> int:
        """Add or replace documents (by id); visible after :meth:`commit`. Returns the count.

        ``workers`` > 1 analyses in that many processes (for bulk loads; jieba is CPU-bound).
        """
        if workers > 1:
            prepared: Iterable[Prepared] = self._prepare_parallel(docs, workers, chunk_size)
        else:
            prepared = (prepare(d, self.schema, self.analyzer) for d in docs)
        count = 0
        with self._lock:
            writer = self._get_writer()
            for doc_id, texts, sorts, payload in prepared:
                writer.delete_documents_by_term("_id", doc_id)
                tdoc = tantivy.Document()
                tdoc.add_text("_id", doc_id)
                for name, text in texts:
                    tdoc.add_text(name, text)
                for name, number in sorts:
                    tdoc.add_integer(name, number)
                tdoc.add_bytes("_doc", payload)
                writer.add_document(tdoc)
                count += 1
        return count

    def _prepare_parallel(self, docs: Iterable[Doc], workers: int, chunk_size: int) -> Iterator[Prepared]:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs tantivy threads
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            jobs = ((self.schema, chunk) for chunk in _chunks(docs, chunk_size))
            for batch in pool.map(_worker_prepare, jobs):
                yield from batch

    def delete(self, ids: Iterable[str]) -> None:
        with self._lock:
            writer = self._get_writer()
            for doc_id in ids:
                writer.delete_documents_by_term("_id", str(doc_id))

    def commit(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
                self._index.reload()

    def clear(self) -> None:
        """Delete every document and commit."""
        with self._lock:
            self._get_writer().delete_all_documents()
            self.commit()

    def optimize(self) -> None:
        """Wait for background merges (call after a bulk load, before benchmarks or backups)."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None
                self._index.reload()

    def close(self) -> None:
        """Release the writer (and its lock file) without committing pending changes."""
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()
                self._writer = None

    def refresh(self) -> None:
        """Reload the reader now (other processes' commits are otherwise seen within a moment)."""
        self._index.reload()

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    # -- query building ----------------------------------------------------------------------

    def _boosted(self, query: tantivy.Query, boost: float) -> tantivy.Query:
        return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)

    def _term(self, field_name: str, value: str, boost: float) -> tantivy.Query:
        return self._boosted(tantivy.Query.term_query(self._tschema, field_name, value), boost)

    def _substring(self, field_name: str, text: str, boost: float) -> tantivy.Query:
        grams = substring_grams(text)
        if len(grams) == 1:
            return self._term(field_name, grams[0][1], boost)
        words: list[str | tuple[int, str]] = list(grams)
        return self._boosted(tantivy.Query.phrase_query(self._tschema, field_name, words), boost)

    def _prefix(self, field_name: str, text: str, boost: float) -> tantivy.Query:
        return self._boosted(tantivy.Query.phrase_prefix_query(self._tschema, field_name, [text]), boost)

    def _clause(self, term: QueryTerm) -> tantivy.Query:
        should = tantivy.Occur.Should
        subs: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if term.kind == "word":
            for i, alt in enumerate((term.text, *term.alternatives)):
                weight = WORD_WEIGHT if i == 0 else SYNONYM_WEIGHT
                for f in self.schema.text:
                    subs.append((should, self._term(f"{f.name}__w", alt, f.boost * weight)))
                    if f.ngram:
                        subs.append((should, self._substring(f"{f.name}__g", alt, f.boost * weight * NGRAM_WEIGHT)))
        elif term.kind == "pinyin":
            letters = term.text
            for f in self.schema.text:
                if f.pinyin:
                    if len(letters) >= 2:
                        for suffix, weight in (("pf", PINYIN_FULL_WEIGHT), ("pi", PINYIN_INITIALS_WEIGHT)):
                            name = f"{f.name}__{suffix}"
                            subs.append((should, self._prefix(name, letters, f.boost * weight)))
                            start = self._prefix(name, START_MARK + letters, f.boost * PINYIN_START_WEIGHT)
                            subs.append((should, start))
                    subs.append((should, self._term(f"{f.name}__pf", letters, f.boost * PINYIN_EXACT_WEIGHT)))
                    subs.append((should, self._term(f"{f.name}__pi", letters, f.boost * PINYIN_EXACT_WEIGHT)))
                parts = term.alternatives or (letters,)
                literal = [self._term(f"{f.name}__w", p, f.boost) for p in parts]
                if len(literal) == 1:
                    subs.append((should, literal[0]))
                else:
                    subs.append((should, tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in literal])))
        else:
            for f in self.schema.text:
                subs.append((should, self._term(f"{f.name}__w", term.text, f.boost)))
        return tantivy.Query.boolean_query(subs)

    def _bonus(self, query: AnalyzedQuery) -> list[tantivy.Query]:
        out: list[tantivy.Query] = []
        compact = query.compact
        for f in self.schema.text:
            if f.exact and compact:
                out.append(self._term(f"{f.name}__x", compact, f.boost * EXACT_WEIGHT))
            if f.ngram:
                for phrase in query.phrases:
                    out.append(self._substring(f"{f.name}__g", phrase, f.boost * PHRASE_WEIGHT))
        return out

    def _text_query(self, query: AnalyzedQuery, min_match: int | None = None) -> tantivy.Query:
        if query.blank:
            return tantivy.Query.all_query()
        if not query.terms:
            return tantivy.Query.empty_query()
        clauses = [self._clause(t) for t in query.terms]
        if min_match is None:
            parts = [(tantivy.Occur.Must, c) for c in clauses]
        else:
            inner = tantivy.Query.boolean_query([(tantivy.Occur.Should, c) for c in clauses], min_match)
            parts = [(tantivy.Occur.Must, inner)]
        parts.extend((tantivy.Occur.Should, b) for b in self._bonus(query))
        return tantivy.Query.boolean_query(parts)

    def _filter_queries(self, filters: Mapping[str, Sequence[str]] | None) -> dict[str, tantivy.Query]:
        out: dict[str, tantivy.Query] = {}
        for name, values in (filters or {}).items():
            if name not in self.schema.keywords:
                raise ValueError(f"unknown filter field {name!r}")
            vals = [values] if isinstance(values, str) else [str(v) for v in values]
            if not vals:
                continue
            q = tantivy.Query.term_set_query(self._tschema, f"kw__{name}", vals)
            out[name] = tantivy.Query.const_score_query(q, 0.0)
        return out

    @staticmethod
    def _and(text_q: tantivy.Query, filters: Iterable[tantivy.Query]) -> tantivy.Query:
        extra = list(filters)
        if not extra:
            return text_q
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, text_q), *((tantivy.Occur.Must, q) for q in extra)])

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        facets: Sequence[str] = (),
        offset: int = 0,
        limit: int = 20,
        sort: str | None = None,
        facet_limit: int = 100,
    ) -> SearchResult:
        """Search; see the module docstring. ``sort`` is ``"field"`` or ``"-field"`` (descending)."""
        started = time.perf_counter()
        offset = max(0, min(int(offset), MAX_OFFSET))
        limit = max(0, min(int(limit), MAX_LIMIT))
        order = self._sort_spec(sort)
        for name in facets:
            if name not in self.schema.keywords:
                raise ValueError(f"unknown facet field {name!r}")
        analyzed = self.analyzer.analyze_query(query)
        filter_qs = self._filter_queries(filters)
        searcher = self._index.searcher()

        text_q = self._text_query(analyzed)
        full_q = self._and(text_q, filter_qs.values())
        total, page = self._run(searcher, full_q, offset, limit, order)
        corrected: str | None = None
        relaxed = False
        if total == 0 and analyzed.terms:
            fixed = self._correct(searcher, analyzed)
            if fixed is not None:
                text_q = self._text_query(fixed)
                full_q = self._and(text_q, filter_qs.values())
                total, page = self._run(searcher, full_q, offset, limit, order)
                if total:
                    corrected, analyzed = fixed.text, fixed
            n = len(analyzed.terms)
            if total == 0 and n > 1:
                for min_match in dict.fromkeys((max(1, math.ceil(n * 0.6)) if n > 2 else 1, 1)):
                    text_q = self._text_query(analyzed, min_match)
                    full_q = self._and(text_q, filter_qs.values())
                    total, page = self._run(searcher, full_q, offset, limit, order)
                    if total:
                        relaxed = True
                        break

        hits = [self._hit(searcher, score, addr, analyzed, scored=order is None) for score, addr in page]
        facet_counts = self._facets(searcher, text_q, filter_qs, facets, filters or {}, facet_limit)
        return SearchResult(
            hits=hits,
            total=total,
            facets=facet_counts,
            query=analyzed.text,
            corrected_query=corrected,
            relaxed=relaxed,
            truncated=analyzed.truncated,
            took_ms=(time.perf_counter() - started) * 1000,
        )

    def _sort_spec(self, sort: str | None) -> tuple[str, tantivy.Order] | None:
        if not sort or sort in ("score", "-score"):
            return None
        name = sort.lstrip("-")
        if name not in self.schema.sortable:
            raise ValueError(f"unknown sort field {name!r}")
        return f"sort__{name}", tantivy.Order.Desc if sort.startswith("-") else tantivy.Order.Asc

    @staticmethod
    def _run(
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        offset: int,
        limit: int,
        order: tuple[str, tantivy.Order] | None,
    ) -> tuple[int, list[tuple[Any, tantivy.DocAddress]]]:
        # tantivy panics on limit 0, so ask for one and drop it.
        kwargs: dict[str, Any] = {"limit": max(1, limit), "count": True, "offset": offset}
        if order is not None:
            kwargs["order_by_field"], kwargs["order"] = order
        result = searcher.search(query, **kwargs)
        total = int(result.count or 0)  # type: ignore[attr-defined]
        return total, list(result.hits)[:limit]

    def _facets(
        self,
        searcher: tantivy.Searcher,
        text_q: tantivy.Query,
        filter_qs: dict[str, tantivy.Query],
        facets: Sequence[str],
        filters: Mapping[str, Sequence[str]],
        size: int,
    ) -> dict[str, list[FacetCount]]:
        """Counts per value, each facet under every filter except its own (multi-select facets)."""
        if not facets:
            return {}
        out: dict[str, list[FacetCount]] = {}
        plain = [f for f in facets if f not in filter_qs]
        jobs: list[tuple[list[str], tantivy.Query]] = []
        if plain:
            jobs.append((plain, self._and(text_q, filter_qs.values())))
        for name in facets:
            if name in filter_qs:
                others = [q for k, q in filter_qs.items() if k != name]
                jobs.append(([name], self._and(text_q, others)))
        for names, query in jobs:
            aggs = {n: {"terms": {"field": f"kw__{n}", "size": max(1, size)}} for n in names}
            result = searcher.aggregate(query, aggs)
            for n in names:
                buckets = (result.get(n) or {}).get("buckets", [])
                counts = [FacetCount(str(b["key"]), int(b["doc_count"])) for b in buckets]
                counts.sort(key=lambda c: (-c.count, c.value))
                present = {c.value for c in counts}
                selected = filters.get(n) or []
                selected = [selected] if isinstance(selected, str) else selected
                counts.extend(FacetCount(str(v), 0) for v in selected if str(v) not in present)
                out[n] = counts
        return {n: out[n] for n in facets}

    def _correct(self, searcher: tantivy.Searcher, query: AnalyzedQuery) -> AnalyzedQuery | None:
        """Re-spell words that match nothing with the commonest same-sounding indexed word.

        A whole run of CJK text is tried first (社会保线 → 社会保险 even when jieba cut it as
        社会/保线), then each failing word on its own.
        """
        failing = [
            t.text
            for t in query.terms
            if t.kind == "word" and not self._run(searcher, self._clause(t), 0, 1, None)[0]
        ]
        if not failing:
            return None
        text = query.text
        for run in CJK_RUN.findall(query.text):
            bad = [w for w in failing if w in run]
            if not bad:
                continue
            best = self.suggest(run, searcher=searcher) if len(run) <= 16 else None
            if best is not None:
                text = text.replace(run, best)
                continue
            for word in bad:
                best = self.suggest(word, searcher=searcher) if len(word) >= 2 else None
                if best is not None:
                    text = text.replace(word, best)
        return self.analyzer.analyze_query(text) if text != query.text else None

    def suggest(self, word: str, *, searcher: tantivy.Searcher | None = None) -> str | None:
        """The indexed word that sounds like ``word`` (same full pinyin) and is most common."""
        key = pinyin_key(normalize(word))
        if not key:
            return None
        searcher = searcher or self._index.searcher()
        candidates = searcher.terms_with_prefix("_spell", f"{key}|", limit=50)
        best = max(
            ((term.split("|", 1)[1], df) for term, df in candidates if term.split("|", 1)[1] != word),
            key=lambda c: c[1],
            default=None,
        )
        return best[0] if best else None

    # -- hits --------------------------------------------------------------------------------

    def _load(self, searcher: tantivy.Searcher, addr: tantivy.DocAddress) -> dict[str, Any]:
        raw = searcher.doc(addr).get_first("_doc")
        return json.loads(bytes(raw)) if raw is not None else {}

    def _hit(
        self,
        searcher: tantivy.Searcher,
        score: Any,
        addr: tantivy.DocAddress,
        query: AnalyzedQuery | None,
        *,
        scored: bool,
    ) -> Hit:
        payload = self._load(searcher, addr)
        text = payload.get("text", {})
        cuts = payload.get("cuts", {})
        highlights: dict[str, str] = {}
        snippet = ""
        fallback = ""
        for f in self.schema.text:
            shown = display_text(text.get(f.name))
            if not shown:
                continue
            spans = (
                highlight.find_spans(shown, query, self.analyzer, pinyin=f.pinyin, cuts=cuts.get(f.name))
                if query and query.terms
                else []
            )
            limit = len(shown) if not f.snippet else SNIPPET_CHARS
            rendered = highlight.fragment(shown, spans, limit)
            highlights[f.name] = rendered
            if f.snippet:
                if spans and not snippet:
                    snippet = rendered
                if not fallback:
                    fallback = rendered
        return Hit(
            id=str(payload.get("id", "")),
            score=float(score) if scored and score is not None else 0.0,
            stored=payload.get("stored", {}),
            text=text,
            keywords=payload.get("kw", {}),
            highlights=highlights,
            snippet=snippet or fallback,
        )

    def get(self, id: str) -> Hit | None:
        """One document by id (no highlighting), or None."""
        searcher = self._index.searcher()
        found = searcher.search(tantivy.Query.term_query(self._tschema, "_id", str(id)), limit=1)
        if not found.hits:
            return None
        _score, addr = found.hits[0]
        return self._hit(searcher, None, addr, None, scored=False)

    def more_like_this(self, id: str, limit: int = 10) -> SearchResult:
        """Documents sharing the most distinctive words of document ``id`` (tf·idf, field boosts)."""
        started = time.perf_counter()
        searcher = self._index.searcher()
        found = searcher.search(tantivy.Query.term_query(self._tschema, "_id", str(id)), limit=1)
        if not found.hits:
            return SearchResult(hits=[], total=0)
        payload = self._load(searcher, found.hits[0][1])
        n_docs = max(1, int(searcher.num_docs))
        weights: dict[tuple[str, str], float] = {}
        for f in self.schema.text:
            shown = " ".join(_values(payload.get("text", {}).get(f.name)))
            for token, tf in self.analyzer.word_counts(shown).items():
                if len(token) < 2:
                    continue
                df = int(searcher.doc_freq(f"{f.name}__w", token))
                if df <= 1:
                    continue
                idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
                weights[(f.name, token)] = f.boost * (1 + math.log(tf)) * idf
        top = sorted(weights.items(), key=lambda kv: -kv[1])[:MLT_TERMS]
        if not top:
            return SearchResult(hits=[], total=0)
        should = [(tantivy.Occur.Should, self._term(f"{name}__w", tok, w)) for (name, tok), w in top]
        query = tantivy.Query.boolean_query(
            [*should, (tantivy.Occur.MustNot, tantivy.Query.term_query(self._tschema, "_id", str(id)))]
        )
        total, page = self._run(searcher, query, 0, max(1, min(limit, MAX_LIMIT)), None)
        hits = [self._hit(searcher, score, addr, None, scored=True) for score, addr in page]
        return SearchResult(hits=hits, total=total, took_ms=(time.perf_counter() - started) * 1000)


_default_analyzer: Analyzer | None = None
_default_lock = threading.Lock()


def default_analyzer() -> Analyzer:
    """The process-wide analyzer (dictionaries are loaded once, on first use)."""
    global _default_analyzer
    if _default_analyzer is None:
        with _default_lock:
            if _default_analyzer is None:
                _default_analyzer = Analyzer()
    return _default_analyzer


def open_index(name: str, schema: IndexSchema, root: str | Path, **kwargs: Any) -> TantivyIndex:
    """Open (or create) the named index under ``root`` (e.g. ``var/search``)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid index name {name!r}")
    return TantivyIndex(schema, Path(root) / name, **kwargs)
