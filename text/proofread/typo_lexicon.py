"""The word and confusion knowledge behind the typo checker: which words exist, how often, and which
characters are mistaken for which.

- Words: jieba's dictionary (shipped with the ``jieba`` package, MIT, ~350 k words with corpus
  frequencies) plus the official-writing terms in ``data/gongwen_words.txt``.
- ``patterns`` answers "which characters can fill the gap in 以_ to make a known word?" in one dict
  look-up, which is how candidate corrections are found without trying every confusable character.
- Confusion sets (``data/confusion.tsv``, built by ``build_lm``): for each character the characters it
  is mistaken for, each with a bit mask saying why (same sound and tone, same sound, similar sound,
  similar shape).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

SAME_TONE, SAME_SYLLABLE, NEAR_SOUND, NEAR_SHAPE = 1, 2, 4, 8

# Words rarer than this in jieba's dictionary (counts from a ~60 M-word corpus) are mostly names and
# noise; as correction targets they cause false alarms, as known words they hide typos (布署: 2).
MIN_WORD_FREQ = 3
MIN_TARGET_FREQ = 5
# Official-writing terms carry no frequency; treat each as a moderately common word.
GONGWEN_FREQ = 200
GAP = "\x00"
BIG_PATTERN = 12


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass
class Lexicon:
    words: dict[str, float]  # word → log10(freq / total)
    # word with one character replaced by GAP → the characters that fit; long answers (一_: hundreds
    # of characters) are frozensets, so that meeting them with a confusion set is one C call.
    patterns: dict[str, str | frozenset[str]]
    floor: float  # log10(1 / total): what an unknown character costs in segmentation
    stems: frozenset[str]  # first two characters of the words of three or four

    def segment_score(self, text: str) -> float:
        """Best log10 probability of ``text`` as a sequence of dictionary words (jieba's unigram
        route), unknown characters as single words at ``floor``; words of up to four characters."""
        n = len(text)
        words = self.words
        stems = self.stems
        floor = self.floor
        best = [0.0] * (n + 2)
        for i in range(n - 1, -1, -1):
            score = words.get(text[i], floor) + best[i + 1]
            if i + 2 <= n:
                two = text[i:i + 2]
                lf = words.get(two)
                if lf is not None and lf + best[i + 2] > score:
                    score = lf + best[i + 2]
                if i + 3 <= n and two in stems:
                    for j in (i + 3, i + 4):
                        if j > n:
                            break
                        lf = words.get(text[i:j])
                        if lf is not None and lf + best[j] > score:
                            score = lf + best[j]
            best[i] = score
        return best[0]


def load_lexicon(extra_words_path: Path | None = None) -> Lexicon:
    freqs: dict[str, int] = {}
    dict_txt = resources.files("jieba").joinpath("dict.txt")
    with dict_txt.open("r", encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) < 2:
                continue
            freq = int(parts[1])
            if freq >= MIN_WORD_FREQ:
                freqs[parts[0]] = freq
    path = extra_words_path or DATA_DIR / "gongwen_words.txt"
    gongwen: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            w = line.strip()
            if w and not w.startswith("#"):
                gongwen.add(w)
                freqs[w] = max(freqs.get(w, 0), GONGWEN_FREQ)
    total = float(sum(freqs.values()))
    log_total = math.log10(total)
    words = {w: math.log10(freq) - log_total for w, freq in freqs.items()}
    patterns: dict[str, str] = {}
    for w, freq in freqs.items():
        if not 2 <= len(w) <= 4 or (freq < MIN_TARGET_FREQ and w not in gongwen):
            continue
        if not all(is_cjk(c) for c in w):
            continue
        for j in range(len(w)):
            key = w[:j] + GAP + w[j + 1:]
            patterns[key] = patterns.get(key, "") + w[j]
    # Longer words (idioms, full agency names) barely change a comparison of 7 characters.
    stems = frozenset(w[:2] for w in words if 3 <= len(w) <= 4)
    packed: dict[str, str | frozenset[str]] = {
        k: (frozenset(v) if len(v) >= BIG_PATTERN else v) for k, v in patterns.items()}
    return Lexicon(words, packed, -log_total, stems)


def load_confusion(path: Path | None = None) -> dict[str, dict[str, int]]:
    """``{char: {confusable char: reason bits}}``; symmetric by construction (see ``build_lm``)."""
    out: dict[str, dict[str, int]] = {}
    text = (path or DATA_DIR / "confusion.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        ch, packed = line.split("\t", 1)
        out[ch] = {packed[k]: int(packed[k + 1], 16) for k in range(0, len(packed) - 1, 2)}
    return out


def load_common_typos(path: Path | None = None) -> dict[str, str]:
    """``{wrong word: right word}`` from the ``right-wrong`` lines of ``data/common_typos.txt``."""
    out: dict[str, str] = {}
    text = (path or DATA_DIR / "common_typos.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "-" not in line:
            continue
        right, wrong = (p.strip() for p in line.split("-", 1))
        if right and wrong and len(right) == len(wrong) and right != wrong:
            out[wrong] = right
    return out
