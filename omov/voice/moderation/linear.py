"""The spam model: logistic regression over hashed word (1-2 gram) and character (3-5 gram) features.

The features are stateless (scikit-learn's HashingVectorizer: no vocabulary to ship), so the shipped artefact
is only the weight vector, the intercept and what it was trained on, in `data/spam_linear.npz` (rebuilt by
`python -m omov.voice.moderation.train`, see docs/moderation.md). It is loaded once per process
(`shipped_linear()`). Scoring is one sparse matrix product: thousands of comments a second on one core.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

LINEAR_PATH = Path(__file__).with_name("data") / "spam_linear.npz"
FORMAT = "omov-spam-linear/1"
N_WORD = 2**17
N_CHAR = 2**17
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")


def _vectorizers() -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import HashingVectorizer

    words = HashingVectorizer(
        n_features=N_WORD, ngram_range=(1, 2), alternate_sign=False, token_pattern=r"(?u)\b\w+\b"
    )
    chars = HashingVectorizer(n_features=N_CHAR, analyzer="char_wb", ngram_range=(3, 5), alternate_sign=False)
    return words, chars


@functools.cache
def _cached_vectorizers() -> tuple[Any, Any]:
    return _vectorizers()


def normalise(text: str) -> str:
    # A URL's path is noise (tracking ids); that there is a link is the signal. Hosts stay in the rules.
    return _URL.sub(" urlx ", text)


def features(texts: Sequence[str]) -> Any:
    """The hashed feature matrix (CSR, rows L2-normalised per block) of some texts."""
    import scipy.sparse as sp

    words, chars = _cached_vectorizers()
    norm = [normalise(t) for t in texts]
    return sp.hstack([words.transform(norm), chars.transform(norm)]).tocsr()


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


class LinearSpamModel:
    """P(spam | text) from a weight vector; `train_share` is the share of spam in its training data, so a
    caller's prior (members' comments are mostly not spam) can replace it (a shift of the log-odds)."""

    def __init__(self, weights: np.ndarray, intercept: float, *, train_share: float, info: dict[str, Any]) -> None:
        if weights.shape != (N_WORD + N_CHAR,):
            raise ValueError(f"spam model has {weights.shape} weights, expected {N_WORD + N_CHAR}")
        self.weights = weights.astype(np.float32)
        self.intercept = float(intercept)
        self.train_share = float(train_share)
        self.info = info

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return np.asarray(features(texts) @ self.weights, dtype=np.float64) + self.intercept

    def probs(self, texts: Sequence[str], *, prior: float | None = None) -> list[float]:
        shift = 0.0 if prior is None else _logit(prior) - _logit(self.train_share)
        d = np.clip(self.decision(texts) + shift, -60, 60)
        return [float(x) for x in 1.0 / (1.0 + np.exp(-d))]

    def prob_spam(self, text: str, *, prior: float | None = None) -> float:
        return self.probs([text], prior=prior)[0]

    def top_words(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The words and word pairs of `text` that pushed its score most towards spam, with their share of the
        word features' push (what a moderator is shown as the reason a comment was held). Each term's hashed
        column is recovered by hashing the term alone, exactly as the vectorizer hashed it."""
        from sklearn.feature_extraction import FeatureHasher

        words, _ = _cached_vectorizers()
        terms = words.build_analyzer()(normalise(text))
        if not terms:
            return []
        counts: dict[str, int] = {}
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        distinct = list(counts)
        hasher = FeatureHasher(n_features=N_WORD, input_type="string", alternate_sign=False)
        columns = hasher.transform([[t] for t in distinct]).tocsr().indices
        norm = math.sqrt(sum(c * c for c in counts.values()))
        pushes = [(t, float(self.weights[col]) * counts[t] / norm) for t, col in zip(distinct, columns, strict=True)]
        pushes = [(t, p) for t, p in pushes if p > 0 and t != "urlx"]
        pushes.sort(key=lambda tp: (-tp[1], tp[0]))
        return [(t, round(p, 4)) for t, p in pushes[:k]]

    def save(self, path: str | Path) -> None:
        # float16 halves the file; the weights' rounding moves a probability by far less than any threshold.
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float16),
            intercept=np.array([self.intercept]),
            train_share=np.array([self.train_share]),
            info=np.array(json.dumps({"format": FORMAT, **self.info}, sort_keys=True)),
        )

    @classmethod
    def load(cls, path: str | Path) -> LinearSpamModel:
        with np.load(path, allow_pickle=False) as data:
            info = json.loads(str(data["info"]))
            if info.get("format") != FORMAT:
                raise ValueError(f"{path} is not a {FORMAT} spam model")
            return cls(
                data["weights"].astype(np.float32),
                float(data["intercept"][0]),
                train_share=float(data["train_share"][0]),
                info=info,
            )


@functools.cache
def shipped_linear() -> LinearSpamModel:
    """The shipped model, loaded once per process."""
    return LinearSpamModel.load(LINEAR_PATH)
