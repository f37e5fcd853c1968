"""Chinese text analysis shared by every search index (catalog, policies, Q&A).

One :class:`Analyzer` turns a text into the token streams the engine indexes, and a query into the
terms the engine searches for. Nothing here knows about an engine or about Django.

Index side, for one text value (after full-width → half-width and case folding):

- ``words``: jieba in *search mode* over precise-mode words: every precise word, plus the 2-, 3- and
  4-character pieces of longer words that jieba's dictionary knows (社会保险 → 社会, 保险, 社会保险).
  Stop words are dropped.
- ``grams``: every CJK character and character bigram, interleaved so that the unigram of character
  *i* sits at position 2i and the bigram starting at *i* at 2i+1; separate runs of CJK text are kept
  apart by a ``|`` token. A substring of any length is then a phrase of bigrams (see
  :func:`substring_grams`): this is the fallback for 1–2 character queries and inside-word matches.
- ``pinyin_full`` / ``pinyin_initials`` (only for fields that ask for them, usually titles): per word
  (``renkou``, ``rk``; compounds such as 人口基础信息 are split into their dictionary words first) and joined from every word start to the end (``renkoujichuxinxi``,
  ``jichuxinxi``, ``rkjcxx``, ``jcxx``…), so a *prefix* query finds any run of words (``rkjc``);
  the joined pinyin of the whole value is also indexed with a ``^`` mark, to rank matches at the
  start of a title first.
- ``spell`` (every field): ``<full pinyin>|<word>`` for words and dictionary pieces of two or more
  characters, the vocabulary the query corrector searches by sound (社会保线 → shehuibaoxian → 社会保险).

Query side: the same normalisation and segmentation; stop words (question words) dropped; runs of
single characters glued back together (惠/企 → 惠企, found through the bigrams); ASCII letter runs
treated as pinyin (full or initials, prefix); other alphanumerics (codes, years) as plain terms;
synonyms from a curated table attached to each word; bounded at ``MAX_QUERY_CHARS``.

Data files live in ``search/data/`` (see its README): ``userdict.txt`` (generated from the MIT
ECSpell official-writing lexicon by ``python -m search.lexicon``), ``gov_terms.txt`` (hand-curated
words), ``synonyms.tsv`` and ``stopwords.txt``. They are read once, lazily, under a lock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

DATA_DIR = Path(__file__).resolve().parent / "data"

# Bump when the index-side output changes: existing indexes must then be rebuilt.
ANALYZER_VERSION = 1

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 16
# Pinyin joined from a word start is capped (long titles would give very long tokens).
MAX_PINYIN_STARTS = 16
MAX_PINYIN_CHARS = 48
# Values up to this length are analysed through a cache (信息项 names, titles repeat a lot).
CACHE_VALUE_CHARS = 64
GRAM_SEPARATOR = "|"
VALUE_JOINER = "、"  # how several values of one field are shown (and cut for highlighting)
START_MARK = "^"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_ONLY = re.compile(f"[{_CJK}]+")
_ASCII_LETTERS = re.compile(r"[a-z]+")
_HAS_WORD_CHAR = re.compile(f"[0-9a-z{_CJK}]")
_HAS_CJK = re.compile(f"[{_CJK}]")
_PINYIN_OK = re.compile(r"[a-z]+")

# Full-width ASCII → half-width, ideographic and zero-width spaces → space, and the one character
# whose lower case is longer than itself. Every mapping is one character to one character, so
# offsets into the normalised text are offsets into the original (highlighting relies on it).
_NORMALISE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORMALISE.update({0x3000: 0x20, 0x00A0: 0x20, 0x200B: 0x20, 0x200C: 0x20, 0x200D: 0x20, 0x2060: 0x20})
_NORMALISE.update({0xFEFF: 0x20, 0x0130: ord("i")})


def normalize(text: str) -> str:
    """Full-width → half-width and lower case, keeping the length (and so every offset)."""
    out = text.translate(_NORMALISE).lower()
    if len(out) != len(text):  # pragma: no cover - defensive: a lower() that changed the length
        out = "".join(c if len(c.lower()) != 1 else c.lower() for c in text.translate(_NORMALISE))
    return out


def is_cjk_word(token: str) -> bool:
    return _CJK_ONLY.fullmatch(token) is not None


_pinyin_fixes: dict[str, tuple[str, ...]] | None = None
_pinyin_lock = threading.Lock()


def _load_pinyin_fixes() -> dict[str, tuple[str, ...]]:
    global _pinyin_fixes
    if _pinyin_fixes is None:
        with _pinyin_lock:
            if _pinyin_fixes is None:
                fixes: dict[str, tuple[str, ...]] = {}
                for line in _data_lines(DATA_DIR / "pinyin.tsv"):
                    word, _, syllables = line.partition("\t")
                    parts = tuple(syllables.split())
                    if len(parts) == len(word.strip()):
                        fixes[word.strip()] = parts
                _pinyin_fixes = fixes
    return _pinyin_fixes


def _no_pinyin(chars: str) -> Any:
    """pypinyin's callback for characters without pinyin: one empty syllable each (keeps alignment)."""
    return [""] * len(chars)


