"""The group layer: libsodium's ristretto255 through omov.crypto.group."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto.group import (
    ORDER,
    CryptoError,
    Point,
    base_mul,
    hash_to_scalar,
    independent_generators,
    random_scalar,
    scalar_bytes,
    scalar_from_bytes,
)

scalars = st.integers(min_value=0, max_value=ORDER - 1)
G = Point.base()


def test_order_and_generator() -> None:
    assert ORDER == 2**252 + 27742317777372353535851937790883648493
    # RFC 9496 test vector: the encoding of the ristretto255 generator.
    assert G.encode().hex() == "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
    assert G * ORDER == Point.identity()
    assert base_mul(ORDER) == Point.identity()
    assert Point.identity().encode() == bytes(32)


def test_rfc9496_small_multiples() -> None:
    # First multiples of the generator, from RFC 9496 appendix A.1.
    expected = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
        "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
        "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    ]
    p = Point.identity()
    for i, hexed in enumerate(expected):
        assert p.encode().hex() == hexed
        assert base_mul(i).encode().hex() == hexed
        assert (G * i).encode().hex() == hexed
        p = p + G


@settings(max_examples=60, deadline=None)
@given(scalars, scalars)
def test_scalar_multiplication_is_a_homomorphism(x: int, y: int) -> None:
    assert base_mul(x) + base_mul(y) == base_mul((x + y) % ORDER)
    assert base_mul(x) - base_mul(y) == base_mul((x - y) % ORDER)
    assert base_mul(x) * y == base_mul(x * y % ORDER) == G * (x * y)
    assert -base_mul(x) == base_mul(-x)
    assert base_mul(x) + Point.identity() == base_mul(x)


def test_identity_edge_cases() -> None:
    assert Point.identity() * 5 == Point.identity()
    assert G * 0 == Point.identity()
    assert base_mul(0) == Point.identity()
    assert G - G == Point.identity()
    assert G * (ORDER + 3) == base_mul(3)


def test_decode_rejects_invalid_and_non_canonical() -> None:
    assert Point.decode(G.encode()) == G
    assert Point.decode(bytes(32)) == Point.identity()
    with pytest.raises(CryptoError):
        Point.decode(b"\x01" * 31)
    with pytest.raises(CryptoError):
        Point.decode(b"\xff" * 32)  # not canonical
    # RFC 9496 A.2: non-canonical field encodings and negative field elements must be rejected.
    for bad in (
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "01ff000000000000000000000000000000000000000000000000000000000080",
    ):
        with pytest.raises(CryptoError):
            Point.decode(bytes.fromhex(bad))


def test_point_is_immutable_and_hashable() -> None:
    p = base_mul(7)
    with pytest.raises(AttributeError):
        p.data = bytes(32)  # type: ignore[misc]
    assert {p: 1}[base_mul(7)] == 1
    assert p != base_mul(8) and p != p.data


def test_from_hash_rfc9496() -> None:
    # RFC 9496 A.3: first hash-to-group vector (64 input bytes given as the SHA-512 of a label).
    import hashlib

    digest = hashlib.sha512(b"Ristretto is traditionally a short shot of espresso coffee").digest()
    point = Point.from_hash(digest)
    assert point.encode().hex() == "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46"
    with pytest.raises(CryptoError):
        Point.from_hash(b"short")


def test_independent_generators_are_distinct_and_deterministic() -> None:
    gens = independent_generators("test", 5)
    assert len(set(gens)) == 5 and G not in gens
    assert gens == independent_generators("test", 5)
    assert gens[0] != independent_generators("other", 1)[0]


def test_random_scalar_range_and_seed() -> None:
    for _ in range(50):
        assert 1 <= random_scalar() < ORDER
    assert random_scalar(random.Random(7)) == random_scalar(random.Random(7))


@settings(max_examples=60, deadline=None)
@given(scalars)
def test_scalar_round_trip(k: int) -> None:
    assert scalar_from_bytes(scalar_bytes(k)) == k
    assert len(scalar_bytes(k)) == 32


def test_scalar_from_bytes_rejects_non_canonical() -> None:
    with pytest.raises(CryptoError):
        scalar_from_bytes(ORDER.to_bytes(32, "little"))
    with pytest.raises(CryptoError):
        scalar_from_bytes(b"\x00" * 31)


def test_hash_to_scalar_is_domain_separated_and_injective_on_parts() -> None:
    h = hash_to_scalar("d", b"ab", b"c")
    assert 0 <= h < ORDER
    assert h == hash_to_scalar("d", b"ab", b"c")
    assert h != hash_to_scalar("e", b"ab", b"c")
    assert h != hash_to_scalar("d", b"a", b"bc")  # length prefixes: no ambiguity in splitting
    assert h != hash_to_scalar("d", b"abc")
