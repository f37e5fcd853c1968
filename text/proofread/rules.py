"""The rule-based half of the proofreader: dictionaries, personal data and format, in one ``check``.

``RuleChecker(dictionaries).check(text)`` runs every family and returns findings ordered by position.
The typo model lives elsewhere (``typos``); the caller merges both lists.

Precision safeguards, family by family (a supervisor stops reading a checker that cries wolf):

* Formulations: listed wrong forms match exactly, and never inside a correctly written canonical
  phrase. The near-match detector is opt-in per entry, only for phrases of 10+ characters, accepts
  exactly one slip strictly inside the phrase (its first and last characters must be right), only
  over Chinese characters, and never overlapping a correct occurrence.
* Office holders: a name counts only right next to a listed title ("县长李四", "李四县长"), bounded
  on the other side by punctuation or a usual follow-up word (同志, 主持, 指出 …), and the title must
  not be qualified by 原/副/代/前 or another place ("沭阳县县长" is not ours). A mismatch is reported
  only when that title has exactly one listed holder.
* Outdated names: not inside the new name or an allowed phrase, not after 原/前 or 撤销, not before
  更名/改为/职责 (reform texts name the old agencies on purpose), not for texts dated before the change.
* Sensitive terms: not inside their allowed phrases ("打击网络赌博").

Work is linear in the text: Aho-Corasick passes, linear regexes, and a bounded amount of work per
hit. Texts longer than ``max_chars`` are refused with a clear error; findings are capped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from datetime import date

from text.errors import DocumentError
from text.proofread.dictionaries import (
    ANCHOR,
    CANONICAL,
    KEEP,
    NAME,
    OLD,
    TERM,
    TITLE,
    WRONG,
    WRONG_NAME,
    CompiledDictionaries,
    Dictionaries,
    fold,
    iter_hits,
)
from text.proofread.findings import Finding, Kind, Severity
from text.proofread.formats import find_format_problems
from text.proofread.privacy import find_personal_data

__all__ = ["MAX_CHARS", "MAX_FINDINGS", "RuleChecker"]

MAX_CHARS = 2_000_000
MAX_FINDINGS = 2_000

_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _is_ideograph(ch: str) -> bool:
    return bool(_IDEOGRAPH.match(ch))


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans merged into sorted, disjoint ones."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _overlaps(merged: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect_left(merged, (end, -1)) - 1  # the last span starting before ``end``
    return i >= 0 and merged[i][1] > start


def _leftmost_longest(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Non-overlapping ``(start, end, index)`` hits, preferring the earliest, then the longest."""
    chosen: list[tuple[int, int, int]] = []
    for hit in sorted(hits, key=lambda h: (h[0], -h[1])):
        if not chosen or hit[0] >= chosen[-1][1]:
            chosen.append(hit)
    return chosen


