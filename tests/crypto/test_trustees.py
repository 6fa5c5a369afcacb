"""Threshold trustees: 3 trustees, threshold 2; any 2 decrypt, 1 cannot; bad shares are caught and provable."""

from __future__ import annotations

import copy
import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto.elgamal import Ciphertext, discrete_log, encrypt
from omov.crypto.encoding import point_from_hex
from omov.crypto.group import ORDER, CryptoError, Point, base_mul
from omov.crypto.proofs import DleqProof
from omov.crypto.trustees import (
    TrusteeSecret,
    check_ceremony,
    check_complaint,
    check_init,
    combine,
    combine_partials,
    complaint,
    init_trustee,
    joint_public_key,
    lagrange_at_zero,
    make_shares,
    partial_decrypt,
    verification_key,
    verify_partials,
)

E = "election-E"


def ceremony(n: int, t: int, seed: int) -> tuple[list[TrusteeSecret], list[Any], list[Any], list[Any]]:
    rng = random.Random(seed)
    secrets, inits = zip(*(init_trustee(E, i, n, t, rng) for i in range(1, n + 1)), strict=True)
    shares = [make_shares(s, inits, rng) for s in secrets]
    combines = [combine(s, inits, shares, rng) for s in secrets]
    return list(secrets), list(inits), shares, combines


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32))
def test_three_trustees_threshold_two(seed: int) -> None:
    secrets, inits, _, combines = ceremony(3, 2, seed)
    pk = check_ceremony(inits, combines)
    assert pk == joint_public_key(inits) == secrets[0].public_key
    # the joint secret is the sum of the constant terms (only a test can see it)
    sk = sum(s.coefficients[0] for s in secrets) % ORDER
    assert base_mul(sk) == pk
    messages = [0, 1, 7, 42]
    cts = [encrypt(pk, m)[0] for m in messages]
    ctx = b"tally-1"
    partials = {s.id: partial_decrypt(s, cts, ctx) for s in secrets}
    for s in secrets:
        assert verify_partials(E, s.id, verification_key(inits, s.id), cts, partials[s.id], ctx)
    for pair in itertools.combinations([1, 2, 3], 2):
        points = combine_partials(cts, {j: [d for d, _ in partials[j]] for j in pair}, 2)
        assert [discrete_log(p, 100) for p in points] == messages
    # one trustee is not enough: refused, and forcing it gives wrong plaintexts
    with pytest.raises(CryptoError):
        combine_partials(cts, {1: [d for d, _ in partials[1]]}, 2)
    forced = combine_partials(cts, {1: [d for d, _ in partials[1]]}, 1)
    assert [p for p in forced] != [base_mul(m) for m in messages]


def test_partials_tampered_fail() -> None:
    secrets, inits, _, _ = ceremony(3, 2, 1)
    pk = secrets[0].public_key
    assert pk is not None
    cts = [encrypt(pk, 3)[0], encrypt(pk, 5)[0]]
    parts = partial_decrypt(secrets[0], cts, b"ctx")
    vk = verification_key(inits, 1)
    assert verify_partials(E, 1, vk, cts, parts, b"ctx")
    g = Point.base()
    (d0, p0), second = parts
    assert not verify_partials(E, 1, vk, cts, [(d0 + g, p0), second], b"ctx")
    assert not verify_partials(E, 1, vk, cts, [(d0, DleqProof(p0.c, (p0.z + 1) % ORDER)), second], b"ctx")
    assert not verify_partials(E, 1, vk, cts, [(d0, DleqProof((p0.c + 1) % ORDER, p0.z)), second], b"ctx")
    assert not verify_partials(E, 1, vk, cts, parts, b"other ctx")
    assert not verify_partials("other-election", 1, vk, cts, parts, b"ctx")
    assert not verify_partials(E, 2, vk, cts, parts, b"ctx")
    assert not verify_partials(E, 1, verification_key(inits, 2), cts, parts, b"ctx")
    assert not verify_partials(E, 1, vk, [Ciphertext(cts[0].a + g, cts[0].b), cts[1]], parts, b"ctx")
    assert not verify_partials(E, 1, vk, cts, parts[::-1], b"ctx")


def test_bad_share_is_detected_and_complaint_is_checkable() -> None:
    rng = random.Random(9)
    secrets, inits = zip(*(init_trustee(E, i, 3, 2, rng) for i in (1, 2, 3)), strict=True)
    shares = [make_shares(s, inits, rng) for s in secrets]
    # trustee 1 cheats on trustee 3: encrypts a share off its polynomial
    cheat = copy.deepcopy(secrets[0])
    cheat.coefficients[1] = (cheat.coefficients[1] + 1) % ORDER
    bad_file = make_shares(cheat, inits, rng)
    bad_shares = [bad_file, shares[1], shares[2]]
    with pytest.raises(CryptoError, match=r"trustee\(s\) \[1\]"):
        combine(secrets[2], inits, bad_shares)
    accusation = complaint(secrets[2], inits, bad_file)
    assert check_complaint(inits, bad_file, accusation)
    # a complaint against an honest share is not justified
    honest_accusation = complaint(secrets[2], inits, shares[0])
    assert not check_complaint(inits, shares[0], honest_accusation)
    # a forged complaint (wrong Diffie-Hellman value) is rejected
    forged = dict(accusation, shared=Point.base().encode().hex())
    assert not check_complaint(inits, bad_file, forged)
    # the changed coefficient moves the share for trustee 2 too: also detected
    with pytest.raises(CryptoError):
        combine(secrets[1], inits, bad_shares)


