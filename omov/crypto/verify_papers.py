"""The verifier's own derivations for version 4 records (docs/record.md §9, docs/crypto.md §5 and §11): credential
signatures, proofs of randomness of ranked papers, mark papers and their disjunctive proofs, the v4 tracker, the
marks tally's decryption shares.

Written from the documents, on the raw group operations of verify_shuffle; it imports nothing from the prover's
modules (credentials.py, marks.py, proofs.py, record.py, record4.py), so that a mistake there is not repeated
here. tests/crypto/test_verify_v4.py checks that both derivations agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from omov.crypto import verify_shuffle as vs
from omov.crypto.verify_shuffle import L, fields, n64


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def scalar(data: bytes) -> int:
    """A 32-byte little-endian scalar; ValueError unless canonical (< L)."""
    k = int.from_bytes(data, "little")
    if len(data) != 32 or k >= L:
        raise ValueError("not a canonical scalar")
    return k


def tracker_v4(fingerprint: bytes, credential: bytes, paper: bytes, proof: bytes) -> str:
    """SHA-256(length_prefixed("omov/record/v4/tracker", F, S, P, Q)) (crypto.md §11)."""
    return hashlib.sha256(fields(b"omov/record/v4/tracker", fingerprint, credential, paper, proof)).hexdigest()


def signature_holds(election: str, fingerprint: bytes, tracker: str, credential: bytes, c: int, z: int) -> bool:
    """Schnorr (crypto.md §4.1, B = G, X = S) under length_prefixed("omov/v1/paper-signature", E, F, tracker)."""
    context = fields(b"omov/v1/paper-signature", election.encode("utf-8"), fingerprint, bytes.fromhex(tracker))
    r = vs.minus(vs.times_g(z), vs.times(c, credential))
    return vs.to_scalar(b"omov/v1/proof/dlog", b"ristretto255", context, vs.G, credential, r) == c


def randomness_holds(election: str, fingerprint: bytes, credential: bytes, pk: bytes, paper: bytes, proof: bytes,
                     width: int) -> bool:
    """The ranked paper's proof of knowledge of its randomness (crypto.md §11): R_j = z_j*G - c*a_j, then c
    recomputed under RP = length_prefixed("omov/v1/ranked-paper", E, F, S). Raises NotAPoint for a bad a_j."""
    if len(proof) != 32 * (width + 1) or len(paper) != 64 * width:
        return False
    try:
        c = scalar(proof[:32])
        zs = [scalar(proof[32 * (j + 1) : 32 * (j + 2)]) for j in range(width)]
    except ValueError:
        return False
    context = fields(b"omov/v1/ranked-paper", election.encode("utf-8"), fingerprint, credential)
    commitments = [vs.minus(vs.times_g(z), vs.times(c, paper[64 * j : 64 * j + 32])) for j, z in enumerate(zs)]
    # The ciphertexts are hashed as a_1, b_1, ..., each its own length-prefixed field.
    parts = [b"ristretto255", context, pk, u32(width)]
    for j in range(width):
        parts += [paper[64 * j : 64 * j + 32], paper[64 * j + 32 : 64 * j + 64]]
    return vs.to_scalar(b"omov/v1/proof/randomness", *parts, *commitments) == c


# ---------------------------------------------------------------------------------------------------------
# Mark papers (crypto.md §5)


class BadPaper(ValueError):
    """A mark paper that is not in the question's shape."""


def split_fields(data: bytes) -> list[bytes]:
    """The items of a length_prefixed byte string (BadPaper if it is not one)."""
    items, pos = [], 0
    while pos < len(data):
        if pos + 8 > len(data):
            raise BadPaper("a length prefix is cut short")
        n = int.from_bytes(data[pos : pos + 8], "big")
        if pos + 8 + n > len(data):
            raise BadPaper("an item runs past the end of the paper")
        items.append(data[pos + 8 : pos + 8 + n])
        pos += 8 + n
    return items


def mark_ciphertexts(paper: bytes, question: dict[str, object]) -> list[bytes]:
    """The 64-byte ciphertexts of a mark paper of this question (BadPaper unless its shape is right)."""
    k = int(question["options"])  # type: ignore[call-overload]
    items = split_fields(paper)
    if len(items) != 3 + 2 * k:
        raise BadPaper(f"a paper of {k} options has {3 + 2 * k} parts, this one {len(items)}")
    if items[0] != str(question["question_id"]).encode("utf-8") or items[1] != u32(k):
        raise BadPaper("the paper is for another question or another number of options")
    cts = items[2 : 2 + k]
    if any(len(c) != 64 for c in cts):
        raise BadPaper("a ciphertext is not 64 bytes")
    return cts


