"""Highlighting: find what a query matched in a stored value and mark it up safely.

The engine indexes analysed token streams, not the display text, so highlighting is done here on
the original value: CJK query words, their synonyms and codes are found as substrings of the
normalised value (the analysis keeps offsets, see :func:`search.analysis.normalize`), and pinyin
queries are matched against the pinyin of the value's words. Everything outside ``<mark>`` is
HTML-escaped, so text from documents can never inject markup.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .analysis import AnalyzedQuery, Analyzer, is_cjk_word, normalize, word_pinyin

Span = tuple[int, int]
ELLIPSIS = "…"


def needles(query: AnalyzedQuery) -> list[str]:
    """Strings to mark as substrings: words, synonyms, phrases, codes and letters as typed."""
    out: dict[str, None] = {}
    for term in query.terms:
        if term.kind == "word":
            out.setdefault(term.text)
            for alt in term.alternatives:
                out.setdefault(alt)
        elif term.kind == "code":
            out.setdefault(term.text)
        else:
            for part in term.alternatives:
                if len(part) >= 2:
                    out.setdefault(part)
    for phrase in query.phrases:
        out.setdefault(phrase)
    return sorted(out, key=len, reverse=True)


def substring_spans(norm: str, targets: Iterable[str]) -> list[Span]:
    spans: list[Span] = []
    for target in targets:
        if not target:
            continue
        start = norm.find(target)
        while start != -1:
            spans.append((start, start + len(target)))
            start = norm.find(target, start + len(target))
    return spans


@lru_cache(maxsize=100_000)
def _unit_pinyin(word: str) -> tuple[str, str, tuple[int, ...]] | None:
    """(joined full pinyin, initials, where each syllable starts) of a CJK word; None otherwise."""
    if not is_cjk_word(word):
        return None
    syllables = [s or "\0" for s in word_pinyin(word)]
    starts: list[int] = []
    pos = 0
    for syllable in syllables:
        starts.append(pos)
        pos += len(syllable)
    return "".join(syllables), "".join(s[0] for s in syllables), tuple(starts)


def pinyin_spans(
    norm: str, letters: Sequence[str], analyzer: Analyzer, cuts: Sequence[int] | None = None
) -> list[Span]:
    """Characters whose pinyin (full, or initials) starts with a typed pinyin string at a word start.

    ``cuts`` are the lengths of the value's jieba words as stored at index time (so the words are
    the ones the index saw, and no segmentation is needed here); without them the text is cut now.
    """
    if not letters:
        return []
    if cuts is None or sum(cuts) != len(norm):
        cuts = [len(w) for w in analyzer.cut(norm)]
    offsets: list[int] = []  # per entry: character offset, or -1 for a separator
    word_start: list[bool] = []
    full_at: list[int] = []  # per entry: where its syllable starts in `full`
    full_parts: list[str] = []
    initial_parts: list[str] = []
    full_len = 0
    offset = 0
    for length in cuts:
        word = norm[offset : offset + length]
        info = _unit_pinyin(word)
        if info is not None:
            full_word, initials_word, starts = info
            offsets.extend(range(offset, offset + length))
            word_start.append(True)
            word_start.extend([False] * (length - 1))
            full_at.extend(full_len + s for s in starts)
            full_parts.append(full_word)
            initial_parts.append(initials_word)
            full_len += len(full_word)
        elif not offsets or offsets[-1] != -1:
            offsets.append(-1)
            word_start.append(False)
            full_at.append(full_len)
            full_parts.append("\0")
            initial_parts.append("\0")
            full_len += 1
        offset += length
    full = "".join(full_parts)
    initials = "".join(initial_parts)
    entry_at = {pos: k for k, pos in enumerate(full_at) if word_start[k]}
    spans: list[Span] = []
    for typed in letters:
        pos = full.find(typed)
        while pos != -1:
            k = entry_at.get(pos)
            if k is not None:
                last = bisect_right(full_at, pos + len(typed) - 1) - 1
                spans.append((offsets[k], offsets[last] + 1))
            pos = full.find(typed, pos + 1)
        pos = initials.find(typed)
        while pos != -1:
            if word_start[pos]:
                spans.append((offsets[pos], offsets[pos + len(typed) - 1] + 1))
            pos = initials.find(typed, pos + 1)
    return spans


def merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def find_spans(
    text: str,
    query: AnalyzedQuery,
    analyzer: Analyzer,
    *,
    pinyin: bool = True,
    cuts: Sequence[int] | None = None,
) -> list[Span]:
    """Spans of ``text`` to mark; pinyin matches only where ``pinyin`` (the field indexes pinyin)."""
    norm = normalize(text)
    spans = substring_spans(norm, needles(query))
    letters = [t.text for t in query.terms if t.kind == "pinyin"]
    if letters and pinyin:
        spans.extend(pinyin_spans(norm, letters, analyzer, cuts))
    return merge(spans)


def render(text: str, spans: Sequence[Span], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` HTML-escaped, with ``<mark>`` around the spans (clipped to the window)."""
    end = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def fragment(text: str, spans: Sequence[Span], max_chars: int) -> str:
    """A window of at most ``max_chars`` around the densest run of marks, with ellipses."""
    if len(text) <= max_chars:
        return render(text, spans)
    if not spans:
        return render(text, (), 0, max_chars) + ELLIPSIS
    best_start, best_count = spans[0][0], 0
    for i, (s, _e) in enumerate(spans):
        count = sum(1 for s2, _ in spans[i:] if s2 < s + max_chars)
        if count > best_count:
            best_start, best_count = s, count
    start = max(0, min(best_start - max_chars // 5, len(text) - max_chars))
    end = min(len(text), start + max_chars)
    body = render(text, spans, start, end)
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
