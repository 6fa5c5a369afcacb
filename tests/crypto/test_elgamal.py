"""Exponential ElGamal: encryption, homomorphism, re-encryption, decryption, discrete logs, encodings."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto.elgamal import Ciphertext, decrypt, decrypt_to_point, discrete_log, encrypt, keygen, reencrypt
from omov.crypto.group import ORDER, CryptoError, Point, base_mul

SK, PK = keygen(random.Random(1))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 1000), st.integers(0, 1000))
def test_encrypt_decrypt_and_add(m1: int, m2: int) -> None:
    c1, r1 = encrypt(PK, m1)
    c2, _ = encrypt(PK, m2)
    assert c1.a == base_mul(r1)
    assert decrypt(SK, c1, 1000) == m1
    assert decrypt(SK, c1 + c2, 2000) == m1 + m2
    assert decrypt(SK, c1 - c2 + encrypt(PK, 1000)[0], 2000) == m1 - m2 + 1000


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 50), st.integers(1, ORDER - 1))
def test_reencryption_keeps_plaintext_changes_ciphertext(m: int, s: int) -> None:
    c, r = encrypt(PK, m)
    d = reencrypt(PK, c, s)
    assert d != c
    assert decrypt_to_point(SK, d) == base_mul(m)
    assert d == encrypt(PK, m, (r + s) % ORDER)[0]


def test_given_randomness_is_deterministic() -> None:
    assert encrypt(PK, 3, 12345) == encrypt(PK, 3, 12345)
    assert encrypt(PK, 3, 12345)[1] == 12345


def test_encoding_round_trip_and_rejection() -> None:
    c, _ = encrypt(PK, 1)
    data = c.encode()
    assert len(data) == 64 and Ciphertext.decode(data) == c
    with pytest.raises(CryptoError):
        Ciphertext.decode(data[:63])
    with pytest.raises(CryptoError):
        Ciphertext.decode(data[:32] + b"\xff" * 32)
    assert Ciphertext.zero() + c == c


def test_discrete_log_bounds() -> None:
    for m in (0, 1, 2, 15, 16, 17, 255, 256, 1000, 65_537):
        assert discrete_log(base_mul(m), 70_000) == m
    assert discrete_log(base_mul(5), 5) == 5
    with pytest.raises(CryptoError):
        discrete_log(base_mul(6), 5)
    with pytest.raises(CryptoError):
        discrete_log(base_mul(-1), 100)
    with pytest.raises(CryptoError):
        discrete_log(Point.base() * 123456789, 10_000)
