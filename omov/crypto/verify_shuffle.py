"""The verifier's own check of a proof of shuffle, written from docs/record.md §5 alone.

It shares no code with the prover (omov.crypto.shuffle): the generators H_i, the public digest D, the
challenges u_i and c and the verification equations are re-derived here from the specification, over
libsodium's ristretto255 operations called directly. tests/crypto/test_verify_shuffle.py checks that both
derivations agree, on the published vectors and on fresh proofs; if the prover drifted from the page, this
check (not a shared helper) is what would notice.

The work splits into chunks for a capped process pool (`Pool`), since a verifier may be run by anyone with any
`--workers` value.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pysodium  # type: ignore[import-untyped]

L = 2**252 + 27742317777372353535851937790883648493  # the order of ristretto255 (RFC 9496)
ZERO = bytes(32)  # the identity's encoding
MAX_WORKERS = 64  # never more processes than this, whatever is asked (and never more than the cores)

_na: Any = pysodium.sodium


class NotAPoint(ValueError):
    """32 bytes that are not a canonical ristretto255 encoding."""


def _call(fn: Any, *args: bytes) -> bytes:
    out = ctypes.create_string_buffer(32)
    if fn(out, *args) != 0:
        raise NotAPoint("an operand is not a valid ristretto255 point")
    return out.raw


def valid(p: bytes) -> bool:
    """Canonical ristretto255 encoding (the identity included)."""
    return len(p) == 32 and (p == ZERO or _na.crypto_core_ristretto255_is_valid_point(p) == 1)


def times(k: int, p: bytes) -> bytes:
    """k·P (libsodium refuses a product equal to the identity; that is not an error here)."""
    if not valid(p):
        raise NotAPoint(p.hex())
    out = ctypes.create_string_buffer(32)
    if _na.crypto_scalarmult_ristretto255(out, (k % L).to_bytes(32, "little"), p) != 0:
        return ZERO
    return out.raw


def times_g(k: int) -> bytes:
    """k·G."""
    out = ctypes.create_string_buffer(32)
    if _na.crypto_scalarmult_ristretto255_base(out, (k % L).to_bytes(32, "little")) != 0:
        return ZERO
    return out.raw


def plus(p: bytes, q: bytes) -> bytes:
    return _call(_na.crypto_core_ristretto255_add, p, q)


def minus(p: bytes, q: bytes) -> bytes:
    return _call(_na.crypto_core_ristretto255_sub, p, q)


def total(points: Sequence[bytes]) -> bytes:
    acc = ZERO
    for p in points:
        acc = plus(acc, p)
    return acc


G = times_g(1)


def fields(*items: bytes) -> bytes:
    """length_prefixed (docs/crypto.md §1): each byte string preceded by its length, 8 bytes big-endian."""
    return b"".join(len(x).to_bytes(8, "big") + x for x in items)


def n64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def to_scalar(domain: bytes, *items: bytes) -> int:
    """hash_to_scalar (docs/crypto.md §2): SHA-512 of fields(domain, items...), little-endian, mod L."""
    return int.from_bytes(hashlib.sha512(fields(domain, *items)).digest(), "little") % L


def generator_h(i: int) -> bytes:
    """H_i of independent_generators("omov/shuffle/v1", N+1) (docs/crypto.md §2, docs/record.md §5)."""
    seed = hashlib.sha512(fields(b"omov/v1/generators", b"omov/shuffle/v1", i.to_bytes(4, "big"))).digest()
    return _call(_na.crypto_core_ristretto255_from_hash, seed)


def digest_d(pk: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes], commitments: Sequence[bytes],
             width: int, context: bytes) -> bytes:
    """The public digest D of docs/record.md §5: SHA-256 over ten fields, each u64(length) || bytes."""
    parts = [b"omov/shuffle/v1", b"ristretto255", G, context, n64(len(inputs)), n64(width), pk,
             b"".join(inputs), b"".join(outputs), b"".join(commitments)]
    return hashlib.sha256(fields(*parts)).digest()


def challenges_u(d: bytes, n: int) -> list[int]:
    """u_i = hash_to_scalar("omov/shuffle/v1/u", D, u64(i)), i = 0..N-1."""
    return [to_scalar(b"omov/shuffle/v1/u", d, n64(i)) for i in range(n)]


def challenge_c(d: bytes, chain: Sequence[bytes], t1: bytes, t2: bytes, t3: bytes,
                t4: Sequence[Sequence[bytes]], t_hat: Sequence[bytes]) -> int:
    """c = hash_to_scalar("omov/shuffle/v1/c", D, SHA-256(chain), t1, t2, t3, t4 flattened, SHA-256(t̂))."""
    return to_scalar(b"omov/shuffle/v1/c", d, hashlib.sha256(b"".join(chain)).digest(), t1, t2, t3,
                     b"".join(a + b for a, b in t4), hashlib.sha256(b"".join(t_hat)).digest())


# ---------------------------------------------------------------------------------------------------------
# A capped process pool

T = TypeVar("T")
R = TypeVar("R")


def capped_workers(asked: int | None) -> int:
    """How many processes to use: as asked, but at least 1 and at most the cores (and MAX_WORKERS)."""
    cores = os.cpu_count() or 1
    return max(1, min(asked if asked is not None else cores, cores, MAX_WORKERS))


class Pool:
    """Chunks of work over at most `capped_workers(asked)` processes; one process means a plain loop."""

    def __init__(self, asked: int | None = None) -> None:
        self.n = capped_workers(asked)
        self._pool: Any = None

    def __enter__(self) -> Pool:
        if self.n > 1:
            self._pool = multiprocessing.get_context("fork").Pool(self.n)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def map(self, fn: Callable[[T], R], jobs: Sequence[T]) -> list[R]:
        if self._pool is None or len(jobs) <= 1:
            return [fn(j) for j in jobs]
        return list(self._pool.map(fn, jobs, chunksize=1))

    def spans(self, n: int, minimum: int = 64) -> list[tuple[int, int]]:
        """range(n) in contiguous spans, a few per process."""
        parts = 1 if self._pool is None else max(1, min(self.n * 4, n // minimum))
        step = max(1, -(-n // parts))
        return [(i, min(n, i + step)) for i in range(0, n, step)] or [(0, 0)]


# ---------------------------------------------------------------------------------------------------------
# CheckShuffleProof (docs/record.md §5, "Verifier")


def _generators_job(span: tuple[int, int]) -> list[bytes]:
    return [generator_h(i) for i in range(*span)]


_Chunk = tuple[list[int], list[bytes], list[bytes], list[bytes], list[bytes], list[bytes], list[bytes],
               list[int], list[int], list[bytes], int, int]


def _chunk_job(job: _Chunk) -> tuple[list[bytes], list[bytes], bytes, bytes, list[int]]:
    """Partial sums Σu_i·e_i, Σs'_i·e'_i, Σu_i·c_i, Σs'_i·H_i over a chunk, and the chunk's bad t̂ indices."""
    u, ins, outs, commits, hs, chain, before, s_hat, s_prime, t_hat, c, columns = job
    e_in, e_out = [ZERO] * columns, [ZERO] * columns
    c_u, h_s = ZERO, ZERO
    bad = []
    for i, (ui, si) in enumerate(zip(u, s_prime, strict=True)):
        for j in range(columns):
            e_in[j] = plus(e_in[j], times(ui, ins[i][32 * j : 32 * j + 32]))
            e_out[j] = plus(e_out[j], times(si, outs[i][32 * j : 32 * j + 32]))
        c_u = plus(c_u, times(ui, commits[i]))
        h_s = plus(h_s, times(si, hs[i]))
        if plus(plus(times(c, chain[i]), times_g(s_hat[i])), times(si, before[i])) != t_hat[i]:
            bad.append(i)
    return e_in, e_out, c_u, h_s, bad


def shuffle_fault(pk: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes], proof: dict[str, Any],
                  width: int, context: bytes, pool: Pool) -> str | None:
    """None when the proof (as decoded from a mix file: points as bytes, scalars as ints) holds, else why not."""
    n = len(inputs)
    if n == 0 or len(outputs) != n:
        return f"the shuffle has {n} papers in and {len(outputs)} out"
    for name in ("commitments", "chain", "t_hat", "s_hat", "s_prime"):
        if len(proof[name]) != n:
            return f"the proof's {name} has {len(proof[name])} entries for {n} papers"
    if len(proof["t4"]) != width or len(proof["s4"]) != width:
        return f"the proof's t4 and s4 must have one entry per position ({width})"
    if not all(valid(p) for p in (pk, proof["t1"], proof["t2"], proof["t3"], *(x for t in proof["t4"] for x in t))):
        return "a point of the proof or the public key is not a valid ristretto255 encoding"
    d = digest_d(pk, inputs, outputs, proof["commitments"], width, context)
    c = challenge_c(d, proof["chain"], proof["t1"], proof["t2"], proof["t3"], proof["t4"], proof["t_hat"])
    if c != proof["challenge"]:
        return ("the Fiat–Shamir challenge is not the hash of the public inputs (the papers, the public key and "
                "the context, which carries the election's fingerprint) and the commitments")
    u = challenges_u(d, n)
    hs: list[bytes] = []
    try:
        for chunk in pool.map(_generators_job, pool.spans(n + 1, 2048)):
            hs.extend(chunk)
        before = [hs[0], *proof["chain"][:-1]]
        spans = pool.spans(n)
        columns = 2 * width
        jobs: list[_Chunk] = [
            (u[s:e], list(inputs[s:e]), list(outputs[s:e]), list(proof["commitments"][s:e]), hs[1 + s : 1 + e],
             list(proof["chain"][s:e]), before[s:e], list(proof["s_hat"][s:e]), list(proof["s_prime"][s:e]),
             list(proof["t_hat"][s:e]), c, columns)
            for s, e in spans
        ]
        parts = pool.map(_chunk_job, jobs)
        bad = [s + i for (s, _), part in zip(spans, parts, strict=True) for i in part[4]]
        if bad:
            return f"t̂ does not verify at chain position(s) {', '.join(str(b + 1) for b in bad[:5])}"
        e_in = [total([p[0][j] for p in parts]) for j in range(columns)]
        e_out = [total([p[1][j] for p in parts]) for j in range(columns)]
        c_tilde, h_sum = total([p[2] for p in parts]), total([p[3] for p in parts])
        u_product = 1
        for ui in u:
            u_product = u_product * ui % L
        c_bar = minus(total(proof["commitments"]), total(hs[1:]))
        c_hat = minus(proof["chain"][-1], times(u_product, hs[0]))
        if plus(times(c, c_bar), times_g(proof["s1"])) != proof["t1"]:
            return "t1 does not verify (the commitments are not to a permutation)"
        if plus(times(c, c_hat), times_g(proof["s2"])) != proof["t2"]:
            return "t2 does not verify (the commitment chain does not end in the product of the challenges)"
        if plus(plus(times(c, c_tilde), times_g(proof["s3"])), h_sum) != proof["t3"]:
            return "t3 does not verify (the committed permutation does not match the responses)"
        for j in range(width):
            a = plus(minus(times(c, e_in[2 * j]), times_g(proof["s4"][j])), e_out[2 * j])
            b = plus(minus(times(c, e_in[2 * j + 1]), times(proof["s4"][j], pk)), e_out[2 * j + 1])
            if (a, b) != tuple(proof["t4"][j]):
                return f"t4 does not verify at position {j + 1} (the outputs are not re-encryptions of the inputs)"
    except NotAPoint as exc:
        return f"not a valid ristretto255 point: {exc}"
    return None