def _without_protected(hits: list[tuple[int, int, int]],
                       keep: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Drop hits lying inside a protective span (a correct phrase that contains them)."""
    merged = _merge(keep)
    out, j = [], 0
    # Walk hits by end: the only merged span that can contain a hit is the first one ending at or after it.
    for hit in sorted(hits, key=lambda h: h[1]):
        while j < len(merged) and merged[j][1] < hit[1]:
            j += 1
        if not (j < len(merged) and merged[j][0] <= hit[0]):
            out.append(hit)
    return out


# --- formulations --------------------------------------------------------------------------------
_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1–99 the way congress and plenum numbers are written: 十九, 二十, 二十一."""
    tens, ones = divmod(n, 10)
    prefix = "" if tens == 0 else "十" if tens == 1 else _CN_DIGITS[tens] + "十"
    return prefix + (_CN_DIGITS[ones] if ones else "")


# GB/T 15835: Party congress and plenum ordinals are fixed terms written in Chinese numerals.
_CONGRESS = re.compile(r"党的(?P<n>[1-9][0-9]?)大")
_PLENUM = re.compile(r"(?<![0-9])(?P<n>[1-9][0-9]?|[一二三四五六七八九十]{1,3})届(?P<m>[1-9]|[一二三四五六七八九])中全会")


def _numeral_findings(text: str, folded: str) -> Iterator[Finding]:
    for m in _CONGRESS.finditer(folded):
        fixed = f"党的{_cn_number(int(m['n']))}大"
        yield _formulation(text, m.start(), m.end(), fixed, f"规范表述为“{fixed}”，党的代表大会届次用汉字数字。",
                           "formulation.numerals")
    for m in _PLENUM.finditer(folded):
        if not (m["n"].isdigit() or m["m"].isdigit()):
            continue
        session = _cn_number(int(m["n"])) if m["n"].isdigit() else m["n"]
        plenum = _cn_number(int(m["m"])) if m["m"].isdigit() else m["m"]
        fixed = f"{session}届{plenum}中全会"
        yield _formulation(text, m.start(), m.end(), fixed, f"规范表述为“{fixed}”，全会届次用汉字数字。",
                           "formulation.numerals")


def _formulation(text: str, start: int, end: int, suggestion: str, message: str, rule: str,
                 confidence: float = 1.0) -> Finding:
    return Finding(start, end, text[start:end], suggestion, Kind.FORMULATION, Severity.SERIOUS, message, rule,
                   confidence)


def _note(note: str) -> str:
    return f"（{note}）" if note else ""


def _quoted(phrase: str) -> str:
    """“phrase”, with quotes inside it turned into the inner ‘’ (GB/T 15834)."""
    return "“" + phrase.replace("“", "‘").replace("”", "’") + "”"


def _one_slip(candidate: str, canonical: str) -> int:
    """Cost of the single slip turning ``canonical`` into ``candidate`` strictly inside it, else 0.

    Allowed: one character substituted or inserted, one or two adjacent characters dropped, two
    adjacent characters or two adjacent two-character words swapped. The first and last characters
    must be untouched, which removes the ambiguity at the edges (is "…思想为" a changed 想 or a
    dropped one?) and most false alarms from phrases that merely share a beginning.
    """
    if candidate == canonical or candidate[0] != canonical[0] or candidate[-1] != canonical[-1]:
        return 0
    limit = min(len(candidate), len(canonical))
    p = 0
    while p < limit and candidate[p] == canonical[p]:
        p += 1
    q = 0
    while q < limit - p and candidate[-1 - q] == canonical[-1 - q]:
        q += 1
    if p == 0 or q == 0:
        return 0
    was, now = canonical[p : len(canonical) - q], candidate[p : len(candidate) - q]
    if len(was) == len(now) == 1 or (not was and len(now) == 1) or (not now and len(was) == 1):
        return 1
    if len(was) == len(now) == 2 and now == was[::-1]:
        return 1
    if not now and len(was) == 2:
        return 2
    if len(was) == len(now) == 4 and now == was[2:] + was[:2]:
        return 2
    return 0


def _near_findings(cd: CompiledDictionaries, text: str, folded: str, anchors: list[tuple[int, int, int]],
                   taken: list[tuple[int, int]]) -> Iterator[Finding]:
    """One-slip variants of long canonical phrases, found around their anchor blocks.

    Each anchor hit fixes where the phrase would start; windows up to two characters either way are
    compared with the canonical phrase, so the work per hit is bounded by a constant.
    """
    best: dict[tuple[int, int], tuple[int, int, int]] = {}  # (phrase, origin) → (cost, start, end)
    for hit_start, phrase_index, offset in anchors:
        phrase = cd.near_phrases[phrase_index]
        canonical, length = phrase.canonical, len(phrase.canonical)
        origin = hit_start - offset
        if (phrase_index, origin) in best or folded.startswith(canonical, max(origin, 0)):
            continue
        found: tuple[int, int, int] | None = None
        for start in range(max(0, origin - 2), origin + 3):
            if start >= len(folded) or folded[start] != canonical[0]:
                continue
            for end in range(start + length - 2, min(len(folded), start + length + 1) + 1):
                if folded[end - 1] != canonical[-1]:
                    continue
                candidate = folded[start:end]
                cost = _one_slip(candidate, canonical)
                if not cost or any(ch not in phrase.characters and not _is_ideograph(ch) for ch in candidate):
                    continue
                rank = (cost, abs(end - start - length))
                if found is None or rank < (found[0], abs(found[2] - found[1] - length)):
                    found = (cost, start, end)
        if found is not None:
            best[(phrase_index, origin)] = found
    merged = _merge(taken)
    seen: set[tuple[int, int]] = set()
    for (phrase_index, _), (cost, start, end) in sorted(best.items(), key=lambda kv: kv[1][1]):
        if (start, end) in seen or _overlaps(merged, start, end):
            continue
        seen.add((start, end))
        f = cd.source.formulations[cd.near_phrases[phrase_index].formulation]
        yield _formulation(text, start, end, f.canonical,
                           f"疑似表述有误，规范表述为{_quoted(f.canonical)}{_note(f.note)}。", "formulation.near",
                           0.9 if cost == 1 else 0.8)


def check_formulations(cd: CompiledDictionaries, text: str, folded: str) -> list[Finding]:
    wrong: list[tuple[int, int, int]] = []
    canonical: list[tuple[int, int]] = []
    anchors: list[tuple[int, int, int]] = []
    for start, end, payloads in iter_hits(cd.formulation_automaton, folded):
        for payload in payloads:
            if payload[0] == WRONG:
                wrong.append((start, end, payload[1]))
            elif payload[0] == CANONICAL:
                canonical.append((start, end))
            elif payload[0] == ANCHOR:
                anchors.append((start, payload[1], payload[2]))
    findings = []
    for start, end, number in _leftmost_longest(_without_protected(wrong, canonical)):
        _, suggestion, index = cd.wrong_forms[number]
        f = cd.source.formulations[index]
        findings.append(_formulation(text, start, end, suggestion,
                                     f"表述有误，规范表述为{_quoted(suggestion)}{_note(f.note)}。",
                                     "formulation.wrong_form"))
    matched = [(m.start(), m.end(), index) for regex, index in cd.patterns for m in regex.finditer(text)
               if m.end() > m.start()]
    for start, end, index in _without_protected(matched, canonical):
        f = cd.source.formulations[index]
        findings.append(_formulation(text, start, end, f.canonical,
                                     f"表述有误，规范表述为{_quoted(f.canonical)}{_note(f.note)}。",
                                     "formulation.pattern"))
    findings.extend(_numeral_findings(text, folded))
    if anchors:
        taken = canonical + [(f.start, f.end) for f in findings]
        findings.extend(_near_findings(cd, text, folded, anchors, taken))
    return findings


# --- office holders --------------------------------------------------------------------------------
# Qualifiers in front of a title that change whose title it is: we cannot judge those.
_LEVEL_CHARS = set("省市县区州盟旗镇乡村")
# Single characters after which a title starts a new phrase ("由县长李四主持").
_TITLE_LEADERS = set("由请和与及同向对经在是为将让邀、")
# What usually follows "县长李四" in news copy; any non-ideograph also ends the name.
_NAME_FOLLOWERS = (
    "同志", "在", "出席", "主持", "讲话", "指出", "强调", "表示", "要求", "一行", "带队", "率", "等", "和", "与",
    "及", "调研", "参加", "到", "的", "对", "作", "宣布", "说", "会见", "听取", "考察", "走访", "督查", "检查",
    "深入", "前往", "来", "赴", "为", "向", "是", "也", "还", "就", "亲自", "现场", "分别", "先后", "随后",
    "陪同", "致辞", "介绍", "接待", "看望", "慰问", "代表", "会同", "召集", "批示", "签发", "审定",
)
_NAME_LEADERS = set("由请和与及同向对、")


def _ends_name(folded: str, end: int) -> bool:
    return end >= len(folded) or not _is_ideograph(folded[end]) or folded.startswith(_NAME_FOLLOWERS, end)


def _starts_name(folded: str, start: int) -> bool:
    return start == 0 or not _is_ideograph(folded[start - 1]) or folded[start - 1] in _NAME_LEADERS


def _title_holders(cd: CompiledDictionaries, folded: str, start: int, title: str) -> tuple[int, ...]:
    """Holders the title at ``start`` can refer to; () when something in front qualifies it (原, 副,
    another county's name), because then we cannot tell whose title it is."""
    holders = cd.holders_by_title.get(fold(title), ())
    if start == 0 or not _is_ideograph(folded[start - 1]):
        return holders
    units = tuple(i for i in holders if cd.source.office_holders[i].unit
                  and _unit_precedes(folded, start, fold(cd.source.office_holders[i].unit)))
    if units:
        return units
    return holders if folded[start - 1] in _TITLE_LEADERS else ()


def _unit_precedes(folded: str, start: int, unit: str) -> bool:
    stem = unit[:-1] if len(unit) > 2 and unit[-1] in _LEVEL_CHARS else unit
    return folded.endswith(unit, 0, start) or folded.endswith(stem, 0, start)


def check_office_holders(cd: CompiledDictionaries, text: str, folded: str) -> list[Finding]:
    titles_ending: dict[int, tuple[int, str]] = {}  # end → (start, title), longest title
    titles_starting: dict[int, tuple[int, str]] = {}  # start → (end, title), longest title
    names: list[tuple[int, int, int, bool]] = []  # (start, end, holder, misspelt)
    for start, end, payloads in iter_hits(cd.holder_automaton, folded):
        for payload in payloads:
            if payload[0] == TITLE:
                if end not in titles_ending or titles_ending[end][0] > start:
                    titles_ending[end] = (start, payload[1])
                if start not in titles_starting or titles_starting[start][0] < end:
                    titles_starting[start] = (end, payload[1])
            elif payload[0] in (NAME, WRONG_NAME):
                names.append((start, end, payload[1], payload[0] == WRONG_NAME))
    holders = cd.source.office_holders
    findings: list[Finding] = []
    for start, end, index, misspelt in names:
        person = holders[index]
        same_name = cd.holders_by_name[fold(person.name)]
        own_titles = {fold(holders[i].title) for i in same_name}
        if start in titles_ending and _ends_name(folded, end):
            t_start, title = titles_ending[start]
            span, candidates, fixed_order = (t_start, end), _title_holders(cd, folded, t_start, title), True
        elif (end in titles_starting and _starts_name(folded, start)
              and _ends_name(folded, titles_starting[end][0])):
            t_end, title = titles_starting[end]
            span, candidates, fixed_order = (start, t_end), cd.holders_by_title.get(fold(title), ()), False
        else:
            continue
        if not candidates:
            continue
        if misspelt:
            if fold(title) in own_titles:
                fixed = f"{title}{person.name}" if fixed_order else f"{person.name}{title}"
                findings.append(_formulation(text, *span, fixed,
                                             f"领导姓名有误，应为“{person.name}”{_note(person.note)}。",
                                             "formulation.holder_name"))
        elif len(candidates) == 1 and candidates[0] not in same_name:
            actual = holders[candidates[0]]
            own = "、".join(holders[i].unit + holders[i].title for i in same_name)
            different_title = fold(person.title) != fold(title)
            fixed = "" if not different_title else (
                f"{person.title}{person.name}" if fixed_order else f"{person.name}{person.title}")
            findings.append(_formulation(
                text, *span, fixed,
                f"姓名与职务不符：现任{actual.unit}{title}为{actual.name}，{person.name}的职务为{own}。",
                "formulation.holder_title", 0.9))
    return findings


# --- outdated names and sensitive terms ---------------------------------------------------------------
_OLD_BEFORE = re.compile(r"(?:原|前|撤销|不再保留|撤并|整合)[\u3400-\u9fff]{0,6}$")
_OLD_AFTER = re.compile(r"[(（]现|更名|改为|改名|撤销|合并|整合|划入|的?职责|现为|现名")


def check_outdated(cd: CompiledDictionaries, text: str, folded: str, as_of: date | None) -> list[Finding]:
    old: list[tuple[int, int, int]] = []
    keep: list[tuple[int, int]] = []
    for start, end, payloads in iter_hits(cd.outdated_automaton, folded):
        for role, index in payloads:
            if role == OLD:
                old.append((start, end, index))
            elif role == KEEP:
                keep.append((start, end))
    findings = []
    for start, end, index in _leftmost_longest(_without_protected(old, keep)):
        entry = cd.source.outdated[index]
        if as_of is not None and entry.since is not None and as_of < entry.since:
            continue
        if _OLD_BEFORE.search(folded, max(0, start - 8), start) or _OLD_AFTER.match(folded, end):
            continue
        since = f"{entry.since.year}年起" if entry.since else "现"
        findings.append(Finding(
            start, end, text[start:end], entry.new, Kind.OUTDATED,
            Severity.WARNING if entry.certain else Severity.INFO,
            f"过时表述：{since}应为“{entry.new}”{_note(entry.note)}。", "outdated",
            1.0 if entry.certain else 0.6))
    return findings


_LEVELS = {1: Severity.INFO, 2: Severity.WARNING, 3: Severity.SERIOUS}


def check_sensitive(cd: CompiledDictionaries, text: str, folded: str) -> list[Finding]:
    terms: list[tuple[int, int, int]] = []
    keep: list[tuple[int, int]] = []
    for start, end, payloads in iter_hits(cd.sensitive_automaton, folded):
        for role, index in payloads:
            if role == TERM:
                terms.append((start, end, index))
            elif role == KEEP:
                keep.append((start, end))
    findings = []
    for start, end, index in _leftmost_longest(_without_protected(terms, keep)):
        entry = cd.source.sensitive[index]
        advice = f"，建议改为“{entry.replacement}”" if entry.replacement else "，请核实是否适合公开发布"
        findings.append(Finding(start, end, text[start:end], entry.replacement, Kind.SENSITIVE,
                                _LEVELS[entry.level], f"敏感词“{entry.term}”{_note(entry.note)}{advice}。",
                                "sensitive"))
    return findings


# --- the checker ---------------------------------------------------------------------------------------
_PRIORITY = {Kind.PRIVACY: 0, Kind.FORMULATION: 1, Kind.SENSITIVE: 2, Kind.OUTDATED: 3, Kind.FORMAT: 4,
             Kind.TYPO: 5}


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """Keep the most important finding where findings overlap.

    Within a kind, overlapping findings are alternatives: the best one wins. Across kinds they are
    different problems and both stay, unless one lies wholly inside a more important one (its fix is
    part of the other's). Findings are short, so only kept ones starting within the longest kept
    length before a finding can overlap it: near-linear.
    """
    def rank(f: Finding) -> tuple[int, int, float, int]:
        return (-f.severity, _PRIORITY[f.kind], -f.confidence, -(f.end - f.start))

    kept: list[tuple[int, int, Finding]] = []  # (start, serial, finding), sorted
    longest = 0
    for serial, f in enumerate(sorted(findings, key=rank)):
        lo = bisect_left(kept, (f.start - longest, -1))
        hi = bisect_left(kept, (f.end, -1))
        if any(k.end > f.start and (k.kind == f.kind or (k.start <= f.start and f.end <= k.end))
               for _, _, k in kept[lo:hi]):
            continue
        insort(kept, (f.start, serial, f))
        longest = max(longest, f.end - f.start)
    return sorted((f for _, _, f in kept), key=lambda f: (f.start, f.end, -f.severity))


class RuleChecker:
    """Dictionary, privacy and format checks over one text; build once, share across threads."""

    def __init__(self, dictionaries: Dictionaries | CompiledDictionaries | None = None, *,
                 strict_punctuation: bool = False, max_chars: int = MAX_CHARS,
                 max_findings: int = MAX_FINDINGS) -> None:
        if dictionaries is None:
            dictionaries = Dictionaries()
        self.dictionaries = dictionaries.compile() if isinstance(dictionaries, Dictionaries) else dictionaries
        self.strict_punctuation = strict_punctuation
        self.max_chars = max_chars
        self.max_findings = max_findings

    def check(self, text: str, *, as_of: date | None = None, today: date | None = None) -> list[Finding]:
        """Findings ordered by position. ``as_of`` is the document's date (outdated names renamed
        after it are fine); ``today`` bounds plausible birth dates in ID numbers."""
        if len(text) > self.max_chars:
            raise DocumentError(f"待检查文本过长（{len(text)} 字，上限 {self.max_chars} 字），请分段检查。",
                                code="text_too_long")
        if not text.strip():
            return []
        cd, folded = self.dictionaries, fold(text)
        findings = [
            *find_personal_data(text, today=today),
            *check_formulations(cd, text, folded),
            *check_office_holders(cd, text, folded),
            *check_outdated(cd, text, folded, as_of),
            *check_sensitive(cd, text, folded),
            *find_format_problems(text, strict_punctuation=self.strict_punctuation),
        ]
        return _deduplicate(findings)[: self.max_findings]
