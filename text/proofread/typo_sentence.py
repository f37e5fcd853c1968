"""Is what the checker found in a sentence the whole story? The sentence-level abstain rule.

Sentence-level precision is strict (a sentence counts as right only when its findings are all of its
errors), and most wrong sentences on the ECSpell training splits are not wrong corrections: they are
sentences where one typo was found and another, outside the confusion sets (玉有资产 for 国有资产),
was not. Such leftovers show in the character model: a character whose n-grams the model has never
seen on either side, which no dictionary word covers, is often a typo the candidates cannot reach.

Two small logistic models, fitted by ``build_lm`` on cross-fitted ECSpell training predictions:

- the position model (``data/typo_position_model.json``): how likely each character of the corrected
  sentence is still wrong, from the n-gram orders and log-probabilities around it, its frequency and
  the dictionary word covering it;
- the sentence model (``data/typo_sentence_model.json``): from the findings' confidences, the best
  candidate left unreported and the leftover risk of the position model, how likely the findings
  are exactly the sentence's errors. Below its ``report_threshold`` the sentence gets no findings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from text.proofread import lm as lm_mod
from text.proofread.typo_lexicon import Lexicon

POSITION_FEATURES = (
    "order_at", "order_next", "order_next2", "order_next3",
    "logp_at", "logp_next", "logp_next2", "logp_next3",
    "char_logp", "unknown", "word_logf", "in_word",
)
SENTENCE_FEATURES = ("findings", "min_confidence", "max_unreported", "leftover_sum", "leftover_max")
NO_WORD = -9.0


def best_words(lexicon: Lexicon, text: str) -> list[float | None]:
    """log10 frequency of the commonest dictionary word of 2–4 characters covering each position."""
    words = lexicon.words
    stems = lexicon.stems
    n = len(text)
    best: list[float | None] = [None] * n
    for s in range(n - 1):
        two = text[s:s + 2]
        for length in (2, 3, 4) if two in stems else (2,):
            if s + length > n:
                break
            lf = words.get(text[s:s + length])
            if lf is not None:
                for k in range(s, s + length):
                    cur = best[k]
                    if cur is None or lf > cur:
                        best[k] = lf
    return best


def position_features(lm: lm_mod.CharLM, lexicon: Lexicon, texts: Sequence[str]
                      ) -> list[tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]]:
    """For each text, a ``POSITION_FEATURES`` row per character and which characters are Chinese
    (one language-model look-up for all the texts)."""
    n = lm.order
    encoded = [lm.encode(t) for t in texts]
    pad = [lm_mod.BOUNDARY] * (n - 1)
    arr = np.asarray([i for ids in encoded for i in (*pad, *ids, *pad)], dtype=np.int64)
    m = len(arr) - n + 1
    keys = np.zeros(max(m, 0), dtype=np.int64)
    for t in range(n):
        keys = (keys << lm_mod.BITS) | arr[t:t + m]
    lp, orders = lm.logprob_orders(keys)
    out = []
    at = 0  # where this text's padded ids start: the n-gram ending at its character j is at + j
    for text, ids in zip(texts, encoded, strict=True):
        size = len(text)
        # The n-grams ending at the character and at the three after it: all those it takes part in.
        cols = at + np.arange(size)[:, None] + np.arange(n)[None, :]
        own = np.asarray(ids, dtype=np.int64)
        best = best_words(lexicon, text)
        word = np.fromiter((NO_WORD if b is None else b for b in best), dtype=np.float32, count=size)
        x = np.empty((size, len(POSITION_FEATURES)), dtype=np.float32)
        x[:, 0:n] = orders[cols]
        x[:, n:2 * n] = lp[cols]
        x[:, 2 * n] = lm.unigram[own]
        x[:, 2 * n + 1] = own == lm_mod.UNK
        x[:, 2 * n + 2] = word
        x[:, 2 * n + 3] = word > NO_WORD
        out.append((x, np.fromiter(("\u4e00" <= c <= "\u9fff" for c in text), dtype=bool, count=size)))
        at += size + 2 * (n - 1)
    return out


def sentence_features(confidences: Sequence[float], unreported: float, leftover: npt.NDArray[np.float32]
                      ) -> tuple[float, ...]:
    """One ``SENTENCE_FEATURES`` row: the findings' confidences, the best candidate left out, and
    the position model's risk at the Chinese characters not next to a finding."""
    return (len(confidences), min(confidences), unreported, float(leftover.sum()), float(leftover.max(initial=0.0)))


def leftover_mask(size: int, changed: Sequence[int], cjk: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Chinese characters that neither were changed nor sit next to a change."""
    mask = cjk.copy()
    for i in changed:
        mask[max(0, i - 1):i + 2] = False
    return mask[:size]
