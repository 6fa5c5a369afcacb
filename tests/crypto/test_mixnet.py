"""A mix-net of several servers over ranked papers: every proof holds, plaintexts survive, proofs are bound
to their place in the sequence and to the election."""

from __future__ import annotations

import dataclasses
import hashlib
import random

from omov.crypto import mixnet as mx
from omov.crypto import shuffle as sh
from omov.crypto.elgamal import decrypt_to_point, discrete_log


def setup(seed: int, n: int, width: int) -> tuple[int, bytes, list[list[int]], list[bytes], random.Random]:
    rng = random.Random(seed)
    sk = sh.random_scalar(rng)
    pk = sh.base_mul(sk)
    rankings = [rng.sample(range(width), rng.randint(1, width)) for _ in range(n)]
    papers = [mx.encrypt_ranking(pk, r, width, rng) for r in rankings]
    return sk, pk, rankings, papers, rng


def decrypt_rankings(sk: int, papers: list[bytes] | tuple[bytes, ...], width: int) -> list[tuple[int, ...]]:
    out = []
    for paper in papers:
        values = [discrete_log(decrypt_to_point(sk, c), width) for c in mx.decode_paper(paper, width)]
        out.append(tuple(v - 1 for v in values if v))
    return out


F = hashlib.sha256(b"the parameters of the election").digest()  # a fingerprint (docs/record.md §2.2)


def test_three_servers_keep_every_ranking_and_prove_it() -> None:
    sk, pk, rankings, papers, rng = setup(1, 12, 5)
    mixes = mx.run_mixnet(pk, papers, 5, "E1", F, ["alpha", "beta", "gamma"], rng=rng)
    assert [m.index for m in mixes] == [1, 2, 3] and [m.mixer for m in mixes] == ["alpha", "beta", "gamma"]
    assert mx.check_mixnet(pk, papers, mixes, 5, "E1", F) == [("alpha", None), ("beta", None), ("gamma", None)]
    assert sorted(decrypt_rankings(sk, mixes[-1].outputs, 5)) == sorted(tuple(r) for r in rankings)
    assert not set(papers) & set(mixes[-1].outputs)


def test_a_proof_is_bound_to_its_election_and_its_place() -> None:
    _, pk, _, papers, rng = setup(2, 6, 3)
    mixes = mx.run_mixnet(pk, papers, 3, "E2", F, ["a", "b"], rng=rng)
    assert all(r is None for _, r in mx.check_mixnet(pk, papers, mixes, 3, "E2", F))
    assert all(r is not None for _, r in mx.check_mixnet(pk, papers, mixes, 3, "another election", F))
    # ... and to its parameters: the same election id with another fingerprint does not verify.
    assert all(r is not None for _, r in mx.check_mixnet(pk, papers, mixes, 3, "E2", bytes(32)))
    renumbered = [dataclasses.replace(mixes[0], index=2), mixes[1]]
    results = mx.check_mixnet(pk, papers, renumbered, 3, "E2", F)
    assert results[0][1] is not None and "out of sequence" in results[0][1]
    # Server 2's proof replayed as server 1's (its own inputs, wrong place) does not verify.
    replay = mx.Mix(1, "b", mixes[1].outputs, mixes[1].proof)
    assert sh.check_shuffle(pk, list(mixes[0].outputs), replay.outputs, replay.proof, 3,
                            mx.mix_context("E2", F, 1)) is not None


def test_a_mix_that_drops_a_paper_is_caught_later_in_the_chain() -> None:
    _, pk, _, papers, rng = setup(3, 5, 2)
    mixes = mx.run_mixnet(pk, papers, 2, "E3", F, ["a", "b"], rng=rng)
    cut = dataclasses.replace(mixes[0], outputs=mixes[0].outputs[:-1])
    results = mx.check_mixnet(pk, papers, [cut, mixes[1]], 2, "E3", F)
    assert results[0][1] is not None and results[1][1] is not None