def _disjunctive(data: bytes, values: int) -> tuple[list[bytes], list[tuple[int, int]]]:
    if len(data) != 4 + 128 * values or int.from_bytes(data[:4], "big") != values:
        raise BadPaper(f"a proof over {values} values is {4 + 128 * values} bytes")
    points = [data[4 + 32 * i : 36 + 32 * i] for i in range(2 * values)]
    base = 4 + 64 * values
    try:
        pairs = [(scalar(data[base + 64 * i : base + 64 * i + 32]),
                  scalar(data[base + 64 * i + 32 : base + 64 * i + 64])) for i in range(values)]
    except ValueError:
        raise BadPaper("a proof holds a non-canonical scalar") from None
    return points, pairs


def disjunctive_holds(pk: bytes, cts: Sequence[bytes], values: Sequence[int], proof: bytes, context: bytes) -> bool:
    """crypto.md §4.3, exact check: the challenge over the given commitments is the sum of the c_j, and every
    branch's A_j = z_j*G - c_j*a and B_j = z_j*PK - c_j*(b - v_j*G) for (a, b) the sum of `cts`."""
    commitments, pairs = _disjunctive(proof, len(values))
    parts = [b"ristretto255", context, pk, u32(len(cts))]
    for c in cts:
        parts += [c[:32], c[32:]]
    parts.append(u32(len(values)))
    parts += [n64(v) for v in values]
    parts += commitments
    if vs.to_scalar(b"omov/v1/proof/disjunctive", *parts) != sum(c for c, _ in pairs) % L:
        return False
    a = vs.total([c[:32] for c in cts])
    b = vs.total([c[32:] for c in cts])
    for j, ((cj, zj), v) in enumerate(zip(pairs, values, strict=True)):
        if commitments[2 * j] != vs.minus(vs.times_g(zj), vs.times(cj, a)):
            return False
        shifted = vs.minus(b, vs.times_g(v)) if v else b
        if commitments[2 * j + 1] != vs.minus(vs.times(zj, pk), vs.times(cj, shifted)):
            return False
    return True


def mark_paper_fault(election: str, pk: bytes, question: dict[str, object], paper: bytes, binding: bytes) -> str | None:
    """None if the mark paper is in the question's shape and all its proofs verify (binding F || S), else why."""
    try:
        cts = mark_ciphertexts(paper, question)
        items = split_fields(paper)
        k, low, high = int(question["options"]), int(question["min_marks"]), int(question["max_marks"])  # type: ignore[call-overload]
        ctx = fields(b"omov/v1/mark-paper", election.encode("utf-8"), str(question["question_id"]).encode("utf-8"),
                     u32(k), u32(low), u32(high), binding)
        for i, ct in enumerate(cts):
            if not all(vs.valid(p) for p in (ct[:32], ct[32:])):
                return f"option {i + 1}: not a valid point"
            if not disjunctive_holds(pk, [ct], [0, 1], items[2 + k + i], fields(ctx, b"mark", u32(i))):
                return f"option {i + 1}: its 0/1 proof does not verify"
        needs_sum = low > 0 or high < k
        last = items[2 + 2 * k]
        if needs_sum != bool(last):
            return "the sum proof is " + ("missing" if needs_sum else "present but not required")
        if needs_sum and not disjunctive_holds(pk, cts, list(range(low, high + 1)), last, fields(ctx, b"sum")):
            return "its sum proof does not verify"
    except BadPaper as exc:
        return str(exc)
    except vs.NotAPoint:
        return "a proof holds an invalid point"
    return None


def small_log(point: bytes, most: int) -> int | None:
    """The m in 0..most with m*G = point (baby steps of size ~sqrt(most)), or None."""
    step = max(16, int(most**0.5) + 1)
    table, acc = {}, vs.ZERO
    for j in range(step):
        table[acc] = j
        acc = vs.plus(acc, vs.G)
    giant, p = vs.times_g(step), point
    for i in range(most // step + 1):
        found = table.get(p)
        if found is not None:
            m = i * step + found
            return m if m <= most else None
        p = vs.minus(p, giant)
    return None


def tally_share_context(election: str, fingerprint: bytes, trustee: int, option: int) -> bytes:
    """length_prefixed("omov/v1/partial-decryption", E, u32(T), length_prefixed("omov/record/v4/tally", F),
    u32(option)) (record.md §9)."""
    return fields(b"omov/v1/partial-decryption", election.encode("utf-8"), u32(trustee),
                  fields(b"omov/record/v4/tally", fingerprint), u32(option))
