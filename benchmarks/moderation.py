"""Measure the moderation filters on the published labelled sets (tests/voice/data/*.jsonl).

    .venv/bin/python benchmarks/moderation.py

Spam: 5-fold cross-validation (the naive Bayes part is trained on four folds and tested on the fifth, so no
comment is scored by a model that saw it); "spam" verdicts and "spam or held" are both reported, plus the
rules alone and the classifier alone. Abuse: alt-profanity-check at several thresholds (it was trained
elsewhere, so the whole set is a test set). Time: mean wall time per comment through the whole pipeline.
Not run by CI.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from omov.voice.moderation import ModerationSettings, Pipeline  # noqa: E402
from omov.voice.moderation.abuse import AbuseClassifier  # noqa: E402
from omov.voice.moderation.spamfilter import NaiveBayes, read_labelled, rule_score  # noqa: E402

DATA = ROOT / "tests" / "voice" / "data"


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, fp


def spam_table(folds: int = 5, seed: int = 2026) -> list[tuple[str, float, float, float]]:
    rows = read_labelled(DATA / "spam.jsonl")
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    abuse = AbuseClassifier()
    verdicts: dict[int, str] = {}
    nb_prob: dict[int, float] = {}
    for k in range(folds):
        test = [i for j, i in enumerate(order) if j % folds == k]
        train = [rows[i] for j, i in enumerate(order) if j % folds != k]
        pipe = Pipeline(ModerationSettings(), spam_model=NaiveBayes.trained(train), abuse=abuse)
        for i, v in zip(test, pipe.screen_many([rows[i][0] for i in test]), strict=True):
            verdicts[i] = v.verdict
            nb_prob[i] = v.scores["spam_nb"]
    gold = [rows[i][1] == "spam" for i in range(len(rows))]
    settings = ModerationSettings()
    out = []
    for name, pred in [
        ("pipeline: verdict spam", [verdicts[i] == "spam" for i in range(len(rows))]),
        ("pipeline: spam or held", [verdicts[i] != "accept" for i in range(len(rows))]),
        ("rules alone (score >= hold)", [rule_score(t).probability >= settings.spam_hold_threshold for t, _ in rows]),
        ("naive Bayes alone (p >= 0.5)", [nb_prob[i] >= 0.5 for i in range(len(rows))]),
    ]:
        p, r, fp = prf(pred, gold)
        out.append((name, p, r, fp))
    return out


def spam_false_alarms() -> tuple[int, int, int]:
    """The abuse set has no spam: how many of its comments the spam side (shipped model) calls spam or holds
    for a spam reason. A check on comments the spam model never saw, written for another purpose."""
    rows = read_labelled(DATA / "abuse.jsonl")
    pipe = Pipeline()
    verdicts = pipe.screen_many([t for t, _ in rows])
    spam = sum(v.verdict == "spam" for v in verdicts)
    held = sum(v.verdict == "hold" and "spam:score" in v.reasons for v in verdicts)
    return len(rows), spam, held


def abuse_table() -> list[tuple[str, float, float, float]]:
    rows = read_labelled(DATA / "abuse.jsonl")
    scores = AbuseClassifier().scores([t for t, _ in rows])
    gold = [label == "abusive" for _, label in rows]
    out = []
    for threshold in (0.3, 0.5, 0.6, 0.7, 0.9):
        p, r, fp = prf([s >= threshold for s in scores], gold)
        out.append((f"alt-profanity-check >= {threshold}", p, r, fp))
    return out


def timing(n: int = 400) -> tuple[float, float]:
    rows = read_labelled(DATA / "spam.jsonl") + read_labelled(DATA / "abuse.jsonl")
    texts = [rows[i % len(rows)][0] for i in range(n)]
    pipe = Pipeline()
    pipe.screen("warm up")
    t0 = time.perf_counter()
    for t in texts:
        pipe.screen(t)
    one = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    pipe.screen_many(texts)
    batch = (time.perf_counter() - t0) / n
    return one, batch


def main() -> int:
    spam_rows = read_labelled(DATA / "spam.jsonl")
    abuse_rows = read_labelled(DATA / "abuse.jsonl")
    print(f"spam set: {len(spam_rows)} comments ({sum(lb == 'spam' for _, lb in spam_rows)} spam), 5-fold CV")
    print(f"{'filter':<34} {'precision':>9} {'recall':>7} {'false +':>7}")
    for name, p, r, fp in spam_table():
        print(f"{name:<34} {p:9.3f} {r:7.3f} {int(fp):7d}")
    n, spam, held = spam_false_alarms()
    print(f"spam false alarms on the {n} comments of the abuse set (none is spam): {spam} spam, {held} held for spam")
    print()
    print(f"abuse set: {len(abuse_rows)} comments ({sum(lb == 'abusive' for _, lb in abuse_rows)} abusive)")
    print(f"{'filter':<34} {'precision':>9} {'recall':>7} {'false +':>7}")
    for name, p, r, fp in abuse_table():
        print(f"{name:<34} {p:9.3f} {r:7.3f} {int(fp):7d}")
    print()
    one, batch = timing()
    print(f"time per comment: {one * 1000:.2f} ms one at a time, {batch * 1000:.2f} ms in a batch (screen_many)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
