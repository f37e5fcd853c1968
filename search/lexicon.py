"""Build ``search/data/userdict.txt``, the government user dictionary for jieba.

    .venv/bin/python -m search.lexicon [--source ../shared/data/lexicon]

Sources (MIT, ECSpell by Aopolin-Lv; see ``search/data/README.md``): ``gongwen_terms.tsv`` (official
writing terms) and ``gongwen_vocab.txt`` (official writing vocabulary). Only words that jieba's own
dictionary lacks are written, each with the smallest frequency that keeps it in one piece
(``suggest_freq``), so ordinary segmentation elsewhere is disturbed as little as possible.

The term list is a by-product of segmentation and carries fragments such as 由原, 权等 and 认定为;
two-character terms and terms that begin or end with a function character are therefore dropped
(the character-bigram field finds those strings anyway). The hand-curated ``gov_terms.txt`` is not
built here: the analyzer loads it directly, so editing it needs no rebuild.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "lexicon"

# A term that starts or ends with one of these is usually a segmentation fragment (认定为, 以良法).
FUNCTION_CHARS = frozenset("的了和与及或等之在是对把被为以由向按从将于其各个并且而也又再已都就还原后中时起至即给让使所")
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")


def read_terms(source: Path) -> list[str]:
    """Candidate words from the two ECSpell lists, in file order, without duplicates."""
    seen: dict[str, None] = {}
    with (source / "gongwen_terms.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            word = line.split("\t", 1)[0].strip()
            if word:
                seen.setdefault(word, None)
    with (source / "gongwen_vocab.txt").open(encoding="utf-8") as fh:
        for line in fh:
            word = line.strip()
            if word:
                seen.setdefault(word, None)
    return list(seen)


def keep(word: str) -> bool:
    return (
        _HAN_ONLY.fullmatch(word) is not None
        and 3 <= len(word) <= 16
        and word[0] not in FUNCTION_CHARS
        and word[-1] not in FUNCTION_CHARS
    )


def build(words: Iterable[str]) -> list[tuple[str, int]]:
    """(word, frequency) for the words jieba's base dictionary does not already know."""
    import jieba

    jieba.setLogLevel(60)
    base = jieba.Tokenizer()
    base.initialize()
    out: list[tuple[str, int]] = []
    for word in words:
        if not keep(word) or base.FREQ.get(word):
            continue
        out.append((word, int(base.suggest_freq(word, tune=False))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DATA_DIR / "userdict.txt")
    args = parser.parse_args()
    entries = build(read_terms(args.source))
    lines = [f"{word} {freq}\n" for word, freq in entries]
    args.out.write_text("".join(lines), encoding="utf-8")
    print(f"{len(entries)} words → {args.out}")


if __name__ == "__main__":
    main()
