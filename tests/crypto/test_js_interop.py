"""The browser's cryptography (omov/web/static/omov/booth/omov-crypto.js, built from js/src) and omov's Python
library agree: node runs the committed bundle to make credentials, ranked and mark papers, Benaloh openings and
trustee files, and omov.crypto checks every byte of them (docs/crypto.md §6 and §11, docs/record.md §4 and §9);
a key ceremony mixes browser and Python trustees. Node is required: without it these tests fail."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from omov.crypto import credentials, record4
from omov.crypto.elgamal import Ciphertext, encrypt
from omov.crypto.encoding import canonical_json, point_from_hex, point_hex, scalar_from_hex, u32, u64
from omov.crypto.group import ORDER, Point, base_mul, hash_to_scalar, length_prefixed, random_scalar
from omov.crypto.marks import MarkPaper, QuestionSpec, verify_paper
from omov.crypto.proofs import DisjunctiveProof, DleqProof, DlogProof, verify_dleq, verify_dlog
from omov.crypto.trustees import (
    TrusteeSecret,
    check_ceremony,
    combine,
    combine_partials,
    init_trustee,
    make_shares,
    verify_partials,
)

DRIVER = Path(__file__).with_name("js_driver.mjs")
ELECTION = "interop-2026"
FINGERPRINT = bytes(range(32))
CODE = "7K3QD-M9XTB-2HWRZ-5VN8C-JPG4A"


def js(*calls: tuple[str, list[Any]] | tuple[str, list[Any], list[str]]) -> list[Any]:
    """Run the bundle's functions in node, in order (a third item lists the nonces to draw); each result or its
    error message (as an Exception)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: it is required to test the browser's cryptography (install Node.js >= 20)")
    request = {"calls": [{"fn": c[0], "args": c[1], **({"nonces": c[2]} if len(c) > 2 else {})} for c in calls]}
    done = subprocess.run(
        [node, str(DRIVER)], input=json.dumps(request), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    out = []
    for r in json.loads(done.stdout)["results"]:
        out.append(r["ok"] if "ok" in r else RuntimeError(r["error"]))
    return out


def js1(fn: str, *args: Any) -> Any:
    (result,) = js((fn, list(args)))
    if isinstance(result, Exception):
        raise result
    return result


# ---------------------------------------------------------------- §11 from the spec, with omov.crypto's primitives


def credential_key(code: str) -> tuple[int, Point]:
    normalised = code.replace("-", "").replace(" ", "").upper()
    s = hash_to_scalar("omov/v1/credential", ELECTION.encode(), normalised.encode())
    return s, base_mul(s)


def tracker_of(S: Point, P: bytes, Q: bytes) -> bytes:
    return hashlib.sha256(length_prefixed(b"omov/record/v4/tracker", FINGERPRINT, S.data, P, Q)).digest()


def check_signature(cast: dict[str, Any], S: Point) -> None:
    tracker = bytes.fromhex(cast["tracker"])
    context = length_prefixed(b"omov/v1/paper-signature", ELECTION.encode(), FINGERPRINT, tracker)
    assert verify_dlog(S, DlogProof.from_json(cast["signature"]), context)


def check_randomness_proof(pk: Point, S: Point, P: bytes, Q: bytes) -> list[Ciphertext]:
    k = len(P) // 64
    cts = [Ciphertext.decode(P[64 * j : 64 * j + 64]) for j in range(k)]
    assert len(Q) == 32 * (k + 1)
    c = scalar_from_hex(Q[:32].hex())
    zs = [scalar_from_hex(Q[32 * (j + 1) : 32 * (j + 2)].hex()) for j in range(k)]
    rp = length_prefixed(b"omov/v1/ranked-paper", ELECTION.encode(), FINGERPRINT, S.data)
    commitments = [base_mul(z) - ct.a * c for z, ct in zip(zs, cts, strict=True)]
    parts = [b"ristretto255", rp, pk.data, u32(k)]
    for ct in cts:
        parts += [ct.a.data, ct.b.data]
    parts += [r.data for r in commitments]
    assert hash_to_scalar("omov/v1/proof/randomness", *parts) == c
    return cts


def parse_mark_paper(P: bytes) -> MarkPaper:
    """docs/crypto.md §5's canonical bytes, read back (length_prefixed items)."""
    items, at = [], 0
    while at < len(P):
        n = int.from_bytes(P[at : at + 8], "big")
        items.append(P[at + 8 : at + 8 + n])
        at += 8 + n
    k = int.from_bytes(items[1], "big")
    return MarkPaper(
        items[0].decode(),
        tuple(Ciphertext.decode(b) for b in items[2 : 2 + k]),
        tuple(DisjunctiveProof.decode(b) for b in items[2 + k : 2 + 2 * k]),
        DisjunctiveProof.decode(items[2 + 2 * k]) if items[2 + 2 * k] else None,
    )


# ---------------------------------------------------------------- tests


def test_credentials_and_canonical_json_agree() -> None:
    value = {"b": [1, -2, None, True], "a": 'é\u0007\n"\\/', "\U0001f600": 1, "\ufb01": {"z": "", "y": 0}}
    derived, text = js(("deriveCredential", [ELECTION, " 7k3qd m9xtb-2hwrz-5vn8c-jpg4a"]), ("canonicalJson", [value]))
    s, S = credential_key(CODE)
    assert derived == {"secret": s.to_bytes(32, "little").hex(), "public": point_hex(S)}
    assert text.encode() == canonical_json(value)
    (refused,) = js(("normaliseCode", ["ABCD_IOLU"]))
    assert isinstance(refused, Exception) and "only letters and digits" in str(refused)


def test_ranked_paper_from_the_browser_checks_in_python() -> None:
    sk = 987654321
    pk = base_mul(sk)
    ballot = {"election": ELECTION, "fingerprint": FINGERPRINT.hex(), "publicKey": point_hex(pk), "candidates": 10}
    out = js1("encryptRanked", {**ballot, "ranking": [3, 0, 9, 5], "code": CODE})
    cast, opening = out["cast"], out["opening"]
    _, S = credential_key(CODE)
    assert cast["credential"] == point_hex(S) and cast["type"] == "omov/cast-paper/v1"
    P, Q = bytes.fromhex(cast["paper"]), bytes.fromhex(cast["proof"])
    cts = check_randomness_proof(pk, S, P, Q)
    assert cast["tracker"] == out["tracker"] == tracker_of(S, P, Q).hex()
    check_signature(cast, S)
    # The trustee's view: the paper decrypts to the ranking's values m_j = index + 1, then 0.
    assert [_dlog(ct.b - ct.a * sk) for ct in cts] == [4, 1, 10, 6, 0, 0, 0, 0, 0, 0]
    # The Benaloh opening re-encrypts in Python.
    assert opening["values"] == [4, 1, 10, 6, 0, 0, 0, 0, 0, 0]
    for m, r, ct in zip(opening["values"], opening["randomness"], cts, strict=True):
        assert encrypt(pk, m, scalar_from_hex(r))[0] == ct
    assert js1("checkOpening", ballot, opening) == opening["values"]
    # A Python-made opening with a lie in it is refused by the browser's checker.
    lie = {**opening, "values": [1, 4, *opening["values"][2:]]}
    (refused,) = js(("checkOpening", [ballot, lie]))
    assert isinstance(refused, Exception) and "does not encrypt" in str(refused)


def _dlog(point: Point, top: int = 20) -> int:
    for m in range(top + 1):
        if base_mul(m) == point:
            return m
    raise AssertionError("no small discrete log")


def test_mark_paper_from_the_browser_checks_in_python() -> None:
    pk = base_mul(424242)
    spec = QuestionSpec.bloc("nec", 6, up_to=2)
    ballot = {
        "election": ELECTION,
        "fingerprint": FINGERPRINT.hex(),
        "publicKey": point_hex(pk),
        "question": spec.to_json(),
    }
    out = js1("encryptMarks", {**ballot, "marks": [0, 1, 0, 0, 1, 0], "code": CODE})
    cast = out["cast"]
    _, S = credential_key(CODE)
    P = bytes.fromhex(cast["paper"])
    assert cast["proof"] == ""
    paper = parse_mark_paper(P)
    assert paper.encode() == P
    assert verify_paper(pk, ELECTION, spec, paper, FINGERPRINT + S.data, exact=True)
    assert not verify_paper(pk, ELECTION, spec, paper, FINGERPRINT + bytes(32), exact=True)
    assert cast["tracker"] == tracker_of(S, P, b"").hex()
    check_signature(cast, S)
    assert js1("checkOpening", ballot, out["opening"]) == [0, 1, 0, 0, 1, 0]


def test_ceremony_mixing_browser_and_python_trustees() -> None:
    """Trustees 1 and 3 in the browser, trustee 2 with omov.crypto: the files interoperate and the joint key
    decrypts with any two of them."""
    n, t = 3, 2
    b1, b3 = js(
        ("trusteeInit", [{"election": ELECTION, "id": 1, "n": n, "t": t}]),
        ("trusteeInit", [{"election": ELECTION, "id": 3, "n": n, "t": t}]),
    )
    py_secret, py_init = init_trustee(ELECTION, 2, n, t)
    inits = [b1["init"], py_init, b3["init"]]
    s1, s3 = js(("trusteeShare", [b1["secret"], inits]), ("trusteeShare", [b3["secret"], inits]))
    shares = [s1, make_shares(py_secret, inits), s3]
    c1, c3 = js(("trusteeCombine", [b1["secret"], inits, shares]), ("trusteeCombine", [b3["secret"], inits, shares]))
    py_combine = combine(py_secret, inits, shares)
    pk = check_ceremony(inits, [c1["combine"], py_combine, c3["combine"]])
    assert c1["secret"]["public_key"] == point_hex(pk) == c3["combine"]["public_key"]
    # The browser's secret file reads in Python (the same format as `omov trustee`'s).
    assert TrusteeSecret.from_json(c3["secret"]).share is not None

    # Decrypt an omov/ciphertexts/v1 file: browser trustees 1 and 3, checked and combined in Python.
    values = [0, 1, 7]
    cts = [encrypt(pk, m)[0] for m in values]
    input_file = {"type": "omov/ciphertexts/v1", "election": ELECTION, "ciphertexts": [c.encode().hex() for c in cts]}
    h = hashlib.sha256(canonical_json(input_file)).digest()
    p1, p3 = js(("trusteeDecrypt", [c1["secret"], input_file]), ("trusteeDecrypt", [c3["secret"], input_file]))
    parsed = {}
    for j, p in ((1, p1), (3, p3)):
        assert p["type"] == "omov/partial-decryption/v1" and p["trustee"] == j and p["input"] == h.hex()
        vk = point_from_hex(next(c for c in (c1["combine"], c3["combine"]) if c["id"] == j)["verification_key"])
        pairs = [(point_from_hex(x["d"]), DleqProof.from_json(x["proof"])) for x in p["partials"]]
        assert verify_partials(ELECTION, j, vk, cts, pairs, h)
        parsed[j] = [d for d, _ in pairs]
    assert combine_partials(cts, parsed, t) == [base_mul(m) for m in values]

    # The record's decryption input (docs/record.md §4, §9): ranked papers and a marks tally.
    papers = [b"".join(encrypt(pk, m)[0].encode() for m in (2, 1, 0)) for _ in range(2)]
    ranked = {
        "type": "omov/record-decryption-input/v1",
        "election": ELECTION,
        "fingerprint": FINGERPRINT.hex(),
        "kind": "ranked",
        "width": 3,
        "papers": [p.hex() for p in papers],
    }
    tally = {k: v for k, v in ranked.items() if k not in ("papers", "width")} | {
        "kind": "marks",
        "tally": [c.encode().hex() for c in cts],
    }
    r1, m3 = js(("trusteeDecryptRecord", [c1["secret"], ranked]), ("trusteeDecryptRecord", [c3["secret"], tally]))
    vk1, vk3 = (point_from_hex(c["combine"]["verification_key"]) for c in (c1, c3))
    assert r1["type"] == "omov/record-partials/v1" and r1["trustee"] == 1 and r1["fingerprint"] == FINGERPRINT.hex()
    assert r1["input"] == hashlib.sha256(canonical_json(ranked)).hexdigest()
    for i, paper in enumerate(papers):
        h_i = length_prefixed(b"omov/record/v3/decryption", FINGERPRINT, u64(i))
        for j, (d, c, z) in enumerate(r1["shares"][i]):
            a = Ciphertext.decode(paper[64 * j : 64 * j + 64]).a
            ctx = length_prefixed(b"omov/v1/partial-decryption", ELECTION.encode(), u32(1), h_i, u32(j))
            assert verify_dleq(
                base_mul(1), vk1, a, point_from_hex(d), DleqProof(scalar_from_hex(c), scalar_from_hex(z)), ctx
            )
    h_t = length_prefixed(b"omov/record/v4/tally", FINGERPRINT)
    for index, (d, c, z) in enumerate(m3["shares"]):
        ctx = length_prefixed(b"omov/v1/partial-decryption", ELECTION.encode(), u32(3), h_t, u32(index))
        assert verify_dleq(
            base_mul(1), vk3, cts[index].a, point_from_hex(d), DleqProof(scalar_from_hex(c), scalar_from_hex(z)), ctx
        )


def test_a_bad_share_from_python_is_named_by_a_browser_trustee() -> None:
    n, t = 2, 2
    (b1,) = js(("trusteeInit", [{"election": ELECTION, "id": 1, "n": n, "t": t}]))
    py_secret, py_init = init_trustee(ELECTION, 2, n, t)
    inits = [b1["init"], py_init]
    evil = TrusteeSecret.from_json(py_secret.to_json())
    evil.coefficients = [evil.coefficients[0], (evil.coefficients[1] + 1) % ORDER]  # not what it committed to
    shares = [js1("trusteeShare", b1["secret"], inits), make_shares(evil, inits)]
    (refused,) = js(("trusteeCombine", [b1["secret"], inits, shares]))
    assert isinstance(refused, Exception) and "bad share from trustee(s) 2" in str(refused)


class _Scripted:
    """omov.crypto's randomness source replaced by listed scalars (what the driver does for the bundle)."""

    def __init__(self, values: list[int]) -> None:
        self.values = list(values)

    def getrandbits(self, k: int) -> int:
        return self.values.pop(0)


def test_casts_pass_omov_ballot_box_and_its_opening_check() -> None:
    """vbpy's check_cast (the ballot box's rules) and check_opening accept the browser's papers; a second paper
    under the same credential is refused."""
    pk = base_mul(55555)
    common = {"election": ELECTION, "fingerprint": FINGERPRINT.hex(), "publicKey": point_hex(pk)}
    spec = {"question_id": "q", "kind": "approval", "options": 3, "min_marks": 0, "max_marks": 3}
    ranked, marks = js(
        ("encryptRanked", [{**common, "candidates": 5, "ranking": [4, 2], "code": CODE}]),
        ("encryptMarks", [{**common, "question": spec, "marks": [1, 0, 1], "code": CODE}]),
    )
    listed = {ranked["cast"]["credential"]}
    where: dict[str, Any] = {"election": ELECTION, "fingerprint": FINGERPRINT, "public_key": pk}
    paper = credentials.check_cast(ranked["cast"], **where, width=5, listed=listed)
    assert paper.entry()["tracker"] == ranked["tracker"]
    credentials.check_cast(marks["cast"], **where, question=spec, listed=listed)
    with pytest.raises(credentials.CastRefused) as refused:
        credentials.check_cast(ranked["cast"], **where, width=5, listed=listed, used=listed)
    assert refused.value.code == "credential-used"
    assert credentials.check_opening(ranked["opening"], **where, candidates=5) == [5, 3, 0, 0, 0]
    assert credentials.check_opening(marks["opening"], **where, question=spec) == [1, 0, 1]


def test_record_partials_are_omov_trustee_partials_byte_for_byte() -> None:
    """Fed the same nonces, the browser's trusteeDecryptRecord writes exactly what omov's trustee_partials writes,
    and the platform's combine (record4) decrypts browser trustees' shares."""
    n, t = 3, 2
    secrets, inits = zip(*(init_trustee(ELECTION, i, n, t) for i in range(1, n + 1)), strict=True)
    shares = [make_shares(s, list(inits)) for s in secrets]
    for s in secrets:
        combine(s, list(inits), shares)
    pk = secrets[0].public_key
    assert pk is not None
    papers = [b"".join(encrypt(pk, m)[0].encode() for m in ranking) for ranking in ((2, 1, 0), (1, 1, 2))]
    ranked = record4.decryption_input(election=ELECTION, fingerprint=FINGERPRINT, width=3, papers=papers)
    marks_cts = [encrypt(pk, m)[0].encode() for m in (3, 0)]
    tally = record4.decryption_input(election=ELECTION, fingerprint=FINGERPRINT, tally=marks_cts)
    nonces = [random_scalar() for _ in range(6)]
    hexes = [k.to_bytes(32, "little").hex() for k in nonces]
    r1, r3, m1, m3 = js(
        ("trusteeDecryptRecord", [secrets[0].to_json(), ranked], hexes),
        ("trusteeDecryptRecord", [secrets[2].to_json(), ranked], hexes),
        ("trusteeDecryptRecord", [secrets[0].to_json(), tally], hexes[:2]),
        ("trusteeDecryptRecord", [secrets[2].to_json(), tally], hexes[:2]),
    )
    assert canonical_json(r1) == canonical_json(record4.trustee_partials(secrets[0], ranked, rng=_Scripted(nonces)))
    assert canonical_json(m3) == canonical_json(record4.trustee_partials(secrets[2], tally, rng=_Scripted(nonces[:2])))
    decryption, values = record4.combine_ranked(ranked, {1: r1, 3: r3}, list(inits), candidates=3)
    assert decryption["present"] == [1, 3]
    assert values == [[2, 1, 0], [1, 1]]  # the second paper stops at its first fault (candidate 1 twice)
    _, totals = record4.combine_marks(tally, {1: m1, 3: m3}, list(inits), papers=5)
    assert totals == [3, 0]