@lru_cache(maxsize=200_000)
def word_pinyin(word: str) -> tuple[str, ...]:
    """Toneless pinyin of a CJK word, one syllable per character ('' where a character has none).

    pypinyin is phrase-aware (重庆 → chong qing, 银行 → yin hang), so words are converted whole;
    ``data/pinyin.tsv`` corrects the few everyday readings it gets wrong (献血 → xian xue).
    """
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(word, errors=_no_pinyin)
    if len(syllables) != len(word):
        syllables = [(lazy_pinyin(ch, errors=_no_pinyin) or [""])[0] for ch in word]
    for fixed, readings in _load_pinyin_fixes().items():
        start = word.find(fixed)
        while start != -1:
            syllables[start : start + len(fixed)] = readings
            start = word.find(fixed, start + len(fixed))
    return tuple(s if _PINYIN_OK.fullmatch(s) else "" for s in syllables)


@lru_cache(maxsize=200_000)
def _spell_token(word: str) -> str:
    """``<full pinyin>|<word>`` for a CJK word of two or more characters, else ''."""
    if len(word) < 2 or not is_cjk_word(word):
        return ""
    key = "".join(word_pinyin(word))
    return f"{key}|{word}" if key else ""


def pinyin_key(word: str) -> str:
    """The full pinyin of a word as one string (社会保险 → shehuibaoxian)."""
    return "".join(word_pinyin(word))


def substring_grams(text: str) -> list[tuple[int, str]]:
    """The (position offset, token) list that finds ``text`` as a substring in a ``grams`` stream.

    One character is its unigram; longer text is a phrase of non-overlapping bigrams plus the last
    one (人口基础信 → 人口@0, 基础@4, 础信@6), which is exact because bigram *i* sits at 2i+1.
    """
    n = len(text)
    if n <= 1:
        return [(0, text)] if text else []
    starts = list(range(0, n - 1, 2))
    if starts[-1] != n - 2:
        starts.append(n - 2)
    return [(2 * k, text[k : k + 2]) for k in starts]


