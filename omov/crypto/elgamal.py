"""Exponential ElGamal over ristretto255.

A message m (a small integer: a mark 0/1, a candidate index, a tally) is encrypted under public key PK = sk*G
with randomness r as (a, b) = (r*G, m*G + r*PK). Ciphertexts add homomorphically: (a1+a2, b1+b2) encrypts
m1+m2. Decryption gives the point m*G = b - sk*a; the small m is then found by discrete_log.

Encoding: a ciphertext is 64 bytes, a || b (each a canonical point encoding).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from omov.crypto.errors import CryptoError
from omov.crypto.group import ORDER, Point, base_mul, random_scalar

__all__ = ["Ciphertext", "encrypt", "reencrypt", "decrypt_to_point", "decrypt", "discrete_log", "keygen"]


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An exponential ElGamal ciphertext: a = r*G, b = m*G + r*PK."""

    a: Point
    b: Point

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.a + other.a, self.b + other.b)

    def __sub__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.a - other.a, self.b - other.b)

    @staticmethod
    def zero() -> Ciphertext:
        """The trivial encryption of 0 with randomness 0 (the neutral element for +)."""
        return Ciphertext(Point.identity(), Point.identity())

    def encode(self) -> bytes:
        return self.a.data + self.b.data

    @staticmethod
    def decode(data: bytes) -> Ciphertext:
        if len(data) != 64:
            raise CryptoError("a ciphertext must be 64 bytes (a || b)")
        return Ciphertext(Point.decode(data[:32]), Point.decode(data[32:]))


def keygen(rng: Any = None) -> tuple[int, Point]:
    """A fresh key pair (sk, PK = sk*G)."""
    sk = random_scalar(rng)
    return sk, base_mul(sk)


def encrypt(pk: Point, m: int, r: int | None = None) -> tuple[Ciphertext, int]:
    """Encrypt m under pk; returns the ciphertext and the randomness r used (fresh unless given)."""
    if r is None:
        r = random_scalar()
    r %= ORDER
    return Ciphertext(base_mul(r), base_mul(m) + pk * r), r


def reencrypt(pk: Point, c: Ciphertext, r: int) -> Ciphertext:
    """c plus an encryption of 0 with randomness r: same plaintext, unlinkable ciphertext."""
    return Ciphertext(c.a + base_mul(r), c.b + pk * r)


def decrypt_to_point(sk: int, c: Ciphertext) -> Point:
    """m*G for the m that c encrypts."""
    return c.b - c.a * sk


def decrypt(sk: int, c: Ciphertext, max_m: int) -> int:
    """The small m (0 <= m <= max_m) that c encrypts; CryptoError if it is out of that range."""
    return discrete_log(decrypt_to_point(sk, c), max_m)


# Baby-step giant-step tables, cached by step size: {point encoding of j*G: j} for 0 <= j < step.
_BABY: dict[int, dict[bytes, int]] = {}


def _baby_steps(step: int) -> dict[bytes, int]:
    table = _BABY.get(step)
    if table is None:
        table = {}
        g = Point.base()
        p = Point.identity()
        for j in range(step):
            table[p.data] = j
            p = p + g
        _BABY[step] = table
    return table


def discrete_log(point: Point, max_m: int) -> int:
    """The m in [0, max_m] with m*G == point (baby-step giant-step, about 2*sqrt(max_m) additions);
    CryptoError if there is none."""
    if max_m < 0:
        raise CryptoError("max_m must be >= 0")
    step = max(16, 1 << math.ceil(math.log2(math.isqrt(max_m) + 1)))
    table = _baby_steps(step)
    giant = base_mul(step)
    p = point
    for i in range(max_m // step + 1):
        j = table.get(p.data)
        if j is not None:
            m = i * step + j
            if m <= max_m:
                return m
            break
        p = p - giant
    raise CryptoError(f"no discrete logarithm in [0, {max_m}] (the plaintext is out of range)")
