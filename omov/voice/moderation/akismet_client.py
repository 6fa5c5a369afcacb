"""Akismet through its maintained Python client (`akismet`, by James Bennett): comment-check, submit-spam and
submit-ham. Used only when a key is configured; any failure falls back to the local filter (never blocks)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AkismetAnswer:
    """Akismet's view of one comment: 'ham', 'spam', 'discard' (blatant spam) or 'unavailable'."""

    verdict: str
    error: str = ""


class AkismetChecker:
    """A thin wrapper over akismet.SyncClient. `client` may be given (tests pass akismet.TestSyncClient)."""

    def __init__(self, *, key: str, site_url: str, client: Any = None) -> None:
        self.key = key
        self.site_url = site_url
        self._client = client

    def _get(self) -> Any:
        if self._client is None:
            import akismet

            self._client = akismet.SyncClient.validated_client(config=akismet.Config(key=self.key, url=self.site_url))
        return self._client

    @staticmethod
    def _args(text: str, author: str, author_email: str, permalink: str) -> dict[str, Any]:
        args: dict[str, Any] = {"comment_content": text, "comment_type": "comment"}
        if author:
            args["comment_author"] = author
        if author_email:
            args["comment_author_email"] = author_email
        if permalink:
            args["permalink"] = permalink
        return args

    def check(
        self, text: str, *, user_ip: str = "127.0.0.1", author: str = "", author_email: str = "", permalink: str = ""
    ) -> AkismetAnswer:
        """comment-check."""
        try:
            import akismet

            answer = self._get().comment_check(user_ip, **self._args(text, author, author_email, permalink))
        except Exception as exc:  # network, key or protocol errors: fall back to the local filter
            log.warning("akismet comment-check failed: %s", exc)
            return AkismetAnswer("unavailable", f"{type(exc).__name__}: {exc}")
        if answer == akismet.CheckResponse.DISCARD:
            return AkismetAnswer("discard")
        return AkismetAnswer("spam" if answer == akismet.CheckResponse.SPAM else "ham")

    def submit(
        self,
        text: str,
        *,
        spam: bool,
        user_ip: str = "127.0.0.1",
        author: str = "",
        author_email: str = "",
        permalink: str = "",
    ) -> bool:
        """submit-spam or submit-ham (an officer's decision); False if Akismet could not be told."""
        try:
            client = self._get()
            send = client.submit_spam if spam else client.submit_ham
            return bool(send(user_ip, **self._args(text, author, author_email, permalink)))
        except Exception as exc:
            log.warning("akismet submit failed: %s", exc)
            return False
