"""错别字 checker (text/proofread/typos.py) on the development sets, next to a plain reference.

    .venv/bin/python bench/proofread_typos.py [--data ../shared/data] [--limit N]

Sets (from ``../shared/data/csc``): SIGHAN-15 test; ECSpell law and med test; ECSpell official-document
(odw) training split, of which only the half ``build_lm.odw_part`` holds out is scored — the other half
trains the checker and is printed apart, marked as seen; acc_rmrb (correct 人民日报 sentences) for
false alarms. ``--limit N`` takes the first N sentences of each set.

Definitions (sentence level as in the SIGHAN / ReaLiSe evaluations; positions are those where the
finding's suggestion replaces a character; rows whose two sides differ in length are skipped):
- detection: a flagged sentence (at least one finding) is a true positive when its flagged positions
  equal the gold error positions exactly. precision = TP / flagged sentences, recall = TP / sentences
  with errors, F1 their harmonic mean.
- correction (sentence): as detection, and every suggestion equals the gold character.
- character level: a flagged character is a detection hit when it is a gold error position and a
  correction hit when the suggestion also equals the gold character. char detection precision =
  hits / flagged characters, correction precision = correction hits / flagged characters, recall =
  hits / gold error characters.
- false-alarm rate (acc_rmrb): sentences with any finding / all sentences.
- throughput: sentences per second through ``check_batch`` (batches of 64) in this one process,
  pinned to one core, over all scored sentences; model loading excluded.

The reference: the same character 4-gram Kneser–Ney model (``char_lm.npz``, trained on the same
corpus) and the same confusion sets, every confusable character at every Chinese position; flag the
best one where it raises the log10 probability of the 4-grams around it by more than a margin. No
dictionary, no decision model. It is shown at two margins, both read off the even-numbered half of
acc_rmrb: the smallest that flags at most 3 % of those correct sentences (the operating point the
issue quotes for such a reference) and the smallest that flags no more of them than the checker does
(equal false alarms, so precision and recall compare directly).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from text.proofread import lm as lm_mod  # noqa: E402
from text.proofread.build_lm import DEFAULT_DATA, odw_part, read_corpus, read_pairs  # noqa: E402
from text.proofread.typo_lexicon import is_cjk  # noqa: E402
from text.proofread.typos import TypoChecker  # noqa: E402

Prediction = dict[int, str]  # position → suggested character


@dataclass
class Scores:
    n: int
    det_p: float
    det_r: float
    det_f: float
    cor_p: float
    cor_r: float
    cor_f: float
    char_det_p: float
    char_cor_p: float
    char_cor_r: float
    char_cor_f: float
    flagged: float  # share of sentences with any finding


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(pairs: list[tuple[str, str]], preds: list[Prediction]) -> Scores:
    tp_d = tp_c = flagged = gold_sent = 0
    ch_flag = ch_det = ch_cor = ch_gold = 0
    for (src, tgt), pred in zip(pairs, preds, strict=True):
        gold = {i: t for i, (s, t) in enumerate(zip(src, tgt, strict=True)) if s != t}
        gold_sent += bool(gold)
        ch_gold += len(gold)
        if pred:
            flagged += 1
            if set(pred) == set(gold):
                tp_d += 1
                tp_c += all(gold[i] == c for i, c in pred.items())
        for i, c in pred.items():
            ch_flag += 1
            if i in gold:
                ch_det += 1
                ch_cor += gold[i] == c
    dp, dr = tp_d / max(flagged, 1), tp_d / max(gold_sent, 1)
    cp, cr = tp_c / max(flagged, 1), tp_c / max(gold_sent, 1)
    ccp, ccr = ch_cor / max(ch_flag, 1), ch_cor / max(ch_gold, 1)
    return Scores(len(pairs), dp, dr, _f1(dp, dr), cp, cr, _f1(cp, cr), ch_det / max(ch_flag, 1), ccp, ccr,
                  _f1(ccp, ccr), flagged / max(len(pairs), 1))


class Reference:
    """Confusion sets + character 4-gram LM + one margin; see the module docstring."""

    def __init__(self, lm: lm_mod.CharLM, confusion: dict[str, dict[str, int]]) -> None:
        self.lm = lm
        self.cands = {a: np.array([lm.char_id(b) for b in bs], dtype=np.int64) for a, bs in confusion.items()}
        self.chars = {a: list(bs) for a, bs in confusion.items()}

    def best_gains(self, text: str) -> list[tuple[int, str, float]]:
        lm = self.lm
        n = lm.order
        t = lm_mod.fold(text)
        ids = lm.encode(t)
        padded = np.asarray([lm_mod.BOUNDARY] * (n - 1) + ids + [lm_mod.BOUNDARY] * n, dtype=np.int64)
        rows, valid, owners = [], [], []
        for i, ch in enumerate(t):
            cand = self.cands.get(ch)
            if cand is None or not is_cjk(ch):
                continue
            window = padded[i:i + 2 * n - 1]
            block = np.repeat(window[None, :], len(cand) + 1, axis=0)
            block[1:, n - 1] = cand
            rows.append(block)
            ok = i + np.arange(n) <= len(ids)
            valid.append(np.repeat(ok[None, :], len(cand) + 1, axis=0))
            owners.append((i, ch, len(cand) + 1))
        if not rows:
            return []
        scores = lm.window_scores(np.vstack(rows), np.vstack(valid))
        out = []
        k = 0
        for i, ch, m in owners:
            scored = scores[k:k + m]
            k += m
            j = int(np.argmax(scored[1:]))
            out.append((i, self.chars[ch][j], float(scored[1 + j] - scored[0])))
        return out



def reference_predict(gains: list[list[tuple[int, str, float]]], margin: float) -> list[Prediction]:
    return [{i: c for i, c, g in sentence if g > margin} for sentence in gains]


def pick_margin(gains: list[list[tuple[int, str, float]]], max_flagged: float) -> float:
    """The smallest margin at which at most ``max_flagged`` of these (correct) sentences are flagged."""
    best = sorted((max((g for _, _, g in s), default=-99.0) for s in gains), reverse=True)
    allowed = int(max_flagged * len(best))
    return max(best[allowed] if allowed < len(best) else -99.0, 0.0)


def checker_predict(checker: TypoChecker, texts: list[str]) -> tuple[list[Prediction], float]:
    preds: list[Prediction] = []
    t0 = time.perf_counter()
    for k in range(0, len(texts), 64):
        for findings in checker.check_batch(texts[k:k + 64]):
            preds.append({f.start + k: ch for f in findings if len(f.suggestion) == f.end - f.start
                          for k, ch in enumerate(f.suggestion)})
    return preds, time.perf_counter() - t0


def load_sets(data: Path, limit: int | None) -> dict[str, list[tuple[str, str]]]:
    csc = data / "csc"
    odw = read_pairs(csc / "ecspell_odw.train")
    rmrb = json.loads((csc / "acc_rmrb.json").read_text(encoding="utf-8"))
    sets = {
        "SIGHAN-15 test": read_pairs(csc / "sighan15_test.tsv"),
        "ECSpell law test": read_pairs(csc / "ecspell_law.test"),
        "ECSpell med test": read_pairs(csc / "ecspell_med.test"),
        "ECSpell odw held-out": [p for p in odw if odw_part(p[1]) == "heldout"],
        "ECSpell odw build (seen)": [p for p in odw if odw_part(p[1]) == "build"],
        "acc_rmrb (correct)": [(r["correct_text"], r["correct_text"]) for r in rmrb],
    }
    return {k: v[:limit] if limit else v for k, v in sets.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description="错别字 checker benchmark")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None, help="first N sentences of each set")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    t0 = time.perf_counter()
    checker = TypoChecker.load()
    load_s = time.perf_counter() - t0
    reference = Reference(checker.lm, checker.confusion)
    sets = load_sets(args.data, args.limit)
    corpus = "\n".join(read_corpus(args.data))
    rmrb_in_corpus = sum(s in corpus for s, _ in sets["acc_rmrb (correct)"])
    print(f"checker loaded in {load_s:.1f}s; LM {checker.lm.size()} n-grams; "
          f"acc_rmrb sentences found verbatim in the LM corpus: {rmrb_in_corpus}")

    total_n = 0
    wall = cpu = ref_cpu = 0.0
    checker_rows: dict[str, Scores] = {}
    gains: dict[str, list[list[tuple[int, str, float]]]] = {}
    for name, pairs in sets.items():
        texts = [s for s, _ in pairs]
        c0 = time.process_time()
        preds, secs = checker_predict(checker, texts)
        cpu += time.process_time() - c0
        wall += secs
        total_n += len(texts)
        checker_rows[name] = score(pairs, preds)
        c1 = time.process_time()
        gains[name] = [reference.best_gains(t) for t in texts]
        ref_cpu += time.process_time() - c1

    rmrb = sets["acc_rmrb (correct)"]
    even = gains["acc_rmrb (correct)"][0::2]
    checker_even = checker_predict(checker, [s for s, _ in rmrb[0::2]])[0]
    checker_even_fa = sum(bool(p) for p in checker_even) / max(len(checker_even), 1)
    margins = {"3% false alarms": pick_margin(even, 0.03), "checker's false alarms": pick_margin(even, checker_even_fa)}

    head = (f"{'set':26} {'n':>5} | {'det P':>6} {'det R':>6} {'det F1':>6} | {'cor P':>6} {'cor R':>6} "
            f"{'cor F1':>6} | {'chDetP':>6} {'chCorP':>6} {'chCorR':>6} {'chCorF':>6} | {'flagged':>7}")

    def table(label: str, rows: dict[str, Scores]) -> None:
        print(f"\n== {label} ==")
        print(head)
        for name, s in rows.items():
            print(f"{name:26} {s.n:>5} | {s.det_p:6.3f} {s.det_r:6.3f} {s.det_f:6.3f} | {s.cor_p:6.3f} "
                  f"{s.cor_r:6.3f} {s.cor_f:6.3f} | {s.char_det_p:6.3f} {s.char_cor_p:6.3f} {s.char_cor_r:6.3f} "
                  f"{s.char_cor_f:6.3f} | {s.flagged:7.3%}")

    table("checker (text.proofread.typos)", checker_rows)
    ref_rows: dict[str, dict[str, Scores]] = {}
    for label, margin in margins.items():
        ref_rows[label] = {name: score(sets[name], reference_predict(g, margin)) for name, g in gains.items()}
        table(f"reference: 4-gram LM + confusion sets, margin {margin:.2f} (at {label} on acc_rmrb even half)",
              ref_rows[label])

    def ratio(x: float, y: float) -> str:
        return f"{x / y:6.2f}" if y else "     -"

    for label, rows in ref_rows.items():
        print(f"\n== checker / reference at {label} ==")
        print(f"{'set':26} {'det P':>6} {'det R':>6} {'det F1':>6} {'chCorP':>6} {'chCorF':>6} {'flagged':>7}")
        for name, a in checker_rows.items():
            b = rows[name]
            print(f"{name:26} {ratio(a.det_p, b.det_p)} {ratio(a.det_r, b.det_r)} {ratio(a.det_f, b.det_f)} "
                  f"{ratio(a.char_cor_p, b.char_cor_p)} {ratio(a.char_cor_f, b.char_cor_f)} {ratio(a.flagged, b.flagged)}")

    odw = checker_rows["ECSpell odw held-out"]
    fa = checker_rows["acc_rmrb (correct)"].flagged
    speed = total_n / cpu
    print(f"\nthroughput: checker {speed:.0f} sentences per CPU-second ({total_n / wall:.0f}/s wall; {total_n} "
          f"sentences, one process pinned to one core); reference {total_n / ref_cpu:.0f} per CPU-second")
    print("goals: false alarms on acc_rmrb ≤ 1%: "
          f"{fa:.2%} {'met' if fa <= 0.01 else 'MISSED'}; odw detection precision ≥ 0.85: "
          f"{odw.det_p:.3f} {'met' if odw.det_p >= 0.85 else 'MISSED'} (recall {odw.det_r:.3f}); "
          f"≥ 500 sentences/s: {speed:.0f} {'met' if speed >= 500 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
