"""Proofread untrusted text: clean it, bound it, run the rule checks and the typo model.

One entry point for the content workflow, the ``proofread`` command and ``POST /api/v1/text/check``.
The checkers themselves live in ``text.proofread`` (framework-free); this module adds the database's
dictionaries and the input rules: HTML pasted from Word becomes plain text (nothing executable can
survive, because only text is kept), control characters go, and the length is bounded.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Protocol, TypeVar

from content import dictionaries
from core.errors import DomainError
from text.proofread.findings import Finding, Kind
from text.proofread.rules import RuleChecker
from text.proofread.typos import TypoChecker

MAX_CHARS = 100_000  # per text; callers may pass a smaller bound
_HTML = re.compile(r"<\s*(?:p|div|span|br|html|body|o:p|font|table|td|li|h[1-6]|b|strong|a)\b", re.I)
_CONTROL = {c for c in range(0x20) if c not in (9, 10)} | {0x7F} | set(range(0x80, 0xA0))


class _Text(HTMLParser):
    """Text of an HTML fragment: block elements become line breaks, inline ones join without spaces.

    Hand-written on the standard parser because the libraries that render HTML to text (html2text,
    inscriptis) put spaces between inline elements, which splits Chinese words that Word wraps in
    separate ``<span>``s; and a proofreader needs the characters exactly as the reader sees them.
    """

    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
             "blockquote", "pre", "ul", "ol", "hr", "title"}
    SKIP = {"script", "style", "head", "xml", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))

    def text(self) -> str:
        lines = (line.strip() for line in "".join(self.parts).replace("\xa0", " ").split("\n"))
        return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


def prepare(raw: str, *, limit: int = MAX_CHARS, label: str = "文本") -> str:
    """Untrusted input → the plain text that is checked, stored and shown; a Chinese error when unusable."""
    if not isinstance(raw, str):
        raise DomainError(f"{label}应为文字", field="text")
    if len(raw) > limit * 4:  # reject before doing any work on a huge body (HTML may shrink ×4 at most here)
        raise DomainError(f"{label}过长：不能超过 {limit} 字", field="text")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if _HTML.search(text):
        text = html_to_text(text)
    text = "".join(ch for ch in text if ord(ch) not in _CONTROL and unicodedata.category(ch) != "Cs")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise DomainError(f"{label}是空的", field="text")
    if len(text) > limit:
        raise DomainError(f"{label}过长：共 {len(text)} 字，不能超过 {limit} 字", field="text")
    return text


class Span(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=Span)


def marked_runs(text: str, spans: Iterable[S]) -> list[tuple[str, S | None]]:
    """``text`` cut into plain runs and runs under a span, for inline ``<mark>``s. Where spans overlap the
    earlier one is marked (every finding is still listed beside the text)."""
    runs: list[tuple[str, S | None]] = []
    at = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < at:
            continue
        runs += [(text[at:span.start], None), (text[span.start:span.end], span)]
        at = span.end
    runs.append((text[at:], None))
    return [r for r in runs if r[0]]


@dataclass(frozen=True)
class Result:
    text: str  # what was checked (after ``prepare``); offsets point into it
    findings: tuple[Finding, ...]
    dictionary_version: int


_typos: TypoChecker | None = None
_typos_lock = threading.Lock()


def typo_checker() -> TypoChecker:
    global _typos
    with _typos_lock:
        if _typos is None:
            _typos = TypoChecker.default()
        return _typos


def check_text(text: str, *, as_of: date | None = None, kinds: frozenset[Kind] | None = None) -> Result:
    """Every finding on already-prepared ``text``, ordered by position; typos under rule findings drop."""
    version, compiled = dictionaries.compiled()
    findings = list(RuleChecker(compiled).check(text, as_of=as_of))
    covered = [(f.start, f.end) for f in findings]
    for typo in typo_checker().check(text):
        if not any(s < typo.end and typo.start < e for s, e in covered):
            findings.append(typo)
    if kinds is not None:
        findings = [f for f in findings if f.kind in kinds]
    findings.sort(key=lambda f: (f.start, f.end, -f.severity))
    return Result(text, tuple(findings), version)


def check(raw: str, *, limit: int = MAX_CHARS, as_of: date | None = None) -> Result:
    """``prepare`` then ``check_text``: the call for untrusted input."""
    return check_text(prepare(raw, limit=limit), as_of=as_of)
