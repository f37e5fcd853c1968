"""Two wrong characters in a row that sound like a word: 鱼蒜 → 预算, 自愿 → 资源, 元泽 → 原则.

A fifth of the typos in the ECSpell official-document set are such pairs (pinyin input methods
pick the wrong word, not the wrong character), and the one-character candidates of ``typos`` cannot
reach them: changing one character of 鱼蒜 makes no word. Here every two-character stretch that no
common word covers (or whose own word is the commonest there) is looked up by its toneless pinyin
among dictionary words; a match at least as common is scored by the character LM and the
segmentation like single characters are, and by its own small logistic model
(``data/typo_pair_model.json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import numpy as np
import numpy.typing as npt

from text.proofread import lm as lm_mod
from text.proofread.typo_features import lm_rows
from text.proofread.typo_lexicon import MIN_TARGET_FREQ, Lexicon, is_cjk

PAIR_FEATURES = ("lm_delta", "seg_delta", "cand_word_logf", "same_tone_chars", "left_context",
                 "right_context", "orig_char_logp_min", "orig_is_word", "orig_word_logf",
                 "orig_unseen", "full_gain", "trigram_gain")
# A real word is replaced only by a word at least this much more common (log10). At 0 rather than 1
# the pinyin slips between two real words (优先 → 有限公司, 清洁 → 情节严重) become candidates and the
# model weighs them: 5 more right sentences of the odw build half in cross-validation, no more
# false alarms on its correct sentences.
MIN_WORD_GAIN = 0.0
NO_WORD = -9.0
# Candidates that lower the LM score by more than this are not scored further (like single
# characters, typo_features.MIN_LM_DELTA): 46 % of candidates, 2 of 204 true ones (ECSpell training).
MIN_LM_DELTA = -2.5
# A stretch next to a word at least this common (log10 share) is not considered: the pair would
# usually be two halves of two correct words.
NEIGHBOUR_WORD_LOGF = -5.5
SEG_CONTEXT = 3
SOUND_CACHE = 200_000  # entries (~30 MB at most) before the cache of sound-alike words starts again
_UNSEEN = ("", 0.0)


def load_char_pinyin(path: Path) -> dict[str, tuple[str, ...]]:
    """``{char: (toned readings…)}`` from ``data/char_pinyin.tsv`` (built with pypinyin)."""
    out: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, readings = line.split("\t", 1)
            out[ch] = tuple(readings.split())
    return out


def _plain(reading: str) -> str:
    return reading.rstrip("012345")


@dataclass(slots=True)
class PairCandidate:
    offset: int
    text: str = field(repr=False)
    ids: list[int] = field(repr=False)
    index: int  # first of the two characters
    word: str
    word_logf: float
    orig_word_logf: float | None  # when the two characters as written are a word themselves


class PinyinWords:
    def __init__(self, lexicon: Lexicon, readings: dict[str, tuple[str, ...]]) -> None:
        self.lexicon = lexicon
        self.readings = readings
        self.plain = {c: tuple(dict.fromkeys(_plain(r) for r in rs)) for c, rs in readings.items()}
        index: dict[tuple[str, str], tuple[str, float]] = {}
        for w, lf in lexicon.words.items():
            if len(w) != 2 or lf < lexicon.floor + np.log10(MIN_TARGET_FREQ) or not (is_cjk(w[0]) and is_cjk(w[1])):
                continue
            a, b = self.plain.get(w[0]), self.plain.get(w[1])
            if not a or not b:
                continue
            key = (a[0], b[0])  # a dictionary word is indexed under its characters' usual readings
            best = index.get(key)
            if best is None or lf > best[1]:
                index[key] = (w, lf)
        self.index = index
        # Two-character stretches recur in every text: remember what each sounds like.
        self._sounds_like_cache: dict[str, tuple[str, float] | None] = {}

    def _sounds_like(self, written: str) -> tuple[str, float] | None:
        """The commonest dictionary word that reads like ``written`` with both characters changed."""
        a, b = self.plain.get(written[0]), self.plain.get(written[1])
        if not a or not b:
            return None
        best: tuple[str, float] | None = None
        for key in product(a, b):
            hit = self.index.get(key)
            if hit and (best is None or hit[1] > best[1]):
                best = hit
        if best is None or best[0][0] == written[0] or best[0][1] == written[1]:
            return None  # one changed character is the single-character checker's business
        return best

    def candidates(self, offset: int, text: str, ids: list[int] | None, lm: lm_mod.CharLM,
                   orig_best: Sequence[float | None]) -> list[PairCandidate]:
        words = self.lexicon.words
        out: list[PairCandidate] = []
        n = len(text)
        sounds_like = self._sounds_like_cache
        covered = [-99.0 if b is None else b for b in orig_best]
        for s in range(n - 1):
            # Real words are candidates too (自愿 → 资源 in "公共自愿交易"); the stretch is skipped
            # when a more common word, or any common one, already covers one of its characters.
            top = covered[s] if covered[s] > covered[s + 1] else covered[s + 1]
            w = text[s:s + 2]
            own = None if top == -99.0 else words.get(w)  # no word covers them: w is none either
            if top > NEIGHBOUR_WORD_LOGF and (own is None or top > own):
                continue
            best = sounds_like.get(w, _UNSEEN)
            if best is _UNSEEN:
                if len(sounds_like) > SOUND_CACHE:
                    sounds_like.clear()
                best = sounds_like[w] = self._sounds_like(w)
            if best is None:
                continue
            if own is not None and best[1] < own + MIN_WORD_GAIN:
                continue
            if ids is None:
                ids = lm.encode(text)
            out.append(PairCandidate(offset, text, ids, s, best[0], best[1], own))
        return out

    def features(self, lm: lm_mod.CharLM, cands: Sequence[PairCandidate]
                 ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        """A ``PAIR_FEATURES`` row per candidate, and the mask of those worth scoring (other rows
        stay zero): the language model's verdict first, the costly segmentation only for the rest."""
        n = lm.order
        m = len(cands)
        rows, valid = lm_rows(lm, cands, 2)
        changed = rows.copy()
        changed[:, n - 1] = [lm.char_id(c.word[0]) for c in cands]
        changed[:, n] = [lm.char_id(c.word[1]) for c in cands]
        lp, orders = lm.window_detail(np.vstack([rows, changed]), np.vstack([valid, valid]), span=2)
        scores = lp.sum(axis=1)
        lm_delta = scores[m:] - scores[:m]
        was, now = orders[:m], orders[m:]
        # As for single characters (typo_features): attested n-grams gained, characters never seen.
        full_gain = (now == n).sum(axis=1) - (was == n).sum(axis=1)
        trigram_gain = (now >= n - 1).sum(axis=1) - (was >= n - 1).sum(axis=1)
        unseen = (was[:, 0] == 0) | (was[:, 1] == 0)
        uni = np.minimum(lm.unigram[rows[:, n - 1]], lm.unigram[rows[:, n]])
        x = np.zeros((m, len(PAIR_FEATURES)), dtype=np.float32)
        keep = lm_delta > MIN_LM_DELTA
        readings = self.readings
        for r in np.flatnonzero(keep).tolist():
            c = cands[r]
            written = c.text[c.index:c.index + 2]
            same = sum(bool(set(readings.get(a, ())) & set(readings.get(b, ())))
                       for a, b in zip(written, c.word, strict=True))
            lo = max(0, c.index - SEG_CONTEXT)
            before = c.text[lo:c.index + 2 + SEG_CONTEXT]
            j = c.index - lo
            after = before[:j] + c.word + before[j + 2:]
            seg = self.lexicon.segment_score(after) - self.lexicon.segment_score(before)
            x[r] = (lm_delta[r], seg, c.word_logf, same,
                    _run(c.text, c.index - 1, -1), _run(c.text, c.index + 2, 1), uni[r],
                    c.orig_word_logf is not None, NO_WORD if c.orig_word_logf is None else c.orig_word_logf,
                    unseen[r], full_gain[r], trigram_gain[r])
        return x, keep


def _run(text: str, start: int, step: int, cap: int = 3) -> int:
    k = 0
    i = start
    while k < cap and 0 <= i < len(text) and is_cjk(text[i]):
        k += 1
        i += step
    return k
