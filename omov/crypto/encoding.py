"""Canonical byte and JSON encodings shared by the crypto package (documented in docs/crypto.md).

Bytes:
- point: 32 bytes, canonical ristretto255 encoding; scalar: 32 bytes little-endian, < ORDER;
- ciphertext: 64 bytes, a || b;
- integers inside hashed statements: u32 / u64 big-endian;
- a list of byte strings inside a hash: `length_prefixed` (each item preceded by its length, u64 big-endian).
JSON files: UTF-8, keys sorted, no insignificant whitespace (`canonical_json`); points, scalars and
ciphertexts as lowercase hex of their byte encodings.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from omov.crypto.elgamal import Ciphertext
from omov.crypto.errors import CryptoError
from omov.crypto.group import Point, length_prefixed, scalar_bytes, scalar_from_bytes

__all__ = [
    "GROUP_NAME",
    "length_prefixed",
    "u32",
    "u64",
    "text",
    "point_hex",
    "point_from_hex",
    "scalar_hex",
    "scalar_from_hex",
    "ciphertext_hex",
    "ciphertext_from_hex",
    "canonical_json",
    "sha256_hex",
]

GROUP_NAME = b"ristretto255"


def u32(n: int) -> bytes:
    if not 0 <= n < 2**32:
        raise CryptoError(f"{n} does not fit in an unsigned 32-bit integer")
    return n.to_bytes(4, "big")


def u64(n: int) -> bytes:
    if not 0 <= n < 2**64:
        raise CryptoError(f"{n} does not fit in an unsigned 64-bit integer")
    return n.to_bytes(8, "big")


def text(s: str) -> bytes:
    """A string as UTF-8 (callers length-prefix it)."""
    return s.encode("utf-8")


def _unhex(value: Any, size: int, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size:
        raise CryptoError(f"{what}: expected {2 * size} hex digits")
    if value != value.lower():
        raise CryptoError(f"{what}: hex must be lowercase (canonical)")
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise CryptoError(f"{what}: not hex") from exc


def point_hex(p: Point) -> str:
    return p.data.hex()


def point_from_hex(value: Any, what: str = "point") -> Point:
    return Point.decode(_unhex(value, 32, what))


def scalar_hex(k: int) -> str:
    return scalar_bytes(k).hex()


def scalar_from_hex(value: Any, what: str = "scalar") -> int:
    return scalar_from_bytes(_unhex(value, 32, what))


def ciphertext_hex(c: Ciphertext) -> str:
    return c.encode().hex()


def ciphertext_from_hex(value: Any, what: str = "ciphertext") -> Ciphertext:
    return Ciphertext.decode(_unhex(value, 64, what))


def canonical_json(obj: Any) -> bytes:
    """The one byte serialisation of a JSON document: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
