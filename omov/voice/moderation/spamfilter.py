"""The local, offline spam rules (links, shorteners, repetition, shouting, markup) and a small naive Bayes
classifier that learns officers' spam / not-spam decisions from the moderation queue (`NaiveBayes.learn`).

No network, no Django. The shipped spam model, trained on real corpora, is in linear.py; the naive Bayes
starts empty and counts only once officers have decided enough comments (`feedback_min`).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

URL_RE = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|xyz|top|"
    r"click|shop|ru|cn|to|io|co|uk|me|ly)\b(?:/[^\s<>\"']*)?"
)
SHORTENERS = {"bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rebrand.ly", "t.ly"}
# Top-level domains that carried most link spam in published abuse reports (Spamhaus's "most abused TLDs"
# lists); a weak signal on its own, so it only adds points.
RISKY_TLDS = {"xyz", "top", "click", "biz", "ru", "cn", "shop", "to", "info", "loan", "win", "bid"}
CONTACT_RE = re.compile(r"(?i)\b(?:whatsapp|telegram|dm me|message me|call now|contact our agent)\b|\+\d[\d\s]{8,}")
MONEY_RE = re.compile(
    r"(?i)[$£€]\s?\d|\b\d+\s?%\s?(?:off|discount|returns?|bonus|interest)\b|\b(?:btc|bitcoin|crypto)\b"
)
MARKUP_RE = re.compile(r"(?i)<\s*(?:script|iframe|a\s+href|img|object|embed|style)\b|javascript:|on\w+\s*=")
WORD_RE = re.compile(r"[a-z0-9']+")
STOPWORDS = frozenset(
    "the and for you your are was were this that with have has not but all our their they them"
    " its from who what when will would can could should".split()
)


def find_links(text: str) -> list[str]:
    """The links in a text (full URLs, www. names and bare domain names)."""
    return URL_RE.findall(text)


def link_host(link: str) -> str:
    host = re.sub(r"(?i)^(?:https?://)?(?:www\.)?", "", link).split("/")[0].lower()
    return host


def tokens(text: str) -> list[str]:
    """Word tokens for the classifier: URLs become `__url__` plus their host's last two labels, amounts
    `__money__`, numbers `__num__`; runs of ! become `__bang__`; long capitalised words `__caps__`."""
    out: list[str] = []
    for link in find_links(text):
        host = link_host(link)
        out.append("__url__")
        out.append("__host_" + ".".join(host.split(".")[-2:]))
        out.append("__tld_" + host.rsplit(".", 1)[-1])
    stripped = URL_RE.sub(" ", text)
    if MONEY_RE.search(stripped):
        out.append("__money__")
    if "!!" in stripped:
        out.append("__bang__")
    out += ["__caps__" for w in re.findall(r"\b[A-Z]{4,}\b", stripped)]
    for word in WORD_RE.findall(stripped.lower()):
        out.append("__num__" if word.isdigit() else word)
    return out


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes with Laplace smoothing over two classes, spam and ham, kept as counts."""

    word_counts: dict[str, Counter[str]] = field(default_factory=lambda: {"spam": Counter(), "ham": Counter()})
    doc_counts: Counter[str] = field(default_factory=Counter)

    def learn(self, text: str, label: str) -> None:
        """Add one labelled text ('spam' or 'ham') to the counts."""
        if label not in ("spam", "ham"):
            raise ValueError(f"label must be 'spam' or 'ham', not {label!r}")
        self.doc_counts[label] += 1
        self.word_counts[label].update(tokens(text))

    def prob_spam(self, text: str, *, prior: float | None = None) -> float:
        """P(spam | text), 0.5 when nothing has been learned. `prior` is P(spam) before reading the text (by
        default the share of spam among the examples learned; the labelled set is half spam, while signed-in
        members' comments are mostly not, so the pipeline passes a lower prior)."""
        if not self.doc_counts["spam"] and not self.doc_counts["ham"]:
            return 0.5
        vocab = len(set(self.word_counts["spam"]) | set(self.word_counts["ham"])) or 1
        total = self.doc_counts["spam"] + self.doc_counts["ham"]
        priors = {"spam": self.doc_counts["spam"] / total, "ham": self.doc_counts["ham"] / total}
        if not self.doc_counts["spam"] or not self.doc_counts["ham"]:
            priors = {"spam": 0.5, "ham": 0.5}  # one class learned so far: its words still count
        if prior is not None:
            priors = {"spam": prior, "ham": 1.0 - prior}
        logs = {}
        for label in ("spam", "ham"):
            counts = self.word_counts[label]
            denominator = sum(counts.values()) + vocab
            score = math.log(priors[label])
            for tok in tokens(text):
                if tok in self.word_counts["spam"] or tok in self.word_counts["ham"]:
                    score += math.log((counts.get(tok, 0) + 1) / denominator)
            logs[label] = score
        diff = max(-60.0, min(60.0, logs["ham"] - logs["spam"]))
        return 1.0 / (1.0 + math.exp(diff))

    def to_json(self) -> str:
        return json.dumps(
            {"docs": dict(self.doc_counts), "words": {k: dict(sorted(v.items())) for k, v in self.word_counts.items()}},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> NaiveBayes:
        data = json.loads(text)
        return cls(word_counts={k: Counter(v) for k, v in data["words"].items()}, doc_counts=Counter(data["docs"]))

    @classmethod
    def trained(cls, examples: Iterable[tuple[str, str]]) -> NaiveBayes:
        model = cls()
        for text, label in examples:
            model.learn(text, label)
        return model

    def copy(self) -> NaiveBayes:
        return NaiveBayes.from_json(self.to_json())


@dataclass(frozen=True)
class RuleScore:
    """Points from the link and repetition rules, with the reasons that earned them."""

    points: float
    reasons: tuple[str, ...]

    @property
    def probability(self) -> float:
        """Points squashed into 0..1 (1 point ≈ 0.39, 2 ≈ 0.63, 3 ≈ 0.78, 4.5 ≈ 0.89)."""
        return 1.0 - math.exp(-0.5 * self.points)


def rule_score(text: str, *, recent_texts: Sequence[str] = (), max_links: int = 2) -> RuleScore:
    """Link and repetition heuristics. `recent_texts` are the same author's recent comments."""
    points = 0.0
    reasons: list[str] = []
    links = find_links(text)
    words = WORD_RE.findall(text.lower())
    if links:
        hosts = [link_host(x) for x in links]
        if len(links) > max_links:
            points += 2.0 + 0.5 * (len(links) - max_links - 1)
            reasons.append("links:many")
        if any(h in SHORTENERS for h in hosts):
            points += 1.5
            reasons.append("links:shortener")
        if any(h.rsplit(".", 1)[-1] in RISKY_TLDS for h in hosts):
            points += 1.0
            reasons.append("links:risky-domain")
        if len(words) and len(links) / max(len(words), 1) > 0.15:
            points += 1.0
            reasons.append("links:dense")
    if words:
        long_words = Counter(w for w in words if len(w) > 2 and w not in STOPWORDS)
        n = long_words.most_common(1)[0][1] if long_words else 0
        if n >= 3 and n / len(words) > 0.2:
            points += 1.5
            reasons.append("repetition:words")
    if re.search(r"(.)\1{5,}", text) or text.count("!!!") >= 2:
        points += 0.5
        reasons.append("repetition:characters")
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        points += 1.0
        reasons.append("shouting")
    if CONTACT_RE.search(text) and MONEY_RE.search(text):
        points += 1.5
        reasons.append("contact-and-money")
    if MARKUP_RE.search(text):
        points += 2.0
        reasons.append("markup")
    norm = " ".join(words)
    if norm and any(" ".join(WORD_RE.findall(t.lower())) == norm for t in recent_texts):
        points += 2.0
        reasons.append("repetition:duplicate")
    return RuleScore(points, tuple(reasons))


def read_labelled(path: str | Path) -> list[tuple[str, str]]:
    """(text, label) pairs from a JSON-lines labelled set."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append((item["text"], item["label"]))
    return rows
