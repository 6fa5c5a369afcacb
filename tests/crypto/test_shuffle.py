"""The proof of shuffle: honest proofs verify (completeness) and every kind of tampering is caught (soundness)."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto import shuffle as sh
from omov.crypto.elgamal import Ciphertext, decrypt_to_point
from omov.crypto.group import Point, independent_generators
from omov.crypto.mixnet import decode_paper, encrypt_values

VECTORS = Path(__file__).parent / "vectors"


def make_case(seed: int, n: int, width: int) -> dict[str, Any]:
    rng = random.Random(seed)
    sk = sh.random_scalar(rng)
    pk = sh.base_mul(sk)
    papers = [encrypt_values(pk, [rng.randrange(0, 6) for _ in range(width)], rng) for _ in range(n)]
    outputs, psi, rands = sh.shuffle(pk, papers, width, rng=rng)
    context = f"test/{seed}".encode()
    proof = sh.prove_shuffle(pk, papers, outputs, psi, rands, width, context, rng=rng)
    return {"sk": sk, "pk": pk, "inputs": papers, "outputs": outputs, "proof": proof, "context": context,
            "width": width, "psi": psi, "rands": rands}


def check(case: dict[str, Any], **changes: Any) -> str | None:
    args = {k: case[k] for k in ("pk", "inputs", "outputs", "proof", "width", "context")} | changes
    return sh.check_shuffle(args["pk"], args["inputs"], args["outputs"], args["proof"], args["width"],
                            args["context"])


def plaintext_points(sk: int, papers: list[bytes], width: int) -> list[tuple[bytes, ...]]:
    return [tuple(decrypt_to_point(sk, c).data for c in decode_paper(p, width)) for p in papers]


def other_point(seed: int) -> bytes:
    return sh.base_mul(seed + 12345)


def bump(k: int) -> int:
    return (k + 1) % sh.ORDER


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), n=st.integers(1, 7), width=st.integers(1, 4))
def test_honest_shuffle_proofs_verify_and_keep_the_papers(seed: int, n: int, width: int) -> None:
    case = make_case(seed, n, width)
    assert check(case) is None
    before = plaintext_points(case["sk"], case["inputs"], width)
    after = plaintext_points(case["sk"], case["outputs"], width)
    assert sorted(before) == sorted(after)
    assert [after[i] for i in range(n)] == [before[case["psi"][i]] for i in range(n)]
    assert not set(case["inputs"]) & set(case["outputs"])  # every paper is re-encrypted


def tamperings(case: dict[str, Any], rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """(name, changed arguments) for every kind of change the verifier must refuse."""
    n, width = len(case["inputs"]), case["width"]
    proof: sh.ShuffleProof = case["proof"]
    inputs, outputs = list(case["inputs"]), list(case["outputs"])
    i, j = rng.randrange(n), rng.randrange(width)
    out: list[tuple[str, dict[str, Any]]] = []

    def replaced(seq: tuple[Any, ...] | list[Any], k: int, value: Any) -> tuple[Any, ...]:
        return tuple(value if x == k else v for x, v in enumerate(seq))

    def proof_with(**kw: Any) -> dict[str, Any]:
        return {"proof": dataclasses.replace(proof, **kw)}

    if n >= 2:
        k = (i + 1) % n
        swapped = list(outputs)
        swapped[i], swapped[k] = swapped[k], swapped[i]
        out.append(("swapped output papers", {"outputs": swapped}))
        dup = list(outputs)
        dup[k] = dup[i]
        out.append(("duplicated paper (another dropped)", {"outputs": dup}))
        swapped_in = list(inputs)
        swapped_in[i], swapped_in[k] = swapped_in[k], swapped_in[i]
        out.append(("swapped input papers", {"inputs": swapped_in}))
    out.append(("dropped output paper", {"outputs": outputs[:-1]}))
    out.append(("dropped paper from both lists", {"outputs": outputs[:-1], "inputs": inputs[:-1]}))
    out.append(("extra output paper", {"outputs": [*outputs, outputs[0]]}))
    # A changed ciphertext: one position of one output paper re-encrypted once more (same plaintext!).
    cts = list(decode_paper(outputs[i], width))
    r = sh.random_scalar(rng)
    pk = Point.decode(case["pk"])
    cts[j] = Ciphertext(cts[j].a + Point.base() * r, cts[j].b + pk * r)
    out.append(("re-encrypted output ciphertext", {"outputs": replaced(outputs, i, b"".join(c.encode() for c in cts))}))
    changed = bytearray(outputs[i])
    changed[64 * j + 32 : 64 * j + 64] = sh.add(bytes(changed[64 * j + 32 : 64 * j + 64]), sh.base_mul(1))
    out.append(("output plaintext changed by one", {"outputs": replaced(outputs, i, bytes(changed))}))
    changed_in = bytearray(inputs[i])
    changed_in[64 * j : 64 * j + 32] = other_point(i)
    out.append(("changed input ciphertext", {"inputs": replaced(inputs, i, bytes(changed_in))}))
    # Public inputs.
    out.append(("other public key", {"pk": other_point(1)}))
    out.append(("other context", {"context": case["context"] + b"!"}))
    # The challenge, the responses and the commitments.
    out.append(("changed challenge", proof_with(challenge=bump(proof.challenge))))
    out.append(("changed s1", proof_with(s1=bump(proof.s1))))
    out.append(("changed s2", proof_with(s2=bump(proof.s2))))
    out.append(("changed s3", proof_with(s3=bump(proof.s3))))
    out.append(("changed s4", proof_with(s4=replaced(proof.s4, j, bump(proof.s4[j])))))
    out.append(("changed s_hat", proof_with(s_hat=replaced(proof.s_hat, i, bump(proof.s_hat[i])))))
    out.append(("changed s_prime", proof_with(s_prime=replaced(proof.s_prime, i, bump(proof.s_prime[i])))))
    commitments = replaced(proof.commitments, i, other_point(2))
    out.append(("changed permutation commitment", proof_with(commitments=commitments)))
    out.append(("changed chain commitment", proof_with(chain=replaced(proof.chain, i, other_point(3)))))
    out.append(("changed t1", proof_with(t1=other_point(4))))
    out.append(("changed t2", proof_with(t2=other_point(5))))
    out.append(("changed t3", proof_with(t3=other_point(6))))
    out.append(("changed t4", proof_with(t4=replaced(proof.t4, j, (other_point(7), proof.t4[j][1])))))
    out.append(("changed t_hat", proof_with(t_hat=replaced(proof.t_hat, i, other_point(8)))))
    out.append(("invalid point in proof", proof_with(t1=b"\x01" * 32)))
    out.append(("invalid point in output", {"outputs": replaced(outputs, i, b"\xff" * (64 * width))}))
    return out


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), n=st.integers(1, 6), width=st.integers(1, 3))
def test_every_tampering_makes_the_proof_fail(seed: int, n: int, width: int) -> None:
    case = make_case(seed, n, width)
    for name, changes in tamperings(case, random.Random(seed)):
        assert check(case, **changes) is not None, name


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32), n=st.integers(2, 6))
def test_a_cheating_mixer_cannot_prove_a_substituted_paper(seed: int, n: int) -> None:
    """The prover runs the honest algorithm but has replaced one output by an encryption of its choice."""
    rng = random.Random(seed)
    case = make_case(seed, n, 2)
    outputs = list(case["outputs"])
    outputs[0] = encrypt_values(case["pk"], [5, 5], rng)
    proof = sh.prove_shuffle(case["pk"], case["inputs"], outputs, case["psi"], case["rands"], 2, case["context"],
                             rng=rng)
    assert sh.check_shuffle(case["pk"], case["inputs"], outputs, proof, 2, case["context"]) is not None


def test_parallel_proof_and_check_agree_with_a_single_process() -> None:
    case = make_case(7, 300, 2)
    with sh.Workers(2) as pool:
        assert sh.check_shuffle(case["pk"], case["inputs"], case["outputs"], case["proof"], 2, case["context"],
                                pool=pool) is None
        rng = random.Random(8)
        proof = sh.prove_shuffle(case["pk"], case["inputs"], case["outputs"], case["psi"], case["rands"], 2,
                                 case["context"], rng=rng, pool=pool)
        assert proof == sh.prove_shuffle(case["pk"], case["inputs"], case["outputs"], case["psi"], case["rands"],
                                         2, case["context"], rng=random.Random(8))
        bad = list(case["outputs"])
        bad[299] = bad[0]
        assert sh.check_shuffle(case["pk"], case["inputs"], bad, case["proof"], 2, case["context"],
                                pool=pool) is not None


def test_generators_and_hashes_are_the_shared_apis() -> None:
    assert sh.generators(4) == [p.data for p in independent_generators("omov/shuffle/v1", 5)]
    assert sh.G == Point.base().data


def test_proof_json_round_trip_and_malformed_json() -> None:
    case = make_case(3, 4, 2)
    data = json.loads(json.dumps(case["proof"].to_json()))
    assert sh.ShuffleProof.from_json(data) == case["proof"]
    with pytest.raises(sh.ShuffleError):
        sh.ShuffleProof.from_json({**data, "s1": "ff" * 32})  # not reduced
    with pytest.raises(sh.ShuffleError):
        sh.ShuffleProof.from_json({k: v for k, v in data.items() if k != "chain"})


# --- fixed test vectors -----------------------------------------------------------------------------------


def vector(seed: int, n: int, width: int) -> dict[str, Any]:
    case = make_case(seed, n, width)
    return {
        "description": "omov shuffle proof v1 (docs/record.md, 'Shuffle proof'); seeded Python random.Random",
        "seed": seed,
        "width": width,
        "context": case["context"].hex(),
        "public_key": case["pk"].hex(),
        "inputs": [p.hex() for p in case["inputs"]],
        "outputs": [p.hex() for p in case["outputs"]],
        "proof": case["proof"].to_json(),
        "u": [sh.sb(u).hex() for u in sh.challenges(
            sh.public_digest(case["pk"], case["inputs"], case["outputs"], case["proof"].commitments, width,
                             case["context"]), n)],
    }


VECTOR_CASES = {"shuffle_small.json": (2026, 3, 1), "shuffle_ranked.json": (42, 5, 4)}


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
def test_vectors_verify_and_are_reproduced_from_their_seed(name: str) -> None:
    stored = json.loads((VECTORS / name).read_text())
    seed, n, width = VECTOR_CASES[name]
    assert vector(seed, n, width) == stored
    proof = sh.ShuffleProof.from_json(stored["proof"])
    inputs = [bytes.fromhex(p) for p in stored["inputs"]]
    outputs = [bytes.fromhex(p) for p in stored["outputs"]]
    pk, context = bytes.fromhex(stored["public_key"]), bytes.fromhex(stored["context"])
    assert sh.check_shuffle(pk, inputs, outputs, proof, width, context) is None
    assert sh.check_shuffle(pk, inputs, outputs[::-1], proof, width, context) is not None


if __name__ == "__main__":  # regenerate: .venv/bin/python tests/crypto/test_shuffle.py
    for file_name, (seed_, n_, width_) in VECTOR_CASES.items():
        (VECTORS / file_name).write_text(json.dumps(vector(seed_, n_, width_), indent=1) + "\n")
