"""Threshold keys held by trustees: t-of-n distributed key generation and partial decryption with proofs.

The ceremony is joint-Feldman verifiable secret sharing ("Pedersen DKG"), run by files so that trustees can be
on separate machines and every step can be checked from the published files alone:

1. init (trustee i): picks a random polynomial f_i of degree t-1 and a transport key pair (e_i, E_i = e_i*G);
   publishes the Feldman commitments C_ik = a_ik*G (k = 0..t-1), a Schnorr proof of knowledge of a_i0
   (prevents rogue keys) and E_i with a proof of knowledge of e_i. Keeps f_i and e_i in its secret file.
2. share (trustee i, once all init files are in): for every other trustee j publishes s_ij = f_i(j) encrypted to
   E_j: ephemeral y, Y = y*G, K = y*E_j, key = SHA-256(length_prefixed("omov/v1/trustee/share-key", election,
   u32 i, u32 j, Y, K)), box = crypto_secretbox (libsodium XSalsa20-Poly1305, nonce 24 zero bytes: each key
   is used once) of the 32-byte scalar.
3. combine (trustee j): decrypts its shares and checks each against the sender's commitments:
   s_ij*G == sum_k j^k * C_ik. A bad share raises CryptoError naming the sender, and `complaint` produces a
   publicly checkable complaint (K with a Chaum–Pedersen proof that K = e_j*Y, so anyone can open the box and
   see the share is wrong). Otherwise j keeps x_j = sum_i s_ij (its key share) and publishes its verification
   key X_j = x_j*G with a proof of knowledge. The joint public key is PK = sum_i C_i0; anyone computes PK and
   every X_j = sum_i sum_k j^k * C_ik from the init files.
4. decrypt (trustee j): for each ciphertext (a, b) publishes d_j = x_j*a with a Chaum–Pedersen proof that
   log_G(X_j) == log_a(d_j).
5. result (anyone): from any t valid partials, m*G = b - sum_j lambda_j*d_j (Lagrange coefficients at 0).

A trustee's secret (f_i, e_i, x_i) never leaves its process: only the functions here that take a TrusteeSecret
use it, and they return public values and proofs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pysodium  # type: ignore[import-untyped]

from omov.crypto.elgamal import Ciphertext
from omov.crypto.encoding import (
    canonical_json,
    length_prefixed,
    point_from_hex,
    point_hex,
    scalar_from_hex,
    scalar_hex,
    sha256_hex,
    text,
    u32,
)
from omov.crypto.errors import CryptoError
from omov.crypto.group import ORDER, Point, base_mul, random_scalar, scalar_bytes, scalar_from_bytes
from omov.crypto.proofs import DleqProof, DlogProof, prove_dleq, prove_dlog, verify_dleq, verify_dlog

__all__ = [
    "TrusteeSecret",
    "init_trustee",
    "check_init",
    "make_shares",
    "combine",
    "complaint",
    "check_complaint",
    "joint_public_key",
    "verification_key",
    "check_ceremony",
    "partial_decrypt",
    "verify_partials",
    "lagrange_at_zero",
    "combine_partials",
]

INIT_TYPE = "omov/trustee-init/v1"
SHARES_TYPE = "omov/trustee-shares/v1"
COMBINE_TYPE = "omov/trustee-combine/v1"
SECRET_TYPE = "omov/trustee-secret/v1"
PARTIALS_TYPE = "omov/partial-decryption/v1"
COMPLAINT_TYPE = "omov/trustee-complaint/v1"
_NONCE = bytes(24)


@dataclass
class TrusteeSecret:
    """What trustee `id` keeps on its own machine (the secret file)."""

    election: str
    id: int
    n: int
    t: int
    coefficients: list[int]
    transport_key: int
    share: int | None = None
    public_key: Point | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": SECRET_TYPE,
            "election": self.election,
            "id": self.id,
            "n": self.n,
            "t": self.t,
            "coefficients": [scalar_hex(a) for a in self.coefficients],
            "transport_key": scalar_hex(self.transport_key),
            "share": None if self.share is None else scalar_hex(self.share),
            "public_key": None if self.public_key is None else point_hex(self.public_key),
        }

    @staticmethod
    def from_json(obj: Any) -> TrusteeSecret:
        try:
            if obj["type"] != SECRET_TYPE:
                raise CryptoError("not a trustee secret file")
            return TrusteeSecret(
                election=str(obj["election"]),
                id=int(obj["id"]),
                n=int(obj["n"]),
                t=int(obj["t"]),
                coefficients=[scalar_from_hex(a) for a in obj["coefficients"]],
                transport_key=scalar_from_hex(obj["transport_key"]),
                share=None if obj.get("share") is None else scalar_from_hex(obj["share"]),
                public_key=None if obj.get("public_key") is None else point_from_hex(obj["public_key"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CryptoError("malformed trustee secret file") from exc


def _check_params(n: int, t: int, i: int) -> None:
    if not 1 <= t <= n:
        raise CryptoError("need 1 <= t <= n")
    if not 1 <= i <= n:
        raise CryptoError(f"trustee id must be in 1..{n}")


def _poly(coefficients: Sequence[int], x: int) -> int:
    acc = 0
    for a in reversed(coefficients):
        acc = (acc * x + a) % ORDER
    return acc


def _commitment_context(election: str, i: int, n: int, t: int, commitments: Sequence[Point]) -> bytes:
    return length_prefixed(
        b"omov/v1/trustee/commitment", text(election), u32(i), u32(n), u32(t), *(c.data for c in commitments)
    )


def _transport_context(election: str, i: int) -> bytes:
    return length_prefixed(b"omov/v1/trustee/transport", text(election), u32(i))


def _verification_context(election: str, j: int, pk: Point) -> bytes:
    return length_prefixed(b"omov/v1/trustee/verification-key", text(election), u32(j), pk.data)


def init_trustee(election: str, i: int, n: int, t: int, rng: Any = None) -> tuple[TrusteeSecret, dict[str, Any]]:
    """Step 1: trustee i's secret and its public init file."""
    _check_params(n, t, i)
    coefficients = [random_scalar(rng) for _ in range(t)]
    transport = random_scalar(rng)
    commitments = [base_mul(a) for a in coefficients]
    secret = TrusteeSecret(election, i, n, t, coefficients, transport)
    public = {
        "type": INIT_TYPE,
        "election": election,
        "id": i,
        "n": n,
        "t": t,
        "commitments": [point_hex(c) for c in commitments],
        "commitment_proof": prove_dlog(
            coefficients[0], _commitment_context(election, i, n, t, commitments), rng=rng
        ).to_json(),
        "transport_key": point_hex(base_mul(transport)),
        "transport_proof": prove_dlog(transport, _transport_context(election, i), rng=rng).to_json(),
    }
    return secret, public


