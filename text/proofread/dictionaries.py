"""The editable proofreading dictionaries (issue 4) and the matchers compiled from them.

Admins keep four families, versioned, in the database: canonical political formulations with known
wrong writings, office holders (name · title · unit), outdated names and sensitive terms. This module
holds them as plain frozen dataclasses, so the checker needs no Django; the caller builds a
``Dictionaries`` from its rows and ``compile()``s it once. ``CompiledDictionaries`` is immutable after
construction: its Aho-Corasick automata are only ever iterated, which pyahocorasick allows from many
threads at once (each ``iter()`` call has its own cursor), so one compiled object serves every request.

The seed lists in ``data/*_seed.tsv`` (see ``data/README.md``) load with ``Dictionaries.seed()``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cached_property
from itertools import permutations
from pathlib import Path
from typing import Any

import ahocorasick

__all__ = [
    "CompiledDictionaries",
    "Dictionaries",
    "DictionaryError",
    "Formulation",
    "OfficeHolder",
    "Outdated",
    "SensitiveTerm",
    "fold",
    "parse_formulations",
    "parse_office_holders",
    "parse_outdated",
    "parse_sensitive",
]

DATA_DIR = Path(__file__).parent / "data"

# Matching runs on a folded copy of the text: full-width ASCII → ASCII, ASCII upper → lower. Every
# mapping is one character to one character, so offsets into the folded copy are offsets into the text.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({cp: cp + 32 for cp in range(0x41, 0x5B)})
_FOLD.update({0xFF21 + i: 0x61 + i for i in range(26)})
_FOLD[0x3000] = 0x20


def fold(text: str) -> str:
    """The form both the dictionaries and the checked text are matched in; same length as ``text``."""
    return text.translate(_FOLD)


class DictionaryError(ValueError):
    """An entry that cannot be used (empty term, unsafe pattern, malformed seed line)."""


# --- the editable entries -----------------------------------------------------------------------

# Admin-edited regular expressions must not backtrack catastrophically: no ``*`` or ``+``, bounded
# ``{m,n}`` only, and no quantifier on a group except ``?``. That keeps matching polynomial and short.
_MAX_PATTERN = 200
_MAX_REPEAT = 20


def _check_pattern(pattern: str) -> None:
    if len(pattern) > _MAX_PATTERN:
        raise DictionaryError(f"正则表达式过长（上限 {_MAX_PATTERN} 字符）：{pattern[:30]}…")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise DictionaryError(f"正则表达式无效：{pattern}（{exc}）") from None
    i, in_class, after_group = 0, False, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i, after_group = i + 2, False
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "*+":
            raise DictionaryError(f"正则表达式不得使用 * 或 +，请写明次数上限：{pattern}")
        elif ch == "{":
            close = pattern.find("}", i)
            bounds = pattern[i + 1 : close].split(",") if close > 0 else []
            if after_group or not all(b.strip().isdigit() for b in bounds) or not 1 <= len(bounds) <= 2 \
                    or int(bounds[-1]) > _MAX_REPEAT:
                raise DictionaryError(f"正则表达式的重复次数须为 {{m,n}} 且 n ≤ {_MAX_REPEAT}，不得修饰分组：{pattern}")
            i = close
        after_group = ch == ")" and not in_class
        i += 1


@dataclass(frozen=True)
class Formulation:
    """A canonical political formulation and the ways it gets written wrong.

    ``wrong_forms`` match exactly. ``pattern`` (a restricted regex) catches families of wrong forms.
    ``near`` also flags one-slip variants of a long canonical phrase (a character substituted,
    inserted or swapped, one or two dropped) — opt-in, because short phrases have legitimate
    neighbours. ``ordered`` makes a ``、``-separated enumeration order-sensitive: every other order of
    its items is a wrong form.
    """

    canonical: str
    wrong_forms: tuple[str, ...] = ()
    note: str = ""
    pattern: str = ""
    near: bool = False
    ordered: bool = False

    def __post_init__(self) -> None:
        if not self.canonical.strip():
            raise DictionaryError("规范表述不能为空")
        if any(not w.strip() or fold(w) == fold(self.canonical) for w in self.wrong_forms):
            raise DictionaryError(f"“{self.canonical}”的错误写法为空或与规范表述相同")
        if self.pattern:
            _check_pattern(self.pattern)
        if self.ordered and not 2 <= len(self.items) <= 5:
            raise DictionaryError(f"有序列举须含 2 至 5 项，以“、”分隔：{self.canonical}")

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(self.canonical.split("、"))


@dataclass(frozen=True)
class OfficeHolder:
    """Who holds a title now. ``wrong_names`` are misspellings, flagged when written next to a title."""

    name: str
    title: str
    unit: str = ""
    wrong_names: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.name.strip()) < 2 or not self.title.strip():
            raise DictionaryError(f"领导姓名（至少两字）和职务不能为空：{self.name} {self.title}")


@dataclass(frozen=True)
class Outdated:
    """An abolished or renamed name and what to write now; ``certain=False`` lowers it to a hint."""

    old: str
    new: str
    since: date | None = None
    note: str = ""
    certain: bool = True
    allowed_contexts: tuple[str, ...] = ()  # longer phrases containing ``old`` that are still correct

    def __post_init__(self) -> None:
        if not self.old.strip() or not self.new.strip() or fold(self.old) == fold(self.new):
            raise DictionaryError(f"过时表述及现行表述不能为空或相同：{self.old}")


@dataclass(frozen=True)
class SensitiveTerm:
    """A term to review before publishing; ``level`` 1 提示 · 2 一般 · 3 严重."""

    term: str
    level: int = 2
    note: str = ""
    replacement: str = ""
    allowed_contexts: tuple[str, ...] = ()  # e.g. "打击网络赌博" for "网络赌博"

    def __post_init__(self) -> None:
        if not self.term.strip():
            raise DictionaryError("敏感词不能为空")
        if self.level not in (1, 2, 3):
            raise DictionaryError(f"敏感词级别须为 1、2 或 3：{self.term}")


@dataclass(frozen=True)
class Dictionaries:
    """One version of all four families. ``digest`` identifies the content, ``version`` is a label."""

    formulations: tuple[Formulation, ...] = ()
    office_holders: tuple[OfficeHolder, ...] = ()
    outdated: tuple[Outdated, ...] = ()
    sensitive: tuple[SensitiveTerm, ...] = ()
    version: str = ""

    @cached_property
    def digest(self) -> str:
        content = {name: [asdict(entry) for entry in getattr(self, name)]
                   for name in ("formulations", "office_holders", "outdated", "sensitive")}
        blob = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def compile(self) -> CompiledDictionaries:
        """The matchers for this content; compiled once per digest and shared (a small LRU)."""
        return _compile_cached(self)

    @classmethod
    def seed(cls) -> Dictionaries:
        """The lists shipped in ``data/``: formulations, outdated names, sensitive terms (no holders)."""
        def read(name: str) -> list[str]:
            return (DATA_DIR / name).read_text(encoding="utf-8").splitlines()

        return cls(
            formulations=parse_formulations(read("formulations_seed.tsv")),
            outdated=parse_outdated(read("outdated_seed.tsv")),
            sensitive=parse_sensitive(read("sensitive_seed.tsv")),
            version="seed",
        )


# --- seed files ----------------------------------------------------------------------------------
# UTF-8, tab-separated, ``#`` comment lines, then one header row; several values in a cell are
# separated by ``|``.

def _rows(lines: Iterable[str], header: str) -> Iterator[tuple[int, list[str]]]:
    seen_header = False
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.rstrip("\r\n").split("\t")]
        if not seen_header:
            seen_header = True
            if cells[0] == header:
                continue
        yield number, cells


def _multi(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _cell(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _parse(lines: Iterable[str], header: str, build: Any) -> tuple[Any, ...]:
    entries = []
    for number, cells in _rows(lines, header):
        try:
            entries.append(build(cells))
        except (DictionaryError, ValueError) as exc:
            raise DictionaryError(f"第 {number} 行：{exc}") from None
    return tuple(entries)


def parse_formulations(lines: Iterable[str]) -> tuple[Formulation, ...]:
    """Columns: canonical, wrong_forms (``|``), options (``near``, ``ordered``, comma-separated), note."""
    def build(c: list[str]) -> Formulation:
        options = {o.strip() for o in _cell(c, 2).split(",") if o.strip()}
        if unknown := options - {"near", "ordered"}:
            raise DictionaryError(f"未知选项 {sorted(unknown)}")
        return Formulation(c[0], _multi(_cell(c, 1)), _cell(c, 3), near="near" in options,
                           ordered="ordered" in options)
    return _parse(lines, "canonical", build)


def _parse_since(cell: str) -> date | None:
    if not cell:
        return None
    parts = [int(p) for p in cell.split("-")]
    return date(parts[0], *(parts[1:] + [1, 1])[:2])


def parse_outdated(lines: Iterable[str]) -> tuple[Outdated, ...]:
    """Columns: old, new, since (YYYY, YYYY-MM or YYYY-MM-DD), sure/unsure, allowed_contexts (``|``), note."""
    def build(c: list[str]) -> Outdated:
        certainty = _cell(c, 3) or "sure"
        if certainty not in ("sure", "unsure"):
            raise DictionaryError(f"第四列须为 sure 或 unsure：{certainty}")
        return Outdated(c[0], _cell(c, 1), _parse_since(_cell(c, 2)), _cell(c, 5),
                        certainty == "sure", _multi(_cell(c, 4)))
    return _parse(lines, "old", build)


def parse_sensitive(lines: Iterable[str]) -> tuple[SensitiveTerm, ...]:
    """Columns: term, level (1–3), replacement, allowed_contexts (``|``), note."""
    def build(c: list[str]) -> SensitiveTerm:
        return SensitiveTerm(c[0], int(_cell(c, 1) or 2), _cell(c, 4), _cell(c, 2), _multi(_cell(c, 3)))
    return _parse(lines, "term", build)


def parse_office_holders(lines: Iterable[str]) -> tuple[OfficeHolder, ...]:
    """Columns: name, title, unit, wrong_names (``|``), note."""
    def build(c: list[str]) -> OfficeHolder:
        return OfficeHolder(c[0], _cell(c, 1), _cell(c, 2), _multi(_cell(c, 3)), _cell(c, 4))
    return _parse(lines, "name", build)


# --- compiled matchers ---------------------------------------------------------------------------
# Every automaton maps a folded key to (key length, payloads); a payload is a tuple whose first item
# is one of these roles and whose second is an index into the family's entries.
WRONG, CANONICAL, ANCHOR = 1, 2, 3  # formulations
NAME, WRONG_NAME, TITLE = 4, 5, 6  # office holders
OLD, KEEP = 7, 8  # outdated names and sensitive terms: the term, and a phrase that protects it
TERM = 9

_NEAR_MIN_CHARS = 10


@dataclass(frozen=True)
class NearPhrase:
    """A long canonical phrase checked for one-slip variants, split into three anchor blocks."""

    formulation: int
    canonical: str  # folded
    blocks: tuple[tuple[int, int], ...]  # (offset, length) of each anchor block in ``canonical``

    @cached_property
    def characters(self) -> frozenset[str]:
        return frozenset(self.canonical)


class _Builder:
    def __init__(self) -> None:
        self._keys: dict[str, list[tuple[Any, ...]]] = {}

    def add(self, key: str, payload: tuple[Any, ...]) -> None:
        folded = fold(key)
        if folded:
            self._keys.setdefault(folded, []).append(payload)

    def build(self) -> Any:
        if not self._keys:
            return None  # pyahocorasick refuses to search an empty automaton
        automaton = ahocorasick.Automaton()
        for key, payloads in self._keys.items():
            automaton.add_word(key, (len(key), tuple(payloads)))
        automaton.make_automaton()
        return automaton


def iter_hits(automaton: Any, folded: str) -> Iterator[tuple[int, int, tuple[tuple[Any, ...], ...]]]:
    """``(start, end, payloads)`` for every occurrence of every key, overlapping ones included."""
    if automaton is None or not folded:
        return
    for last, (length, payloads) in automaton.iter(folded):
        yield last + 1 - length, last + 1, payloads


@dataclass(frozen=True, eq=False)
class CompiledDictionaries:
    """Read-only matchers for one ``Dictionaries``; build with ``Dictionaries.compile()``."""

    source: Dictionaries
    formulation_automaton: Any
    holder_automaton: Any
    outdated_automaton: Any
    sensitive_automaton: Any
    wrong_forms: tuple[tuple[str, str, int], ...]  # (wrong form, suggestion, formulation index)
    patterns: tuple[tuple[re.Pattern[str], int], ...]
    near_phrases: tuple[NearPhrase, ...]
    holders_by_title: dict[str, tuple[int, ...]] = field(default_factory=dict)  # folded title → holders
    holders_by_name: dict[str, tuple[int, ...]] = field(default_factory=dict)  # folded name → holders

    @property
    def digest(self) -> str:
        return self.source.digest

    @property
    def version(self) -> str:
        return self.source.version


def _enumerations(items: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """Each order of ``items`` in the two usual spellings: ``A、B、C`` and ``A、B和C``."""
    for order in permutations(items):
        yield order, "、".join(order), "、".join(order[:-1]) + "和" + order[-1]


def _blocks(length: int) -> tuple[tuple[int, int], ...]:
    third = length // 3
    return ((0, third), (third, length - 2 * third), (length - third, third))


def compile_dictionaries(d: Dictionaries) -> CompiledDictionaries:
    """Build every automaton; prefer ``Dictionaries.compile()``, which caches by digest."""
    formulations = _Builder()
    wrong_forms: list[tuple[str, str, int]] = []
    patterns: list[tuple[re.Pattern[str], int]] = []
    near: list[NearPhrase] = []
    for index, f in enumerate(d.formulations):
        formulations.add(f.canonical, (CANONICAL, index))
        for wrong in f.wrong_forms:
            wrong_forms.append((wrong, f.canonical, index))
        if f.ordered:
            for order, plain, with_and in _enumerations(f.items):
                if order == f.items:
                    formulations.add(with_and, (CANONICAL, index))
                else:
                    wrong_forms.append((plain, f.canonical, index))
                    wrong_forms.append((with_and, "、".join(f.items[:-1]) + "和" + f.items[-1], index))
        if f.pattern:
            patterns.append((re.compile(f.pattern), index))
        if f.near and len(f.canonical) >= _NEAR_MIN_CHARS:
            phrase = NearPhrase(index, fold(f.canonical), _blocks(len(f.canonical)))
            near.append(phrase)
            for offset, length in phrase.blocks:
                formulations.add(f.canonical[offset : offset + length], (ANCHOR, len(near) - 1, offset))
    for number, (wrong, _, _) in enumerate(wrong_forms):
        formulations.add(wrong, (WRONG, number))

    holders: _Builder = _Builder()
    by_title: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for index, h in enumerate(d.office_holders):
        by_name.setdefault(fold(h.name), []).append(index)
        holders.add(h.name, (NAME, index))
        holders.add(h.title, (TITLE, h.title))
        for wrong in h.wrong_names:
            holders.add(wrong, (WRONG_NAME, index))
        by_title.setdefault(fold(h.title), []).append(index)

    outdated = _Builder()
    for index, o in enumerate(d.outdated):
        outdated.add(o.old, (OLD, index))
        for keep in (o.new, *o.allowed_contexts):
            outdated.add(keep, (KEEP, index))
    sensitive = _Builder()
    for index, s in enumerate(d.sensitive):
        sensitive.add(s.term, (TERM, index))
        for keep in s.allowed_contexts:
            sensitive.add(keep, (KEEP, index))

    return CompiledDictionaries(
        source=d,
        formulation_automaton=formulations.build(),
        holder_automaton=holders.build(),
        outdated_automaton=outdated.build(),
        sensitive_automaton=sensitive.build(),
        wrong_forms=tuple(wrong_forms),
        patterns=tuple(patterns),
        near_phrases=tuple(near),
        holders_by_title={title: tuple(ix) for title, ix in by_title.items()},
        holders_by_name={name: tuple(ix) for name, ix in by_name.items()},
    )


_CACHE: dict[str, CompiledDictionaries] = {}
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def _compile_cached(d: Dictionaries) -> CompiledDictionaries:
    with _CACHE_LOCK:
        hit = _CACHE.pop(d.digest, None)
        if hit is not None:
            _CACHE[d.digest] = hit  # move to the most recent end
            return hit
    compiled = compile_dictionaries(d)
    with _CACHE_LOCK:
        _CACHE[d.digest] = compiled
        while len(_CACHE) > _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
    return compiled
