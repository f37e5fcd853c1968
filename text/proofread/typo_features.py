"""Evidence for one candidate correction, and the logistic model that weighs it.

The features compare the text as written with the text after the change: the character language
model over every 4-gram that touches the character (its probability, and how many of those n-grams
the corpus holds in full or as trigrams), and the best dictionary segmentation of the few
characters around it; then word and character frequencies, whether the model ever saw either
character, and why the two characters are confusable. The model is fitted by ``build_lm`` (Newton's method on an L2-penalised log-likelihood)
and stored as plain numbers in ``data/typo_model.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from text.proofread import lm as lm_mod
from text.proofread.typo_lexicon import NEAR_SHAPE, NEAR_SOUND, SAME_SYLLABLE, SAME_TONE, Lexicon

FloatMatrix = npt.NDArray[np.float32]

SEG_CONTEXT = 3  # characters either side of the change in the segmentation comparison
# Candidates that lower the LM score by more than this are not scored further: 32 % of candidates,
# 2 % of true corrections, 0.7 % of those the model would report (ECSpell training splits).
MIN_LM_DELTA = -2.5
NO_WORD = -9.0  # log10 frequency standing in for "no dictionary word here"

FEATURES = (
    "lm_delta", "lm_delta_pos", "seg_delta", "seg_delta_pos",
    "orig_word_logf", "orig_in_word", "cand_word_logf", "cand_word_long", "word_logf_gain",
    "same_tone", "same_syllable", "near_sound", "near_shape", "common_typo",
    "orig_char_logp", "cand_char_logp", "orig_unknown", "orig_context_logp",
    "left_context", "right_context",
    "orig_unseen", "cand_unseen", "full_gain", "trigram_gain", "best_at_position",
)
_SEG = FEATURES.index("seg_delta")
_SEG_POS = FEATURES.index("seg_delta_pos")
# The screening model sees everything but the segmentation features.
SCREEN_COLUMNS = [i for i, f in enumerate(FEATURES) if not f.startswith("seg_")]
SCREEN_FEATURES = tuple(FEATURES[i] for i in SCREEN_COLUMNS)

# Common surnames that rarely start an ordinary word in running text: a character right after one
# (with no dictionary word joining them) is likely part of a personal name, which the dictionary
# does not know and the LM gladly "corrects" (伍柏麟 → 伍柏林).
SURNAMES = frozenset(
    "王李张刘陈杨赵黄周吴徐孙胡朱郭何罗梁宋郑谢韩唐冯邓曹彭曾萧蔡潘袁董苏叶吕魏蒋杜沈姜范傅钟卢汪戴崔"
    "陆廖姚邱夏谭韦贾邹熊孟秦阎薛侯雷郝孔邵毛顾赖贺严尹钱施龚伍")


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to create
class Candidate:
    """Replace ``text[index]`` (a chunk of the checked text starting at ``offset``) by ``char``."""

    offset: int
    text: str = field(repr=False)
    ids: list[int] = field(repr=False)
    index: int
    char: str
    reason: int  # typo_lexicon bits, plus typos.COMMON_TYPO
    orig_word_logf: float | None  # best dictionary word of 2–4 characters covering the original
    cand_word_logf: float  # the word the change makes
    cand_word_len: int
    word_start: int  # where that word starts in ``text``
    left_context: int  # Chinese characters right before ``index`` (at most 3)
    right_context: int  # … and right after it


def candidate_features(lm: lm_mod.CharLM, lexicon: Lexicon, cands: Sequence[Candidate],
                       screen: TypoModel | None = None) -> tuple[FloatMatrix, npt.NDArray[np.bool_]]:
    """A feature row per candidate, and the mask of those worth scoring (other rows stay zero).

    The segmentation features cost the most; with a ``screen`` (a model on the other features)
    they are computed only for candidates it gives at least its ``report_threshold``.
    """
    m = len(cands)
    n = lm.order
    rows, valid = lm_rows(lm, cands, 1)
    id_of = lm.ids.get
    cand_ids = np.fromiter((id_of(c.char, lm_mod.UNK) for c in cands), dtype=np.int64, count=m)
    orig_ids = rows[:, n - 1].copy()
    changed = rows.copy()
    changed[:, n - 1] = cand_ids
    # Several candidates share a position: score each written window once.
    _, first, back = np.unique(np.hstack([rows, valid]), axis=0, return_index=True, return_inverse=True)
    lp, orders = lm.window_detail(np.vstack([rows[first], changed]), np.vstack([valid[first], valid]))
    scores = lp.sum(axis=1)
    back = back.reshape(-1)
    orig_lm = scores[:len(first)][back]
    lm_delta = scores[len(first):] - orig_lm
    orig_orders = orders[:len(first)][back]
    cand_orders = orders[len(first):]
    best_delta = np.full(len(first), -np.inf, dtype=np.float32)
    np.maximum.at(best_delta, back, lm_delta)
    best_at_position = lm_delta >= best_delta[back]
    keep = lm_delta > MIN_LM_DELTA
    for r in np.flatnonzero(keep).tolist():
        c = cands[r]
        if _after_surname(lexicon, c.text, c.index):
            # Names: the ECSpell training sets hold too few to learn from, correct text is full of them.
            keep[r] = False
    at = np.flatnonzero(keep)
    kept = [cands[r] for r in at.tolist()]
    k = len(kept)
    orig_word = [c.orig_word_logf for c in kept]
    ow = np.fromiter((NO_WORD if w is None else w for w in orig_word), dtype=np.float32, count=k)
    cw = np.fromiter((c.cand_word_logf for c in kept), dtype=np.float32, count=k)
    reason = np.fromiter((c.reason for c in kept), dtype=np.int64, count=k)
    d = lm_delta[at]
    oo, co = orig_orders[at], cand_orders[at]
    values = {
        "lm_delta": d, "lm_delta_pos": np.maximum(d, 0.0), "seg_delta": 0.0, "seg_delta_pos": 0.0,
        "orig_word_logf": ow, "orig_in_word": np.fromiter((w is not None for w in orig_word), dtype=bool, count=k),
        "cand_word_logf": cw, "cand_word_long": np.fromiter((c.cand_word_len >= 3 for c in kept), dtype=bool, count=k),
        "word_logf_gain": cw - ow,
        "same_tone": reason & SAME_TONE > 0, "same_syllable": reason & SAME_SYLLABLE > 0,
        "near_sound": reason & NEAR_SOUND > 0, "near_shape": reason & NEAR_SHAPE > 0, "common_typo": reason & 16 > 0,
        "orig_char_logp": lm.unigram[orig_ids[at]], "cand_char_logp": lm.unigram[cand_ids[at]],
        "orig_unknown": orig_ids[at] == lm_mod.UNK,
        "orig_context_logp": orig_lm[at] / np.maximum(valid[at].sum(axis=1), 1),
        "left_context": np.fromiter((c.left_context for c in kept), dtype=np.float32, count=k),
        "right_context": np.fromiter((c.right_context for c in kept), dtype=np.float32, count=k),
        # How many of the n-grams through the character the corpus holds in full (4) or as
        # trigrams: the probabilities alone hide whether a change turns backed-off guesses into
        # attested text.
        "orig_unseen": oo[:, 0] == 0, "cand_unseen": co[:, 0] == 0,
        "full_gain": (co == n).sum(axis=1) - (oo == n).sum(axis=1),
        "trigram_gain": (co >= n - 1).sum(axis=1) - (oo >= n - 1).sum(axis=1),
        "best_at_position": best_at_position[at],
    }
    x = np.zeros((m, len(FEATURES)), dtype=np.float32)
    for j, name in enumerate(FEATURES):
        x[at, j] = values[name]
    if screen is not None and keep.any():
        keep &= screen.predict(x[:, SCREEN_COLUMNS]) >= screen.report_threshold
    seg_before: dict[tuple[int, int], float] = {}
    segment_score = lexicon.segment_score
    for r in np.flatnonzero(keep).tolist():
        c = cands[r]
        lo = max(0, c.index - SEG_CONTEXT)
        before = c.text[lo:c.index + SEG_CONTEXT + 1]
        j = c.index - lo
        key = (id(c.ids), c.index)
        sb = seg_before.get(key)
        if sb is None:
            sb = seg_before[key] = segment_score(before)
        seg_delta = segment_score(before[:j] + c.char + before[j + 1:]) - sb
        x[r, _SEG] = seg_delta
        x[r, _SEG_POS] = max(seg_delta, 0.0)
    return x, keep


class _Located(Protocol):
    @property
    def ids(self) -> list[int]: ...
    @property
    def index(self) -> int: ...


def lm_rows(lm: lm_mod.CharLM, cands: Sequence[_Located], span: int
            ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """For each candidate, the ids around its ``span`` changed characters as ``CharLM.window_scores``
    takes them, and which of the n-grams lie inside the text."""
    n = lm.order
    width = 2 * (n - 1) + span
    m = len(cands)
    starts: dict[int, int] = {}
    buf: list[int] = []
    offsets = np.empty(m, dtype=np.int64)
    lengths = np.empty(m, dtype=np.int64)
    index = np.empty(m, dtype=np.int64)
    pad_left = [lm_mod.BOUNDARY] * (n - 1)
    pad_right = [lm_mod.BOUNDARY] * (n - 1 + span)
    for r, c in enumerate(cands):
        key = id(c.ids)
        st = starts.get(key)
        if st is None:
            st = starts[key] = len(buf)
            buf.extend(pad_left)
            buf.extend(c.ids)
            buf.extend(pad_right)
        offsets[r] = st + c.index
        lengths[r] = len(c.ids)
        index[r] = c.index
    big = np.asarray(buf, dtype=np.int64)
    rows = big[offsets[:, None] + np.arange(width)[None, :]]
    valid = index[:, None] + np.arange(n + span - 1)[None, :] <= lengths[:, None]
    return rows, valid


def _after_surname(lexicon: Lexicon, text: str, index: int) -> bool:
    words = lexicon.words
    for back in (1, 2):
        s = index - back
        if s >= 0 and text[s] in SURNAMES and text[s:index + 1] not in words and text[s:s + 2] not in words \
                and (s == 0 or text[s - 1:s + 1] not in words):
            return True
    return False


@dataclass
class TypoModel:
    """Logistic regression on standardised features, with the thresholds the checker applies."""

    features: tuple[str, ...]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    weights: npt.NDArray[np.float64]  # bias first
    report_threshold: float = 0.8  # a sentence gets findings only if one candidate reaches this
    companion_threshold: float = 0.3  # … and then also every other candidate that reaches this
    warning_threshold: float = 0.9  # WARNING at or above, INFO below

    def predict(self, x: FloatMatrix) -> npt.NDArray[np.float32]:
        if len(x) == 0:
            return np.zeros(0, dtype=np.float32)
        z = (x.astype(np.float64) - self.mean) / self.scale
        logit = self.weights[0] + z @ self.weights[1:]
        return (1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))).astype(np.float32)

    @classmethod
    def fit(cls, features: tuple[str, ...], x: FloatMatrix, y: npt.NDArray[np.bool_], l2: float = 1.0
            ) -> TypoModel:
        """Newton's method on the L2-penalised log-likelihood (the bias is not penalised)."""
        xf = x.astype(np.float64)
        mean = xf.mean(axis=0)
        scale = xf.std(axis=0)
        scale[scale == 0] = 1.0
        z = np.hstack([np.ones((len(xf), 1)), (xf - mean) / scale])
        t = y.astype(np.float64)
        w = np.zeros(z.shape[1])
        penalty = np.full(z.shape[1], l2)
        penalty[0] = 0.0
        for _ in range(50):
            p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
            grad = z.T @ (p - t) + penalty * w
            hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.max(np.abs(step)) < 1e-8:
                break
        return cls(features, mean, scale, w)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({
            "features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "weights": self.weights.tolist(), "report_threshold": self.report_threshold,
            "companion_threshold": self.companion_threshold, "warning_threshold": self.warning_threshold,
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path, features: tuple[str, ...]) -> TypoModel:
        d = json.loads(path.read_text(encoding="utf-8"))
        if tuple(d["features"]) != features:
            raise ValueError(f"{path}: built for other features; run python -m text.proofread.build_lm")
        return cls(features, np.asarray(d["mean"]), np.asarray(d["scale"]), np.asarray(d["weights"]),
                   float(d["report_threshold"]), float(d["companion_threshold"]), float(d["warning_threshold"]))