@dataclass(frozen=True)
class _Init:
    election: str
    id: int
    n: int
    t: int
    commitments: list[Point]
    transport_key: Point


def check_init(obj: Any) -> _Init:
    """Parse a public init file and check its two proofs of knowledge; CryptoError if anything is wrong."""
    try:
        if obj["type"] != INIT_TYPE:
            raise CryptoError("not a trustee init file")
        election, i, n, t = str(obj["election"]), int(obj["id"]), int(obj["n"]), int(obj["t"])
        _check_params(n, t, i)
        commitments = [point_from_hex(c) for c in obj["commitments"]]
        transport = point_from_hex(obj["transport_key"])
        commitment_proof = DlogProof.from_json(obj["commitment_proof"])
        transport_proof = DlogProof.from_json(obj["transport_proof"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CryptoError("malformed trustee init file") from exc
    if len(commitments) != t:
        raise CryptoError(f"trustee {i}: {len(commitments)} commitments for threshold {t}")
    if not verify_dlog(commitments[0], commitment_proof, _commitment_context(election, i, n, t, commitments)):
        raise CryptoError(f"trustee {i}: the proof of knowledge of the secret does not verify")
    if not verify_dlog(transport, transport_proof, _transport_context(election, i)):
        raise CryptoError(f"trustee {i}: the proof of knowledge of the transport key does not verify")
    return _Init(election, i, n, t, commitments, transport)


def _check_inits(inits: Sequence[Any], election: str | None = None) -> dict[int, _Init]:
    parsed = [check_init(obj) for obj in inits]
    if not parsed:
        raise CryptoError("no trustee init files")
    first = parsed[0]
    election = first.election if election is None else election
    by_id: dict[int, _Init] = {}
    for p in parsed:
        if (p.election, p.n, p.t) != (election, first.n, first.t):
            raise CryptoError(f"trustee {p.id}: election, n or t differ from the others")
        if p.id in by_id:
            raise CryptoError(f"two init files for trustee {p.id}")
        by_id[p.id] = p
    if sorted(by_id) != list(range(1, first.n + 1)):
        raise CryptoError(f"need init files from trustees 1..{first.n}, have {sorted(by_id)}")
    return by_id


def _share_key(election: str, i: int, j: int, eph: Point, shared: Point) -> bytes:
    data = length_prefixed(b"omov/v1/trustee/share-key", text(election), u32(i), u32(j), eph.data, shared.data)
    return hashlib.sha256(data).digest()


def _commitment_at(commitments: Sequence[Point], j: int) -> Point:
    """sum_k j^k * C_k: the public image f(j)*G of a committed polynomial."""
    acc = commitments[0]
    power = 1
    for c in commitments[1:]:
        power = power * j % ORDER
        acc = acc + c * power
    return acc


def make_shares(secret: TrusteeSecret, inits: Sequence[Any], rng: Any = None) -> dict[str, Any]:
    """Step 2: trustee i's public shares file (each share encrypted to its recipient's transport key)."""
    by_id = _check_inits(inits, secret.election)
    if by_id[secret.id].commitments[0] != base_mul(secret.coefficients[0]):
        raise CryptoError("the init file for this trustee does not match its secret")
    shares = []
    for j in sorted(by_id):
        if j == secret.id:
            continue
        y = random_scalar(rng)
        eph = base_mul(y)
        key = _share_key(secret.election, secret.id, j, eph, by_id[j].transport_key * y)
        box = pysodium.crypto_secretbox(scalar_bytes(_poly(secret.coefficients, j)), _NONCE, key)
        shares.append({"to": j, "ephemeral": point_hex(eph), "box": box.hex()})
    return {"type": SHARES_TYPE, "election": secret.election, "from": secret.id, "shares": shares}


def _find_share(shares_file: Any, j: int) -> tuple[int, Point, bytes]:
    try:
        if shares_file["type"] != SHARES_TYPE:
            raise CryptoError("not a trustee shares file")
        i = int(shares_file["from"])
        entries = [s for s in shares_file["shares"] if int(s["to"]) == j]
        if len(entries) != 1:
            raise CryptoError(f"trustee {i}'s shares file has {len(entries)} shares for trustee {j}")
        return i, point_from_hex(entries[0]["ephemeral"]), bytes.fromhex(entries[0]["box"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CryptoError("malformed trustee shares file") from exc


def _open_box(election: str, i: int, j: int, eph: Point, shared: Point, box: bytes) -> int | None:
    """The share in the box, or None if the box does not open or holds no canonical scalar."""
    try:
        plain = pysodium.crypto_secretbox_open(box, _NONCE, _share_key(election, i, j, eph, shared))
        return scalar_from_bytes(plain)
    except (ValueError, CryptoError):
        return None


def _receive(secret: TrusteeSecret, by_id: Mapping[int, _Init], shares_file: Any) -> tuple[int, int | None]:
    i, eph, box = _find_share(shares_file, secret.id)
    if shares_file.get("election") != secret.election:
        raise CryptoError(f"trustee {i}'s shares file is for another election")
    share = _open_box(secret.election, i, secret.id, eph, eph * secret.transport_key, box)
    if share is not None and base_mul(share) != _commitment_at(by_id[i].commitments, secret.id):
        share = None
    return i, share


def combine(
    secret: TrusteeSecret, inits: Sequence[Any], shares_files: Sequence[Any], rng: Any = None
) -> dict[str, Any]:
    """Step 3: check every share received against its sender's commitments, keep the key share in `secret`
    (updated in place) and return the public combine file. CryptoError names any trustee whose share is bad."""
    by_id = _check_inits(inits, secret.election)
    received: dict[int, int] = {secret.id: _poly(secret.coefficients, secret.id)}
    bad = []
    for shares_file in shares_files:
        if isinstance(shares_file, dict) and shares_file.get("from") == secret.id:
            continue  # our own file holds no share for us
        i, share = _receive(secret, by_id, shares_file)
        if i in received:
            raise CryptoError(f"two shares files from trustee {i}")
        if share is None:
            bad.append(i)
        else:
            received[i] = share
    if bad:
        raise CryptoError(f"bad share from trustee(s) {bad}: it does not match their commitments")
    missing = sorted(set(by_id) - set(received))
    if missing:
        raise CryptoError(f"no shares file from trustee(s) {missing}")
    x = sum(received.values()) % ORDER
    pk = joint_public_key(inits)
    vk = base_mul(x)
    if vk != verification_key(inits, secret.id):
        raise CryptoError("the key share does not match the published commitments")
    secret.share, secret.public_key = x, pk
    return {
        "type": COMBINE_TYPE,
        "election": secret.election,
        "id": secret.id,
        "public_key": point_hex(pk),
        "verification_key": point_hex(vk),
        "proof": prove_dlog(x, _verification_context(secret.election, secret.id, pk), rng=rng).to_json(),
        "inputs": sorted(sha256_hex(canonical_json(obj)) for obj in inits),
    }


def _complaint_context(election: str, i: int, j: int) -> bytes:
    return length_prefixed(b"omov/v1/trustee/complaint", text(election), u32(i), u32(j))


def complaint(secret: TrusteeSecret, inits: Sequence[Any], shares_file: Any, rng: Any = None) -> dict[str, Any]:
    """A public complaint by `secret`'s trustee j against the sender of `shares_file`: reveals the box key's
    Diffie–Hellman value K = e_j*Y with a proof, so anyone can open the box and check the share."""
    _check_inits(inits, secret.election)
    i, eph, _ = _find_share(shares_file, secret.id)
    shared = eph * secret.transport_key
    proof = prove_dleq(secret.transport_key, Point.base(), eph, _complaint_context(secret.election, i, secret.id), rng)
    return {
        "type": COMPLAINT_TYPE,
        "election": secret.election,
        "from": i,
        "by": secret.id,
        "shared": point_hex(shared),
        "proof": proof.to_json(),
    }


def check_complaint(inits: Sequence[Any], shares_file: Any, obj: Any) -> bool:
    """True if the complaint is justified: its proof holds and the share it opens is wrong (or does not open)."""
    by_id = _check_inits(inits)
    election = next(iter(by_id.values())).election
    try:
        i, j = int(obj["from"]), int(obj["by"])
        shared = point_from_hex(obj["shared"])
        proof = DleqProof.from_json(obj["proof"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CryptoError("malformed complaint") from exc
    sender, eph, box = _find_share(shares_file, j)
    if sender != i or j not in by_id or i not in by_id:
        return False
    if not verify_dleq(Point.base(), by_id[j].transport_key, eph, shared, proof, _complaint_context(election, i, j)):
        return False
    share = _open_box(election, i, j, eph, shared, box)
    return share is None or base_mul(share) != _commitment_at(by_id[i].commitments, j)


def joint_public_key(inits: Sequence[Any]) -> Point:
    """PK = sum_i C_i0, from the init files alone."""
    by_id = _check_inits(inits)
    pk = Point.identity()
    for p in by_id.values():
        pk = pk + p.commitments[0]
    return pk


def verification_key(inits: Sequence[Any], j: int) -> Point:
    """X_j = x_j*G = sum_i f_i(j)*G, from the init files alone."""
    by_id = _check_inits(inits)
    vk = Point.identity()
    for p in by_id.values():
        vk = vk + _commitment_at(p.commitments, j)
    return vk


def check_ceremony(inits: Sequence[Any], combines: Sequence[Any]) -> Point:
    """Check a finished ceremony from its public files: every init proof, and every combine file agrees with the
    public key and verification key computed from the commitments. Returns the joint public key."""
    by_id = _check_inits(inits)
    pk = joint_public_key(inits)
    election = next(iter(by_id.values())).election
    seen = set()
    digests = sorted(sha256_hex(canonical_json(obj)) for obj in inits)
    for obj in combines:
        try:
            if obj["type"] != COMBINE_TYPE or obj["election"] != election:
                raise CryptoError("not a combine file for this election")
            j = int(obj["id"])
            if point_from_hex(obj["public_key"]) != pk:
                raise CryptoError(f"trustee {j} announces another public key")
            vk = point_from_hex(obj["verification_key"])
            proof = DlogProof.from_json(obj["proof"])
            inputs = obj["inputs"]
        except (KeyError, TypeError, ValueError) as exc:
            raise CryptoError("malformed combine file") from exc
        if vk != verification_key(inits, j):
            raise CryptoError(f"trustee {j}'s verification key does not match the commitments")
        if not verify_dlog(vk, proof, _verification_context(election, j, pk)):
            raise CryptoError(f"trustee {j}'s proof of knowledge of its key share does not verify")
        if inputs != digests:
            raise CryptoError(f"trustee {j} combined other init files")
        seen.add(j)
    if seen != set(by_id):
        raise CryptoError(f"combine files missing from trustee(s) {sorted(set(by_id) - seen)}")
    return pk


# ---------------------------------------------------------------- decryption


def _partial_context(election: str, j: int, context: bytes, index: int) -> bytes:
    return length_prefixed(b"omov/v1/partial-decryption", text(election), u32(j), context, u32(index))


def partial_decrypt(
    secret: TrusteeSecret, ciphertexts: Sequence[Ciphertext], context: bytes, rng: Any = None
) -> list[tuple[Point, DleqProof]]:
    """Step 4: d_j = x_j*a for each ciphertext, with a Chaum–Pedersen proof. `context` names what is being
    decrypted (e.g. the hash of the input file)."""
    if secret.share is None:
        raise CryptoError("this trustee has not combined its key share yet")
    out = []
    for index, c in enumerate(ciphertexts):
        ctx = _partial_context(secret.election, secret.id, context, index)
        out.append((c.a * secret.share, prove_dleq(secret.share, Point.base(), c.a, ctx, rng)))
    return out


def verify_partials(
    election: str,
    j: int,
    verification_key_j: Point,
    ciphertexts: Sequence[Ciphertext],
    partials: Sequence[tuple[Point, DleqProof]],
    context: bytes,
) -> bool:
    """Check trustee j's partial decryptions against its verification key."""
    if len(partials) != len(ciphertexts):
        return False
    for index, (c, (d, proof)) in enumerate(zip(ciphertexts, partials, strict=True)):
        ctx = _partial_context(election, j, context, index)
        if not verify_dleq(Point.base(), verification_key_j, c.a, d, proof, ctx):
            return False
    return True


def lagrange_at_zero(ids: Sequence[int]) -> dict[int, int]:
    """lambda_j = prod_{k != j} k / (k - j) mod ORDER, so that sum_j lambda_j f(j) = f(0)."""
    if len(set(ids)) != len(ids):
        raise CryptoError("trustee ids must be distinct")
    out = {}
    for j in ids:
        num, den = 1, 1
        for k in ids:
            if k != j:
                num = num * k % ORDER
                den = den * (k - j) % ORDER
        out[j] = num * pow(den, -1, ORDER) % ORDER
    return out


def combine_partials(ciphertexts: Sequence[Ciphertext], partials: Mapping[int, Sequence[Point]], t: int) -> list[Point]:
    """Step 5: m*G for each ciphertext from t (already verified) trustees' partial decryptions."""
    if len(partials) < t:
        raise CryptoError(f"need partial decryptions from {t} trustees, have {len(partials)}")
    ids = sorted(partials)[:t]
    lam = lagrange_at_zero(ids)
    out = []
    for index, c in enumerate(ciphertexts):
        shared = Point.identity()
        for j in ids:
            shared = shared + partials[j][index] * lam[j]
        out.append(c.b - shared)
    return out
