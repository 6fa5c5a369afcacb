"""Wrong ballot credentials, counted per client IP: the voting page and the JSON cast API share one count.

See docs/deploy.md ("Rate limits") for the limits; omov/core/ratelimit.py for the counters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omov.ballots.errors import CredentialError
from omov.ballots.selectors import credential_status
from omov.core.actors import ANONYMOUS
from omov.core.ratelimit import Hit, Limiter, limiter

# What a refused credential was: only a well-formed code that is not this ballot's counts as a wrong guess (one
# that was asked of the database). A typo in the shape answers nothing and a spent credential was a real one.
WRONG_GUESSES = frozenset({"unknown", "other-ballot"})


@dataclass
class Attempt:
    """One try of a credential from one client IP, on the voting page or the JSON API.

    Before the credential is looked up, the IP's count of wrong guesses in this window is checked: at the limit,
    nothing is looked up, so a guess cannot be tested while locked out. The try is counted only once it turned
    out to be a wrong guess. (Counting every try up front and giving the right ones back would make voters who
    share an address refuse each other: eleven members casting at once behind one office's or one conference's
    NAT would be told their codes were wrong, and each refusal would hold its place until the window ended.)
    The price: guesses sent in parallel all pass the check before any is counted, so one window admits at most
    the limit plus the server's concurrent requests (workers x threads) less one; with 160-bit credentials that
    changes nothing an attacker can do. A voter on another IP is never affected; a cast the service accepted is
    never refused: the limit is only ever checked before it.
    """

    limiter: Limiter
    ip: str
    hit: Hit

    @classmethod
    def start(cls, *, ip: str, ballot_id: int) -> Attempt:
        """Check `ip` against the limit (counting nothing); the first refused try in a window is audited."""
        from django.conf import settings

        from omov.audit.services import record

        counter = limiter("credential-ip")
        attempt = cls(counter, ip, counter.check(ip))
        if not attempt.allowed and counter.first_refusal(attempt.hit):
            record(
                actor=ANONYMOUS,
                action="credential.rate-limited",
                subject=f"ballot:{ballot_id}",
                details={"ip": ip, "limit": settings.RATELIMITS["credential-ip"]},
            )
        return attempt

    @property
    def allowed(self) -> bool:
        return self.hit.allowed

    @property
    def message(self) -> str:
        minutes = self.hit.retry_minutes
        return f"too many wrong codes from your address: try again in {minutes} minute{'s' if minutes != 1 else ''}"

    def finish(self, *, ballot_id: int, credential: Any, refused: BaseException | None) -> None:
        """Count the try against its IP if the credential was a wrong guess; anything else counts nothing."""
        if isinstance(refused, CredentialError):
            if credential_status(ballot_id=ballot_id, credential=credential)[0] in WRONG_GUESSES:
                self.limiter.hit(self.ip)
