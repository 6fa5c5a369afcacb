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
            if code == f"word:{terms[0]}":
                out.append(f"words: {', '.join(terms)}")
            continue
        if code.startswith("sa:"):
            if code == f"sa:{rules[0]}":
                out.append(f"SpamAssassin rules: {_list(rules, 8)}")
            continue
        if code in FIXED:
            out.append(FIXED[code])
        elif code == "links:many":
            out.append(f"links: {len(links)} links (limit {s.max_links})")
        elif code == "links:shortener":
            out.append(f"links: a link shortener ({_list([h for h in hosts if h in SHORTENERS])})")
        elif code == "links:risky-domain":
            risky = [h for h in hosts if h.rsplit(".", 1)[-1] in RISKY_TLDS]
            out.append(f"links: a domain much used for spam ({_list(risky)})")
        elif code == "links:bare":
            n = len(words_beside_links(text))
            out.append(f"links: a link with little else ({n} word{'' if n == 1 else 's'} beside it)")
        elif code in PROMO:
            found = promo_phrases(text).get(code, [])
            quoted = _list([f"\u201c{p}\u201d" for p in found])
            out.append(f"{PROMO[code]}: {quoted}" if found else PROMO[code])
        elif code == "promo:link":
            out.append(f"promotion with a link ({_list(hosts)})")
        elif code == "links:dense":
            out.append(f"links: {len(links)} links in {len(words)} words")
        elif code == "repetition:words":
            counted = Counter(w for w in words if len(w) > 2 and w not in STOPWORDS).most_common(1)
            word, n = counted[0] if counted else ("?", 0)
            out.append(f"repetition: \u201c{word}\u201d {n} times in {len(words)} words")
        elif code == "shouting":
            letters = [c for c in text if c.isalpha()]
            share = round(100 * sum(c.isupper() for c in letters) / len(letters)) if letters else 0
            out.append(f"shouting: {share}% of the letters are capitals")
        elif code == "spam:score":
            out.append(f"spam score {scores.get('spam', 0):.2f} (held from {s.spam_hold_threshold:g}, or "
                       f"{s.spam_hold_threshold_words_only:g} on the model's word alone)")
        elif code == "spamassassin:spam":
            sa = scores.get("spamassassin")
            out.append("SpamAssassin: spam" + (f" (score {sa:g})" if sa is not None else ""))
        elif code == "abuse":
            out.append(f"abuse: offensive-language score {scores.get('abuse', 0):.2f} (held from "
                       f"{s.abuse_hold_threshold:g})")
        elif code == "flood":
            out.append(f"flood: posting too fast (over {s.rate_soft} in {s.rate_window_seconds} seconds, or "
                       f"{s.hourly_soft} in an hour)")
        elif code == "too-long":
            out.append(f"too long: over {s.max_length} characters")
        else:
            out.append(re.sub(r"[\x00-\x1f]", " ", code))
    return out
