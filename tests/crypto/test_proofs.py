"""Completeness and soundness of every proof: honest proofs verify; each tampered field fails."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto.elgamal import Ciphertext, encrypt, keygen
from omov.crypto.group import ORDER, CryptoError, Point, base_mul
from omov.crypto.proofs import (
    BatchVerifier,
    DisjunctiveProof,
    DleqProof,
    DlogProof,
    prove_disjunctive,
    prove_dleq,
    prove_dlog,
    verify_disjunctive,
    verify_dleq,
    verify_dlog,
)

seeds = st.integers(0, 2**32)
CTX = b"election-E/test"
OTHER_CTX = b"election-F/test"


def bump(k: int) -> int:
    return (k + 1) % ORDER


def batch_ok(pk: Point, items: list[tuple[Any, list[int], DisjunctiveProof, bytes]]) -> bool:
    batch = BatchVerifier(pk)
    return all([batch.add(*item) for item in items]) and batch.check()


@settings(max_examples=25, deadline=None)
@given(seeds)
def test_dlog_complete_and_sound(seed: int) -> None:
    rng = random.Random(seed)
    x, X = keygen(rng)
    proof = prove_dlog(x, CTX, rng=rng)
    assert verify_dlog(X, proof, CTX)
    assert DlogProof.decode(proof.encode()) == proof == DlogProof.from_json(proof.to_json())
    assert not verify_dlog(X + Point.base(), proof, CTX)  # public input
    assert not verify_dlog(X, proof, OTHER_CTX)  # context / election id
    assert not verify_dlog(X, DlogProof(bump(proof.c), proof.z), CTX)  # challenge
    assert not verify_dlog(X, DlogProof(proof.c, bump(proof.z)), CTX)  # response
    assert not verify_dlog(X, proof, CTX, base=base_mul(2))  # the base is a public input too
    # another base
    h = base_mul(rng.randrange(1, ORDER))
    proof_h = prove_dlog(x, CTX, base=h, rng=rng)
    assert verify_dlog(h * x, proof_h, CTX, base=h)
    assert not verify_dlog(h * x, proof_h, CTX)


def test_dlog_without_the_secret_fails() -> None:
    _, X = keygen(random.Random(3))
    assert not verify_dlog(X, prove_dlog(12345, CTX), CTX)


@settings(max_examples=25, deadline=None)
@given(seeds)
def test_dleq_complete_and_sound(seed: int) -> None:
    rng = random.Random(seed)
    x = rng.randrange(1, ORDER)
    g, h = Point.base(), base_mul(rng.randrange(1, ORDER))
    X1, X2 = base_mul(x), h * x
    proof = prove_dleq(x, g, h, CTX, rng=rng)
    assert verify_dleq(g, X1, h, X2, proof, CTX)
    assert DleqProof.decode(proof.encode()) == proof == DleqProof.from_json(proof.to_json())
    assert not verify_dleq(g, X1, h, X2 + g, proof, CTX)  # statement: a different partial decryption
    assert not verify_dleq(g, X1 + g, h, X2, proof, CTX)  # statement: a different key share
    assert not verify_dleq(g, X1, h + g, X2, proof, CTX)  # statement: a different ciphertext
    assert not verify_dleq(h, X1, g, X2, proof, CTX)  # bases swapped
    assert not verify_dleq(g, X1, h, X2, proof, OTHER_CTX)
    assert not verify_dleq(g, X1, h, X2, DleqProof(bump(proof.c), proof.z), CTX)
    assert not verify_dleq(g, X1, h, X2, DleqProof(proof.c, bump(proof.z)), CTX)
    # unequal logs: an honest-looking proof for a false statement does not verify
    assert not verify_dleq(g, X1, h, h * (x + 1), proof, CTX)


value_sets = st.sampled_from([[0, 1], [0, 1, 2, 3], [1], [2, 3, 4, 5, 6], [0, 3, 7]])


@settings(max_examples=40, deadline=None)
@given(seeds, value_sets, st.data())
def test_disjunctive_complete_and_sound(seed: int, values: list[int], data: st.DataObject) -> None:
    rng = random.Random(seed)
    _, pk = keygen(rng)
    m = data.draw(st.sampled_from(values))
    r = rng.randrange(1, ORDER)
    ct, _ = encrypt(pk, m, r)
    proof = prove_disjunctive(pk, ct, m, r, values, CTX, rng=rng)
    assert verify_disjunctive(pk, ct, values, proof, CTX)
    assert DisjunctiveProof.decode(proof.encode()) == proof == DisjunctiveProof.from_json(proof.to_json())
    g = Point.base()
    # every public input
    assert not verify_disjunctive(pk + g, ct, values, proof, CTX)
    assert not verify_disjunctive(pk, Ciphertext(ct.a + g, ct.b), values, proof, CTX)
    assert not verify_disjunctive(pk, Ciphertext(ct.a, ct.b + g), values, proof, CTX)
    assert not verify_disjunctive(pk, ct, values, proof, OTHER_CTX)
    assert not verify_disjunctive(pk, ct, [v + 1 for v in values], proof, CTX)
    assert not verify_disjunctive(pk, ct, values[::-1], proof, CTX) or len(values) == 1
    assert not verify_disjunctive(pk, ct, values + [99], proof, CTX)
    # every challenge and response
    for j in range(len(values)):
        for which in (0, 1):
            pairs = [list(p) for p in proof.pairs]
            pairs[j][which] = bump(pairs[j][which])
            bad = replace(proof, pairs=tuple((c, z) for c, z in pairs))
            assert not verify_disjunctive(pk, ct, values, bad, CTX)
            assert not batch_ok(pk, [(ct, values, bad, CTX)])
    # every commitment
    for j in range(len(proof.commitments)):
        points = list(proof.commitments)
        points[j] = points[j] + g
        bad = replace(proof, commitments=tuple(points))
        assert not verify_disjunctive(pk, ct, values, bad, CTX)
        assert not batch_ok(pk, [(ct, values, bad, CTX)])
    assert batch_ok(pk, [(ct, values, proof, CTX)])
    assert not batch_ok(pk, [(ct, values, proof, OTHER_CTX)])
    assert not batch_ok(pk, [(Ciphertext(ct.a, ct.b + g), values, proof, CTX)])


@settings(max_examples=20, deadline=None)
@given(seeds, st.sampled_from([2, 5, ORDER - 1]))
def test_disjunctive_false_statement_cannot_be_proved(seed: int, m: int) -> None:
    """A ciphertext of m outside {0, 1}: the prover's best effort (simulating all branches, pretending m is
    in one of them) fails verification."""
    rng = random.Random(seed)
    _, pk = keygen(rng)
    r = rng.randrange(1, ORDER)
    ct, _ = encrypt(pk, m, r)
    with pytest.raises(CryptoError):
        prove_disjunctive(pk, ct, m, r, [0, 1], CTX)
    # cheat: run the prover as if the plaintext were 1 (or 0) with the real randomness
    for pretend in (0, 1):
        forged = prove_disjunctive(pk, ct, pretend, r, [0, 1], CTX, rng=rng)
        assert not verify_disjunctive(pk, ct, [0, 1], forged, CTX)
        assert not batch_ok(pk, [(ct, [0, 1], forged, CTX)])


def test_disjunctive_decode_rejects_bad_lengths() -> None:
    with pytest.raises(CryptoError):
        DisjunctiveProof.decode(b"\x00\x00\x00\x02" + bytes(64))
    with pytest.raises(CryptoError):
        DisjunctiveProof.decode(b"\x00")
    with pytest.raises(CryptoError):
        DisjunctiveProof.from_json({"commitments": [], "pairs": [["00"]]})
    with pytest.raises(CryptoError):
        DisjunctiveProof.from_json({"commitments": [], "pairs": [["00" * 32, "00" * 32]]})
    with pytest.raises(CryptoError):
        prove_disjunctive(base_mul(5), encrypt(base_mul(5), 0)[0], 0, 1, [0, 0], CTX)


@settings(max_examples=10, deadline=None)
@given(seeds, st.integers(1, 6))
def test_disjunctive_over_a_sum_of_ciphertexts_and_batches(seed: int, k: int) -> None:
    """Statements about the sum of several ciphertexts (a paper's number of marks), checked exactly and in a
    batch; one bad proof among many fails the batch."""
    rng = random.Random(seed)
    _, pk = keygen(rng)
    marks = [rng.randint(0, 1) for _ in range(k)]
    rs = [rng.randrange(1, ORDER) for _ in range(k)]
    cts = [encrypt(pk, m, r)[0] for m, r in zip(marks, rs, strict=True)]
    values = list(range(k + 1))
    proof = prove_disjunctive(pk, cts, sum(marks), sum(rs) % ORDER, values, CTX, rng=rng)
    assert verify_disjunctive(pk, cts, values, proof, CTX)
    assert not verify_disjunctive(pk, cts[:-1], values, proof, CTX)
    assert not verify_disjunctive(pk, cts[::-1], values, proof, CTX) or k == 1 or cts == cts[::-1]
    items = [
        (c, [0, 1], prove_disjunctive(pk, c, m, r, [0, 1], CTX, rng=rng), CTX)
        for c, m, r in zip(cts, marks, rs, strict=True)
    ]
    items.append((cts, values, proof, CTX))
    assert batch_ok(pk, items)
    c0 = items[0][0]
    bad_ct = Ciphertext(c0.a, c0.b + Point.base())
    bad = [(bad_ct, *items[0][1:])] + items[1:]
    assert not batch_ok(pk, bad)
