"""Wrong ballot credentials, counted per client IP: the voting page and the JSON cast API share one count.

See docs/deploy.md ("Rate limits") for the limits; omov/web/ratelimit.py for the counters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omov.ballots.errors import CredentialError
from omov.ballots.selectors import credential_status
from omov.web.ratelimit import Hit, Limiter, limiter

# What a refused credential was: only a well-formed code that is not this ballot's counts as a wrong guess (one
# that was asked of the database). A typo in the shape answers nothing and a spent credential was a real one.
WRONG_GUESSES = frozenset({"unknown", "other-ballot"})


@dataclass
class Attempt:
    """One try of a credential from one client IP, on the voting page or the JSON API.

    The try is counted before the credential is looked up (so a burst of parallel guesses cannot slip past the
    limit) and given back unless it was a wrong guess: the count is of wrong credentials per IP. Over the limit,
    nothing is looked up, so a guess cannot be tested while locked out; a voter on another IP is never affected.
    A cast the service accepted is never refused: the limit is only ever checked before it.
    """

    limiter: Limiter
    hit: Hit

    @classmethod
    def start(cls, *, ip: str, ballot_id: int) -> Attempt:
        """Count a try from `ip`; the first refused one in a window is written to the audit log."""
        from django.conf import settings

        from omov.audit.services import record

        counter = limiter("credential-ip")
        attempt = cls(counter, counter.hit(ip))
        if attempt.hit.first_refusal:
            record(
                actor="anonymous",
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
        """Keep the count if the credential was a wrong guess; give it back otherwise."""
        if isinstance(refused, CredentialError):
            if credential_status(ballot_id=ballot_id, credential=credential)[0] in WRONG_GUESSES:
                return
        self.limiter.undo(self.hit)


