"""An email backend for benchmarks/platform_load.py: keeps only the credential in each message, appended to a file.

Set OMOV_EMAIL_BACKEND=benchmarks.platform_mailsink.EmailBackend and OMOV_BENCH_TOKENS=/path/tokens.txt. The
credentials are real (minted by `send_credentials` for a real roll); the benchmark casts with them afterwards.
Nothing here is used outside the benchmark.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

_TOKEN = re.compile(r"\b(?:[A-Z2-7]{4}-){7}[A-Z2-7]{4}\b")


class EmailBackend(BaseEmailBackend):
    """Writes the credential of every message to OMOV_BENCH_TOKENS, one a line; sends nothing."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        found = [m for msg in email_messages for m in _TOKEN.findall(msg.body)[:1]]
        with open(os.environ["OMOV_BENCH_TOKENS"], "a", encoding="ascii") as f:
            f.write("".join(t + "\n" for t in found))
        return len(email_messages)
