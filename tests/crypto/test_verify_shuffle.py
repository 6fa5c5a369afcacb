"""The verifier's own proof-of-shuffle check (omov.crypto.verify_shuffle, written from docs/record.md §5) agrees
with the prover's derivations (omov.crypto.shuffle): the same generators, digest and challenges, the published
vectors accepted, and the same verdict on honest and tampered proofs. The two share no code; this test is what
ties them together."""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.crypto import shuffle as sh
from omov.crypto import verify_shuffle as vsh
from omov.crypto.group import independent_generators
from omov.crypto.verify import decode_shuffle_proof
from tests.crypto.test_shuffle import make_case, tamperings

VECTORS = Path(__file__).parent / "vectors"
CRYPTO = Path(__file__).resolve().parents[2] / "omov" / "crypto"


def verifier_check(case: dict[str, Any], **changes: Any) -> str | None:
    args = {**case, **changes}
    proof = decode_shuffle_proof(args["proof"].to_json(), "mix")
    return vsh.shuffle_fault(args["pk"], args["inputs"], args["outputs"], proof, args["width"], args["context"],
                             vsh.Pool(1))


def test_generators_are_derived_alike() -> None:
    prover = sh.generators(40)
    assert [vsh.generator_h(i) for i in range(41)] == prover
    assert prover[:5] == [p.data for p in independent_generators("omov/shuffle/v1", 5)]
    assert vsh.G == sh.G


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), n=st.integers(1, 6), width=st.integers(1, 3))
def test_digest_challenges_and_verdicts_agree(seed: int, n: int, width: int) -> None:
    case = make_case(seed, n, width)
    proof: sh.ShuffleProof = case["proof"]
    d = sh.public_digest(case["pk"], case["inputs"], case["outputs"], proof.commitments, width, case["context"])
    assert vsh.digest_d(case["pk"], case["inputs"], case["outputs"], proof.commitments, width, case["context"]) == d
    assert vsh.challenges_u(d, n) == sh.challenges(d, n)
    assert vsh.challenge_c(d, proof.chain, proof.t1, proof.t2, proof.t3, proof.t4, proof.t_hat) == \
        sh.final_challenge(d, proof.chain, proof.t1, proof.t2, proof.t3, proof.t4, proof.t_hat) == proof.challenge
    assert verifier_check(case) is None
    for name, changes in tamperings(case, random.Random(seed)):
        assert verifier_check(case, **changes) is not None, name


@pytest.mark.parametrize("name", ["shuffle_small.json", "shuffle_ranked.json"])
def test_the_published_vectors_are_accepted_and_their_u_rederived(name: str) -> None:
    v = json.loads((VECTORS / name).read_text())
    inputs = [bytes.fromhex(p) for p in v["inputs"]]
    outputs = [bytes.fromhex(p) for p in v["outputs"]]
    pk, context, width = bytes.fromhex(v["public_key"]), bytes.fromhex(v["context"]), v["width"]
    proof = decode_shuffle_proof(v["proof"], name)
    d = vsh.digest_d(pk, inputs, outputs, proof["commitments"], width, context)
    assert [u.to_bytes(32, "little").hex() for u in vsh.challenges_u(d, len(inputs))] == v["u"]
    assert vsh.shuffle_fault(pk, inputs, outputs, proof, width, context, vsh.Pool(1)) is None
    assert vsh.shuffle_fault(pk, inputs, outputs[::-1], proof, width, context, vsh.Pool(1)) is not None


def test_parallel_and_single_process_checks_agree() -> None:
    case = make_case(7, 300, 2)
    proof = decode_shuffle_proof(case["proof"].to_json(), "mix")
    bad = list(case["outputs"])
    bad[299] = bad[0]
    with vsh.Pool(2) as pool:
        assert vsh.shuffle_fault(case["pk"], case["inputs"], case["outputs"], proof, 2, case["context"], pool) is None
        assert vsh.shuffle_fault(case["pk"], case["inputs"], bad, proof, 2, case["context"], pool) is not None


def test_the_verifier_imports_nothing_of_the_prover() -> None:
    """verify.py, verify_shuffle.py and verify_json.py import neither the prover's modules nor the reverse."""
    prover = {"omov.crypto.shuffle", "omov.crypto.mixnet", "omov.crypto.record", "omov.crypto.proofs",
              "omov.crypto.group", "omov.crypto.encoding", "omov.crypto.elgamal"}
    verifier = {"omov.crypto.verify", "omov.crypto.verify_shuffle", "omov.crypto.verify_json"}

    def imports(module: str) -> set[str]:
        tree = ast.parse((CRYPTO / f"{module.rsplit('.', 1)[1]}.py").read_text())
        out: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                out.add(node.module)
                out.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
        return out

    for module in verifier:
        assert not imports(module) & prover, module
    for module in prover - {"omov.crypto.group", "omov.crypto.encoding", "omov.crypto.elgamal", "omov.crypto.proofs"}:
        assert not imports(module) & verifier, module
