"""Non-interactive zero-knowledge proofs (sigma protocols made non-interactive by strong Fiat–Shamir).

Every challenge is hash_to_scalar(DOMAIN, GROUP_NAME, context, <every statement input>, <every commitment>):
the group, the context (which carries the election id and what the proof is for), all public inputs of the
statement (bases, public keys, ciphertexts, the allowed values) and all commitments. Leaving any of these out
is the "weak Fiat–Shamir" flaw; the tests tamper each of them.

Schnorr and Chaum–Pedersen proofs are stored in challenge/response form (scalars only): the verifier recomputes
the commitments and checks the challenge. Disjunctive proofs also carry their commitments so that many can be
checked at once with random weights (BatchVerifier). Exact byte layouts are in docs/crypto.md.

- DlogProof (Schnorr): knowledge of x with X = x*B.
- DleqProof (Chaum–Pedersen): log_B1(X1) == log_B2(X2), e.g. a correct partial decryption.
- DisjunctiveProof (CDS OR-proof): an ElGamal ciphertext encrypts one of a list of allowed values
  (0/1 marks; an allowed range of sums, as in Helios and Belenios).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from omov.crypto.elgamal import Ciphertext
from omov.crypto.encoding import GROUP_NAME, scalar_from_hex, scalar_hex, u32, u64
from omov.crypto.errors import CryptoError
from omov.crypto.group import ORDER, Point, base_mul, hash_to_scalar, random_scalar, scalar_bytes, scalar_from_bytes

__all__ = [
    "DOMAIN_DLOG",
    "DOMAIN_DLEQ",
    "DOMAIN_DISJUNCTIVE",
    "DlogProof",
    "DleqProof",
    "DisjunctiveProof",
    "prove_dlog",
    "verify_dlog",
    "prove_dleq",
    "verify_dleq",
    "prove_disjunctive",
    "verify_disjunctive",
    "disjunctive_challenge_inputs",
]

DOMAIN_DLOG = "omov/v1/proof/dlog"
DOMAIN_DLEQ = "omov/v1/proof/dleq"
DOMAIN_DISJUNCTIVE = "omov/v1/proof/disjunctive"


def _pair_encode(c: int, z: int) -> bytes:
    return scalar_bytes(c) + scalar_bytes(z)


def _pair_decode(data: bytes) -> tuple[int, int]:
    if len(data) != 64:
        raise CryptoError("a (challenge, response) pair is 64 bytes")
    return scalar_from_bytes(data[:32]), scalar_from_bytes(data[32:])


@dataclass(frozen=True, slots=True)
class DlogProof:
    """Schnorr proof: challenge c, response z; commitment R = z*B - c*X."""

    c: int
    z: int

    def encode(self) -> bytes:
        return _pair_encode(self.c, self.z)

    @staticmethod
    def decode(data: bytes) -> DlogProof:
        return DlogProof(*_pair_decode(data))

    def to_json(self) -> dict[str, str]:
        return {"c": scalar_hex(self.c), "z": scalar_hex(self.z)}

    @staticmethod
    def from_json(obj: Any) -> DlogProof:
        try:
            return DlogProof(scalar_from_hex(obj["c"]), scalar_from_hex(obj["z"]))
        except (KeyError, TypeError) as exc:
            raise CryptoError("malformed dlog proof") from exc


@dataclass(frozen=True, slots=True)
class DleqProof:
    """Chaum–Pedersen proof: challenge c, response z; commitments R1 = z*B1 - c*X1, R2 = z*B2 - c*X2."""

    c: int
    z: int

    def encode(self) -> bytes:
        return _pair_encode(self.c, self.z)

    @staticmethod
    def decode(data: bytes) -> DleqProof:
        return DleqProof(*_pair_decode(data))

    def to_json(self) -> dict[str, str]:
        return {"c": scalar_hex(self.c), "z": scalar_hex(self.z)}

    @staticmethod
    def from_json(obj: Any) -> DleqProof:
        try:
            return DleqProof(scalar_from_hex(obj["c"]), scalar_from_hex(obj["z"]))
        except (KeyError, TypeError) as exc:
            raise CryptoError("malformed dleq proof") from exc


@dataclass(frozen=True, slots=True)
class DisjunctiveProof:
    """CDS OR-proof: the commitments (A_0, B_0, ..., A_k-1, B_k-1) and one (challenge, response) pair per
    allowed value, in the order of the values. Carrying the commitments lets many proofs be checked at once
    with random weights (BatchVerifier)."""

    commitments: tuple[Point, ...]
    pairs: tuple[tuple[int, int], ...]

    def encode(self) -> bytes:
        return (
            u32(len(self.pairs))
            + b"".join(p.data for p in self.commitments)
            + b"".join(_pair_encode(c, z) for c, z in self.pairs)
        )

    @staticmethod
    def decode(data: bytes) -> DisjunctiveProof:
        if len(data) < 4:
            raise CryptoError("truncated disjunctive proof")
        k = int.from_bytes(data[:4], "big")
        if len(data) != 4 + 128 * k:
            raise CryptoError("disjunctive proof has the wrong length")
        points = tuple(Point.decode(data[4 + 32 * i : 36 + 32 * i]) for i in range(2 * k))
        base = 4 + 64 * k
        pairs = tuple(_pair_decode(data[base + 64 * i : base + 64 * (i + 1)]) for i in range(k))
        return DisjunctiveProof(points, pairs)

    def to_json(self) -> dict[str, Any]:
        return {
            "commitments": [p.data.hex() for p in self.commitments],
            "pairs": [[scalar_hex(c), scalar_hex(z)] for c, z in self.pairs],
        }

    @staticmethod
    def from_json(obj: Any) -> DisjunctiveProof:
        from omov.crypto.encoding import point_from_hex

        try:
            commitments = tuple(point_from_hex(p, "commitment") for p in obj["commitments"])
            pairs = []
            for item in obj["pairs"]:
                if not isinstance(item, list) or len(item) != 2:
                    raise CryptoError("malformed disjunctive proof")
                pairs.append((scalar_from_hex(item[0]), scalar_from_hex(item[1])))
        except (KeyError, TypeError) as exc:
            raise CryptoError("malformed disjunctive proof") from exc
        if len(commitments) != 2 * len(pairs):
            raise CryptoError("a disjunctive proof has two commitments per allowed value")
        return DisjunctiveProof(commitments, tuple(pairs))


# ---------------------------------------------------------------- Schnorr


def _dlog_challenge(context: bytes, base: Point, x: Point, r: Point) -> int:
    return hash_to_scalar(DOMAIN_DLOG, GROUP_NAME, context, base.data, x.data, r.data)


def prove_dlog(x: int, context: bytes, base: Point | None = None, rng: Any = None) -> DlogProof:
    """Prove knowledge of x with X = x*base (base defaults to G)."""
    b = Point.base() if base is None else base
    w = random_scalar(rng)
    commit = base_mul(w) if base is None else b * w
    public = base_mul(x) if base is None else b * x
    c = _dlog_challenge(context, b, public, commit)
    return DlogProof(c, (w + c * x) % ORDER)


def verify_dlog(public: Point, proof: DlogProof, context: bytes, base: Point | None = None) -> bool:
    b = Point.base() if base is None else base
    commit = (base_mul(proof.z) if base is None else b * proof.z) - public * proof.c
    return _dlog_challenge(context, b, public, commit) == proof.c


# ---------------------------------------------------------------- Chaum–Pedersen


def _dleq_challenge(context: bytes, b1: Point, x1: Point, b2: Point, x2: Point, r1: Point, r2: Point) -> int:
    return hash_to_scalar(DOMAIN_DLEQ, GROUP_NAME, context, b1.data, x1.data, b2.data, x2.data, r1.data, r2.data)


def prove_dleq(x: int, b1: Point, b2: Point, context: bytes, rng: Any = None) -> DleqProof:
    """Prove log_b1(x*b1) == log_b2(x*b2) == x (knowing x)."""
    w = random_scalar(rng)
    r1 = base_mul(w) if b1 == Point.base() else b1 * w
    r2 = b2 * w
    x1 = base_mul(x) if b1 == Point.base() else b1 * x
    x2 = b2 * x
    c = _dleq_challenge(context, b1, x1, b2, x2, r1, r2)
    return DleqProof(c, (w + c * x) % ORDER)


def verify_dleq(b1: Point, x1: Point, b2: Point, x2: Point, proof: DleqProof, context: bytes) -> bool:
    """Check log_b1(x1) == log_b2(x2)."""
    z, c = proof.z, proof.c
    r1 = (base_mul(z) if b1 == Point.base() else b1 * z) - x1 * c
    r2 = b2 * z - x2 * c
    return _dleq_challenge(context, b1, x1, b2, x2, r1, r2) == c


# ---------------------------------------------------------------- disjunctive (CDS) proofs

_VALUE_POINTS: dict[int, Point] = {}


def _value_point(v: int) -> Point:
    p = _VALUE_POINTS.get(v)
    if p is None:
        p = base_mul(v)
        if len(_VALUE_POINTS) < 4096:
            _VALUE_POINTS[v] = p
    return p


def _shifted(b: Point, v: int) -> Point:
    return b if v == 0 else b - _value_point(v)


def _as_list(cts: Ciphertext | Sequence[Ciphertext]) -> list[Ciphertext]:
    return [cts] if isinstance(cts, Ciphertext) else list(cts)


def _total(cts: Sequence[Ciphertext]) -> Ciphertext:
    if not cts:
        raise CryptoError("a disjunctive proof needs at least one ciphertext")
    a, b = cts[0].a, cts[0].b
    for c in cts[1:]:
        a, b = a + c.a, b + c.b
    return Ciphertext(a, b)


def disjunctive_challenge_inputs(
    context: bytes, pk: Point, cts: Sequence[Ciphertext], values: Sequence[int], commitments: Sequence[Point]
) -> list[bytes]:
    """The parts hashed (after the domain) for a disjunctive proof's challenge, in order."""
    parts = [GROUP_NAME, context, pk.data, u32(len(cts))]
    for c in cts:
        parts += [c.a.data, c.b.data]
    parts.append(u32(len(values)))
    parts += [u64(v) for v in values]
    parts += [p.data for p in commitments]
    return parts


