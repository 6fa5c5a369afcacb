"""A verifiable re-encryption shuffle of ranked ballot papers (vectors of ElGamal ciphertexts).

The proof is the Terelius–Wikström proof of a shuffle in the form given by Haenni, Locher, Koenig & Dubuis,
"Pseudo-Code Algorithms for Verifiable Re-Encryption Mix-Nets" (FC 2017 Workshops, LNCS 10323), algorithms
GenShuffleProof / CheckShuffleProof, written additively over ristretto255.

Vectors: a paper is a vector of `width` ciphertexts and the same permutation moves all its positions. We use
the product-group technique of Wikström's Verificatum ("How to Implement a Stand-alone Verifier for the
Verificatum Mix-Net", width omega) analysed for this optimised variant by Haines, "A Description and Proof of a
Generalised and Optimised Variant of Wikström's Mixnet" (arXiv:1901.08371): a paper is one element of the
product group (G x G)^width, its re-encryption randomness is one element of Z_L^width, and the proof is the
single-ciphertext proof run over that product group. The permutation commitment, the commitment chain and the
challenges u_i are per paper (not per position); only t4 and s4 become vectors of `width` components. Nothing
else changes, and the soundness argument (a committed permutation matrix, then an aggregate re-encryption
relation under the random challenges u_i) carries over as-is because it only uses the homomorphism of the
ciphertext group.

Every byte string and hash below is specified in docs/record.md ("Shuffle proof") so that an independent
verifier can be written from that page. Heavy loops run over raw 32-byte encodings through libsodium's own
ristretto255 operations and split into chunks that a process pool takes in parallel.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pysodium  # type: ignore[import-untyped]

from omov.crypto.errors import CryptoError
from omov.crypto.group import length_prefixed

ORDER = 2**252 + 27742317777372353535851937790883648493
DOMAIN = b"omov/shuffle/v1"
IDENTITY = bytes(32)
POINT_BYTES = 32
CIPHERTEXT_BYTES = 64

_lib = pysodium.sodium
_smul = _lib.crypto_scalarmult_ristretto255
_sbase = _lib.crypto_scalarmult_ristretto255_base
_padd = _lib.crypto_core_ristretto255_add
_psub = _lib.crypto_core_ristretto255_sub
_pvalid = _lib.crypto_core_ristretto255_is_valid_point
_pfromhash = _lib.crypto_core_ristretto255_from_hash


class ShuffleError(CryptoError):
    """A shuffle or its proof is malformed (bad sizes, invalid points, bad encodings)."""


class RandomLike(Protocol):
    def randrange(self, start: int, stop: int) -> int: ...


# ---------------------------------------------------------------------------------------------------------
# Raw group operations on 32-byte canonical encodings (libsodium's ristretto255; no curve code of our own)


class InvalidPoint(ShuffleError):
    """A 32-byte string that is not the canonical encoding of a ristretto255 point."""


def sb(k: int) -> bytes:
    """A scalar as 32 little-endian bytes, reduced modulo the group order."""
    return (k % ORDER).to_bytes(32, "little")


def is_point(p: bytes) -> bool:
    """True when `p` is a canonical ristretto255 encoding (the identity, 32 zero bytes, included)."""
    return len(p) == 32 and _pvalid(p) == 1


def mul(k: int, p: bytes) -> bytes:
    """k * P; raises InvalidPoint when P does not decode."""
    out = ctypes.create_string_buffer(32)
    if _smul(out, sb(k), p) != 0:
        # libsodium also returns -1 when the product is the identity; only a bad input is an error.
        if not is_point(p):
            raise InvalidPoint(p.hex())
        return IDENTITY
    return out.raw


def base_mul(k: int) -> bytes:
    """k * G for the standard generator G."""
    out = ctypes.create_string_buffer(32)
    if _sbase(out, sb(k)) != 0:
        return IDENTITY
    return out.raw


def add(p: bytes, q: bytes) -> bytes:
    """P + Q; raises InvalidPoint when either does not decode."""
    out = ctypes.create_string_buffer(32)
    if _padd(out, p, q) != 0:
        raise InvalidPoint((p if not is_point(p) else q).hex())
    return out.raw


def sub(p: bytes, q: bytes) -> bytes:
    """P - Q; raises InvalidPoint when either does not decode."""
    out = ctypes.create_string_buffer(32)
    if _psub(out, p, q) != 0:
        raise InvalidPoint((p if not is_point(p) else q).hex())
    return out.raw


def point_sum(points: Sequence[bytes]) -> bytes:
    """The sum of a list of points (the identity for an empty list)."""
    acc = IDENTITY
    for p in points:
        acc = add(acc, p)
    return acc


G = base_mul(1)


def random_scalar(rng: RandomLike | None = None) -> int:
    """A uniform scalar in [1, L); a seeded `random.Random` gives reproducible test vectors."""
    if rng is None:
        return secrets.randbelow(ORDER - 1) + 1
    return rng.randrange(1, ORDER)


def u64(n: int) -> bytes:
    """An unsigned 64-bit big-endian integer (lengths and indices in hashes)."""
    return n.to_bytes(8, "big")


def generator(index: int) -> bytes:
    """H_index, equal to omov.crypto.group.independent_generators("omov/shuffle/v1", n)[index]:
    from_hash(SHA-512(length_prefixed("omov/v1/generators", "omov/shuffle/v1", u32(index))))."""
    out = ctypes.create_string_buffer(32)
    _pfromhash(out, hashlib.sha512(length_prefixed(b"omov/v1/generators", DOMAIN, index.to_bytes(4, "big"))).digest())
    return out.raw


def _generators_job(span: tuple[int, int]) -> list[bytes]:
    return [generator(i) for i in range(span[0], span[1])]


def hash_scalar(label: bytes, *parts: bytes) -> int:
    """omov.crypto.group.hash_to_scalar("omov/shuffle/v1" + label, *parts): SHA-512 over
    length_prefixed(domain, *parts), read little-endian, modulo L."""
    digest = hashlib.sha512(length_prefixed(DOMAIN + label, *parts)).digest()
    return int.from_bytes(digest, "little") % ORDER


# ---------------------------------------------------------------------------------------------------------
# Parallel map: chunks of work for a process pool; one process means a plain loop.

T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """A pool of processes used for the heavy loops (`workers=1` runs everything in this process)."""

    def __init__(self, workers: int | None = None) -> None:
        # Capped at the cores: a huge `--workers` must not fork thousands of processes.
        cores = os.cpu_count() or 1
        self.n = max(1, min(workers if workers is not None else cores, cores))
        if multiprocessing.current_process().daemon:  # e.g. a worker of a process pool: it may not have children
            self.n = 1
        self._pool: Any = None

    def __enter__(self) -> Workers:
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
        """Split range(n) into a few contiguous spans (several per process, for balance)."""
        parts = 1 if self._pool is None else max(1, min(self.n * 4, n // minimum))
        step = -(-n // parts) if n else 1
        return [(i, min(n, i + step)) for i in range(0, n, step)] or [(0, 0)]


def generators(n: int, pool: Workers | None = None) -> list[bytes]:
    """H_0 .. H_n (n + 1 points)."""
    pool = pool or Workers(1)
    out: list[bytes] = []
    for chunk in pool.map(_generators_job, pool.spans(n + 1, 2048)):
        out.extend(chunk)
    return out


# ---------------------------------------------------------------------------------------------------------
# Papers as bytes: a paper of width k is k ciphertexts a_1 || b_1 || ... || a_k || b_k (64 k bytes).


def split_paper(paper: bytes, width: int) -> list[tuple[bytes, bytes]]:
    """The (a, b) pairs of a paper's positions."""
    if len(paper) != CIPHERTEXT_BYTES * width:
        raise ShuffleError(f"a paper of width {width} is {CIPHERTEXT_BYTES * width} bytes, got {len(paper)}")
    return [(paper[64 * j : 64 * j + 32], paper[64 * j + 32 : 64 * j + 64]) for j in range(width)]


