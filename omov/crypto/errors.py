"""The crypto package's one exception family."""

from __future__ import annotations


class CryptoError(Exception):
    """Anything cryptographically wrong: a malformed encoding, an invalid point, a proof that does not verify,
    a share that does not match its commitments. The message says what and, when known, where."""
