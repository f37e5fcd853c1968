"""The sentence-level abstain rule's evidence: per-character features and the leftover risk."""

from __future__ import annotations

import numpy as np
import pytest

from text.proofread.typo_sentence import (
    POSITION_FEATURES,
    best_words,
    leftover_mask,
    position_features,
    sentence_features,
)
from text.proofread.typos import TypoChecker


@pytest.fixture(scope="module")
def checker() -> TypoChecker:
    return TypoChecker.default()


def test_it_scores_texts_together_like_one_by_one(checker: TypoChecker) -> None:
    texts = ["财政部指导。", "", "A1，国家发展改革委", "生㤁环境部"]
    together = position_features(checker.lm, checker.lexicon, texts)
    for text, (x, cjk) in zip(texts, together, strict=True):
        [(alone, alone_cjk)] = position_features(checker.lm, checker.lexicon, [text])
        assert x.shape == (len(text), len(POSITION_FEATURES))
        np.testing.assert_array_equal(x, alone)
        np.testing.assert_array_equal(cjk, alone_cjk)
    assert together[2][1].tolist() == [False, False, False] + [True] * 7


def test_it_sees_a_character_the_model_never_met(checker: TypoChecker) -> None:
    [(x, _)] = position_features(checker.lm, checker.lexicon, ["生㤁环境部"])
    order_at = POSITION_FEATURES.index("order_at")
    assert x[1, order_at] < 2 <= x[0, order_at]  # 㤁 fits no n-gram; 生 starts the text as usual


def test_it_finds_the_commonest_word_over_each_character(checker: TypoChecker) -> None:
    best = best_words(checker.lexicon, "国家发展改革委，")
    words = checker.lexicon.words
    assert best[0] == best[1] == words["国家"]
    assert best[-1] is None


def test_it_leaves_out_changed_characters_and_their_neighbours() -> None:
    cjk = np.array([True] * 6 + [False])
    assert leftover_mask(7, [2], cjk).tolist() == [True, False, False, False, True, True, False]
    assert sentence_features([0.9, 0.5], 0.1, np.array([0.2, 0.05], dtype=np.float32)) == \
        pytest.approx((2, 0.5, 0.1, 0.25, 0.2))