def prove_disjunctive(
    pk: Point,
    cts: Ciphertext | Sequence[Ciphertext],
    m: int,
    r: int,
    values: Sequence[int],
    context: bytes,
    rng: Any = None,
) -> DisjunctiveProof:
    """Prove that the sum of `cts` (one ciphertext, or several added up) is encrypt(pk, m, r) with m one of
    `values` (non-negative, distinct), without saying which. r is the randomness of the sum."""
    cts = _as_list(cts)
    values = list(values)
    if len(set(values)) != len(values) or not values or min(values) < 0:
        raise CryptoError("the allowed values must be distinct, non-negative and not empty")
    if m not in values:
        raise CryptoError("the plaintext is not one of the allowed values: no honest proof exists")
    real = values.index(m)
    pairs: list[tuple[int, int]] = [(0, 0)] * len(values)
    commitments: list[Point] = []
    w = random_scalar(rng)
    for j, v in enumerate(values):
        if j == real:
            commitments += [base_mul(w), pk * w]
        else:
            cj, zj = random_scalar(rng), random_scalar(rng)
            pairs[j] = (cj, zj)
            # Simulated branch: A = zj*G - cj*a, B = zj*PK - cj*(b - v*G). Knowing r and m, the prover computes
            # them as u*G and u*PK - cj*(m - v)*G with u = zj - cj*r: fewer variable-base multiplications.
            u = (zj - cj * r) % ORDER
            commitments += [base_mul(u), pk * u - base_mul(cj * (m - v))]
    c = hash_to_scalar(DOMAIN_DISJUNCTIVE, *disjunctive_challenge_inputs(context, pk, cts, values, commitments))
    c_real = (c - sum(cj for cj, _ in pairs)) % ORDER
    pairs[real] = (c_real, (w + c_real * r) % ORDER)
    return DisjunctiveProof(tuple(commitments), tuple(pairs))


