"""Hash chains: each entry commits to the one before, so no entry can be changed, removed or reordered unseen.

entry_hash = SHA-256( b"omov-chain-v1\\n" + chain name + b"\\n" + previous entry_hash (hex) + b"\\n"
                      + position (decimal) + b"\\n" + the entry's payload bytes ), written as lower-case hex.
The first entry's previous hash is GENESIS (64 zeros). Used by the audit log and by each ballot's list of papers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8 (so the same value always hashes the same)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def link_hash(chain: str, previous: str, position: int, payload: bytes) -> str:
    """The hash of one chain entry (see the module docstring for the exact bytes hashed)."""
    h = hashlib.sha256()
    h.update(b"omov-chain-v1\n")
    h.update(chain.encode("utf-8") + b"\n")
    h.update(previous.encode("ascii") + b"\n")
    h.update(str(position).encode("ascii") + b"\n")
    h.update(payload)
    return h.hexdigest()
