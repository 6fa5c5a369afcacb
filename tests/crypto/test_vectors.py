"""The test vectors in tests/crypto/vectors/ are current (rebuilt from their fixed seeds they are identical), and
replaying them from the files alone — inputs and listed nonces, as an independent implementation would —
gives exactly the recorded outputs, which all verify."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # crypto_vectors.py, also under --import-mode=importlib
from crypto_vectors import BUILDERS, VECTOR_DIR, ScriptedRng, render  # noqa: E402

from omov.crypto.elgamal import Ciphertext, encrypt, reencrypt
from omov.crypto.encoding import (
    ciphertext_from_hex,
    ciphertext_hex,
    point_from_hex,
    point_hex,
    scalar_from_hex,
    scalar_hex,
)
from omov.crypto.group import ORDER, Point, base_mul, hash_to_scalar, independent_generators
from omov.crypto.marks import (
    MarkPaper,
    QuestionSpec,
    decrypt_tally,
    encrypt_paper,
    tally,
    verify_paper,
    verify_tally_decryption,
)
from omov.crypto.proofs import (
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
from omov.crypto.trustees import (
    TrusteeSecret,
    check_ceremony,
    combine,
    combine_partials,
    init_trustee,
    make_shares,
    verification_key,
    verify_partials,
)


def load(name: str) -> Any:
    return json.loads((VECTOR_DIR / name).read_text())


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_vectors_are_current(name: str) -> None:
    assert (VECTOR_DIR / name).read_text() == render(BUILDERS[name]()), "run tests/crypto/crypto_vectors.py"


def test_group_vectors() -> None:
    v = load("group.json")
    assert int(v["order"]) == ORDER
    for case in v["base_multiples"]:
        k = scalar_from_hex(case["scalar"])
        assert point_hex(base_mul(k)) == case["point"]
        assert point_hex(Point.base() * k) == case["point"]
    for case in v["variable_base"]:
        assert point_hex(point_from_hex(case["point"]) * scalar_from_hex(case["scalar"])) == case["product"]
    for case in v["additions"]:
        p, q = point_from_hex(case["p"]), point_from_hex(case["q"])
        assert point_hex(p + q) == case["sum"] and point_hex(p - q) == case["difference"]
    for case in v["hash_to_scalar"]:
        parts = [bytes.fromhex(p) for p in case["parts"]]
        assert hash_to_scalar(case["domain"], *parts) == scalar_from_hex(case["scalar"])
    gens = v["independent_generators"]
    assert [point_hex(p) for p in independent_generators(gens["domain"], len(gens["points"]))] == gens["points"]


def test_elgamal_vectors() -> None:
    v = load("elgamal.json")
    pk = point_from_hex(v["pk"])
    assert base_mul(scalar_from_hex(v["sk"])) == pk
    for case in v["encryptions"]:
        c, _ = encrypt(pk, case["m"], scalar_from_hex(case["r"]))
        assert ciphertext_hex(c) == case["ciphertext"]
        again = reencrypt(pk, c, scalar_from_hex(case["reencryption_r"]))
        assert ciphertext_hex(again) == case["reencryption"]


def test_proof_vectors() -> None:
    v = load("proofs.json")
    for case in v["dlog"]:
        rng = ScriptedRng(case["nonces"])
        proof = prove_dlog(scalar_from_hex(case["x"]), bytes.fromhex(case["context"]), rng=rng)
        assert rng.done() and proof.to_json() == case["proof"]
        assert verify_dlog(
            point_from_hex(case["public"]), DlogProof.from_json(case["proof"]), bytes.fromhex(case["context"])
        )
    for case in v["dleq"]:
        rng = ScriptedRng(case["nonces"])
        b1, b2 = point_from_hex(case["b1"]), point_from_hex(case["b2"])
        proof = prove_dleq(scalar_from_hex(case["x"]), b1, b2, bytes.fromhex(case["context"]), rng=rng)
        assert rng.done() and proof.to_json() == case["proof"]
        assert verify_dleq(
            b1,
            point_from_hex(case["x1"]),
            b2,
            point_from_hex(case["x2"]),
            DleqProof.from_json(case["proof"]),
            bytes.fromhex(case["context"]),
        )
    for case in v["disjunctive"]:
        rng = ScriptedRng(case["nonces"])
        pk, ct = point_from_hex(case["pk"]), ciphertext_from_hex(case["ciphertext"])
        assert encrypt(pk, case["m"], scalar_from_hex(case["r"]))[0] == ct
        ctx = bytes.fromhex(case["context"])
        proof = prove_disjunctive(pk, ct, case["m"], scalar_from_hex(case["r"]), case["values"], ctx, rng=rng)
        assert rng.done() and proof.to_json() == case["proof"]
        assert proof.encode().hex() == case["canonical_bytes"]
        assert verify_disjunctive(pk, ct, case["values"], DisjunctiveProof.from_json(case["proof"]), ctx)


def test_marks_vectors() -> None:
    v = load("marks.json")
    pk, election = point_from_hex(v["pk"]), v["election"]
    by_question: dict[str, list[MarkPaper]] = {}
    for case in v["papers"]:
        spec = QuestionSpec.from_json(case["spec"])
        rng = ScriptedRng(case["nonces"])
        binding = bytes.fromhex(case["binding"])
        paper, _ = encrypt_paper(pk, election, spec, case["marks"], binding, rng)
        assert rng.done() and paper.to_json() == case["paper"]
        assert paper.encode().hex() == case["canonical_bytes"] and paper.tracker() == case["tracker"]
        assert verify_paper(pk, election, spec, MarkPaper.from_json(case["paper"]), binding)
        by_question.setdefault(spec.question_id, []).append(paper)
    for case in v["tallies"]:
        spec = QuestionSpec.from_json(case["spec"])
        totals = tally(spec, by_question[spec.question_id])
        assert [ciphertext_hex(c) for c in totals] == case["totals"]
        rng = ScriptedRng(case["nonces"])
        decrypted = decrypt_tally(scalar_from_hex(v["sk"]), election, spec, totals, 10, rng)
        assert rng.done() and [c for c, _ in decrypted] == case["counts"]
        assert [p.to_json() for _, p in decrypted] == case["proofs"]
        proofs = [DleqProof.from_json(p) for p in case["proofs"]]
        assert verify_tally_decryption(pk, election, spec, totals, case["counts"], proofs)


def test_trustee_vectors() -> None:
    v = load("trustees.json")
    secrets: list[TrusteeSecret] = []
    for i, nonces in enumerate(v["init_nonces"], start=1):
        rng = ScriptedRng(nonces)
        secret, init = init_trustee(v["election"], i, v["n"], v["t"], rng)
        assert rng.done() and init == v["inits"][i - 1]
        secrets.append(secret)
    for secret, nonces, expected in zip(secrets, v["share_nonces"], v["shares"], strict=True):
        rng = ScriptedRng(nonces)
        assert make_shares(secret, v["inits"], rng) == expected and rng.done()
    for secret, nonces, expected in zip(secrets, v["combine_nonces"], v["combines"], strict=True):
        rng = ScriptedRng(nonces)
        assert combine(secret, v["inits"], v["shares"], rng) == expected and rng.done()
    pk = check_ceremony(v["inits"], v["combines"])
    assert point_hex(pk) == v["public_key"]
    assert [point_hex(verification_key(v["inits"], j)) for j in (1, 2, 3)] == v["verification_keys"]
    cts: list[Ciphertext] = [ciphertext_from_hex(c) for c in v["ciphertexts"]]
    context = bytes.fromhex(v["partial_context"])
    points = {}
    for j, parts in enumerate(v["partials"], start=1):
        decoded = [(point_from_hex(p["d"]), DleqProof.from_json(p["proof"])) for p in parts]
        assert verify_partials(v["election"], j, verification_key(v["inits"], j), cts, decoded, context)
        points[j] = [d for d, _ in decoded]
    for pair in ((1, 2), (2, 3), (1, 3)):
        result = combine_partials(cts, {j: points[j] for j in pair}, v["t"])
        assert result == [base_mul(m) for m in v["plaintexts"]]


def test_vector_files_exist() -> None:
    assert {p.name for p in Path(VECTOR_DIR).glob("*.json")} >= set(BUILDERS)


def test_credential_vectors() -> None:
    from omov.crypto.credentials import CredentialCodeError, credentials_list, derive_credential, normalise_code

    v = load("credentials.json")
    for case in v["codes"]:
        assert normalise_code(case["code"]) == case["normalised"]
        cred = derive_credential(v["election"], case["code"])
        assert scalar_hex(cred.secret) == case["secret"] and cred.public_hex == case["public"]
        assert hash_to_scalar("omov/v1/credential", v["election"].encode(), case["normalised"].encode()) == \
            scalar_from_hex(case["secret"])
    for code in v["refused"]:
        with pytest.raises(CredentialCodeError):
            normalise_code(code)
    assert v["list"]["keys"] == sorted(v["list"]["keys"])
    assert credentials_list(v["election"], v["list"]["keys"][::-1]) == v["list"]


def test_ranked_paper_vectors_replay() -> None:
    from omov.crypto.credentials import check_cast, check_opening, encrypt_marks, encrypt_ranked

    v = load("ranked_papers.json")
    election, fingerprint, pk = v["election"], bytes.fromhex(v["fingerprint"]), point_from_hex(v["pk"])
    common = {"election": election, "fingerprint": fingerprint, "public_key": pk}
    for case in v["ranked"]:
        rng = ScriptedRng(case["nonces"])
        sealed = encrypt_ranked(**common, candidates=case["candidates"], ranking=case["ranking"], code=case["code"],
                                rng=rng)
        assert rng.done()
        assert sealed.cast == case["cast"] and sealed.opening == case["opening"] and sealed.tracker == case["tracker"]
        assert case["cast"]["paper"] == case["paper"] and case["cast"]["proof"] == case["proof"]
        accepted = check_cast(case["cast"], **common, width=case["candidates"], listed={case["credential"]})
        assert accepted.tracker == case["tracker"]
        assert check_opening(case["opening"], **common, candidates=case["candidates"]) == case["values"]
    for case in v["marks"]:
        rng = ScriptedRng(case["nonces"])
        sealed = encrypt_marks(**common, question=case["question"], marks=case["marks"], code=case["code"], rng=rng)
        assert rng.done()
        assert sealed.cast == case["cast"] and sealed.opening == case["opening"]
        check_cast(case["cast"], **common, question=case["question"], listed={case["credential"]})
        assert check_opening(case["opening"], **common, question=case["question"]) == case["marks"]
