"""SpamAssassin, for an organisation that already runs it: each comment is sent to its `spamd` through the
maintained client `aiospamc` (SPAMC protocol), and officers' decisions are told to spamd's Bayes filter.

Used only when `spamassassin_host` is configured. A comment is wrapped in a complete, plain e-mail message (From,
To, Date, Message-ID, Subject, UTF-8 text) so that SpamAssassin's header rules about malformed mail (MISSING_DATE,
MISSING_MID, ...) do not add points to every comment. Any failure (spamd down, a timeout) gives 'unavailable' and
the local filter decides alone: moderation never blocks on a third party.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpamAssassinAnswer:
    """spamd's view of one comment: 'spam', 'ham' or 'unavailable', its score against its threshold, and the
    names of the rules that fired (shown to moderators as the reasons)."""

    verdict: str
    score: float = 0.0
    threshold: float = 0.0
    rules: tuple[str, ...] = ()
    error: str = ""


def comment_message(
    text: str, *, author: str = "", author_email: str = "", permalink: str = "", when: dt.datetime | None = None
) -> bytes:
    """The comment as an RFC 5322 message (bytes), the form spamd reads."""
    msg = EmailMessage()
    msg["From"] = formataddr((author or "member", author_email or "member@omov.invalid"))
    msg["To"] = "moderation@omov.invalid"
    msg["Subject"] = f"Comment on {permalink}" if permalink else "Comment"
    msg["Date"] = format_datetime(when or dt.datetime.now(dt.UTC))
    msg["Message-ID"] = f"<{hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()[:32]}@omov.invalid>"
    msg.set_content(text or " ", charset="utf-8")
    return msg.as_bytes()


class SpamAssassinChecker:
    """A thin, synchronous wrapper over aiospamc's check/symbols/tell for one spamd."""

    def __init__(self, *, host: str, port: int = 783, timeout: float = 5.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout

    def _run(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        import aiospamc

        options = {"host": self.host, "port": self.port, "timeout": aiospamc.Timeout(total=self.timeout)}
        return asyncio.run(call(*args, **kwargs, **options))

    def ping(self) -> bool:
        """True if spamd answers PING (it may accept connections a moment before its children can serve)."""
        import aiospamc

        try:
            self._run(aiospamc.ping)
        except Exception:
            return False
        return True

    def check(
        self, text: str, *, author: str = "", author_email: str = "", permalink: str = ""
    ) -> SpamAssassinAnswer:
        """SYMBOLS: the verdict, the score and the rules that fired, in one request."""
        import aiospamc

        message = comment_message(text, author=author, author_email=author_email, permalink=permalink)
        try:
            response = self._run(aiospamc.symbols, message)
            spam = response.headers["Spam"]
        except Exception as exc:  # network, timeout or protocol errors: fall back to the local filter
            log.warning("spamassassin check failed: %s", exc)
            return SpamAssassinAnswer("unavailable", error=f"{type(exc).__name__}: {exc}")
        body = bytes(response.body or b"").decode("ascii", "replace")
        rules = tuple(r.strip() for r in body.split(",") if r.strip())
        return SpamAssassinAnswer(
            "spam" if spam.value else "ham", score=float(spam.score), threshold=float(spam.threshold), rules=rules
        )

    def learn(self, text: str, *, spam: bool, author: str = "", author_email: str = "", permalink: str = "") -> bool:
        """TELL spamd's Bayes filter an officer's decision (spamd must run with --allow-tell); False if it could
        not be told."""
        import aiospamc

        message = comment_message(text, author=author, author_email=author_email, permalink=permalink)
        try:
            self._run(aiospamc.tell, message, "spam" if spam else "ham", set_action="local")
        except Exception as exc:
            log.warning("spamassassin tell failed: %s", exc)
            return False
        return True
