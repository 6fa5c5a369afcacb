"""The offline classifier of offensive language: alt-profanity-check (a linear SVM over TF-IDF features,
trained on labelled comments, shipped with its model files in the wheel; nothing is downloaded at run time).

It measures offensive *language*; abuse without rude words ("go back where you came from") scores low, which
is why members can report comments and why the measured recall is published in docs/moderation.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class AbuseClassifier:
    """Scores texts 0..1 for offensive language. The model loads on first use (about a second)."""

    name = "alt-profanity-check"

    def __init__(self) -> None:
        self._predict: Any = None

    def _load(self) -> Any:
        if self._predict is None:
            import warnings

            with warnings.catch_warnings():  # scikit-learn version notes on unpickling are not errors here
                warnings.simplefilter("ignore")
                from profanity_check import predict_prob

                predict_prob(["warm up"])
            self._predict = predict_prob
        return self._predict

    def scores(self, texts: Sequence[str]) -> list[float]:
        """One probability of offensive language per text."""
        if not texts:
            return []
        return [float(p) for p in self._load()(list(texts))]

    def score(self, text: str) -> float:
        return self.scores([text])[0]