def _challenge_ok(
    pk: Point, cts: Sequence[Ciphertext], values: Sequence[int], proof: DisjunctiveProof, context: bytes
) -> bool:
    if len(proof.pairs) != len(values) or len(proof.commitments) != 2 * len(values) or not cts:
        return False
    try:
        parts = disjunctive_challenge_inputs(context, pk, cts, values, proof.commitments)
    except CryptoError:  # a value that is not a u64
        return False
    c = hash_to_scalar(DOMAIN_DISJUNCTIVE, *parts)
    return c == sum(cj for cj, _ in proof.pairs) % ORDER


def verify_disjunctive(
    pk: Point,
    cts: Ciphertext | Sequence[Ciphertext],
    values: Sequence[int],
    proof: DisjunctiveProof,
    context: bytes,
) -> bool:
    """Check that the sum of `cts` encrypts one of `values` under pk: the challenge, then each branch's
    equations A_j == z_j*G - c_j*a and B_j == z_j*PK - c_j*(b - v_j*G)."""
    cts = _as_list(cts)
    values = list(values)
    if not _challenge_ok(pk, cts, values, proof, context):
        return False
    try:
        total = _total(cts)
        for j, ((cj, zj), v) in enumerate(zip(proof.pairs, values, strict=True)):
            if proof.commitments[2 * j] != base_mul(zj) - total.a * cj:
                return False
            if proof.commitments[2 * j + 1] != pk * zj - _shifted(total.b, v) * cj:
                return False
    except CryptoError:
        return False
    return True


