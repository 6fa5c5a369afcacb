"""Wrong ballot credentials, counted per client address after the fact: the voting page and the JSON cast API
share one count. See docs/deploy.md ("Rate limits") for the limits and why; omov/core/ratelimit.py for the
counters.

The rules, in order of importance:

1. **A right credential is always accepted.** It is checked (by the cast itself, or the review step's read)
   before any limit is consulted, and an accepted cast reads and writes no counter at all. A member is never
   refused for what others behind the same address (a branch meeting's Wi-Fi, a mobile network's NAT) typed.
   Why that is safe: a credential is 160 random bits; no number of guesses finds one, so the limit is not what
   keeps ballots secure and need not hold a right code back.
2. **Only failures are counted and only failures are slowed.** A well-formed code that is not this ballot's
   (unknown, or another ballot's) counts one against its address. Past the allowance, that address's further
   wrong codes are answered `429 Too Many Requests` with `Retry-After` instead of the usual "not valid"; its
   right codes are still cast. Typos in the shape of a code, spent codes and codes that worked count nothing.
3. **A shared address is not one person**: the allowance (`credential-ip`, 100 per 15 minutes by default) is
   sized for a room, not for one voter, because one address is often many members.

Why not a delay (sleeping before answering a wrong code): a sleeping request holds a server thread, so a
flood of wrong codes would hold every thread and lock out the voters it was meant to protect. The 429 costs
nothing to give: a wrong code costs one indexed read (the cast's credential look-up, before any lock), one more
to tell a wrong guess from a spent code, and one counter increment (Redis: one round trip).
"""

from __future__ import annotations

from typing import Any

from omov.ballots.errors import CredentialError
from omov.ballots.selectors import credential_status
from omov.core.actors import ANONYMOUS
from omov.core.ratelimit import Hit, limiter

# What a refused credential was: only a well-formed code that is not this ballot's counts as a wrong guess (one
# that was asked of the database). A typo in the shape answers nothing and a spent credential was a real one.
WRONG_GUESSES = frozenset({"unknown", "other-ballot"})


def wrong_code(*, ip: str, ballot_id: int, credential: Any, refused: BaseException | None) -> Hit | None:
    """After a credential was refused: count it against `ip` if it was a wrong guess, and return the count if
    `ip` is now past its allowance (answer 429 with Retry-After), else None (answer the refusal as usual).

    Call it only for refusals: a success must cost the limits nothing. The first answer past the allowance in a
    window is audited (`credential.rate-limited`), exactly once however many processes count at once (the
    increment is atomic, so exactly one of them sees limit + 1).
    """
    if not isinstance(refused, CredentialError):
        return None
    if credential_status(ballot_id=ballot_id, credential=credential)[0] not in WRONG_GUESSES:
        return None
    from django.conf import settings

    from omov.audit.services import record

    hit = limiter("credential-ip").hit(ip)
    if hit.allowed:
        return None
    if hit.first_refusal:
        record(
            actor=ANONYMOUS,
            action="credential.rate-limited",
            subject=f"ballot:{ballot_id}",
            details={"ip": ip, "limit": settings.RATELIMITS["credential-ip"]},
        )
    return hit


def wrong_code_message(hit: Hit) -> str:
    """What the JSON API says past the allowance (the page says it in ballots/too_many.html)."""
    minutes = hit.retry_minutes
    return (
        "this credential is not valid, and too many wrong codes have come from your address: wait "
        f"{minutes} minute{'s' if minutes != 1 else ''} before trying more (a right code is always accepted)"
    )
