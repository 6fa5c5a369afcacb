"""Verifiable ballots: ElGamal over ristretto255 (libsodium through pysodium), zero-knowledge proofs,
threshold trustees, mark ballots, Benaloh challenges. No Django import; a sibling of omov.count.

The cryptographic choices and every byte encoding are documented in docs/crypto.md.
"""

from __future__ import annotations

from omov.crypto.errors import CryptoError

__all__ = ["CryptoError"]