def _reencrypt_job(job: tuple[bytes, list[bytes], list[list[int]], int]) -> list[bytes]:
    pk, papers, rands, width = job
    out = []
    for paper, rs in zip(papers, rands, strict=True):
        parts = []
        for (a, b), r in zip(split_paper(paper, width), rs, strict=True):
            parts.append(add(a, base_mul(r)))
            parts.append(add(b, mul(r, pk)))
        out.append(b"".join(parts))
    return out


def reencrypt_papers(
    pk: bytes, papers: Sequence[bytes], randomness: Sequence[Sequence[int]], width: int, pool: Workers
) -> list[bytes]:
    """Each paper re-encrypted: position j gets (a + r_j G, b + r_j PK)."""
    jobs = [(pk, list(papers[s:e]), [list(r) for r in randomness[s:e]], width) for s, e in pool.spans(len(papers))]
    out: list[bytes] = []
    for chunk in pool.map(_reencrypt_job, jobs):
        out.extend(chunk)
    return out


def shuffle(
    pk: bytes,
    papers: Sequence[bytes],
    width: int,
    *,
    rng: RandomLike | None = None,
    pool: Workers | None = None,
) -> tuple[list[bytes], list[int], list[list[int]]]:
    """Permute and re-encrypt papers: output[i] = ReEnc(papers[psi[i]], r[i]).

    Returns (outputs, psi, r), the witness the proof needs. The permutation is a Fisher–Yates shuffle driven
    by `rng` (a seeded Random only for test vectors) or by the system's CSPRNG.
    """
    pool = pool or Workers(1)
    n = len(papers)
    psi = list(range(n))
    for i in range(n - 1, 0, -1):
        j = rng.randrange(0, i + 1) if rng is not None else secrets.randbelow(i + 1)
        psi[i], psi[j] = psi[j], psi[i]
    rands = [[random_scalar(rng) for _ in range(width)] for _ in range(n)]
    outputs = reencrypt_papers(pk, [papers[p] for p in psi], rands, width, pool)
    return outputs, psi, rands


