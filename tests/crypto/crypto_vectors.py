"""Builds the test vectors in tests/crypto/vectors/*.json (fixed seeds), for omov and for independent
implementations. Run `.venv/bin/python tests/crypto/crypto_vectors.py` to rewrite them; test_vectors.py checks
that they are current and replays them.

Every random scalar an operation draws is listed, in the order drawn, under "nonces" (docs/crypto.md says the
order for each operation), so an implementation that takes its randomness from that list must produce exactly
the recorded outputs.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from omov.crypto.elgamal import encrypt, keygen, reencrypt
from omov.crypto.encoding import ciphertext_hex, point_hex, scalar_hex
from omov.crypto.group import ORDER, base_mul, hash_to_scalar, independent_generators
from omov.crypto.marks import QuestionSpec, decrypt_tally, encrypt_paper, tally
from omov.crypto.proofs import prove_disjunctive, prove_dleq, prove_dlog
from omov.crypto.trustees import (
    combine,
    init_trustee,
    joint_public_key,
    make_shares,
    partial_decrypt,
    verification_key,
)

VECTOR_DIR = Path(__file__).parent / "vectors"


class RecordingRng:
    """Wraps a seeded random.Random: hands out scalars below ORDER and records them."""

    def __init__(self, seed: int) -> None:
        self.inner = random.Random(seed)
        self.log: list[int] = []

    def getrandbits(self, k: int) -> int:
        value = self.inner.randrange(1, ORDER)
        self.log.append(value)
        return value

    def take(self) -> list[str]:
        out = [scalar_hex(v) for v in self.log]
        self.log = []
        return out


class ScriptedRng:
    """Hands out the listed scalars, in order (what an independent implementation does with "nonces")."""

    def __init__(self, nonces: list[str]) -> None:
        self.values = [int.from_bytes(bytes.fromhex(h), "little") for h in nonces]

    def getrandbits(self, k: int) -> int:
        if not self.values:
            raise AssertionError("the operation drew more nonces than the vector lists")
        return self.values.pop(0)

    def done(self) -> bool:
        return not self.values


def group_vectors() -> dict[str, Any]:
    rng = random.Random(1)
    scalars = [0, 1, 2, 3, ORDER - 1] + [rng.randrange(ORDER) for _ in range(4)]
    pairs = [(rng.randrange(1, ORDER), rng.randrange(1, ORDER)) for _ in range(3)]
    hashes = [
        ("omov/v1/test", []),
        ("omov/v1/test", [b""]),
        ("omov/v1/test", [b"ab", b"c"]),
        ("omov/v1/test", [b"a", b"bc"]),
        ("omov/v1/proof/dlog", [b"ristretto255", b"election-E", bytes(32)]),
    ]
    return {
        "description": "ristretto255 via libsodium; scalars 32-byte little-endian hex; points canonical hex",
        "order": str(ORDER),
        "base_multiples": [{"scalar": scalar_hex(k), "point": point_hex(base_mul(k))} for k in scalars],
        "variable_base": [
            {"point": point_hex(base_mul(x)), "scalar": scalar_hex(y), "product": point_hex(base_mul(x) * y)}
            for x, y in pairs
        ],
        "additions": [
            {
                "p": point_hex(base_mul(x)),
                "q": point_hex(base_mul(y)),
                "sum": point_hex(base_mul(x) + base_mul(y)),
                "difference": point_hex(base_mul(x) - base_mul(y)),
            }
            for x, y in pairs
        ],
        "hash_to_scalar": [
            {"domain": d, "parts": [p.hex() for p in parts], "scalar": scalar_hex(hash_to_scalar(d, *parts))}
            for d, parts in hashes
        ],
        "independent_generators": {
            "domain": "omov/v1/test",
            "points": [point_hex(p) for p in independent_generators("omov/v1/test", 3)],
        },
    }


def elgamal_vectors() -> dict[str, Any]:
    rng = RecordingRng(2)
    sk, pk = keygen(rng)
    rng.take()
    cases = []
    for m in (0, 1, 5, 1000):
        r = rng.getrandbits(512)
        rng.take()
        c, _ = encrypt(pk, m, r)
        s = rng.getrandbits(512)
        rng.take()
        cases.append(
            {
                "m": m,
                "r": scalar_hex(r),
                "ciphertext": ciphertext_hex(c),
                "reencryption_r": scalar_hex(s),
                "reencryption": ciphertext_hex(reencrypt(pk, c, s)),
            }
        )
    return {"sk": scalar_hex(sk), "pk": point_hex(pk), "encryptions": cases}


def proof_vectors() -> dict[str, Any]:
    rng = RecordingRng(3)
    out: dict[str, Any] = {"dlog": [], "dleq": [], "disjunctive": []}
    for i in range(2):
        x = rng.getrandbits(512)
        rng.take()
        ctx = f"election-E/dlog/{i}".encode()
        proof = prove_dlog(x, ctx, rng=rng)
        out["dlog"].append(
            {
                "x": scalar_hex(x),
                "base": point_hex(base_mul(1)),
                "public": point_hex(base_mul(x)),
                "context": ctx.hex(),
                "nonces": rng.take(),
                "proof": proof.to_json(),
            }
        )
    for i in range(2):
        x, h = rng.getrandbits(512), base_mul(rng.getrandbits(512))
        rng.take()
        ctx = f"election-E/dleq/{i}".encode()
        proof = prove_dleq(x, base_mul(1), h, ctx, rng=rng)
        out["dleq"].append(
            {
                "x": scalar_hex(x),
                "b1": point_hex(base_mul(1)),
                "x1": point_hex(base_mul(x)),
                "b2": point_hex(h),
                "x2": point_hex(h * x),
                "context": ctx.hex(),
                "nonces": rng.take(),
                "proof": proof.to_json(),
            }
        )
    sk, pk = keygen(rng)
    rng.take()
    for values, m in (([0, 1], 0), ([0, 1], 1), ([0, 1, 2, 3], 2), ([2], 2)):
        r = rng.getrandbits(512)
        rng.take()
        c, _ = encrypt(pk, m, r)
        ctx = f"election-E/disjunctive/{values}/{m}".encode()
        proof = prove_disjunctive(pk, c, m, r, values, ctx, rng=rng)
        out["disjunctive"].append(
            {
                "pk": point_hex(pk),
                "m": m,
                "r": scalar_hex(r),
                "ciphertext": ciphertext_hex(c),
                "values": values,
                "context": ctx.hex(),
                "nonces": rng.take(),
                "proof": proof.to_json(),
                "canonical_bytes": proof.encode().hex(),
            }
        )
    return out


def marks_vectors() -> dict[str, Any]:
    rng = RecordingRng(4)
    sk, pk = keygen(rng)
    rng.take()
    election = "election-2026-nec"
    out: dict[str, Any] = {"sk": scalar_hex(sk), "pk": point_hex(pk), "election": election, "papers": []}
    specs = [
        (QuestionSpec.bloc("nec-constituency", 5, up_to=3), [[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [1, 1, 1, 0, 0]]),
        (QuestionSpec.yes_no("rule-change"), [[1, 0], [0, 1]]),
        (QuestionSpec.approval("panel", 3), [[1, 1, 0]]),
    ]
    for spec, all_marks in specs:
        papers = []
        for n, marks in enumerate(all_marks):
            binding = f"credential-{n}".encode()
            paper, _ = encrypt_paper(pk, election, spec, marks, binding, rng)
            papers.append(paper)
            out["papers"].append(
                {
                    "spec": spec.to_json(),
                    "binding": binding.hex(),
                    "marks": marks,
                    "nonces": rng.take(),
                    "paper": paper.to_json(),
                    "canonical_bytes": paper.encode().hex(),
                    "tracker": paper.tracker(),
                }
            )
        totals = tally(spec, papers)
        decrypted = decrypt_tally(sk, election, spec, totals, len(papers), rng)
        out.setdefault("tallies", []).append(
            {
                "spec": spec.to_json(),
                "totals": [ciphertext_hex(c) for c in totals],
                "counts": [c for c, _ in decrypted],
                "nonces": rng.take(),
                "proofs": [p.to_json() for _, p in decrypted],
            }
        )
    return out


def trustee_vectors() -> dict[str, Any]:
    rng = RecordingRng(5)
    election, n, t = "election-E", 3, 2
    secrets, inits, init_nonces = [], [], []
    for i in range(1, n + 1):
        s, init = init_trustee(election, i, n, t, rng)
        secrets.append(s)
        inits.append(init)
        init_nonces.append(rng.take())
    shares, share_nonces = [], []
    for s in secrets:
        shares.append(make_shares(s, inits, rng))
        share_nonces.append(rng.take())
    combines, combine_nonces = [], []
    for s in secrets:
        combines.append(combine(s, inits, shares, rng))
        combine_nonces.append(rng.take())
    pk = joint_public_key(inits)
    cts = []
    for m in (0, 1, 4):
        c, _ = encrypt(pk, m, rng.getrandbits(512))
        cts.append(c)
    rng.take()
    context = b"tally"
    partials, partial_nonces = [], []
    for s in secrets:
        parts = partial_decrypt(s, cts, context, rng)
        partials.append([{"d": point_hex(d), "proof": p.to_json()} for d, p in parts])
        partial_nonces.append(rng.take())
    return {
        "election": election,
        "n": n,
        "t": t,
        "init_nonces": init_nonces,
        "inits": inits,
        "share_nonces": share_nonces,
        "shares": shares,
        "combine_nonces": combine_nonces,
        "combines": combines,
        "public_key": point_hex(pk),
        "verification_keys": [point_hex(verification_key(inits, j)) for j in range(1, n + 1)],
        "ciphertexts": [ciphertext_hex(c) for c in cts],
        "plaintexts": [0, 1, 4],
        "partial_context": context.hex(),
        "partial_nonces": partial_nonces,
        "partials": partials,
    }


def credential_vectors() -> dict[str, Any]:
    from omov.crypto.credentials import credentials_list, derive_credential, normalise_code

    election = "election-2026-nec"
    codes = [
        "7KQ2M-9ZRTV-0H4XC-PWE8N-3JDGA",  # as omov generates them (Crockford base 32, five groups of five)
        "7kq2m 9zrtv 0h4xc pwe8n 3jdga",  # the same code typed in lower case with spaces
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23",  # a voting token in RFC 4648 base 32 (server mode): I L O U allowed
        "00000000000000000000000001",
    ]
    cases = []
    for code in codes:
        cred = derive_credential(election, code)
        cases.append({"code": code, "normalised": normalise_code(code), "secret": scalar_hex(cred.secret),
                      "public": cred.public_hex})
    refused = ["", " - - ", "7KQ2M_9ZRTV", "7KQ2M.9ZRTV", "ÄBC", "ABC\n"]
    listing = credentials_list(election, [c["public"] for c in cases[::-1] if c["code"] != codes[1]])
    return {
        "description": "credential codes (docs/crypto.md §11): normalised code, s, S; codes that are refused; "
        "the published list (sorted)",
        "election": election,
        "codes": cases,
        "refused": refused,
        "list": listing,
    }


def ranked_paper_vectors() -> dict[str, Any]:
    from omov.crypto.credentials import check_opening, derive_credential, encrypt_marks, encrypt_ranked

    rng = RecordingRng(11)
    sk, pk = keygen(rng)
    rng.take()
    election = "election-2026-nec"
    fingerprint = hash_to_scalar("omov/v1/test", b"vector fingerprint").to_bytes(32, "little")
    out: dict[str, Any] = {
        "description": "cast papers (docs/crypto.md §11): ranked (width = candidates) and mark papers, encrypted "
        "with the listed nonces (ranked: r_1..r_k, w_1..w_k, then the signature's w; marks: encrypt_paper's, then "
        "the signature's w), with P, Q, tracker, signature, the cast JSON and the Benaloh v2 opening",
        "election": election, "fingerprint": fingerprint.hex(), "sk": scalar_hex(sk), "pk": point_hex(pk),
        "ranked": [], "marks": [],
    }
    for code, candidates, ranking in (("7KQ2M-9ZRTV-0H4XC-PWE8N-3JDGA", 4, [2, 0, 3]),
                                      ("QW3RT-Y7VP8-ASD5F-GH1JK-MZX2C", 3, [1]),
                                      ("00000000000000000000000001", 5, [4, 3, 2, 1, 0])):
        sealed = encrypt_ranked(election=election, fingerprint=fingerprint, public_key=pk, candidates=candidates,
                                ranking=ranking, code=code, rng=rng)
        nonces = rng.take()
        assert check_opening(sealed.opening, election=election, fingerprint=fingerprint, public_key=pk,
                             candidates=candidates) == sealed.opening["values"]
        out["ranked"].append({"code": code, "credential": derive_credential(election, code).public_hex,
                              "candidates": candidates, "ranking": ranking, "values": sealed.opening["values"],
                              "nonces": nonces, "paper": sealed.cast["paper"], "proof": sealed.cast["proof"],
                              "tracker": sealed.tracker, "signature": sealed.cast["signature"],
                              "cast": sealed.cast, "opening": sealed.opening})
    for code, question, marks in (
        ("7KQ2M-9ZRTV-0H4XC-PWE8N-3JDGA", QuestionSpec.bloc("nec-constituency", 4, up_to=2), [0, 1, 1, 0]),
        ("QW3RT-Y7VP8-ASD5F-GH1JK-MZX2C", QuestionSpec.bloc("chair", 3, up_to=1), [0, 0, 1]),
        ("00000000000000000000000001", QuestionSpec.approval("panel", 3), [1, 0, 1]),
    ):
        sealed = encrypt_marks(election=election, fingerprint=fingerprint, public_key=pk, question=question,
                               marks=marks, code=code, rng=rng)
        nonces = rng.take()
        assert check_opening(sealed.opening, election=election, fingerprint=fingerprint, public_key=pk,
                             question=question) == marks
        out["marks"].append({"code": code, "credential": derive_credential(election, code).public_hex,
                             "question": question.to_json(), "marks": marks, "nonces": nonces,
                             "paper": sealed.cast["paper"], "proof": sealed.cast["proof"], "tracker": sealed.tracker,
                             "signature": sealed.cast["signature"], "cast": sealed.cast, "opening": sealed.opening})
    return out


BUILDERS = {
    "group.json": group_vectors,
    "elgamal.json": elgamal_vectors,
    "proofs.json": proof_vectors,
    "marks.json": marks_vectors,
    "trustees.json": trustee_vectors,
    "credentials.json": credential_vectors,
    "ranked_papers.json": ranked_paper_vectors,
}


def render(obj: Any) -> str:
    return json.dumps(obj, indent=1, sort_keys=True) + "\n"


def main() -> int:
    VECTOR_DIR.mkdir(exist_ok=True)
    for name, build in BUILDERS.items():
        (VECTOR_DIR / name).write_text(render(build()))
        print(f"wrote {VECTOR_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