def test_tampered_init_files_are_rejected() -> None:
    rng = random.Random(4)
    _, init = init_trustee(E, 1, 3, 2, rng)
    check_init(init)
    other = Point.base().encode().hex()
    for key, value in (
        ("commitments", [other, init["commitments"][1]]),
        ("commitments", [init["commitments"][0], other]),
        ("transport_key", other),
        ("election", "other"),
        ("id", 2),
        ("t", 3),
    ):
        bad = dict(init)
        bad[key] = value
        with pytest.raises(CryptoError):
            check_init(bad)
    bad = dict(init, commitment_proof={"c": init["commitment_proof"]["z"], "z": init["commitment_proof"]["c"]})
    with pytest.raises(CryptoError):
        check_init(bad)


def test_ceremony_check_catches_a_lying_combine_file() -> None:
    secrets, inits, _, combines = ceremony(3, 2, 3)
    check_ceremony(inits, combines)
    lie = dict(combines[1], verification_key=combines[0]["verification_key"])
    with pytest.raises(CryptoError):
        check_ceremony(inits, [combines[0], lie, combines[2]])
    with pytest.raises(CryptoError):
        check_ceremony(inits, combines[:2])
    wrong_pk = dict(combines[2], public_key=Point.base().encode().hex())
    with pytest.raises(CryptoError):
        check_ceremony(inits, [combines[0], combines[1], wrong_pk])
    assert point_from_hex(combines[0]["verification_key"]) == verification_key(inits, 1)


def test_secret_file_round_trip_and_missing_pieces() -> None:
    secrets, inits, shares, _ = ceremony(3, 2, 8)
    assert TrusteeSecret.from_json(secrets[0].to_json()) == secrets[0]
    with pytest.raises(CryptoError):
        combine(secrets[0], inits, shares[:2])  # trustee 3's shares file missing
    with pytest.raises(CryptoError):
        combine(secrets[0], inits[:2], shares)  # an init file missing
    fresh, _ = init_trustee(E, 1, 3, 2)
    with pytest.raises(CryptoError):
        partial_decrypt(fresh, [], b"")


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=6, unique=True), st.integers(0, ORDER - 1))
def test_lagrange_interpolates(ids: list[int], seed: int) -> None:
    rng = random.Random(seed)
    coeffs = [rng.randrange(ORDER) for _ in range(len(ids))]
    f = lambda x: sum(a * pow(x, k, ORDER) for k, a in enumerate(coeffs)) % ORDER  # noqa: E731
    lam = lagrange_at_zero(ids)
    assert sum(lam[j] * f(j) for j in ids) % ORDER == coeffs[0]


def test_five_trustees_threshold_three() -> None:
    secrets, inits, _, combines = ceremony(5, 3, 21)
    pk = check_ceremony(inits, combines)
    cts = [encrypt(pk, 9)[0]]
    partials = {s.id: [d for d, _ in partial_decrypt(s, cts, b"x")] for s in secrets}
    for trio in itertools.combinations(range(1, 6), 3):
        assert discrete_log(combine_partials(cts, {j: partials[j] for j in trio}, 3)[0], 20) == 9
    two = combine_partials(cts, {j: partials[j] for j in (1, 2)}, 2)[0]
    assert two != base_mul(9)


@settings(max_examples=3, deadline=None)
@given(st.integers(0, 2**32))
def test_mark_papers_under_a_threshold_key_decrypt_to_the_plain_count(seed: int) -> None:
    """The whole path: ceremony, encrypted bloc papers under the joint key, verification, homomorphic tally,
    partial decryptions by two of three trustees (checked), Lagrange combination == the plain count."""
    from omov.crypto.marks import QuestionSpec, encrypt_paper, plain_count, tally, verify_batch

    secrets, inits, _, combines = ceremony(3, 2, seed)
    pk = check_ceremony(inits, combines)
    rng = random.Random(seed)
    spec = QuestionSpec.bloc("nec", 4, up_to=2)
    all_marks = []
    for _ in range(12):
        chosen = set(rng.sample(range(4), rng.randint(0, 2)))
        all_marks.append([1 if i in chosen else 0 for i in range(4)])
    papers = [encrypt_paper(pk, E, spec, m, rng=rng)[0] for m in all_marks]
    assert all(verify_batch(pk, E, spec, papers))
    totals = tally(spec, papers)
    ctx = b"tally nec"
    absent = rng.choice([1, 2, 3])
    present = [s for s in secrets if s.id != absent]
    partials = {}
    for s in present:
        parts = partial_decrypt(s, totals, ctx)
        assert verify_partials(E, s.id, verification_key(inits, s.id), totals, parts, ctx)
        partials[s.id] = [d for d, _ in parts]
    counts = [discrete_log(p, len(papers)) for p in combine_partials(totals, partials, 2)]
    assert counts == plain_count(spec, all_marks)