class BatchVerifier:
    """Checks many disjunctive proofs under one public key at once (small-exponent batch verification).

    Each proof's challenge is checked exactly. Its group equations
        z_j*G - c_j*a - A_j = 0   and   z_j*PK - c_j*b + c_j*v_j*G - B_j = 0
    (a, b: the sum of the statement's ciphertexts) are multiplied by fresh random 128-bit weights only the
    verifier knows, and all are added up: the coefficients of G and PK are summed over the whole batch and the
    coefficient of a ciphertext that appears in several statements (a mark and the paper's sum) is summed too, so
    the batch costs one multiplication per distinct point instead of recomputing every commitment. If any
    equation is false, the total is the identity with probability at most 2^-128. `add` returns False at once if
    a challenge is wrong; `check()` tells whether all the equations held.
    """

    def __init__(self, pk: Point, rng: Any = None) -> None:
        self.pk = pk
        self._rng = rng
        self._g = 0
        self._pk = 0
        self._coef: dict[bytes, int] = {}
        self._points: dict[bytes, Point] = {}

    def _weight(self) -> int:
        import secrets

        return (secrets.randbits(128) if self._rng is None else self._rng.getrandbits(128)) | 1

    def _term(self, point: Point, k: int) -> None:
        key = point.data
        self._coef[key] = self._coef.get(key, 0) + k
        if key not in self._points:
            self._points[key] = point

    def add(
        self,
        cts: Ciphertext | Sequence[Ciphertext],
        values: Sequence[int],
        proof: DisjunctiveProof,
        context: bytes,
    ) -> bool:
        cts = _as_list(cts)
        values = list(values)
        if not _challenge_ok(self.pk, cts, values, proof, context):
            return False
        a_coef = b_coef = 0
        for j, ((cj, zj), v) in enumerate(zip(proof.pairs, values, strict=True)):
            w1, w2 = self._weight(), self._weight()
            self._g += w1 * zj + w2 * cj * v
            self._pk += w2 * zj
            a_coef -= w1 * cj
            b_coef -= w2 * cj
            self._term(proof.commitments[2 * j], -w1)
            self._term(proof.commitments[2 * j + 1], -w2)
        for c in cts:
            self._term(c.a, a_coef)
            self._term(c.b, b_coef)
        return True

    def check(self) -> bool:
        """True iff every equation added holds (up to probability 2^-128)."""
        total = base_mul(self._g) + self.pk * self._pk
        for key, k in self._coef.items():
            k %= ORDER
            if k:
                total = total + self._points[key] * k
        return total.is_identity()
