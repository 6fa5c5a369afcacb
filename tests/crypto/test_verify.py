"""The verifier's building blocks: the ranking rules, and agreement with the trustees module's proofs."""

from __future__ import annotations

import hashlib
import random

import pytest

from omov.crypto import mixnet as mx
from omov.crypto import shuffle as sh
from omov.crypto import trustees as tr
from omov.crypto import verify as vf
from omov.crypto.group import Point
from omov.crypto.proofs import DleqProof
from omov.crypto.record import Ceremony, decrypt_papers, decryption_context, ranking_fault

FINGERPRINT = hashlib.sha256(b"unit parameters").digest()


@pytest.mark.parametrize(
    ("values", "fault"),
    [
        ([3, 1, 2, 0], None),
        ([3, 0, 0, 0], None),
        ([4, 3, 2, 1], None),
        ([0, 0, 0, 0], 0),  # no first preference
        ([2, 2, 0, 0], 1),  # a candidate twice
        ([2, 0, 3, 0], 2),  # a preference after a blank
        ([2, 5, 1, 0], 1),  # not a candidate (only 4)
        ([None, 1, 2, 3], 0),  # not a small value at all
        ([1, 2, 3, 3], 3),
    ],
)
def test_first_fault_and_what_the_record_shows(values: list[int | None], fault: int | None) -> None:
    assert vf.first_fault(values, 4) == fault == ranking_fault(values, 4)  # verifier and prover agree
    assert vf.published_positions(values, 4) == (4 if fault is None else fault + 1)
    status, ranking = vf.classify(values, 4)
    if fault is None:
        assert status == "valid" and ranking == [v - 1 for v in values if v]  # type: ignore[operator]
    else:
        assert (status, ranking) == ("invalid", [])


def test_papers_trackers_and_plaintexts() -> None:
    rng = random.Random(5)
    pk = sh.base_mul(sh.random_scalar(rng))
    paper = mx.encrypt_ranking(pk, [2, 0], 4, rng)
    fingerprint = hashlib.sha256(b"parameters").digest()
    assert len(paper) == 256 and mx.tracker(paper, fingerprint) == vf.paper_tracker(fingerprint, paper)
    assert mx.tracker(paper, fingerprint) != mx.tracker(paper, bytes(32))  # a receipt names its election
    assert mx.plaintexts([2, 0], 4) == [3, 1, 0, 0]
    assert mx.encode_paper(mx.decode_paper(paper, 4)) == paper
    with pytest.raises(sh.ShuffleError):
        mx.plaintexts([0, 1, 2], 2)


def test_decryption_shares_are_the_trustees_modules_proofs() -> None:
    """Shares written for the record verify with omov.crypto.trustees.verify_partials, and the verifier's own
    check agrees; Lagrange coefficients agree too."""
    rng = random.Random(11)
    ceremony = Ceremony.run("unit", 3, 2, rng)
    pk = ceremony.public_key.data
    papers = [mx.encrypt_values(pk, v, rng) for v in ([1, 2, 0], [3, 0, 0], [2, 2, 1])]
    with sh.Workers(1) as pool:
        out = decrypt_papers(FINGERPRINT, ceremony, [1, 3], papers, 3, 3, rng, pool)
    assert out["values"] == [[1, 2, 0], [3, 0, 0], [2, 2]]  # the invalid paper stops at its repeat
    assert vf.lagrange_at_zero([1, 3]) == tr.lagrange_at_zero([1, 3])
    for index, paper in enumerate(papers):
        cts = mx.decode_paper(paper, 3)
        shown = len(out["shares"][index])
        for k, trustee in enumerate([1, 3]):
            partials = [
                (sh_point(row[k][0]), DleqProof(sh.scalar_hex(row[k][1]), sh.scalar_hex(row[k][2])))
                for row in out["shares"][index]
            ]
            vk = tr.verification_key(ceremony.inits, trustee)
            context = vf.paper_context(FINGERPRINT, index)
            assert context == decryption_context(FINGERPRINT, index)  # prover and verifier derive it alike
            assert tr.verify_partials("unit", trustee, vk, cts[:shown], partials, context)
            assert not tr.verify_partials("unit", trustee, vk, cts[:shown], partials,
                                          vf.paper_context(FINGERPRINT, index + 1))
            assert not tr.verify_partials("unit", trustee, vk, cts[:shown], partials,
                                          vf.paper_context(bytes(32), index))
    job = ("unit", FINGERPRINT, 0, papers, out["shares"], [1, 3],
           [tr.verification_key(ceremony.inits, t).data for t in (1, 3)], 3, 3)
    assert vf._check_shares_job(job) == (out["values"], [])
    assert vf._check_shares_job(("unit", bytes(32), *job[2:]))[1]  # other parameters: no share verifies
    bad = [[list(map(list, row)) for row in paper] for paper in out["shares"]]
    bad[1][0][1][2] = sh.sb(sh.scalar_hex(bad[1][0][1][2]) + 1).hex()
    values, faults = vf._check_shares_job(("unit", FINGERPRINT, 0, papers, bad, job[5], job[6], 3, 3))
    assert faults == ["paper 2 position 1: trustee 3's share does not verify"]


def sh_point(text: str) -> Point:
    return Point.decode(bytes.fromhex(text))
