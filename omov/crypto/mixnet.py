"""Ranked ballot papers as vectors of ciphertexts, and a mix-net of several re-encryption mix servers.

A ranked paper for C candidates is encrypted at a fixed width k (normally k = C): position j holds an
exponential-ElGamal encryption of m_j, where m_j = i + 1 for the candidate with index i ranked j-th and
m_j = 0 ("none") once the voter's preferences run out. A paper's canonical bytes are its k ciphertexts
a_1 || b_1 || ... || a_k || b_k (64 k bytes); its tracker is the SHA-256 of those bytes, in hex.

The mix-net is M servers in sequence; server s takes the previous list (the cast papers for s = 1), shuffles
and re-encrypts every paper under the election's joint public key, and proves it (omov.crypto.shuffle). One
honest server is enough for the link between a cast paper and a decrypted one to be lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from omov.crypto import shuffle as sh
from omov.crypto.elgamal import Ciphertext
from omov.crypto.group import Point, length_prefixed

NONE = 0  # the plaintext of an unused position


def encode_paper(ciphertexts: Sequence[Ciphertext]) -> bytes:
    """A paper's canonical bytes: its ciphertexts' 64-byte encodings, in position order."""
    return b"".join(c.encode() for c in ciphertexts)


def decode_paper(data: bytes, width: int) -> tuple[Ciphertext, ...]:
    """The ciphertexts of a paper's canonical bytes (validating every point)."""
    if len(data) != 64 * width:
        raise sh.ShuffleError(f"a paper of width {width} is {64 * width} bytes, got {len(data)}")
    return tuple(Ciphertext.decode(data[64 * j : 64 * j + 64]) for j in range(width))


TRACKER_DOMAIN = b"omov/record/v3/tracker"


def tracker(paper: bytes, fingerprint: bytes) -> str:
    """The tracker code a voter keeps, as 64 hex digits: SHA-256 of length_prefixed("omov/record/v3/tracker",
    F, the paper's canonical bytes), F the election's fingerprint, so a receipt names the election it is for."""
    if len(fingerprint) != 32:
        raise sh.ShuffleError("an election's fingerprint is 32 bytes (the SHA-256 of its parameters)")
    return hashlib.sha256(length_prefixed(TRACKER_DOMAIN, fingerprint, paper)).hexdigest()


def plaintexts(ranking: Sequence[int], width: int) -> list[int]:
    """The values a ranking is encrypted as: candidate index + 1 per position, then NONE to the width."""
    if len(ranking) > width:
        raise sh.ShuffleError(f"a ranking of {len(ranking)} candidates does not fit a paper of width {width}")
    return [c + 1 for c in ranking] + [NONE] * (width - len(ranking))


def encrypt_values(pk: Point | bytes, values: Sequence[int], rng: sh.RandomLike | None = None) -> bytes:
    """A paper (canonical bytes) encrypting `values` position by position, with fresh randomness."""
    pk_bytes = pk.encode() if isinstance(pk, Point) else pk
    parts = []
    for m in values:
        r = sh.random_scalar(rng)
        parts.append(sh.base_mul(r))
        parts.append(sh.add(sh.base_mul(m), sh.mul(r, pk_bytes)))
    return b"".join(parts)


def encrypt_ranking(
    pk: Point | bytes, ranking: Sequence[int], width: int, rng: sh.RandomLike | None = None
) -> bytes:
    """A ranked paper: candidates (0-based indices, most preferred first) encrypted at a fixed width."""
    return encrypt_values(pk, plaintexts(ranking, width), rng)


def mix_context(election: str, fingerprint: bytes, index: int) -> bytes:
    """The context bound into mix server `index`'s proof (1-based): length_prefixed("omov/mix/v2", id, F, u64),
    F the election's fingerprint, so a proof made for other parameters does not verify."""
    return length_prefixed(b"omov/mix/v2", election.encode("utf-8"), fingerprint, sh.u64(index))


@dataclass(frozen=True)
class Mix:
    """One mix server's work: its name, its output list of papers and its proof of shuffle."""

    index: int
    mixer: str
    outputs: tuple[bytes, ...]
    proof: sh.ShuffleProof


def run_mixnet(
    pk: Point | bytes,
    papers: Sequence[bytes],
    width: int,
    election: str,
    fingerprint: bytes,
    mixers: Sequence[str],
    *,
    rng: sh.RandomLike | None = None,
    pool: sh.Workers | None = None,
) -> list[Mix]:
    """Pass the papers through each mix server in turn; every server shuffles, re-encrypts and proves."""
    pk_bytes = pk.encode() if isinstance(pk, Point) else pk
    pool = pool or sh.Workers(1)
    mixes: list[Mix] = []
    current = list(papers)
    for index, name in enumerate(mixers, start=1):
        outputs, psi, rands = sh.shuffle(pk_bytes, current, width, rng=rng, pool=pool)
        context = mix_context(election, fingerprint, index)
        proof = sh.prove_shuffle(pk_bytes, current, outputs, psi, rands, width, context, rng=rng, pool=pool)
        mixes.append(Mix(index, name, tuple(outputs), proof))
        current = outputs
    return mixes


def check_mixnet(
    pk: Point | bytes,
    papers: Sequence[bytes],
    mixes: Sequence[Mix],
    width: int,
    election: str,
    fingerprint: bytes,
    *,
    pool: sh.Workers | None = None,
) -> list[tuple[str, str | None]]:
    """Check each mix in turn: (mixer name, None when its proof holds, else why it fails)."""
    pk_bytes = pk.encode() if isinstance(pk, Point) else pk
    results: list[tuple[str, str | None]] = []
    current: Sequence[bytes] = papers
    for expected, mix in enumerate(mixes, start=1):
        if mix.index != expected:
            results.append((mix.mixer, f"mix number {mix.index} is out of sequence (expected {expected})"))
        else:
            context = mix_context(election, fingerprint, mix.index)
            reason = sh.check_shuffle(pk_bytes, current, mix.outputs, mix.proof, width, context, pool=pool)
            results.append((mix.mixer, reason))
        current = mix.outputs
    return results
