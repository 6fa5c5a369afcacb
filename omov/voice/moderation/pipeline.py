"""The moderation pipeline every comment passes before it is shown. Pure Python: no Django, no database.

    verdict = Pipeline(settings).screen(text, recent=[...])   ->  accept | hold | spam, with reasons and scores

Order: size → rate limit (the author's recent posts) → spam (rules + the linear spam model, officers' decisions
once there are enough, Akismet and SpamAssassin when configured) → abuse (offensive-language classifier). A
comment is `spam` when the spam score passes `spam_threshold` (or Akismet says spam, or SpamAssassin's score
passes `spamassassin_spam_score`); it is `hold` (kept for an officer to review, never dropped) when the spam
score passes `spam_hold_threshold`, the abuse score passes `abuse_hold_threshold`, the author is posting too
fast, SpamAssassin calls it spam, or it is too long; otherwise `accept`. Reasons are short codes
(`spam:score`, `links:many`, `abuse`, `flood`, ...).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from omov.voice.moderation.abuse import AbuseClassifier
from omov.voice.moderation.akismet_client import AkismetChecker
from omov.voice.moderation.linear import LinearSpamModel, shipped_linear
from omov.voice.moderation.spamassassin import SpamAssassinChecker
from omov.voice.moderation.spamfilter import NaiveBayes, rule_score

ACCEPT, HOLD, SPAM = "accept", "hold", "spam"


@dataclass(frozen=True)
class ModerationSettings:
    """Thresholds and limits (Django reads them from settings.OMOV_MODERATION; see docs/moderation.md)."""

    max_length: int = 5000
    spam_threshold: float = 0.9
    spam_hold_threshold: float = 0.6
    # Held on the model's word alone (no link or repetition evidence) only above this: the model was trained
    # mostly on e-mail and is least sure about short plain comments.
    spam_hold_threshold_words_only: float = 0.9
    abuse_hold_threshold: float = 0.5
    max_links: int = 2
    # Links to these domains (and their subdomains) are left out of the link rules: a member citing a
    # government page or the public broadcaster ("Source: https://www.bbc.co.uk/news/...") is not dropping
    # a link. An organisation adds its own site. The spam model still reads every link.
    trusted_link_domains: tuple[str, ...] = ("gov.uk", "parliament.uk", "nhs.uk", "bbc.co.uk", "bbc.com")
    # P(spam) before reading a comment: the training data is about a third spam; members' comments mostly
    # are not.
    spam_prior: float = 0.2
    # Officers' spam / not-spam decisions count (a naive Bayes over them) once there are this many of each.
    feedback_min: int = 20
    # An organisation's spam model is retrained on its officers' decisions once it has this many; the most
    # recent `adapt_holdout` share of them is held out to check the retrained model before it is used.
    adapt_min_decisions: int = 20
    adapt_holdout: float = 0.25
    # Rate limits per member: above `soft` comments in the window they are held; above `hard` refused.
    rate_window_seconds: int = 60
    rate_soft: int = 5
    rate_hard: int = 20
    hourly_soft: int = 30
    akismet_key: str = ""
    akismet_site_url: str = ""
    # An organisation's own spamd (Debian's `spamd`), off unless a host is given. Its "spam" holds a comment for
    # review; a score at or above `spamassassin_spam_score` files it as spam.
    spamassassin_host: str = ""
    spamassassin_port: int = 783
    spamassassin_timeout: float = 5.0
    spamassassin_spam_score: float = 10.0

    def __post_init__(self) -> None:
        """Refuse settings that would screen nothing or everything by accident (a threshold of nan or 2)."""
        for name in ("spam_threshold", "spam_hold_threshold", "spam_hold_threshold_words_only",
                     "abuse_hold_threshold", "adapt_holdout"):
            value = getattr(self, name)
            # `not 0 <= value <= 1` is also true of nan, which compares false with everything.
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"moderation setting {name} is a score from 0 to 1, not {value!r}")
        if isinstance(self.spam_prior, bool) or not isinstance(self.spam_prior, int | float) or \
                not 0 < self.spam_prior < 1:
            raise ValueError(f"moderation setting spam_prior is a probability between 0 and 1, not {self.spam_prior!r}")
        for name in ("spamassassin_timeout", "spamassassin_spam_score"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < float("inf"):
                raise ValueError(f"moderation setting {name} is a positive number, not {value!r}")
        domains = self.trusted_link_domains
        if isinstance(domains, str) or not all(
            isinstance(d, str) and re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", d) for d in domains
        ):
            raise ValueError(
                "moderation setting trusted_link_domains is a list of domain names in lower case "
                f"(such as \"example.org\"), not {domains!r}"
            )
        for name in ("max_length", "max_links", "spamassassin_port", "feedback_min", "adapt_min_decisions",
                     "rate_window_seconds", "rate_soft", "rate_hard", "hourly_soft"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"moderation setting {name} is a whole number of 0 or more, not {value!r}")

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> ModerationSettings:
        known = set(cls.__dataclass_fields__)
        unknown = set(values or {}) - known
        if unknown:
            raise ValueError(f"unknown moderation settings: {', '.join(sorted(unknown))}")
        values = dict(values or {})
        if isinstance(values.get("trusted_link_domains"), list):
            values["trusted_link_domains"] = tuple(values["trusted_link_domains"])
        return cls(**values)


@dataclass(frozen=True)
class Recent:
    """One of the author's recent comments: when, and what it said (for rate limits and duplicates)."""

    at: dt.datetime
    text: str = ""