# ---------------------------------------------------------------------------------------------------------
# The proof


@dataclass(frozen=True)
class ShuffleProof:
    """The non-interactive proof (Haenni et al., GenShuffleProof): commitments, t-values, responses, challenge.

    Points are 32-byte encodings; scalars are ints in [0, L).
    """

    commitments: tuple[bytes, ...]  # c_1..c_N: commitment to the permutation
    chain: tuple[bytes, ...]  # ĉ_1..ĉ_N: commitment chain of the permuted challenges
    t1: bytes
    t2: bytes
    t3: bytes
    t4: tuple[tuple[bytes, bytes], ...]  # one (a, b) pair per position of a paper
    t_hat: tuple[bytes, ...]  # t̂_1..t̂_N
    s1: int
    s2: int
    s3: int
    s4: tuple[int, ...]  # one per position
    s_hat: tuple[int, ...]
    s_prime: tuple[int, ...]
    challenge: int

    def to_json(self) -> dict[str, Any]:
        """The proof as JSON values: points and scalars as lowercase hex of their 32 bytes."""
        return {
            "commitments": [p.hex() for p in self.commitments],
            "chain": [p.hex() for p in self.chain],
            "t1": self.t1.hex(),
            "t2": self.t2.hex(),
            "t3": self.t3.hex(),
            "t4": [[a.hex(), b.hex()] for a, b in self.t4],
            "t_hat": [p.hex() for p in self.t_hat],
            "s1": sb(self.s1).hex(),
            "s2": sb(self.s2).hex(),
            "s3": sb(self.s3).hex(),
            "s4": [sb(s).hex() for s in self.s4],
            "s_hat": [sb(s).hex() for s in self.s_hat],
            "s_prime": [sb(s).hex() for s in self.s_prime],
            "challenge": sb(self.challenge).hex(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShuffleProof:
        """Read a proof written by `to_json`; raises ShuffleError on any malformed field."""
        try:
            return cls(
                commitments=tuple(_point_hex(x) for x in data["commitments"]),
                chain=tuple(_point_hex(x) for x in data["chain"]),
                t1=_point_hex(data["t1"]),
                t2=_point_hex(data["t2"]),
                t3=_point_hex(data["t3"]),
                t4=tuple((_point_hex(a), _point_hex(b)) for a, b in data["t4"]),
                t_hat=tuple(_point_hex(x) for x in data["t_hat"]),
                s1=scalar_hex(data["s1"]),
                s2=scalar_hex(data["s2"]),
                s3=scalar_hex(data["s3"]),
                s4=tuple(scalar_hex(x) for x in data["s4"]),
                s_hat=tuple(scalar_hex(x) for x in data["s_hat"]),
                s_prime=tuple(scalar_hex(x) for x in data["s_prime"]),
                challenge=scalar_hex(data["challenge"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ShuffleError(f"malformed shuffle proof: {exc}") from None


def _point_hex(text: str) -> bytes:
    raw = bytes.fromhex(text)
    if len(raw) != 32:
        raise ValueError(f"a point is 32 bytes, got {len(raw)}")
    return raw  # validity is checked where the point is used


def scalar_hex(text: str) -> int:
    """A scalar from 64 hex digits (32 bytes little-endian); must be canonical (< L)."""
    raw = bytes.fromhex(text)
    if len(raw) != 32:
        raise ValueError(f"a scalar is 32 bytes, got {len(raw)}")
    k = int.from_bytes(raw, "little")
    if k >= ORDER:
        raise ValueError("a scalar must be reduced modulo L")
    return k


def public_digest(
    pk: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes], commitments: Sequence[bytes], width: int,
    context: bytes,
) -> bytes:
    """D: SHA-256 over every public input, each field as u64(length) || bytes (docs/record.md)."""
    h = hashlib.sha256()

    def field(*parts: bytes) -> None:
        h.update(u64(sum(len(p) for p in parts)))
        for p in parts:
            h.update(p)

    field(DOMAIN)
    field(b"ristretto255")
    field(G)
    field(context)
    field(u64(len(inputs)))
    field(u64(width))
    field(pk)
    field(*inputs)
    field(*outputs)
    field(*commitments)
    return h.digest()


def challenges(digest: bytes, n: int) -> list[int]:
    """u_i = hash_scalar("/u", D, u64(i)) for i = 0..n-1."""
    return [hash_scalar(b"/u", digest, u64(i)) for i in range(n)]


def final_challenge(
    digest: bytes, chain: Sequence[bytes], t1: bytes, t2: bytes, t3: bytes,
    t4: Sequence[tuple[bytes, bytes]], t_hat: Sequence[bytes],
) -> int:
    """c = hash_scalar("/c", D, SHA-256(ĉ_1..ĉ_N), t1, t2, t3, a_1 b_1 .. a_k b_k of t4, SHA-256(t̂_1..t̂_N))."""
    return hash_scalar(
        b"/c",
        digest,
        hashlib.sha256(b"".join(chain)).digest(),
        t1,
        t2,
        t3,
        b"".join(a + b for a, b in t4),
        hashlib.sha256(b"".join(t_hat)).digest(),
    )


# --- prover's parallel pieces ---------------------------------------------------------------------------


def _commit_job(job: tuple[list[int], list[bytes]]) -> list[bytes]:
    rs, hs = job
    return [add(base_mul(r), h) for r, h in zip(rs, hs, strict=True)]


def _chain_job(job: tuple[list[int], list[int], bytes]) -> list[bytes]:
    xs, us, h = job
    return [add(base_mul(x), mul(u, h)) for x, u in zip(xs, us, strict=True)]


def _weighted_sums_job(job: tuple[list[int], list[bytes], int]) -> list[bytes]:
    """Σ w_i P_i over a chunk, for each of `columns` interleaved points per item."""
    ws, items, columns = job
    sums = [IDENTITY] * columns
    for w, item in zip(ws, items, strict=True):
        for j in range(columns):
            sums[j] = add(sums[j], mul(w, item[32 * j : 32 * j + 32]))
    return sums


def _t_hat_job(job: tuple[list[int], list[int], list[bytes]]) -> list[bytes]:
    w_hats, w_primes, previous = job
    return [add(base_mul(a), mul(b, p)) for a, b, p in zip(w_hats, w_primes, previous, strict=True)]


def _weighted_sums(pool: Workers, weights: Sequence[int], items: Sequence[bytes], columns: int) -> list[bytes]:
    spans = pool.spans(len(items))
    parts = pool.map(_weighted_sums_job, [(list(weights[s:e]), list(items[s:e]), columns) for s, e in spans])
    return [point_sum([p[j] for p in parts]) for j in range(columns)]


def prove_shuffle(
    pk: bytes,
    inputs: Sequence[bytes],
    outputs: Sequence[bytes],
    psi: Sequence[int],
    randomness: Sequence[Sequence[int]],
    width: int,
    context: bytes,
    *,
    rng: RandomLike | None = None,
    pool: Workers | None = None,
) -> ShuffleProof:
    """GenShuffleProof (Haenni et al., Alg. 8.4x) over the product group (G x G)^width."""
    pool = pool or Workers(1)
    n = len(inputs)
    if len(outputs) != n or len(psi) != n or len(randomness) != n:
        raise ShuffleError("inputs, outputs, permutation and randomness must have the same length")
    gens = generators(n, pool)
    h0, hs = gens[0], gens[1:]
    inverse = [0] * n
    for i, j in enumerate(psi):
        inverse[j] = i
    # Permutation commitment: c_{psi(i)} = r_{psi(i)} G + H_i, i.e. c_j = r_j G + H_{psi^-1(j)}.
    r = [random_scalar(rng) for _ in range(n)]
    hs_for_c = [hs[inverse[j]] for j in range(n)]
    spans = pool.spans(n)
    commitments: list[bytes] = []
    for chunk in pool.map(_commit_job, [(r[s:e], hs_for_c[s:e]) for s, e in spans]):
        commitments.extend(chunk)
    digest = public_digest(pk, inputs, outputs, commitments, width, context)
    u = challenges(digest, n)
    u_prime = [u[psi[i]] for i in range(n)]
    # Commitment chain ĉ_i = r̂_i G + u'_i ĉ_{i-1}, ĉ_0 = H_0, computed in closed form
    # ĉ_i = x_i G + U_i H_0 (x_i = r̂_i + u'_i x_{i-1}, U_i = u'_1...u'_i) so that chunks run in parallel.
    r_hat = [random_scalar(rng) for _ in range(n)]
    xs, us_cum = [0] * n, [0] * n
    x, big_u = 0, 1
    for i in range(n):
        x = (r_hat[i] + u_prime[i] * x) % ORDER
        big_u = big_u * u_prime[i] % ORDER
        xs[i], us_cum[i] = x, big_u
    chain: list[bytes] = []
    for chunk in pool.map(_chain_job, [(xs[s:e], us_cum[s:e], h0) for s, e in spans]):
        chain.extend(chunk)
    w1, w2, w3 = random_scalar(rng), random_scalar(rng), random_scalar(rng)
    w4 = [random_scalar(rng) for _ in range(width)]
    w_hat = [random_scalar(rng) for _ in range(n)]
    w_prime = [random_scalar(rng) for _ in range(n)]
    t1 = base_mul(w1)
    t2 = base_mul(w2)
    t3 = add(base_mul(w3), _weighted_sums(pool, w_prime, hs, 1)[0])
    sums = _weighted_sums(pool, w_prime, outputs, 2 * width)
    t4 = tuple(
        (sub(sums[2 * j], base_mul(w4[j])), sub(sums[2 * j + 1], mul(w4[j], pk))) for j in range(width)
    )
    previous = [h0, *chain[:-1]]
    t_hat: list[bytes] = []
    for chunk in pool.map(_t_hat_job, [(w_hat[s:e], w_prime[s:e], previous[s:e]) for s, e in spans]):
        t_hat.extend(chunk)
    c = final_challenge(digest, chain, t1, t2, t3, t4, t_hat)
    # Responses.
    r_bar = sum(r) % ORDER
    s1 = (w1 - c * r_bar) % ORDER
    v, r_hat_sum = 1, 0
    for i in range(n - 1, -1, -1):  # v_i = u'_{i+1} ... u'_N
        r_hat_sum = (r_hat_sum + r_hat[i] * v) % ORDER
        v = v * u_prime[i] % ORDER
    s2 = (w2 - c * r_hat_sum) % ORDER
    r_tilde = sum(rj * uj for rj, uj in zip(r, u, strict=True)) % ORDER
    s3 = (w3 - c * r_tilde) % ORDER
    s4 = tuple(
        (w4[j] - c * sum(randomness[i][j] * u_prime[i] for i in range(n))) % ORDER for j in range(width)
    )
    s_hat = tuple((w_hat[i] - c * r_hat[i]) % ORDER for i in range(n))
    s_prime = tuple((w_prime[i] - c * u_prime[i]) % ORDER for i in range(n))
    return ShuffleProof(
        commitments=tuple(commitments),
        chain=tuple(chain),
        t1=t1,
        t2=t2,
        t3=t3,
        t4=t4,
        t_hat=tuple(t_hat),
        s1=s1,
        s2=s2,
        s3=s3,
        s4=s4,
        s_hat=s_hat,
        s_prime=s_prime,
        challenge=c,
    )


# --- verifier -------------------------------------------------------------------------------------------


_VerifyJob = tuple[
    list[int], list[bytes], list[int], list[bytes], list[bytes], list[bytes], list[bytes], list[int],
    list[bytes], list[bytes], int, int,
]


def _verify_job(job: _VerifyJob) -> tuple[list[bytes], list[bytes], bytes, bytes, list[int]]:
    """One chunk of CheckShuffleProof: partial sums, and the indices whose t̂ does not match."""
    u, inputs, s_prime, outputs, commits, hs, chain_prev, s_hat, chain, t_hat, c, columns = job
    e_bar = [IDENTITY] * columns
    e_out = [IDENTITY] * columns
    c_tilde = IDENTITY
    h_sum = IDENTITY
    bad: list[int] = []
    for i in range(len(u)):
        ui, spi, item_in, item_out = u[i], s_prime[i], inputs[i], outputs[i]
        for j in range(columns):
            e_bar[j] = add(e_bar[j], mul(ui, item_in[32 * j : 32 * j + 32]))
            e_out[j] = add(e_out[j], mul(spi, item_out[32 * j : 32 * j + 32]))
        c_tilde = add(c_tilde, mul(ui, commits[i]))
        h_sum = add(h_sum, mul(spi, hs[i]))
        expected = add(add(mul(c, chain[i]), base_mul(s_hat[i])), mul(spi, chain_prev[i]))
        if expected != t_hat[i]:
            bad.append(i)
    return e_bar, e_out, c_tilde, h_sum, bad


def check_shuffle(
    pk: bytes,
    inputs: Sequence[bytes],
    outputs: Sequence[bytes],
    proof: ShuffleProof,
    width: int,
    context: bytes,
    *,
    pool: Workers | None = None,
) -> str | None:
    """CheckShuffleProof: None when the proof holds, else a sentence saying what failed."""
    pool = pool or Workers(1)
    n = len(inputs)
    if n == 0:
        return "a shuffle needs at least one paper"
    if len(outputs) != n:
        return f"the shuffle has {n} papers in and {len(outputs)} out"
    sizes = {
        "commitments": len(proof.commitments),
        "chain": len(proof.chain),
        "t_hat": len(proof.t_hat),
        "s_hat": len(proof.s_hat),
        "s_prime": len(proof.s_prime),
    }
    for name, size in sizes.items():
        if size != n:
            return f"the proof's {name} has {size} entries for {n} papers"
    if len(proof.t4) != width or len(proof.s4) != width:
        return f"the proof's t4/s4 must have one entry per position ({width})"
    for paper in (*inputs, *outputs):
        if len(paper) != CIPHERTEXT_BYTES * width:
            return f"a paper is not {CIPHERTEXT_BYTES * width} bytes"
    for p in (pk, proof.t1, proof.t2, proof.t3, *[x for pair in proof.t4 for x in pair]):
        if not is_point(p):
            return "a point of the proof or the public key is not a valid ristretto255 encoding"
    try:
        gens = generators(n, pool)
        h0, hs = gens[0], gens[1:]
        digest = public_digest(pk, inputs, outputs, proof.commitments, width, context)
        u = challenges(digest, n)
        c = final_challenge(digest, proof.chain, proof.t1, proof.t2, proof.t3, proof.t4, proof.t_hat)
        if c != proof.challenge:
            return "the Fiat–Shamir challenge does not match the hash of the public inputs and commitments"
        chain_prev = [h0, *proof.chain[:-1]]
        columns = 2 * width
        spans = pool.spans(n)
        jobs: list[_VerifyJob] = [
            (
                u[s:e], list(inputs[s:e]), list(proof.s_prime[s:e]), list(outputs[s:e]),
                list(proof.commitments[s:e]), hs[s:e], chain_prev[s:e], list(proof.s_hat[s:e]),
                list(proof.chain[s:e]), list(proof.t_hat[s:e]), c, columns,
            )
            for s, e in spans
        ]
        results = pool.map(_verify_job, jobs)
        bad = [s + i for (s, _), res in zip(spans, results, strict=True) for i in res[4]]
        if bad:
            return f"t̂ does not verify for chain position(s) {', '.join(str(b + 1) for b in bad[:5])}"
        e_bar = [point_sum([res[0][j] for res in results]) for j in range(columns)]
        e_out = [point_sum([res[1][j] for res in results]) for j in range(columns)]
        c_tilde = point_sum([res[2] for res in results])
        h_sum = point_sum([res[3] for res in results])
        u_prod = 1
        for ui in u:
            u_prod = u_prod * ui % ORDER
        c_bar = sub(point_sum(proof.commitments), point_sum(hs))
        c_hat = sub(proof.chain[-1], mul(u_prod, h0))
        if add(mul(c, c_bar), base_mul(proof.s1)) != proof.t1:
            return "t1 does not verify (the commitments are not to a permutation matrix's column sums)"
        if add(mul(c, c_hat), base_mul(proof.s2)) != proof.t2:
            return "t2 does not verify (the commitment chain does not end in the product of the challenges)"
        if add(add(mul(c, c_tilde), base_mul(proof.s3)), h_sum) != proof.t3:
            return "t3 does not verify (the committed permutation does not match the responses)"
        for j in range(width):
            ta = add(sub(mul(c, e_bar[2 * j]), base_mul(proof.s4[j])), e_out[2 * j])
            tb = add(sub(mul(c, e_bar[2 * j + 1]), mul(proof.s4[j], pk)), e_out[2 * j + 1])
            if (ta, tb) != proof.t4[j]:
                return f"t4 does not verify at position {j + 1} (the outputs are not re-encryptions of the inputs)"
    except InvalidPoint as exc:
        return f"not a valid ristretto255 point: {exc}"
    return None


def verify_shuffle(
    pk: bytes, inputs: Sequence[bytes], outputs: Sequence[bytes], proof: ShuffleProof, width: int,
    context: bytes, *, pool: Workers | None = None,
) -> bool:
    """True when `proof` shows `outputs` is a permuted re-encryption of `inputs` under `pk`."""
    return check_shuffle(pk, inputs, outputs, proof, width, context, pool=pool) is None


def chunks(seq: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of `seq` of at most `size` items."""
    for i in range(0, len(seq), size):
        yield seq[i : i + size]
