"""Adapting the shipped spam model to one organisation's moderators: a sparse correction of its weights.

An organisation's officers mark comments spam or not spam. Their decisions are few (tens to thousands) beside
the shipped model's 6,000 training texts, and they say what *this* organisation calls spam (a raffle advert, a
rival group's links) or not (blunt but genuine comments the e-mail-trained model suspects). So the adapted
model is the shipped one plus a correction `delta` of its weights, fitted on the organisation's decisions by
logistic regression whose L2 penalty pulls `delta` towards zero, i.e. the weights towards the shipped ones (a
maximum a posteriori fit with the shipped model as the prior):

    minimise  sum_i log(1 + exp(-s_i * (m_i + x_i . delta)))  +  (L2 / 2) * |delta|^2

where `m_i` is the shipped model's log-odds for decision i under the deployment's prior (`spam_prior`) and
s_i = +1 for spam, -1 for not spam. Only the hashed features that occur in the decisions can move (the
gradient is zero everywhere else), so the correction is sparse and small to store; the intercept does not move
(officers decide mostly on held comments, so their share of spam says nothing about comments in general).

Pure numpy/scipy: no Django. `check` compares a candidate with the model in use on held-out decisions.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from omov.voice.moderation.linear import N_CHAR, N_WORD, LinearSpamModel, features

FORMAT = "omov-spam-correction/1"
# The pull towards the shipped weights. Fixed before measuring (not tuned on any organisation's decisions):
# with one decision the correction moves its features by at most about 1/(1 + L2) of the log-odds error.
L2 = 1.0


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _margins(model: LinearSpamModel, texts: Sequence[str], prior: float) -> np.ndarray:
    return model.decision(texts) + (_logit(prior) - _logit(model.train_share))


@dataclass(frozen=True)
class Correction:
    """Sparse changes to the shipped weights (`indices` into the 2^18 hashed features, `values` added)."""

    indices: np.ndarray
    values: np.ndarray
    base: str  # the sha256 of the shipped model's training set: a correction applies to that model only

    def __post_init__(self) -> None:
        if self.indices.shape != self.values.shape or self.indices.ndim != 1:
            raise ValueError("a spam-model correction needs as many values as indices")
        if len(self.indices) and (self.indices.min() < 0 or self.indices.max() >= N_WORD + N_CHAR):
            raise ValueError("a spam-model correction names a feature outside the hashed feature space")

    def apply(self, base: LinearSpamModel) -> LinearSpamModel:
        """The adapted model: `base`'s weights plus this correction."""
        if base.info.get("sha256") != self.base:
            raise ValueError("this correction was fitted on another shipped spam model; retrain it")
        weights = base.weights.copy()
        weights[self.indices] += self.values
        info = {**base.info, "adapted": {"features": int(len(self.indices))}}
        return LinearSpamModel(weights, base.intercept, train_share=base.train_share, info=info)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        np.savez_compressed(
            out,
            indices=self.indices.astype(np.int32),
            values=self.values.astype(np.float32),
            info=np.array(json.dumps({"format": FORMAT, "base": self.base})),
        )
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Correction:
        with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as npz:
            info = json.loads(str(npz["info"]))
            if info.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} spam-model correction")
            return cls(npz["indices"].astype(np.int64), npz["values"].astype(np.float32), base=str(info["base"]))


def fit_correction(
    base: LinearSpamModel, texts: Sequence[str], spam: Sequence[bool], *, prior: float, l2: float = L2
) -> Correction:
    """Fit the correction of `base` to these decisions (see the module's docstring). Deterministic: the
    same decisions give the same correction (L-BFGS from zero, no randomness)."""
    from scipy.optimize import minimize

    if len(texts) != len(spam):
        raise ValueError("one label per text")
    if not texts:
        raise ValueError("no decisions to learn from")
    x = features(texts)
    columns = np.unique(x.indices)
    xs = x[:, columns].tocsr()
    m0 = _margins(base, texts, prior)
    y = np.asarray([1.0 if s else 0.0 for s in spam])

    def loss(delta: np.ndarray) -> tuple[float, np.ndarray]:
        z = m0 + xs @ delta
        value = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * delta @ delta)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
        return value, np.asarray(xs.T @ (p - y)).ravel() + l2 * delta

    result = minimize(loss, np.zeros(len(columns)), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    delta = result.x.astype(np.float32)
    keep = np.abs(delta) > 1e-6
    return Correction(columns[keep].astype(np.int64), delta[keep], base=str(base.info.get("sha256", "")))


def metrics(model: LinearSpamModel, texts: Sequence[str], spam: Sequence[bool], *, prior: float) -> dict[str, Any]:
    """How `model` does on labelled decisions, calling a text spam at P(spam) >= 0.5 under `prior`:
    precision, recall, accuracy and the mean log loss (lower is better)."""
    if not texts:
        return {"n": 0}
    z = _margins(model, texts, prior)
    y = np.asarray([bool(s) for s in spam])
    said = z >= 0.0
    tp = int(np.sum(said & y))
    fp = int(np.sum(said & ~y))
    fn = int(np.sum(~said & y))
    logloss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    return {
        "n": len(texts),
        "spam": int(y.sum()),
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "accuracy": round(float(np.mean(said == y)), 4),
        "log_loss": round(logloss, 4),
    }


def better_or_equal(candidate: dict[str, Any], baseline: dict[str, Any]) -> bool:
    """May the candidate replace the baseline? Only if it is no worse on the held-out decisions in both
    accuracy and log loss."""
    return bool(
        candidate.get("n") and candidate["accuracy"] >= baseline["accuracy"]
        and candidate["log_loss"] <= baseline["log_loss"]
    )