@dataclass(frozen=True)
class Verdict:
    """The outcome for one comment."""

    verdict: str
    reasons: tuple[str, ...]
    scores: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        return data

    @property
    def abusive(self) -> bool:
        return "abuse" in self.reasons


class Pipeline:
    """A configured pipeline. Build once and reuse: the classifiers load their models on first use."""

    def __init__(
        self,
        settings: ModerationSettings | None = None,
        *,
        spam_model: NaiveBayes | None = None,
        linear: LinearSpamModel | None = None,
        abuse: AbuseClassifier | None = None,
        akismet: AkismetChecker | None = None,
        spamassassin: SpamAssassinChecker | None = None,
    ) -> None:
        self.settings = settings or ModerationSettings()
        # `spam_model` learns officers' decisions only; `linear` (trained on real corpora) carries the decision.
        self.spam_model = spam_model if spam_model is not None else NaiveBayes()
        self.linear = linear if linear is not None else shipped_linear()
        self.abuse = abuse if abuse is not None else AbuseClassifier()
        if akismet is None and self.settings.akismet_key:
            akismet = AkismetChecker(key=self.settings.akismet_key, site_url=self.settings.akismet_site_url)
        self.akismet = akismet
        if spamassassin is None and self.settings.spamassassin_host:
            spamassassin = SpamAssassinChecker(
                host=self.settings.spamassassin_host,
                port=self.settings.spamassassin_port,
                timeout=self.settings.spamassassin_timeout,
            )
        self.spamassassin = spamassassin

    def learn(self, text: str, *, spam: bool, **akismet_args: Any) -> None:
        """An officer's decision: add it to the local filter, and tell Akismet and SpamAssassin when configured."""
        self.spam_model.learn(text, "spam" if spam else "ham")
        self.tell_services(text, spam=spam, **akismet_args)

    def tell_services(self, text: str, *, spam: bool, author: str = "", author_email: str = "", **more: Any) -> None:
        """Tell the configured outside filters (Akismet, SpamAssassin) an officer's decision; failures are
        logged, never raised."""
        if self.akismet is not None:
            self.akismet.submit(text, spam=spam, author=author, author_email=author_email, **more)
        if self.spamassassin is not None:
            self.spamassassin.learn(text, spam=spam, author=author, author_email=author_email)

    def feedback_ready(self) -> bool:
        counts = self.spam_model.doc_counts
        return min(counts["spam"], counts["ham"]) >= self.settings.feedback_min

    def flood(self, recent: Sequence[Recent], now: dt.datetime) -> str:
        """'' if the author may post now; 'hold' above the soft limits; 'refuse' above the hard limit."""
        s = self.settings
        window = [r for r in recent if (now - r.at).total_seconds() < s.rate_window_seconds]
        if len(window) >= s.rate_hard:
            return "refuse"
        hour = [r for r in recent if (now - r.at).total_seconds() < 3600]
        if len(window) >= s.rate_soft or len(hour) >= s.hourly_soft:
            return "hold"
        return ""

    def screen(
        self,
        text: str,
        *,
        recent: Sequence[Recent] = (),
        now: dt.datetime | None = None,
        abuse_score: float | None = None,
        model_score: float | None = None,
        author: str = "",
        author_email: str = "",
        user_ip: str = "127.0.0.1",
        permalink: str = "",
    ) -> Verdict:
        """Screen one comment. `abuse_score` and `model_score` may be given when scored in a batch
        (see `screen_many`)."""
        s = self.settings
        now = now or dt.datetime.now(dt.UTC)
        reasons: list[str] = []
        hold = False
        if len(text) > s.max_length:
            reasons.append("too-long")
            hold = True
        if recent and self.flood(recent, now):
            reasons.append("flood")
            hold = True
        rules = rule_score(text, recent_texts=[r.text for r in recent if r.text], max_links=s.max_links,
                           trusted=s.trusted_link_domains)
        model = self.linear.prob_spam(text, prior=s.spam_prior) if model_score is None else model_score
        scores = {"spam_model": round(model, 4)}
        if self.feedback_ready():
            # The organisation's own decisions, once there are enough, weigh as much as the shipped model.
            nb = self.spam_model.prob_spam(text, prior=s.spam_prior)
            scores["spam_feedback"] = round(nb, 4)
            model = (model + nb) / 2
        rp = rules.probability
        spam_score = 1.0 - (1.0 - model) * (1.0 - rp)
        scores.update(spam=round(spam_score, 4), spam_rules=round(rp, 4))
        reasons += list(rules.reasons)
        # The model alone never files a comment as spam: without a rule's evidence it is held for review.
        is_spam = spam_score >= s.spam_threshold and rules.points > 0
        hold_at = s.spam_hold_threshold if rules.points else s.spam_hold_threshold_words_only
        suspicious = spam_score >= hold_at
        if suspicious:
            reasons.append("spam:score")
            # Why the model leaned to spam, for the moderator: the words that pushed it most.
            reasons += [f"word:{term}" for term, _ in self.linear.top_words(text[: s.max_length], k=3)]
        if self.akismet is not None:
            answer = self.akismet.check(
                text, user_ip=user_ip, author=author, author_email=author_email, permalink=permalink
            )
            reasons.append(f"akismet:{answer.verdict}")
            if answer.verdict in ("spam", "discard"):
                is_spam = True
        if self.spamassassin is not None:
            sa = self.spamassassin.check(text, author=author, author_email=author_email, permalink=permalink)
            reasons.append(f"spamassassin:{sa.verdict}")
            if sa.verdict != "unavailable":
                scores["spamassassin"] = round(sa.score, 2)
                reasons += [f"sa:{rule}" for rule in sa.rules[:8]]
            if sa.verdict == "spam":
                if sa.score >= s.spamassassin_spam_score:
                    is_spam = True
                else:
                    hold = True
        a = self.abuse.score(text[: s.max_length]) if abuse_score is None else abuse_score
        scores["abuse"] = round(a, 4)
        if a >= s.abuse_hold_threshold:
            reasons.append("abuse")
            hold = True
        if is_spam:
            verdict = SPAM
        elif hold or suspicious:
            verdict = HOLD
        else:
            verdict = ACCEPT
        return Verdict(verdict, tuple(dict.fromkeys(reasons)), scores)

    def screen_many(self, texts: Sequence[str]) -> list[Verdict]:
        """Screen texts independently (no author history), scoring abuse in one batch."""
        cut = [t[: self.settings.max_length] for t in texts]
        abuse = self.abuse.scores(cut)
        model = self.linear.probs(cut, prior=self.settings.spam_prior)
        return [
            self.screen(t, abuse_score=a, model_score=m) for t, a, m in zip(texts, abuse, model, strict=True)
        ]
