"""Build the typo checker's data files from the public data in ``../shared/data``.

    python -m text.proofread.build_lm [--data ../shared/data] [--out text/proofread/data]

Writes ``char_lm.npz`` (character 4-gram model), ``confusion.tsv``, ``char_pinyin.tsv``,
``gongwen_words.txt``, ``common_typos.txt``, the decision models ``typo_model.json``,
``typo_pair_model.json``, ``typo_screen_model.json`` and the abstain rule's
``typo_position_model.json``, ``typo_sentence_model.json``; ``data/README.md`` says where
each comes from. Takes about a minute on one core. Reads only files whose licence lets a model
built from them ship in the repository (government documents, MIT/Apache-2.0 sets); the dev-only
sets (SIGHAN-15, acc_rmrb) are read by ``bench/proofread_typos.py`` alone.

Held out, so that the benchmark stays honest:
- ECSpell law/med training sentences whose correct text also occurs in the law/med *test* splits
  (ECSpell reuses sentences across splits: 364 of the 500 law test targets are in law.train);
- half of the ECSpell official-document split, chosen by a hash of the correct sentence (the split
  repeats sentences with different errors, so a row-wise split would leak) — see ``odw_part``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import zlib
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np

from text.proofread import lm as lm_mod
from text.proofread.typo_features import FEATURES, SCREEN_COLUMNS, SCREEN_FEATURES, TypoModel
from text.proofread.typo_lexicon import (
    NEAR_SHAPE,
    NEAR_SOUND,
    SAME_SYLLABLE,
    SAME_TONE,
    is_cjk,
    load_common_typos,
    load_confusion,
    load_lexicon,
)
from text.proofread.typo_sentence import POSITION_FEATURES, SENTENCE_FEATURES, position_features
from text.proofread.typo_words import PAIR_FEATURES, PinyinWords, load_char_pinyin
from text.proofread.typos import TypoChecker

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = Path(__file__).resolve().parent / "data"

# How many characters may be suggested as corrections: the rest are too rare to be what was meant.
TARGET_CHARS = 5000
# 标识 is a standard word in its own right, not a wrong form of 标志.
TYPO_PAIRS_DROPPED = {"标志-标识"}
# Pairs that are both right depending on what the writer means (他们/她们): never a typo to flag.
NEVER_CONFUSED = ("他她", "他它", "她它")
# The sentence model's confidence below which a chunk gets no findings (typo_sentence). Chosen by
# 4-fold cross-validation on the training pairs alone (law/med train, the odw build half): the
# lowest of 0.3, 0.4 … 0.7 at which sentence detection precision reaches 0.85 both on the odw build
# half (0.875, recall 0.405; without the rule 0.809 / 0.428) and on all training pairs (0.860 / 0.312;
# without 0.743 / 0.343); it withholds 12 % of the odw sentences with findings there, 21 % of all.
SENTENCE_THRESHOLD = 0.6


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(written, correct) pairs of an ECSpell/SIGHAN TSV; rows whose lengths differ are skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        src, tgt = parts[-2].strip(), parts[-1].strip()
        if src and len(src) == len(tgt):
            out.append((src, tgt))
    return out


def odw_part(correct: str) -> str:
    """``"build"`` or ``"heldout"``: the fixed half of ECSpell-odw the build may use."""
    return "build" if zlib.crc32(correct.encode("utf-8")) % 2 == 0 else "heldout"


def read_corpus(data: Path) -> list[str]:
    """Paragraphs of the government work reports, deduplicated (the two sources overlap)."""
    paras: list[str] = []
    with (data / "corpus" / "government_work_reports.jsonl").open(encoding="utf-8") as f:
        for line in f:
            paras.extend(json.loads(line)["content"].split("\n"))
    for p in sorted((data / "corpus" / "govreports_1954_2017").glob("*.txt")):
        paras.extend(p.read_text(encoding="utf-8").split("\n"))
    return list(dict.fromkeys(p.strip() for p in paras if p.strip()))


def read_reference_texts(data: Path, held_out: str) -> list[str]:
    """Short official texts for the LM: policy and regulation titles (ECSpell wordlist, MIT),
    official-writing terms, and the names and departments of Guangdong service matters (MIT).
    Any that occurs inside a held-out sentence is left out."""
    texts = [ln.strip() for ln in (data / "lexicon" / "policy_titles.txt").read_text(encoding="utf-8").splitlines()]
    texts += [ln.split("\t")[0].strip()
              for ln in (data / "lexicon" / "gongwen_terms.tsv").read_text(encoding="utf-8").splitlines()]
    with (data / "services" / "gd_service_matters.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts += [str(row.get("TASK_NAME") or ""), str(row.get("DEPT_NAME") or "")]
    return [t for t in dict.fromkeys(texts) if len(t) >= 2 and t not in held_out]


def read_held_out(data: Path) -> str:
    """The correct sentences the benchmark scores, joined: nothing the build uses may contain them."""
    csc = data / "csc"
    held = [t for _, t in read_pairs(csc / "ecspell_odw.train") if odw_part(t) == "heldout"]
    held += [t for d in ("law", "med") for _, t in read_pairs(csc / f"ecspell_{d}.test")]
    return "\n".join(held)


def read_training_pairs(data: Path) -> list[tuple[str, str]]:
    csc = data / "csc"
    test_targets = {t for d in ("law", "med") for _, t in read_pairs(csc / f"ecspell_{d}.test")}
    pairs = [p for d in ("law", "med") for p in read_pairs(csc / f"ecspell_{d}.train") if p[1] not in test_targets]
    pairs += [p for p in read_pairs(csc / "ecspell_odw.train") if odw_part(p[1]) == "build"]
    return pairs


def jieba_char_weights() -> Counter[str]:
    counts: Counter[str] = Counter()
    with resources.files("jieba").joinpath("dict.txt").open("r", encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) >= 2:
                for ch in parts[0]:
                    counts[ch] += int(parts[1])
    return counts


def build_confusion(data: Path, chars: str, targets: set[str]) -> dict[str, dict[str, int]]:
    from pypinyin import Style, pinyin

    conf = data / "confusion"
    pairs: dict[tuple[str, str], int] = {}

    def add(a: str, b: str, bit: int) -> None:
        if a != b and is_cjk(a) and is_cjk(b):
            pairs[(a, b)] = pairs.get((a, b), 0) | bit
            pairs[(b, a)] = pairs.get((b, a), 0) | bit

    for line in (conf / "same_pinyin.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        for b in "".join(cols[1:]):
            add(cols[0], b, NEAR_SOUND)
    for line in (conf / "same_stroke.txt").read_text(encoding="utf-8").splitlines():
        group = line.split()
        for a in group:
            for b in group:
                add(a, b, NEAR_SHAPE)
    for name, bit in (("ecspell_sound.json", NEAR_SOUND), ("ecspell_shape.json", NEAR_SHAPE)):
        for a, bs in json.loads((conf / name).read_text(encoding="utf-8")).items():
            for b in bs:
                add(a, b, bit)
    # pypinyin: characters sharing a syllable (any reading), and whether also the tone.
    known = set(chars)
    toned: dict[str, set[str]] = {}
    plain: dict[str, set[str]] = {}
    by_syllable: dict[str, set[str]] = {}
    for ch in chars:
        if not is_cjk(ch):
            continue
        toned[ch] = set(pinyin(ch, style=Style.TONE3, heteronym=True)[0])
        plain[ch] = set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
        for s in plain[ch]:
            by_syllable.setdefault(s, set()).add(ch)
    for a in toned:
        for s in plain[a]:
            for b in by_syllable[s]:
                if b in targets or a in targets:
                    add(a, b, SAME_SYLLABLE)
    for pair in NEVER_CONFUSED:
        pairs.pop((pair[0], pair[1]), None)
        pairs.pop((pair[1], pair[0]), None)
    out: dict[str, dict[str, int]] = {}
    for (a, b), bits in pairs.items():
        if a not in known or b not in targets:
            continue
        if a in toned and b in toned:
            if toned[a] & toned[b]:
                bits |= SAME_TONE | SAME_SYLLABLE
            elif plain[a] & plain[b]:
                bits |= SAME_SYLLABLE
        out.setdefault(a, {})[b] = bits
    return out


def write_confusion(conf: dict[str, dict[str, int]], path: Path) -> None:
    lines = ["# char<TAB>(confusable char, reason bits in hex)…; bits: 1 same tone, 2 same syllable, "
             "4 similar sound (pycorrector/ECSpell sets), 8 similar shape. Built by text.proofread.build_lm."]
    for a in sorted(conf):
        lines.append(a + "\t" + "".join(f"{b}{bits:x}" for b, bits in sorted(conf[a].items())))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_gongwen_words(data: Path, path: Path) -> None:
    words: set[str] = set()
    for line in (data / "lexicon" / "gongwen_terms.tsv").read_text(encoding="utf-8").splitlines():
        words.add(line.split("\t")[0].strip())
    for line in (data / "lexicon" / "gongwen_vocab.txt").read_text(encoding="utf-8").splitlines():
        words.add(line.strip())
    kept = sorted(w for w in words if 2 <= len(w) <= 8 and all(is_cjk(c) for c in w))
    path.write_text("# Official-writing terms: ECSpell wordlist 公文写作 and vocab 公文写作 (MIT).\n"
                    + "\n".join(kept) + "\n", encoding="utf-8")


def write_common_typos(data: Path, path: Path) -> None:
    lines = [ln.strip() for ln in (data / "lexicon" / "common_typos.txt").read_text(encoding="utf-8").splitlines()]
    kept = [ln for ln in lines if ln and ln not in TYPO_PAIRS_DROPPED]
    path.write_text("# right-wrong word forms: ECSpell wordlist 常见错字错词 (MIT), less "
                    + "、".join(sorted(TYPO_PAIRS_DROPPED)) + ".\n" + "\n".join(kept) + "\n", encoding="utf-8")


def write_char_pinyin(chars: str, path: Path) -> None:
    from pypinyin import Style, pinyin

    lines = ["# char<TAB>toned readings (pypinyin, TONE3), for the two-character word check"]
    for ch in chars:
        if is_cjk(ch):
            # pypinyin lists the usual reading first; the word index relies on that order.
            readings = list(dict.fromkeys(pinyin(ch, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]))
            if readings and readings[0] != ch:
                lines.append(ch + "\t" + " ".join(readings))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def labelled_features(checker: TypoChecker, pairs: list[tuple[str, str]]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features and labels of every candidate the checker generates on the written side of
    ``pairs`` and on the correct side (what false alarms look like: real text is mostly correct)."""
    xs, ys, pxs, pys = [], [], [], []
    for src, tgt in pairs:
        for text in (src, tgt) if src != tgt else (src,):
            found = checker.candidates(text)
            if found.chars:
                x, keep = checker.features(found.chars)
                xs.append(x[keep])
                ys.append(np.array([tgt[c.offset + c.index] == c.char for c in found.chars])[keep])
            if found.pairs:
                px, keep = checker.pair_features(found.pairs)
                pxs.append(px[keep])
                pys.append(np.array([tgt[c.offset + c.index:c.offset + c.index + 2] == c.word for c in found.pairs])[keep])
    return np.vstack(xs), np.concatenate(ys), np.vstack(pxs), np.concatenate(pys)


