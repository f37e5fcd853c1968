"""错别字: wrong characters in Chinese government text, each with the character to write instead.

How a finding comes about (precision first — a checker that cries wolf is not read):

1. Candidates. At every Chinese character, the characters it is commonly mistaken for (same or
   similar sound, similar shape: ``typo_lexicon``) are kept only where putting one in makes a known
   word of 2–4 characters (``以经`` → ``已经``), or where the text holds a listed non-standard word form
   (``耽心`` → ``担心``). Two wrong characters that sound like a word (``鱼蒜`` → ``预算``) come from
   ``typo_words``.
2. Evidence. Each candidate is scored by the character 4-gram model trained on government text
   (``lm``), by the best word segmentation before and after the change, and by word and character
   frequencies and the kind of confusion (``typo_features``).
3. Decision. Logistic models trained at build time on real typos (ECSpell training splits) turn
   the evidence into a probability. A sentence gets findings only when one candidate reaches the
   report threshold (0.8, chosen on correct text: ~0.7 % of correct news sentences get one); then
   the other candidates of that sentence are reported from the lower companion threshold (0.2),
   since typos come in clusters and a half-corrected sentence helps nobody. WARNING from 0.9,
   INFO below. Two one-character corrections side by side are checked together by the language
   model (申化 → 深化, not also → 深花).
4. Abstain. A sentence whose findings probably are not all of its errors (another character looks
   wrong but no candidate reaches it) gets none: ``typo_sentence``.

Load once per process: ``TypoChecker.default()``. No model is fetched at run time: everything comes
from ``data/`` and the ``jieba`` package.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from text.proofread import lm as lm_mod
from text.proofread.findings import Finding, Kind, Severity
from text.proofread.typo_features import FEATURES, SCREEN_FEATURES, Candidate, TypoModel, candidate_features
from text.proofread.typo_lexicon import (
    DATA_DIR,
    GAP,
    NEAR_SHAPE,
    NEAR_SOUND,
    SAME_SYLLABLE,
    Lexicon,
    load_common_typos,
    load_confusion,
    load_lexicon,
)
from text.proofread.typo_sentence import (
    POSITION_FEATURES,
    SENTENCE_FEATURES,
    best_words,
    leftover_mask,
    position_features,
    sentence_features,
)
from text.proofread.typo_words import PAIR_FEATURES, PairCandidate, PinyinWords, load_char_pinyin

__all__ = ["TypoChecker", "Candidates", "ChunkDecision"]

_HAS_CJK = re.compile("[\u4e00-\u9fff]")
_RIGHTS = ((1, 4), (0, 3), (0, 2), (0, 1))  # with a left part of k characters, right parts of these lengths
OVERLAP_CACHE = 200_000  # entries (~40 MB at most) before the cache of pattern overlaps starts again
# Chunks never exceed this many characters, so work per chunk is bounded and the whole check is
# linear in the length of the text.
MAX_CHUNK = 200
_SENTENCE_END = set("。！？；!?;\n\r")
_SOFT_BREAK = set("，,、：:")

COMMON_TYPO = 16  # reason bit, next to the confusion bits of ``typo_lexicon``
# log10 frequency gain a candidate's word must show over the best word the original already forms;
# below this, 2.7 % of true corrections but 68 % of candidates are lost (ECSpell training splits).
MIN_WORD_GAIN = -0.5
# A character inside a word this common (log10 share of jieba's corpus, ≈ 6,000 uses) is taken as
# written: on the ECSpell training splits no reported true correction sat in one.
COMMON_WORD_LOGF = -4.5


@dataclass(frozen=True)
class _Chunk:
    offset: int
    text: str  # folded (``lm.fold``), same length as the original span


def split_chunks(text: str) -> list[_Chunk]:
    """Sentences (cut after 。！？； and line breaks), long ones cut further at commas or hard."""
    chunks: list[_Chunk] = []
    folded = lm_mod.fold(text)
    start = 0
    n = len(folded)
    soft = -1
    for i, ch in enumerate(folded):
        if ch in _SOFT_BREAK:
            soft = i
        end = None
        if ch in _SENTENCE_END:
            end = i + 1
        elif i + 1 - start >= MAX_CHUNK:
            end = soft + 1 if soft >= start + MAX_CHUNK // 2 else i + 1
        if end is not None:
            chunks.append(_Chunk(start, folded[start:end]))
            start = end
            soft = -1
    if start < n:
        chunks.append(_Chunk(start, folded[start:]))
    return [c for c in chunks if _HAS_CJK.search(c.text)]


@dataclass
class ChunkDecision:
    """What the checker would report in one sentence chunk (``TypoChecker.decide``)."""

    offset: int
    text: str  # the chunk as checked (folded)
    findings: list[Finding]
    changed: list[int]  # positions in ``text`` the findings replace
    unreported: float  # the best probability among candidates left out


@dataclass
class Candidates:
    """What ``TypoChecker.candidates`` found in one text: single characters and two-character words."""

    chars: list[Candidate]
    pairs: list[PairCandidate]


class TypoChecker:
    _default: TypoChecker | None = None
    _lock = threading.Lock()

    def __init__(self, lm: lm_mod.CharLM, lexicon: Lexicon, confusion: dict[str, dict[str, int]],
                 common_typos: dict[str, str], pinyin_words: PinyinWords,
                 model: TypoModel | None = None, pair_model: TypoModel | None = None,
                 screen: TypoModel | None = None, position_model: TypoModel | None = None,
                 sentence_model: TypoModel | None = None) -> None:
        self.lm = lm
        self.lexicon = lexicon
        self.confusion = confusion
        self.common_typos = common_typos
        self.pinyin_words = pinyin_words
        self.model = model
        self.pair_model = pair_model
        self.screen = screen
        self.position_model = position_model
        self.sentence_model = sentence_model
        self._overlaps: dict[tuple[str, str], Sequence[str]] = {}
        self._typo_re = re.compile("|".join(map(re.escape, sorted(common_typos, key=len, reverse=True)))) \
            if common_typos else None

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR, with_models: bool = True) -> TypoChecker:
        lexicon = load_lexicon(data_dir / "gongwen_words.txt")
        return cls(lm_mod.CharLM.load(data_dir / "char_lm.npz"), lexicon, load_confusion(data_dir / "confusion.tsv"),
                   load_common_typos(data_dir / "common_typos.txt"),
                   PinyinWords(lexicon, load_char_pinyin(data_dir / "char_pinyin.tsv")),
                   TypoModel.load(data_dir / "typo_model.json", FEATURES) if with_models else None,
                   TypoModel.load(data_dir / "typo_pair_model.json", PAIR_FEATURES) if with_models else None,
                   TypoModel.load(data_dir / "typo_screen_model.json", SCREEN_FEATURES) if with_models else None,
                   TypoModel.load(data_dir / "typo_position_model.json", POSITION_FEATURES) if with_models else None,
                   TypoModel.load(data_dir / "typo_sentence_model.json", SENTENCE_FEATURES) if with_models else None)

    @classmethod
    def default(cls) -> TypoChecker:
        """The process-wide checker, loaded on first use (a few seconds, ~200 MB)."""
        if cls._default is None:
            with cls._lock:
                if cls._default is None:
                    cls._default = cls.load()
        return cls._default

    # --- public ------------------------------------------------------------------------------
    def check(self, text: str) -> list[Finding]:
        return self.check_batch([text])[0]

    def check_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for each text, in text order; batching amortises the model calls."""
        return self._abstain([self.decide(text, *scored)
                              for text, scored in zip(texts, self.score_batch(texts), strict=True)])

    def score_batch(self, texts: Sequence[str]
                    ) -> list[tuple[Candidates, npt.NDArray[np.float32], npt.NDArray[np.float32]]]:
        """Each text's candidates with the decision models' probabilities (characters, words)."""
        if self.model is None or self.pair_model is None:
            raise RuntimeError("TypoChecker without decision models: run python -m text.proofread.build_lm")
        found = [self.candidates(text) if text else Candidates([], []) for text in texts]
        chars = [c for f in found for c in f.chars]
        pairs = [c for f in found for c in f.pairs]
        x, keep = self.features(chars)
        char_p = np.where(keep, self.model.predict(x), np.float32(0))
        px, pair_keep = self.pair_features(pairs)
        pair_p = np.where(pair_keep, self.pair_model.predict(px), np.float32(0))
        results = []
        k = j = 0
        for f in found:
            results.append((f, char_p[k:k + len(f.chars)], pair_p[j:j + len(f.pairs)]))
            k += len(f.chars)
            j += len(f.pairs)
        return results

    # --- stages (also used by build_lm to train the decision models) --------------------------
    def candidates(self, text: str) -> Candidates:
        out = Candidates([], [])
        for chunk in split_chunks(text):
            chars, pairs = self._chunk_candidates(chunk)
            out.chars.extend(chars)
            out.pairs.extend(pairs)
        return out

    def features(self, cands: Sequence[Candidate]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        """Feature rows, and which candidates are worth scoring at all (the rest score 0)."""
        if not cands:
            return np.zeros((0, len(FEATURES)), dtype=np.float32), np.zeros(0, dtype=bool)
        return candidate_features(self.lm, self.lexicon, cands, self.screen)

    def pair_features(self, cands: Sequence[PairCandidate]
                      ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        if not cands:
            return np.zeros((0, len(PAIR_FEATURES)), dtype=np.float32), np.zeros(0, dtype=bool)
        return self.pinyin_words.features(self.lm, cands)

    # --- internals ---------------------------------------------------------------------------
    def _chunk_candidates(self, chunk: _Chunk) -> tuple[list[Candidate], list[PairCandidate]]:
        t = chunk.text
        n = len(t)
        words = self.lexicon.words
        patterns = self.lexicon.patterns
        confusion = self.confusion
        found: dict[tuple[int, str], Candidate] = {}
        ids: list[int] | None = None
        overlaps = self._overlaps
        orig_best = best_words(self.lexicon, t)  # the commonest word covering each position, as written
        # Words hold only Chinese characters: no window crosses punctuation, digits or Latin. How
        # many Chinese characters (at most 3) stand right before and right after each position:
        before = [0] * n
        run = 0
        for i, ch in enumerate(t):
            before[i] = run if run < 3 else 3
            run = run + 1 if "\u4e00" <= ch <= "\u9fff" else 0  # typo_lexicon.is_cjk, inlined: hot loop
        after = [0] * n
        run = 0
        for i in range(n - 1, -1, -1):
            after[i] = run if run < 3 else 3
            run = run + 1 if "\u4e00" <= t[i] <= "\u9fff" else 0
        for i, ch in enumerate(t):
            conf = confusion.get(ch)
            if conf is None:
                continue
            orig_lf = orig_best[i]
            if orig_lf is not None and orig_lf > COMMON_WORD_LOGF:
                continue
            floor = -99.0 if orig_lf is None else orig_lf + MIN_WORD_GAIN
            hits: dict[str, tuple[float, int, int]] = {}  # char → (word log10 freq, word length, start)
            # Every way of putting position i into a word of 2–4 characters: (left part, right part).
            lefts = [t[i - k:i] for k in range(before[i] + 1)]
            rights = [t[i + 1:i + 1 + k] for k in range(after[i] + 1)]
            for a, left in enumerate(lefts):
                head = left + GAP
                lo, hi = _RIGHTS[a]
                for right in rights[lo:hi]:
                    key = head + right
                    fits = patterns.get(key)
                    if not fits:
                        continue
                    if isinstance(fits, frozenset):
                        # Long answers (_的 fits hundreds) recur in every text: remember the overlap.
                        chosen = overlaps.get((key, ch))
                        if chosen is None:
                            if len(overlaps) > OVERLAP_CACHE:
                                overlaps.clear()
                            chosen = overlaps[(key, ch)] = tuple(fits.intersection(conf))
                    else:
                        chosen = [c for c in fits if c in conf]
                    for c in chosen:
                        wlf = words[left + c + right]
                        if wlf < floor:
                            continue  # the change trades a word for a rarer one: almost never a typo
                        prev = hits.get(c)
                        if prev is None or wlf > prev[0]:
                            hits[c] = (wlf, len(left) + len(right) + 1, i - len(left))
            for c, (wlf, length, start) in hits.items():
                if ids is None:
                    ids = self.lm.encode(t)
                found[(i, c)] = Candidate(chunk.offset, t, ids, i, c, conf[c], orig_lf, wlf, length, start,
                                          before[i], after[i])
        for match in self._typo_re.finditer(t) if self._typo_re else ():
            s, wrong = match.start(), match.group()
            right = self.common_typos[wrong]
            for j, (was, fix) in enumerate(zip(wrong, right, strict=True)):
                if was == fix:
                    continue
                if ids is None:
                    ids = self.lm.encode(t)
                prev_c = found.get((s + j, fix))
                reason = (prev_c.reason if prev_c else confusion.get(was, {}).get(fix, 0)) | COMMON_TYPO
                k = s + j
                found[(k, fix)] = Candidate(chunk.offset, t, ids, k, fix, reason, words.get(wrong),
                                            words.get(right, self.lexicon.floor), len(wrong), s,
                                            before[k], after[k])
        pairs = self.pinyin_words.candidates(chunk.offset, t, ids, self.lm, orig_best)
        return list(found.values()), pairs

    def decide(self, text: str, found: Candidates, char_p: npt.NDArray[np.float32],
               pair_p: npt.NDArray[np.float32]) -> list[ChunkDecision]:
        """The findings of each sentence chunk that has any, before the sentence-level abstain rule."""
        assert self.model is not None and self.pair_model is not None
        # (probability, start, replacement, rule, quote start, quote end) per sentence chunk.
        options: dict[int, list[tuple[float, int, str, str, int, int]]] = {}
        chunks: dict[int, tuple[str, list[int]]] = {}
        anchored: set[int] = set()
        for c, p in zip(found.chars, char_p, strict=True):
            chunks.setdefault(c.offset, (c.text, c.ids))
            if p >= self.model.companion_threshold:
                quote = c.offset + c.word_start
                options.setdefault(c.offset, []).append((float(p), c.offset + c.index, c.char, _rule(c.reason),
                                                         quote, quote + c.cand_word_len))
                if p >= self.model.report_threshold:
                    anchored.add(c.offset)
        for pc, p in zip(found.pairs, pair_p, strict=True):
            chunks.setdefault(pc.offset, (pc.text, pc.ids))
            if p >= self.pair_model.companion_threshold:
                start = pc.offset + pc.index
                options.setdefault(pc.offset, []).append((float(p), start, pc.word, "typo.pinyin_word", start, start + 2))
                if p >= self.pair_model.report_threshold:
                    anchored.add(pc.offset)
        if not anchored:
            return []
        # The best candidate of each chunk that is not reported: a hint that more is wrong there.
        unreported: dict[int, list[tuple[float, int, int]]] = {}
        for c, p in zip(found.chars, char_p, strict=True):
            if c.offset in anchored:
                unreported.setdefault(c.offset, []).append((float(p), c.offset + c.index, 1))
        for pc, p in zip(found.pairs, pair_p, strict=True):
            if pc.offset in anchored:
                unreported.setdefault(pc.offset, []).append((float(p), pc.offset + pc.index, 2))
        decisions = []
        for offset in sorted(anchored):
            taken: set[int] = set()
            chosen: list[tuple[float, int, str, str, int, int]] = []
            for option in sorted(options[offset], key=lambda o: -o[0]):
                span = range(option[1], option[1] + len(option[2]))
                if taken.intersection(span):
                    continue
                taken.update(span)
                chosen.append(option)
            chunk_text, ids = chunks[offset]
            chosen = self._settle_neighbours(offset, ids, chosen)
            changed = [o[1] + k - offset for o in chosen for k in range(len(o[2]))]
            left = max((p for p, at, width in unreported[offset]
                        if not taken.intersection(range(at, at + width))), default=0.0)
            findings = [self._finding(text, start, replacement, p, rule, lo, hi)
                        for p, start, replacement, rule, lo, hi in chosen]
            decisions.append(ChunkDecision(offset, chunk_text, findings, changed, left))
        return decisions

    def _settle_neighbours(self, offset: int, ids: list[int], chosen: list[tuple[float, int, str, str, int, int]]
                           ) -> list[tuple[float, int, str, str, int, int]]:
        """Two one-character corrections side by side were each scored with the other character as
        written (申化: 深化 and 申花 are both words, 深花 is not): keep both only if the language model
        prefers the pair to either alone."""
        singles = sorted((o for o in chosen if len(o[2]) == 1), key=lambda o: o[1])
        dropped: set[int] = set()
        lm = self.lm
        n = lm.order
        for a, b in zip(singles, singles[1:], strict=False):
            if b[1] != a[1] + 1 or a[1] in dropped:
                continue
            i = a[1] - offset
            padded = [lm_mod.BOUNDARY] * (n - 1) + ids + [lm_mod.BOUNDARY] * (n + 1)
            rows = np.repeat(np.asarray(padded[i:i + 2 * n], dtype=np.int64)[None, :], 3, axis=0)
            first, second = lm.char_id(a[2]), lm.char_id(b[2])
            rows[0, n - 1] = rows[2, n - 1] = first
            rows[1, n] = rows[2, n] = second
            valid = np.repeat((i + np.arange(n + 1) <= len(ids))[None, :], 3, axis=0)
            only_a, only_b, both = lm.window_scores(rows, valid, span=2).tolist()
            if both < max(only_a, only_b):
                dropped.add(b[1] if only_a >= only_b else a[1])
        return [o for o in chosen if len(o[2]) != 1 or o[1] not in dropped]

    def _abstain(self, decisions: list[list[ChunkDecision]]) -> list[list[Finding]]:
        """Each text's findings, less those of chunks the sentence model does not trust."""
        if self.sentence_model is None:
            return [sorted((f for d in ds for f in d.findings), key=lambda f: f.start) for ds in decisions]
        flat = [d for ds in decisions for d in ds]
        trusted = iter(self.sentence_confidences(flat) >= self.sentence_model.report_threshold)
        out = []
        for ds in decisions:
            kept = [f for d in ds if next(trusted) for f in d.findings]
            out.append(sorted(kept, key=lambda f: f.start))
        return out

    def sentence_confidences(self, decisions: Sequence[ChunkDecision]) -> npt.NDArray[np.float32]:
        """How likely each chunk's findings are exactly its errors (``typo_sentence``)."""
        assert self.sentence_model is not None
        return self.sentence_model.predict(self.sentence_evidence(decisions))

    def sentence_evidence(self, decisions: Sequence[ChunkDecision]) -> npt.NDArray[np.float32]:
        """A ``SENTENCE_FEATURES`` row per chunk decision."""
        assert self.position_model is not None
        out = np.zeros((len(decisions), len(SENTENCE_FEATURES)), dtype=np.float32)
        if not decisions:
            return out
        corrected = []
        for d in decisions:
            chars = list(d.text)
            for f in d.findings:
                chars[f.start - d.offset:f.end - d.offset] = f.suggestion
            corrected.append("".join(chars))
        positions = position_features(self.lm, self.lexicon, corrected)
        risk = self.position_model.predict(np.vstack([x for x, _ in positions]))
        at = 0
        for r, (d, (x, cjk)) in enumerate(zip(decisions, positions, strict=True)):
            mine = risk[at:at + len(x)]
            at += len(x)
            out[r] = sentence_features([f.confidence for f in d.findings], d.unreported,
                                       mine[leftover_mask(len(d.text), d.changed, cjk)])
        return out

    def _finding(self, text: str, start: int, replacement: str, p: float, rule: str, lo: int, hi: int
                 ) -> Finding:
        """A finding for ``text[start:start + len(replacement)]``, quoting ``text[lo:hi]`` (the word
        it belongs to: 「以经」 reads, 「以」 does not)."""
        assert self.model is not None
        end = start + len(replacement)
        lo, hi = min(lo, start), max(hi, end)
        written = text[lo:hi]
        fixed = text[lo:start] + replacement + text[end:hi]
        severity = Severity.WARNING if p >= self.model.warning_threshold else Severity.INFO
        return Finding(start=start, end=end, text=text[start:end], suggestion=replacement, kind=Kind.TYPO,
                       severity=severity, message=f"疑似错别字：「{written}」应为「{fixed}」", rule=rule, confidence=p)


def _rule(reason: int) -> str:
    if reason & COMMON_TYPO:
        return "typo.common_form"
    return "typo.shape" if reason & NEAR_SHAPE and not reason & (SAME_SYLLABLE | NEAR_SOUND) else "typo.sound"


def iter_findings(checker: TypoChecker, texts: Iterable[str], batch: int = 64) -> Iterable[list[Finding]]:
    """Stream ``check_batch`` over many texts."""
    buf: list[str] = []
    for t in texts:
        buf.append(t)
        if len(buf) >= batch:
            yield from checker.check_batch(buf)
            buf = []
    if buf:
        yield from checker.check_batch(buf)