@dataclass(frozen=True, slots=True)
class ValueTokens:
    """The analysed token streams of one text value, each space-joined for a whitespace tokenizer."""

    words: str
    grams: str
    pinyin_full: str = ""
    pinyin_initials: str = ""
    spell: str = ""
    cuts: tuple[int, ...] = ()  # lengths of the pinyin units of the value (joined values: + joiner)


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One required unit of a query.

    ``word``: CJK text (``alternatives`` are its synonyms); ``pinyin``: ASCII letters, typed as full
    pinyin or initials (``alternatives`` are the space-separated parts as typed); ``code``: other
    alphanumerics (years, codes, English words).
    """

    kind: Literal["word", "pinyin", "code"]
    text: str
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalyzedQuery:
    text: str  # normalised, whitespace-collapsed, truncated
    terms: tuple[QueryTerm, ...] = ()
    phrases: tuple[str, ...] = ()  # CJK runs spanning several terms (a proximity bonus)
    truncated: bool = False

    @property
    def blank(self) -> bool:
        """True when the query was empty or whitespace only."""
        return not self.text

    @property
    def compact(self) -> str:
        """The normalised query without spaces, for whole-value (exact) matches."""
        return self.text.replace(" ", "")


@dataclass
class _Lexicon:
    tokenizer: Any  # jieba.Tokenizer
    blocks: re.Pattern[str]  # jieba's own block splitter (segmentation never crosses a block)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()


def _data_lines(path: Path) -> Iterator[str]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if line and not line.startswith("#"):
                yield line


def read_synonyms(path: Path) -> dict[str, tuple[str, ...]]:
    """Groups of tab-separated equivalents → each member maps to the others (canonical first)."""
    table: dict[str, list[str]] = {}
    for line in _data_lines(path):
        group = [normalize(w.strip()) for w in line.split("\t") if w.strip()]
        for word in group:
            bucket = table.setdefault(word, [])
            bucket.extend(w for w in group if w != word and w not in bucket)
    return {word: tuple(others) for word, others in table.items()}


class Analyzer:
    """jieba + government dictionary + synonyms + pinyin, loaded once on first use (thread-safe).

    Each instance owns a private ``jieba.Tokenizer``, so the process-wide ``jieba.dt`` that other
    code may use is not changed.
    """

    def __init__(
        self,
        *,
        user_dict: Path | None = DATA_DIR / "userdict.txt",
        extra_words: Path | None = DATA_DIR / "gov_terms.txt",
        synonyms: Path | None = DATA_DIR / "synonyms.tsv",
        stopwords: Path | None = DATA_DIR / "stopwords.txt",
        hmm: bool = True,
    ) -> None:
        self._paths = (user_dict, extra_words, synonyms, stopwords)
        self._hmm = hmm
        self._lock = threading.Lock()
        self._lexicon: _Lexicon | None = None
        self._cached = lru_cache(maxsize=100_000)(self._analyze_value)
        self._cut_block = lru_cache(maxsize=200_000)(self._cut_now)

    # -- loading -----------------------------------------------------------------------------

    def _load(self) -> _Lexicon:
        lexicon = self._lexicon
        if lexicon is not None:
            return lexicon
        with self._lock:
            if self._lexicon is None:
                self._lexicon = self._build()
            return self._lexicon

    def _build(self) -> _Lexicon:
        import jieba

        user_dict, extra_words, synonyms_path, stopwords_path = self._paths
        tok = jieba.Tokenizer()
        tok.initialize()
        if user_dict is not None and user_dict.exists():
            tok.load_userdict(str(user_dict))
        for line in _data_lines(extra_words) if extra_words is not None else ():
            parts = line.split()
            word = normalize(parts[0])
            if len(parts) > 1 and parts[1].isdigit():
                tok.add_word(word, int(parts[1]))
            else:
                tok.suggest_freq(word, tune=True)
        synonyms = read_synonyms(synonyms_path) if synonyms_path is not None else {}
        for word in synonyms:  # every synonym is one token, so 居民医保 expands as a whole
            if not tok.FREQ.get(word):
                tok.suggest_freq(word, tune=True)
        stop = frozenset(normalize(w) for w in _data_lines(stopwords_path)) if stopwords_path else frozenset()
        return _Lexicon(tokenizer=tok, blocks=jieba.re_han_default, synonyms=synonyms, stopwords=stop)

    def warm_up(self) -> None:
        """Load the dictionaries now (they are otherwise loaded by the first analysis)."""
        self._load()

    # -- primitives --------------------------------------------------------------------------

    def cut(self, text: str) -> list[str]:
        """Precise-mode jieba over already-normalised text; the pieces concatenate back to it.

        jieba segments each block of its ``re_han_default`` independently, so blocks are cut one
        by one through a cache: the result is the same, and template sentences repeat a lot.
        """
        lex = self._load()
        if len(text) <= CACHE_VALUE_CHARS:
            return list(self._cut_block(text))
        out: list[str] = []
        for block in lex.blocks.split(text):
            if block:
                out.extend(self._cut_block(block) if len(block) <= CACHE_VALUE_CHARS else self._cut_now(block))
        return out

    def _cut_now(self, text: str) -> tuple[str, ...]:
        return tuple(self._load().tokenizer.cut(text, HMM=self._hmm))

    def synonyms_of(self, word: str) -> tuple[str, ...]:
        return self._load().synonyms.get(word, ())

    def is_stopword(self, word: str) -> bool:
        return word in self._load().stopwords

    def _keep(self, token: str, stop: frozenset[str]) -> bool:
        return token not in stop and _HAS_WORD_CHAR.search(token) is not None

    def _search_pieces(self, word: str, freq: dict[str, int]) -> list[str]:
        """The in-dictionary 2-, 3- and 4-character pieces of a longer word, then the word."""
        n = len(word)
        if n <= 2 or not is_cjk_word(word):
            return [word]
        out = [
            word[i : i + size]
            for size in (2, 3, 4)
            if size < n
            for i in range(n - size + 1)
            if freq.get(word[i : i + size])
        ]
        out.append(word)
        return out

    def _units(self, word: str, freq: dict[str, int]) -> list[str]:
        """Pinyin units of a word: a compound of four or more characters split into dictionary words.

        The user dictionary keeps 人口基础信息 or 统一社会信用代码 whole, but initials are typed
        word by word, from any word (jcxx for 基础信息), so pinyin needs the word starts inside.
        Greedy, longest first, three characters at most.
        """
        if len(word) < 4 or not is_cjk_word(word):
            return [word]
        units: list[str] = []
        i = 0
        while i < len(word):
            unit = word[i]
            for size in (3, 2):
                piece = word[i : i + size]
                if len(piece) == size and freq.get(piece):
                    unit = piece
                    break
            units.append(unit)
            i += len(unit)
        return units

    # -- index side --------------------------------------------------------------------------

    def analyze(self, text: str, *, pinyin: bool = False) -> ValueTokens:
        """Token streams of one text value (see the module docstring)."""
        if len(text) <= CACHE_VALUE_CHARS:
            return self._cached(text, pinyin)
        return self._analyze_value(text, pinyin)

    def analyze_values(self, values: Iterable[str], *, pinyin: bool = False) -> ValueTokens:
        """Several values of one field (e.g. the 信息项 of a resource), kept apart in every stream."""
        parts = [self.analyze(v, pinyin=pinyin) for v in values if v and not v.isspace()]
        if len(parts) == 1:
            return parts[0]
        sep = f" {GRAM_SEPARATOR} "
        return ValueTokens(
            words=" ".join(p.words for p in parts if p.words),
            grams=sep.join(p.grams for p in parts if p.grams),
            pinyin_full=" ".join(p.pinyin_full for p in parts if p.pinyin_full),
            pinyin_initials=" ".join(p.pinyin_initials for p in parts if p.pinyin_initials),
            spell=" ".join(p.spell for p in parts if p.spell),
            cuts=tuple(n for i, p in enumerate(parts) for n in ((len(VALUE_JOINER),) if i else ()) + p.cuts),
        )

    def _analyze_value(self, text: str, pinyin: bool) -> ValueTokens:
        lex = self._load()
        norm = normalize(text)
        freq = lex.tokenizer.FREQ
        pieces = self.cut(norm)
        words = [w for w in pieces if self._keep(w, lex.stopwords)]
        expanded = {w: self._search_pieces(w, freq) for w in words}
        tokens = [t for w in words for t in expanded[w]]
        runs = []
        for run in CJK_RUN.findall(norm):  # 人口 → 人 人口 口: char i at 2i, bigram i at 2i+1
            bigrams = [run[i : i + 2] for i in range(len(run) - 1)]
            runs.append(" ".join([x for pair in zip(run, bigrams, strict=False) for x in pair] + [run[-1]]))
        grams = f" {GRAM_SEPARATOR} ".join(runs)
        spell: dict[str, None] = {}  # words and their dictionary pieces (保险 in 社会保险), by sound
        for pieces_of_word in expanded.values():
            for piece in pieces_of_word:
                token = _spell_token(piece)
                if token:
                    spell.setdefault(token)
        cjk_words = [w for w in words if is_cjk_word(w)]
        if not pinyin:
            return ValueTokens(" ".join(tokens), grams, spell=" ".join(spell), cuts=(len(norm),))
        sylls: list[tuple[str, ...]] = []  # per pinyin unit (compounds split into their words)
        for w in cjk_words:
            readings = word_pinyin(w)
            start = 0
            for unit in self._units(w, freq):
                sylls.append(tuple(s for s in readings[start : start + len(unit)] if s))
                start += len(unit)
        full = ["".join(s) for s in sylls]
        initials = ["".join(x[0] for x in s) for s in sylls]
        full_tokens = dict.fromkeys(f for f in full if f)
        initial_tokens = dict.fromkeys(i for i in initials if i)
        if full:  # the value's start, marked, so matches at the beginning can rank first
            full_tokens.setdefault(START_MARK + "".join(full)[:MAX_PINYIN_CHARS])
            initial_tokens.setdefault(START_MARK + "".join(initials)[:MAX_PINYIN_CHARS])
        for start in range(min(len(full), MAX_PINYIN_STARTS)):
            joined_full = "".join(full[start:])[:MAX_PINYIN_CHARS]
            joined_init = "".join(initials[start:])[:MAX_PINYIN_CHARS]
            if joined_full:
                full_tokens.setdefault(joined_full)
            if joined_init:
                initial_tokens.setdefault(joined_init)
        return ValueTokens(
            words=" ".join(tokens),
            grams=grams,
            pinyin_full=" ".join(full_tokens),
            pinyin_initials=" ".join(initial_tokens),
            spell=" ".join(spell),
            cuts=tuple(len(u) for p in pieces for u in self._units(p, freq)),
        )

    def word_counts(self, text: str) -> dict[str, int]:
        """Term frequencies of the ``words`` stream (for more-like-this)."""
        counts: dict[str, int] = {}
        for token in self.analyze(text).words.split():
            counts[token] = counts.get(token, 0) + 1
        return counts

    # -- query side --------------------------------------------------------------------------

    def analyze_query(self, query: str) -> AnalyzedQuery:
        """Normalise, bound and segment a user query into terms (see the module docstring)."""
        text = " ".join(normalize(query or "").split())
        truncated = len(text) > MAX_QUERY_CHARS
        if truncated:
            text = text[:MAX_QUERY_CHARS].rstrip()
        if not text:
            return AnalyzedQuery("")
        pieces = self.cut(text)
        terms = self._terms(pieces, drop_stopwords=True) or self._terms(pieces, drop_stopwords=False)
        terms = terms[:MAX_QUERY_TERMS]
        return AnalyzedQuery(text, tuple(terms), self._phrases(pieces), truncated)

    def _phrases(self, pieces: list[str]) -> tuple[str, ...]:
        """Runs of two or more adjacent CJK words, broken at stop words, spaces and other text."""
        stop = self._load().stopwords
        phrases: list[str] = []
        run: list[str] = []
        for piece in [*pieces, " "]:
            if is_cjk_word(piece) and piece not in stop:
                run.append(piece)
                continue
            text = "".join(run)
            if len(run) >= 2 and len(text) >= 3 and text not in phrases:
                phrases.append(text[:32])
            run = []
        return tuple(phrases)

    def _terms(self, pieces: list[str], *, drop_stopwords: bool) -> list[QueryTerm]:
        lex = self._load()
        terms: list[QueryTerm] = []
        seen: set[tuple[str, str]] = set()
        singles: list[str] = []
        letters: list[str] = []

        def add(term: QueryTerm) -> None:
            key = (term.kind, term.text)
            if key not in seen:
                seen.add(key)
                terms.append(term)

        def flush_singles() -> None:
            if singles:
                word = "".join(singles)
                add(QueryTerm("word", word, lex.synonyms.get(word, ())))
                singles.clear()

        def flush_letters() -> None:
            if letters:
                add(QueryTerm("pinyin", "".join(letters), tuple(letters)))
                letters.clear()

        for piece in pieces:
            if piece.isspace():
                flush_singles()  # a space separates characters, but not the syllables of pinyin
                continue
            if is_cjk_word(piece):
                flush_letters()
                if drop_stopwords and piece in lex.stopwords:
                    flush_singles()
                    continue
                if len(piece) == 1:
                    singles.append(piece)
                    continue
                flush_singles()
                add(QueryTerm("word", piece, lex.synonyms.get(piece, ())))
            elif _ASCII_LETTERS.fullmatch(piece):
                flush_singles()
                letters.append(piece)
            elif _HAS_CJK.search(piece):  # a dictionary word mixing scripts (12345热线, a级)
                flush_singles()
                flush_letters()
                add(QueryTerm("word", piece, lex.synonyms.get(piece, ())))
            elif _HAS_WORD_CHAR.search(piece):
                flush_singles()
                flush_letters()
                add(QueryTerm("code", piece))
            else:  # punctuation and symbols separate terms and are otherwise ignored
                flush_singles()
                flush_letters()
        flush_singles()
        flush_letters()
        return terms
