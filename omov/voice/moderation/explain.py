"""Why a comment was held, in words a moderator reads: one short sentence per reason the pipeline gave.

The pipeline stores reasons as short codes (`links:many`, `word:free`, `sa:GTUBE`, ...); the queue shows
`explain(...)` of them. Numbers (how many links, which word repeats, the share of capitals) are recounted from
the comment's text with the same rules that gave the reason, so the sentence says what the rule saw.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from omov.voice.moderation.pipeline import ModerationSettings
from omov.voice.moderation.spamfilter import (
    RISKY_TLDS,
    SHORTENERS,
    STOPWORDS,
    WORD_RE,
    find_links,
    link_host,
    promo_phrases,
    words_beside_links,
)

# The comment-spam families: what the queue calls each, before the phrases that matched.
PROMO = {
    "promo:self": "self-promotion",
    "promo:follow-swap": "follow-for-follow",
    "promo:giveaway": "giveaway or prize",
    "promo:earn": "easy money",
    "promo:contact": "asks to be contacted privately",
    "promo:click": "click bait",
    "promo:adult": "adult or dating lure",
    "promo:pharma": "pills without a prescription",
    "promo:scam": "investment or recovery scam",
}

FIXED = {
    "repetition:characters": "repetition: a character repeated six times or more, or !!! twice",
    "repetition:duplicate": "repetition: the same text as one of the author's comments in the last hour",
    "contact-and-money": (
        "contact and money: a phone or messaging lure (WhatsApp, Telegram, \"DM me\") with money or crypto"
    ),
    "markup": "markup: HTML or script in the text (shown as typed, never run)",
    "akismet:spam": "Akismet: spam",
    "akismet:discard": "Akismet: blatant spam",
    "akismet:ham": "Akismet: not spam",
    "akismet:unavailable": "Akismet: not reachable, the local filter decided alone",
    "spamassassin:ham": "SpamAssassin: not spam",
    "spamassassin:unavailable": "SpamAssassin: not reachable, the local filter decided alone",
    "reported": "reported by members",
}


# Words too common to tell a moderator anything ("my", "for", "out"): left out of the spam model's words shown in the
# queue, and so is a pair made of them only ("for you"). The model itself still weighs them; only the sentence
# changes. Written for this list (pronouns, articles, prepositions, auxiliaries and the like), wider than the
# rules' STOPWORDS, which only keep such words from counting as repetition.
SHOWN_STOPWORDS = STOPWORDS | frozenset(
    """a an i me my mine myself we us ours ourselves he him his she her hers it itself yours yourself
    out in on at to of off up down over under into onto by as about after before again just so too very than
    then there here is am be been being do does did doing had having or nor if because while until
    isn aren wasn don doesn didn won these those which whom whose why how where
    any each few more most other some such no only own same s t d ll m o re ve y also get got let lets
    via per yes ok oh""".split()
)


def shown_terms(terms: Sequence[str]) -> list[str]:
    """The model's terms worth showing a moderator: not a stop word, nor a pair of stop words only."""
    return [t for t in terms if not all(w in SHOWN_STOPWORDS for w in t.split())]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _percent(x: float) -> str:
    return f"{round(100 * x)}%"


def _list(items: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def explain(
    reasons: Sequence[str],
    text: str,
    *,
    scores: Mapping[str, float] | None = None,
    settings: ModerationSettings | None = None,
) -> list[str]:
    """One sentence per reason (the `word:` terms together, and the `sa:` rules together), in the order given."""
    s = settings or ModerationSettings()
    scores = scores or {}
    links = find_links(text)
    hosts = list(dict.fromkeys(link_host(x) for x in links))
    words = WORD_RE.findall(text.lower())
    out: list[str] = []
    terms = [r.split(":", 1)[1] for r in reasons if r.startswith("word:")]
    rules = [r.split(":", 1)[1] for r in reasons if r.startswith("sa:")]
    for code in reasons:
        if code.startswith("word:"):
            shown = shown_terms(terms)
            if code == f"word:{terms[0]}" and shown:
                out.append("words the spam model weighs: " + ", ".join(f"\u201c{t}\u201d" for t in shown))
            continue
        if code.startswith("sa:"):
            if code == f"sa:{rules[0]}":
                out.append(f"SpamAssassin rules: {_list(rules, 8)}")
            continue
        if code in FIXED:
            out.append(FIXED[code])
        elif code == "links:many":
            out.append(f"links: {_plural(len(links), 'link')} (limit {s.max_links})")
        elif code == "links:shortener":
            out.append(f"links: a link shortener ({_list([h for h in hosts if h in SHORTENERS])})")
        elif code == "links:risky-domain":
            risky = [h for h in hosts if h.rsplit(".", 1)[-1] in RISKY_TLDS]
            out.append(f"links: a domain much used for spam ({_list(risky)})")
        elif code == "links:bare":
            n = len(words_beside_links(text))
            out.append(f"links: a link with little else ({_plural(n, 'word')} beside it)")
        elif code in PROMO:
            found = promo_phrases(text).get(code, [])
            quoted = _list([f"\u201c{p}\u201d" for p in found])
            out.append(f"{PROMO[code]}: {quoted}" if found else PROMO[code])
        elif code == "promo:link":
            out.append(f"promotion with a link ({_list(hosts)})")
        elif code == "links:dense":
            # The rule counts a link's pieces as words; the sentence counts only the words a reader sees.
            beside = len(words_beside_links(text))
            out.append(f"links: {_plural(len(links), 'link')} among only {_plural(beside, 'other word')}")
        elif code == "repetition:words":
            counted = Counter(w for w in words if len(w) > 2 and w not in STOPWORDS).most_common(1)
            word, n = counted[0] if counted else ("?", 0)
            out.append(f"repetition: \u201c{word}\u201d {_plural(n, 'time')} in {_plural(len(words), 'word')}")
        elif code == "shouting":
            letters = [c for c in text if c.isalpha()]
            share = round(100 * sum(c.isupper() for c in letters) / len(letters)) if letters else 0
            out.append(f"shouting: {share}% of the letters are capitals")
        elif code == "spam:score":
            out.append(f"spam score {_percent(scores.get('spam', 0))} \u2014 held at {_percent(s.spam_hold_threshold)} "
                       f"or more with a rule matched, {_percent(s.spam_hold_threshold_words_only)} or more without")
        elif code == "spamassassin:spam":
            sa = scores.get("spamassassin")
            out.append("SpamAssassin: spam" + (f" (score {sa:g})" if sa is not None else ""))
        elif code == "abuse":
            out.append(f"abuse: offensive-language score {_percent(scores.get('abuse', 0))} \u2014 held at "
                       f"{_percent(s.abuse_hold_threshold)} or more")
        elif code == "flood":
            out.append(f"flood: posting too fast (over {s.rate_soft} in {s.rate_window_seconds} seconds, or "
                       f"{s.hourly_soft} in an hour)")
        elif code == "too-long":
            out.append(f"too long: over {s.max_length} characters")
        else:
            out.append(re.sub(r"[\x00-\x1f]", " ", code))
    return out
