"""The local, offline spam rules (links, shorteners, repetition, shouting, markup, the promotion of comment spam)
and a small naive Bayes classifier that learns officers' spam / not-spam decisions from the moderation queue
(`NaiveBayes.learn`).

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
# HTML that would run or load something, and the BBCode link tags of forum spam ("[url=https://...]cheap[/url]")
MARKUP_RE = re.compile(
    r"(?i)<\s*(?:script|iframe|a\s+href|img|object|embed|style)\b|javascript:|on\w+\s*="
    r"|\[\s*(?:url|link)\s*(?:=|\])"
)
WORD_RE = re.compile(r"[a-z0-9']+")
STOPWORDS = frozenset(
    "the and for you your are was were this that with have has not but all our their they them"
    " its from who what when will would can could should".split()
)

# Comment spam (issue 13): self-promotion, follow-for-follow, giveaways, easy money, "DM me", "click here". Written
# from the description of the spam that fills comment sections and from general knowledge of it, not
# fitted to any corpus. A member campaigning writes "our branch", "the party", "the petition"; a spammer writes
# "MY channel", "subscribe to ME". So self-promotion needs the first person singular, and organisations' words
# ("subscribe to the newsletter", "follow the link", "check out our website") match nothing.
_PROMO_VERB = (
    r"\b(?:check(?:\s*out)?|checkout|visit|watch|subscribe(?:\s+to)?|sub(?:\s+to)?|follow|see|go\s+to"
    r"|head\s+(?:over\s+)?to|look\s+at|listen\s+to|view|hit\s+up|stop\s+by|drop\s+by|click\s+on)"
)
_PROMO_THING = (
    r"(?:channel|videos?|vids?|vlogs?|page|profile|blog|website|site|stream|music|songs?|beats|mixtape|playlist"
    r"|podcast|art|shop|store|content|account|bio|link|onlyfans)"
)
# where people build an audience (not where members share news: Facebook, X)
_PLATFORM = r"(?:youtube|yt|insta(?:gram)?|ig|tik\s*tok|twitch|soundcloud|spotify|onlyfans)"
_AMOUNT = r"[$£€]\s?\d[\d,.]*k?\+?"
PROMO_RULES: dict[str, tuple[float, tuple[re.Pattern[str], ...]]] = {
    # first person: "check out my channel", "subscribe to me", "follow me", "like my video", "visit my site"
    "promo:self": (1.0, tuple(re.compile(x, re.I) for x in (
        _PROMO_VERB + r"\s+(?:\w+\s+){0,2}?my\s+(?:\w+\s+){0,2}?" + _PROMO_THING + r"\b",
        r"\b(?:subscribe|sub|follow)\s+(?:to\s+)?me\b(?!\s+(?:to|through|round|around|in|into|on\s+this|at)\b)",
        r"\blike\s+my\s+(?:comment|post|video|page|pic|photo)s?\b",
        # "support my channel", not "I support my local shop"
        r"\bsupport\s+my\s+(?:new\s+|small\s+)?(?:channel|music|stream|content|art|page|videos?)\b",
        r"\bmy\s+(?:new\s+|own\s+|little\s+|small\s+)?" + _PLATFORM + r"(?:\s+(?:channel|page|account|profile))?\b",
        r"\bi\s+(?:just\s+)?(?:started|made|have|created|opened|launched)\s+(?:a|my)\s+(?:new\s+)?(?:youtube\s+|gaming\s+"
        r"|music\s+)?channel\b",
        r"\b(?:small|new)\s+(?:youtuber|streamer|creator)\b",
        r"\b(?:pls|plz|plss|plez)\s+(?:sub(?:scribe)?|follow|like)\b",
    ))),
    # "follow for follow", "f4f", "sub4sub", "like for like", "I'll follow back"
    "promo:follow-swap": (2.0, tuple(re.compile(x, re.I) for x in (
        # not "like for like", which is plain English ("a like-for-like replacement of the bus")
        r"\b(?:follow|sub(?:scribe)?)\s*(?:4|for)\s*(?:a\s+)?(?:follow|sub(?:scribe)?)\b",
        r"\b(?:f4f|l4l|s4s|sub4sub|follow4follow|like4like|followback|teamfollowback)\b",
        r"\b(?:i'?ll|i\s+will|will|always|i)\s+(?:follow|sub(?:scribe)?)\s+(?:you\s+)?back\b"
        r"(?!\s+(?:up|on|to|with|from|in|into)\b)",
        r"\b(?:follow|sub(?:scribe)?)\s+(?:to\s+)?me\s+(?:and|&)\s+i(?:'?ll|\s+will)?\s+(?:follow|sub(?:scribe)?)\b",
    ))),
    # "free gift card", "win a free iPhone", "claim your prize", "iPhone giveaway"; never "I won the raffle"
    "promo:giveaway": (1.0, tuple(re.compile(x, re.I) for x in (
        # not a bare "giveaway", which is also politics ("a giveaway to landlords")
        r"\b(?:iphone|ipad|ps5|xbox|bitcoin|gift\s*card)\s+giveaway\b|" + _AMOUNT + r"\s+giveaway\b",
        r"\bgiveaway\s+(?:is\s+)?(?:live|now|ends|winners?|link)\b|\benter\s+(?:the|my|this|our)\s+giveaway\b|#giveaway",
        r"\bfree\s+(?:\w+\s+)?gift\s*cards?\b",
        r"\b(?:amazon|steam|itunes|apple|google\s+play|walmart|visa|psn)\s+gift\s*cards?\b",
        _AMOUNT + r"\s+gift\s*cards?\b",
        r"\bwin\s+(?:a|an)\s+(?:free\s+)?(?:brand\s+)?(?:new\s+)?(?:iphone|ipad|ps5|xbox|macbook|samsung|gift\s*card|car)\b",
        r"\bfree\s+(?:iphone|ipad|ps5|v-?bucks|robux|followers|subscribers|subs|likes|views|coins|gems|skins)\b",
        r"\bclaim\s+(?:your|a|the)\s+(?:free\s+)?(?:prize|reward|gift|voucher|iphone|bonus)\b",
        r"\byou(?:'ve|\s+have)?\s+(?:just\s+)?won\s+(?:a|an)\s+(?:free|prize|iphone|gift|brand)\b",
        r"\bbeen\s+selected\s+(?:as\s+)?(?:a|the|our)\s+(?:lucky\s+)?winner\b",
    ))),
    # "earn $500 a day from home", "make money online", "I made $7,000 last month"
    "promo:earn": (1.0, tuple(re.compile(x, re.I) for x in (
        r"\b(?:earn|earning|earned|make|making|made)\s+(?:up\s+to\s+|over\s+|an?\s+extra\s+)?" + _AMOUNT
        + r"[^.!?\n]{0,40}?\b(?:from\s+(?:home|my\s+(?:laptop|phone)|your\s+(?:laptop|phone))|online|part[-\s]time)\b",
        r"\b(?:earn|make|making|earning)\s+(?:extra\s+|easy\s+|real\s+|quick\s+|some\s+)?(?:money|cash|income)\s+"
        r"(?:online|from\s+home|from\s+your\s+phone)\b",
        # a promise to the reader; not "I earn £9 an hour", which is a union member talking about pay
        r"\b(?:you\s+can|you\s+could|anyone\s+can|you\s+will)\s+(?:easily\s+)?(?:make|earn)\s+(?:up\s+to\s+|over\s+)?"
        + _AMOUNT,
        r"\bwork(?:ing)?\s+from\s+home\s+(?:and|&)\s+(?:earn|make)\b",
    ))),
    # taking the conversation somewhere private
    "promo:contact": (1.0, tuple(re.compile(x, re.I) for x in (
        r"\b(?:dm|pm|inbox|message|text|whatsapp|telegram)\s+me\b",
        r"\bhit\s+me\s+up\b",
        r"\bcontact\s+me\s+(?:on|via|at)\s+(?:whatsapp|telegram|instagram|ig|snapchat)\b",
    ))),
    # The old staples of comment spam on any site, whatever the page is about (added after the families above
    # were measured; written from general knowledge of it, not from any corpus): adult and dating lures, pills
    # without a prescription, and the "investment manager" and "funds recovery" scams. Each needs the spammer's
    # wording, not the topic: "the local pharmacy is closing", "crypto regulation" and "dating apps and young
    # voters" match nothing.
    "promo:adult": (1.0, tuple(re.compile(x, re.I) for x in (
        r"\b(?:hot|sexy|lonely|horny|naughty)\s+(?:singles|girls|women|milfs?|babes|moms)\b",
        r"\b(?:adult|casual|sex)\s+(?:dating|chat|hookups?|cams?)\b|\bhook\s*ups?\s+(?:tonight|near\s+you)\b",
        r"\b(?:nudes|xxx|onlyfans\s+leaks?)\b|\b18\+\s*(?:only|chat|content)\b",
        r"\b(?:girls|singles|women)\s+(?:near|in)\s+your\s+(?:area|town|city)\b",
    ))),
    "promo:pharma": (1.0, tuple(re.compile(x, re.I) for x in (
        # the spam classics, not medicines members talk about ("my mum waited weeks for her tramadol")
        r"\b(?:viagra|cialis|levitra|kamagra)\b",
        r"\b(?:buy|order|cheap|discount)\s+(?:\w+\s+){0,2}?(?:pills|meds|tablets)\s+online\b",
        r"\b(?:buy|order|get)\s+(?:\w+\s+){0,2}?without\s+(?:a\s+)?prescription\b"
        r"|\bno\s+prescription\s+(?:needed|required)\b",
    ))),
    "promo:scam": (1.0, tuple(re.compile(x, re.I) for x in (
        r"\b(?:binary\s+options?|forex\s+(?:signals?|trading\s+(?:expert|account|manager))|crypto\s+signals?)\b",
        r"\b(?:funds?|crypto|bitcoin|asset|scam)\s+recovery\s+(?:expert|specialist|hacker|agent|service)s?\b",
        r"\b(?:investment|account|trading)\s+(?:manager|expert|mentor)\s+(?:mr|mrs|ms|miss|dr)\.?\s+\w+",
        r"\b(?:i|we)\s+(?:invested|started\s+with)\s+" + _AMOUNT + r"[^.!?\n]{0,40}?\b(?:got|earned|made|received"
        r"|now\s+(?:have|earn|make))\s+" + _AMOUNT,
        r"\b(?:legit|genuine)\s+(?:hacker|investment\s+platform|trader)\b",
        r"\b(?:spell\s*caster|love\s+spell|black\s+magic)\b",
    ))),
    # "click here", "link in bio"
    "promo:click": (1.0, tuple(re.compile(x, re.I) for x in (
        r"\bclick\s+(?:here|(?:on\s+)?(?:the|this|my)\s+link|(?:the\s+)?link\s+below)\b",
        r"\blink\s+in\s+(?:my\s+)?bio\b",
        r"\btap\s+(?:the|my)\s+link\b",
    ))),
}
# Speed: a family's patterns are tried only when the comment (lowercased) holds one of these strings, and every
# match of every pattern of the family holds one of them (a test checks this on its sentences). Most comments
# hold none, and a substring test is far cheaper than thirty case-blind regular expressions.
PROMO_GATES: dict[str, tuple[str, ...]] = {
    "promo:self": ("my", "sub", "follow", "channel", "youtuber", "streamer", "creator", "pls", "plz", "plez"),
    "promo:follow-swap": ("follow", "sub", "f4f", "l4l", "s4s", "like4like"),
    "promo:giveaway": ("giveaway", "gift", "win", "free", "claim", "won", "selected"),
    "promo:earn": ("earn", "mak", "made", "work"),
    "promo:contact": ("dm", "pm", "inbox", "message", "text", "whatsapp", "telegram", "hit", "contact"),
    "promo:click": ("click", "bio", "tap"),
    "promo:adult": ("hot", "sexy", "lonely", "horny", "naughty", "dating", "chat", "hook", "cam", "nude", "xxx",
                    "onlyfans", "18+", "near your", "in your"),
    "promo:pharma": ("viagra", "cialis", "levitra", "kamagra", "online", "prescription"),
    "promo:scam": ("binary", "forex", "signal", "recovery", "manager", "expert", "mentor", "invested",
                   "started with", "legit", "genuine", "spell", "magic"),
}
# The families that, beside a link, make the link the point of the comment (`promo:link`). "Click here" is not
# one: an organiser's "click here to sign: <the petition>" is the same words.
PROMO_WITH_LINK = ("promo:self", "promo:follow-swap", "promo:giveaway", "promo:earn", "promo:contact", "promo:adult",
                   "promo:pharma", "promo:scam")
PROMO_LINK_POINTS = 1.5
# A link with at most this many words beside it: the link drop of SEO spam ("Great post! www.example.com").
# It holds such a comment for an officer even when the model is sure it is fine (2 points alone are a spam score
# of 0.63): a member's own words beside a link are what tell it from a drop.
BARE_LINK_WORDS = 3
BARE_LINK_POINTS = 2.0


def promo_phrases(text: str) -> dict[str, list[str]]:
    """The promotion phrases in a text, by family (`promo:self`, ...), each phrase once as typed, links left out."""
    plain = URL_RE.sub(" ", text.replace("\u2019", "'"))
    lowered = plain.lower()
    found: dict[str, list[str]] = {}
    for family, (_, patterns) in PROMO_RULES.items():
        if not any(gate in lowered for gate in PROMO_GATES[family]):
            continue
        # Two patterns of a family that match the same words ("win a free iPhone", "free iPhone") are one
        # phrase: the longer is kept. Each phrase counts once whatever its case, as first typed.
        spans = sorted((m.start(), -m.end()) for pattern in patterns for m in pattern.finditer(plain))
        seen: dict[str, str] = {}
        end = -1
        for start, neg_end in spans:
            if start < end:
                continue
            end = -neg_end
            phrase = " ".join(plain[start:end].split())
            seen.setdefault(phrase.lower(), phrase)
        phrases = list(seen.values())
        if phrases:
            found[family] = phrases
    return found


def words_beside_links(text: str) -> list[str]:
    """The words of a text once its links are taken out."""
    return WORD_RE.findall(URL_RE.sub(" ", text).lower())



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


def trusted_host(host: str, trusted: Sequence[str]) -> bool:
    """Is `host` one of the `trusted` domains or under one (www.bbc.co.uk under bbc.co.uk; not notbbc.co.uk,
    nor bbc.co.uk.example.xyz)?"""
    return any(host == d or host.endswith("." + d) for d in trusted)


def rule_score(
    text: str, *, recent_texts: Sequence[str] = (), max_links: int = 2, trusted: Sequence[str] = ()
) -> RuleScore:
    """Link and repetition heuristics. `recent_texts` are the same author's recent comments; links to `trusted`
    domains count for no link rule."""
    points = 0.0
    reasons: list[str] = []
    links = [x for x in find_links(text) if not trusted_host(link_host(x), trusted)]
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
        if len(words_beside_links(text)) <= BARE_LINK_WORDS:
            points += BARE_LINK_POINTS
            reasons.append("links:bare")
    promo = promo_phrases(text)
    for family, phrases in promo.items():
        # one phrase of a family: its points; each further different phrase of it adds half a point (up to one)
        points += PROMO_RULES[family][0] + 0.5 * min(len(phrases) - 1, 2)
        reasons.append(family)
    if links and any(family in promo for family in PROMO_WITH_LINK):
        points += PROMO_LINK_POINTS
        reasons.append("promo:link")
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
