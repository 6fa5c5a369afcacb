"""Benaloh challenge: open instead of cast, check by re-encryption; an opened paper can never be cast."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto.benaloh import BallotBox, VotingDevice, check_opening
from omov.crypto.elgamal import keygen
from omov.crypto.encoding import scalar_hex
from omov.crypto.group import CryptoError
from omov.crypto.marks import QuestionSpec, encrypt_paper

_, PK = keygen(random.Random(2))
SPEC = QuestionSpec.bloc("nec", 5, up_to=3)
E = "election-E"


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32))
def test_open_and_check(seed: int) -> None:
    rng = random.Random(seed)
    marks = [rng.randint(0, 1) for _ in range(5)]
    while sum(marks) > 3:
        marks[marks.index(1)] = 0
    device = VotingDevice(PK, E, SPEC, marks, binding=b"cred", rng=rng)
    opening = device.open()
    assert check_opening(PK, opening) == marks


def test_cheating_device_is_caught() -> None:
    """The device shows the voter [1,0,0,0,0] but encrypted [0,1,0,0,0]; opening reveals it either way."""
    rng = random.Random(1)
    device = VotingDevice(PK, E, SPEC, [0, 1, 0, 0, 0], rng=rng)
    opening = device.open()
    # the device lies about the marks in the opening: re-encryption disagrees
    lying = dict(opening, marks=[1, 0, 0, 0, 0])
    with pytest.raises(CryptoError, match="option 0"):
        check_opening(PK, lying)
    # or tells the truth, and the voter sees marks that differ from their choice
    assert check_opening(PK, opening) != [1, 0, 0, 0, 0]
    # wrong randomness, wrong tracker, other key, other election: all fail
    bad_r = dict(opening, randomness=[scalar_hex(5)] + opening["randomness"][1:])
    with pytest.raises(CryptoError):
        check_opening(PK, bad_r)
    with pytest.raises(CryptoError, match="tracker"):
        check_opening(PK, dict(opening, tracker="00" * 32))
    with pytest.raises(CryptoError):
        check_opening(PK + PK, opening)
    with pytest.raises(CryptoError, match="proofs"):
        check_opening(PK, dict(opening, election="other"))


def test_opened_paper_can_never_be_cast() -> None:
    box = BallotBox()
    device = VotingDevice(PK, E, SPEC, [1, 1, 0, 0, 0])
    opening = device.open()
    box.spoil(opening)
    with pytest.raises(CryptoError, match="opened"):
        device.cast()
    with pytest.raises(CryptoError, match="opened"):
        box.cast(device.paper)  # a copy sent by other means is refused too
    fresh = VotingDevice(PK, E, SPEC, [1, 1, 0, 0, 0])
    assert fresh.tracker != device.tracker  # fresh randomness
    tracker = box.cast(fresh.cast())
    assert tracker == fresh.tracker
    with pytest.raises(CryptoError):
        fresh.open()  # a cast paper is never opened (its randomness is gone)
    with pytest.raises(CryptoError):
        box.cast(fresh.paper)  # nor cast twice
    with pytest.raises(CryptoError):
        fresh.cast()


def test_opening_of_paper_with_no_sum_proof() -> None:
    spec = QuestionSpec.approval("a", 3)
    device = VotingDevice(PK, E, spec, [1, 0, 1])
    assert check_opening(PK, device.open()) == [1, 0, 1]
    paper, rs = encrypt_paper(PK, E, spec, [0, 0, 0])
    assert len(rs) == 3 and paper.sum_proof is None
