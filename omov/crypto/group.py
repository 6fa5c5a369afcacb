"""The group: ristretto255, with every point operation done by libsodium (through pysodium's ctypes handle).

Scalars are Python ints modulo ORDER (the prime order L of the group); points are immutable wrappers around
their 32-byte canonical ristretto255 encoding. There is no curve arithmetic here: additions, subtractions,
scalar multiplications, validation and hash-to-point are libsodium's `crypto_core_ristretto255_*` and
`crypto_scalarmult_ristretto255*` functions. We call them on `pysodium.sodium` (the ctypes library object
pysodium loads) with our own output buffers, which saves pysodium's per-call argument checks on the hot path;
the functions are the same ones pysodium's wrappers call.

Encodings (see docs/crypto.md):
- a point is its 32-byte canonical ristretto255 encoding (the identity is 32 zero bytes);
- a scalar is 32 bytes little-endian, canonical (value < ORDER).
"""

from __future__ import annotations

import ctypes
import hashlib
import secrets
from typing import Any, Protocol

import pysodium  # type: ignore[import-untyped]

from omov.crypto.errors import CryptoError

__all__ = [
    "ORDER",
    "Point",
    "CryptoError",
    "base_mul",
    "random_scalar",
    "hash_to_scalar",
    "length_prefixed",
    "independent_generators",
    "scalar_bytes",
    "scalar_from_bytes",
]

ORDER: int = 2**252 + 27742317777372353535851937790883648493

_sodium: Any = pysodium.sodium
_buffer = ctypes.create_string_buffer
_smul = _sodium.crypto_scalarmult_ristretto255
_smul_base = _sodium.crypto_scalarmult_ristretto255_base
_add = _sodium.crypto_core_ristretto255_add
_sub = _sodium.crypto_core_ristretto255_sub
_is_valid = _sodium.crypto_core_ristretto255_is_valid_point
_from_hash = _sodium.crypto_core_ristretto255_from_hash

_ZERO32 = bytes(32)


class _RandomLike(Protocol):
    def getrandbits(self, k: int, /) -> int: ...


def _new(data: bytes) -> Point:
    point = object.__new__(Point)
    object.__setattr__(point, "data", data)
    return point


class Point:
    """A ristretto255 group element, held as its canonical 32-byte encoding. Immutable and hashable."""

    __slots__ = ("data",)
    data: bytes

    def __init__(self, data: bytes) -> None:
        # Only for already-validated bytes; untrusted input goes through Point.decode.
        object.__setattr__(self, "data", bytes(data))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Point is immutable")

    @staticmethod
    def identity() -> Point:
        return _IDENTITY

    @staticmethod
    def base() -> Point:
        return _BASE

    @staticmethod
    def decode(data: bytes) -> Point:
        """The point with this canonical encoding; CryptoError unless it is a valid canonical encoding."""
        if not isinstance(data, bytes | bytearray) or len(data) != 32:
            raise CryptoError("a point must be 32 bytes")
        data = bytes(data)
        if data != _ZERO32 and _is_valid(data) != 1:
            raise CryptoError(f"not a canonical ristretto255 point: {data.hex()}")
        return _new(data)

    @staticmethod
    def from_hash(data: bytes) -> Point:
        """Map 64 uniform bytes to a point (crypto_core_ristretto255_from_hash, RFC 9496 one-way map)."""
        if len(data) != 64:
            raise CryptoError("from_hash needs 64 bytes")
        out = _buffer(32)
        if _from_hash(out, bytes(data)) != 0:
            raise CryptoError("crypto_core_ristretto255_from_hash failed")
        return _new(out.raw)

    def encode(self) -> bytes:
        return self.data

    def is_identity(self) -> bool:
        return self.data == _ZERO32

    def __add__(self, other: Point) -> Point:
        out = _buffer(32)
        if _add(out, self.data, other.data) != 0:
            raise CryptoError("point addition failed (invalid point)")
        return _new(out.raw)

    def __sub__(self, other: Point) -> Point:
        out = _buffer(32)
        if _sub(out, self.data, other.data) != 0:
            raise CryptoError("point subtraction failed (invalid point)")
        return _new(out.raw)

    def __neg__(self) -> Point:
        return _IDENTITY - self

    def __mul__(self, k: int) -> Point:
        k %= ORDER
        if k == 0 or self.data == _ZERO32:
            return _IDENTITY
        out = _buffer(32)
        if _smul(out, k.to_bytes(32, "little"), self.data) != 0:
            raise CryptoError("scalar multiplication failed (invalid point)")
        return _new(out.raw)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.data == self.data

    def __hash__(self) -> int:
        return hash(self.data)

    def __repr__(self) -> str:
        return f"Point({self.data.hex()})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Point, (self.data,))


_IDENTITY = _new(_ZERO32)


def base_mul(k: int) -> Point:
    """k*G for the standard generator G (libsodium's fixed-base fast path)."""
    k %= ORDER
    if k == 0:
        return _IDENTITY
    out = _buffer(32)
    if _smul_base(out, k.to_bytes(32, "little")) != 0:
        raise CryptoError("base multiplication failed")
    return _new(out.raw)


_BASE = base_mul(1)


def random_scalar(rng: _RandomLike | None = None) -> int:
    """A uniform scalar in [1, ORDER). From the OS (secrets) unless a seeded rng is given (test vectors only).

    512 random bits reduced mod ORDER: the bias is below 2**-259."""
    while True:
        bits = secrets.randbits(512) if rng is None else rng.getrandbits(512)
        k = bits % ORDER
        if k != 0:
            return k


def length_prefixed(*parts: bytes) -> bytes:
    """Each part preceded by its length as 8 bytes big-endian: an injective encoding of a list of byte strings."""
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


def hash_to_scalar(domain: str, *parts: bytes) -> int:
    """SHA-512 over length_prefixed(domain as UTF-8, *parts), read as a 64-byte little-endian int, mod ORDER.

    The domain separates uses (every proof type has its own); callers pass every public input of the statement
    as parts (see omov.crypto.proofs)."""
    digest = hashlib.sha512(length_prefixed(domain.encode("utf-8"), *parts)).digest()
    return int.from_bytes(digest, "little") % ORDER


def independent_generators(domain: str, n: int) -> list[Point]:
    """n points with no known discrete-log relation to G or to each other ("nothing up my sleeve"):
    point i = from_hash(SHA-512(length_prefixed("omov/v1/generators", domain, i as 4 bytes big-endian)))."""
    out = []
    for i in range(n):
        digest = hashlib.sha512(
            length_prefixed(b"omov/v1/generators", domain.encode("utf-8"), i.to_bytes(4, "big"))
        ).digest()
        out.append(Point.from_hash(digest))
    return out


def scalar_bytes(k: int) -> bytes:
    """The 32-byte little-endian canonical encoding of k mod ORDER."""
    return (k % ORDER).to_bytes(32, "little")


def scalar_from_bytes(b: bytes) -> int:
    """The scalar with this encoding; CryptoError unless 32 bytes encoding a value below ORDER."""
    if len(b) != 32:
        raise CryptoError("a scalar must be 32 bytes")
    k = int.from_bytes(b, "little")
    if k >= ORDER:
        raise CryptoError("non-canonical scalar (not below the group order)")
    return k