def fit_decision_models(x: np.ndarray, y: np.ndarray, px: np.ndarray, py: np.ndarray
                        ) -> tuple[TypoModel, TypoModel, TypoModel]:
    """The character model, its screen and the two-character word model, with their thresholds."""
    # Thresholds: chosen on cross-fitted training predictions (precision ≥ 0.9 per reported
    # character) and on false alarms on correct news sentences (bench/proofread_typos.py).
    char_model = TypoModel.fit(FEATURES, x, y)
    char_model.report_threshold, char_model.companion_threshold, char_model.warning_threshold = 0.8, 0.2, 0.9
    # The screen decides which candidates get the (costly) segmentation features: it drops about
    # two thirds of them and, on the training splits, 1 in 2,000 of those the full model would
    # report even as a companion.
    screen = TypoModel.fit(SCREEN_FEATURES, x[:, SCREEN_COLUMNS], y)
    screen.report_threshold = 0.003
    pair_model = TypoModel.fit(PAIR_FEATURES, px, py)
    pair_model.report_threshold, pair_model.companion_threshold, pair_model.warning_threshold = 0.9, 0.2, 0.95
    return char_model, screen, pair_model


def labelled_positions(checker: TypoChecker, pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Position-model features of every Chinese character on the written side, and whether it is wrong."""
    xs, ys = [], []
    for (src, tgt), (x, cjk) in zip(pairs, position_features(checker.lm, checker.lexicon,
                                                            [lm_mod.fold(s) for s, _ in pairs]), strict=True):
        xs.append(x[cjk])
        ys.append(np.fromiter((a != b for a, b in zip(src, tgt, strict=True)), dtype=bool, count=len(src))[cjk])
    return np.vstack(xs), np.concatenate(ys)


def labelled_sentences(checker: TypoChecker, pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Sentence-model features of every chunk the checker reports on, and whether its findings are
    exactly the chunk's errors."""
    xs, ys = [], []
    for k in range(0, len(pairs), 64):
        batch = pairs[k:k + 64]
        decisions = []
        for (src, tgt), scored in zip(batch, checker.score_batch([s for s, _ in batch]), strict=True):
            for d in checker.decide(src, *scored):
                decisions.append(d)
                gold = {i for i in range(d.offset, d.offset + len(d.text)) if src[i] != tgt[i]}
                ys.append({d.offset + i for i in d.changed} == gold)
        xs.append(checker.sentence_evidence(decisions))
    return np.vstack(xs), np.asarray(ys, dtype=bool)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--features-out", type=Path, help="also save the training features (for tuning)")
    args = ap.parse_args(argv)
    data: Path = args.data
    out: Path = args.out
    if not (data / "corpus").is_dir():
        print(f"没有找到数据目录：{data}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()

    corpus = read_corpus(data) + read_reference_texts(data, read_held_out(data))
    pairs = read_training_pairs(data)
    targets = list(dict.fromkeys(t for _, t in pairs))
    weights = jieba_char_weights()
    extra = [c for c, _ in weights.most_common() if is_cjk(c)]
    chars = lm_mod.choose_chars(corpus + targets, extra)
    target_chars = {c for c in extra[:TARGET_CHARS]} | {c for t in corpus for c in t if is_cjk(c)}
    print(f"corpus {len(corpus)} paragraphs and titles, {sum(map(len, corpus))} chars; ECSpell targets {len(targets)}; "
          f"inventory {len(chars)} chars", flush=True)

    write_gongwen_words(data, out / "gongwen_words.txt")
    write_common_typos(data, out / "common_typos.txt")
    write_confusion(build_confusion(data, chars, target_chars), out / "confusion.tsv")
    for name in ("LICENSE.ecspell", "LICENSE.pycorrector"):
        src = data / ("lexicon" if name == "LICENSE.ecspell" else "confusion") / name
        shutil.copyfile(src, out / name)
    print(f"lexicons and confusion sets: {time.time() - t0:.0f}s", flush=True)

    lm = lm_mod.estimate(corpus + targets, chars)
    lm.save(out / "char_lm.npz")
    print(f"char LM: {lm.size()} n-grams, {(out / 'char_lm.npz').stat().st_size / 1e6:.1f} MB, "
          f"{time.time() - t0:.0f}s", flush=True)

    write_char_pinyin(chars, out / "char_pinyin.tsv")
    # The decision models learn from ECSpell typos. Their LM features must look like they will at
    # run time, on text the LM has not seen: two folds, each scored by an LM trained without it.
    lexicon = load_lexicon(out / "gongwen_words.txt")
    confusion = load_confusion(out / "confusion.tsv")
    common = load_common_typos(out / "common_typos.txt")
    pinyin_words = PinyinWords(lexicon, load_char_pinyin(out / "char_pinyin.tsv"))
    folds: list[list[tuple[str, str]]] = [[], []]
    for p in pairs:
        folds[zlib.crc32(p[1].encode("utf-8")) >> 8 & 1].append(p)
    parts = []
    checkers = []
    for k in (0, 1):
        other = list(dict.fromkeys(t for _, t in folds[1 - k]))
        fold_lm = lm_mod.estimate(corpus + other, chars)
        checkers.append(TypoChecker(fold_lm, lexicon, confusion, common, pinyin_words))
        parts.append(labelled_features(checkers[k], folds[k]))
        print(f"fold {k}: {len(parts[-1][1])} character candidates ({int(parts[-1][1].sum())} true), "
              f"{len(parts[-1][3])} word candidates ({int(parts[-1][3].sum())} true), {time.time() - t0:.0f}s",
              flush=True)
    x, y, px, py = (np.vstack([parts[0][i], parts[1][i]]) if i % 2 == 0 else np.concatenate([parts[0][i], parts[1][i]])
                    for i in range(4))
    if args.features_out:
        np.savez_compressed(args.features_out, x=x, y=y, px=px, py=py)
    char_model, screen, pair_model = fit_decision_models(x, y, px, py)
    char_model.save(out / "typo_model.json")
    screen.save(out / "typo_screen_model.json")
    pair_model.save(out / "typo_pair_model.json")

    # The abstain rule learns from sentences as the checker will see them: each fold checked by
    # decision models fitted on the other fold, with the other fold's position model.
    positions = [labelled_positions(checkers[k], folds[k]) for k in (0, 1)]
    rows = []
    for k in (0, 1):
        checker = checkers[k]
        checker.model, checker.screen, checker.pair_model = fit_decision_models(*parts[1 - k])
        checker.position_model = TypoModel.fit(POSITION_FEATURES, *positions[1 - k])
        rows.append(labelled_sentences(checker, folds[k]))
    position_model = TypoModel.fit(POSITION_FEATURES, np.vstack([p[0] for p in positions]),
                                   np.concatenate([p[1] for p in positions]))
    position_model.save(out / "typo_position_model.json")
    sx, sy = np.vstack([r[0] for r in rows]), np.concatenate([r[1] for r in rows])
    sentence_model = TypoModel.fit(SENTENCE_FEATURES, sx, sy)
    sentence_model.report_threshold = SENTENCE_THRESHOLD
    sentence_model.save(out / "typo_sentence_model.json")
    print(f"abstain rule: {len(sy)} sentences with findings, {int(sy.sum())} exactly right, "
          f"{int((sentence_model.predict(sx) < SENTENCE_THRESHOLD).sum())} withheld (cross-fitted); "
          f"decision models written, {time.time() - t0:.0f}s total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
