"""Screening of text the public sends (a petition signature, a volunteer sign-up) for spam and abuse.

The moderation pipeline lives in `omov.voice.moderation`, an app beside the ones that need it (organising), which
may not import it. So the pipeline is registered here by name, as the audit scopes are: the voice app's
`ready()` calls `register_screener`, and `screen` asks it. With no screener registered (the voice app not
installed) every text is held for a person to review: nothing is accepted unscreened, and nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

ACCEPT, HOLD, SPAM, REFUSE = "accept", "hold", "spam", "refuse"


@dataclass(frozen=True)
class Screened:
    """The verdict on one text: accept (shown, counted), hold (kept for review), spam (kept, not counted), or
    refuse (sent too fast: the sender is told to wait; nothing is stored)."""

    verdict: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


# screener(text, *, recent, now, author, author_email, user_ip, organisation_id) -> Screened; `recent` are the
# times of the same sender's earlier submissions (for the pipeline's flood rule).
Screener = Callable[..., Screened]
_SCREENERS: list[Screener] = []


def register_screener(screener: Screener) -> None:
    """Make `screener` the one `screen` asks (the last registered wins; registering twice is once)."""
    if screener in _SCREENERS:
        _SCREENERS.remove(screener)
    _SCREENERS.append(screener)


def screen(
    text: str,
    *,
    recent: Sequence[dt.datetime] = (),
    now: dt.datetime,
    author: str = "",
    author_email: str = "",
    user_ip: str = "127.0.0.1",
    organisation_id: int | None = None,
) -> Screened:
    """Screen `text` from the public for the organisation it is sent to (its own spam model, if it has one)."""
    if not _SCREENERS:
        return Screened(HOLD, ("screening:unavailable",))
    return _SCREENERS[-1](
        text, recent=recent, now=now, author=author, author_email=author_email, user_ip=user_ip,
        organisation_id=organisation_id,
    )  # fmt: skip
