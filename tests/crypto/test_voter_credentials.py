"""Credentials and signed papers (docs/crypto.md §11): codes, keys, the ballot box's refusals, Benaloh v2."""

from __future__ import annotations

import random
from typing import Any

import pytest

from omov.crypto.credentials import (
    ALPHABET,
    CastRefused,
    CredentialCodeError,
    check_cast,
    check_opening,
    credentials_list,
    derive_credential,
    encrypt_marks,
    encrypt_ranked,
    new_code,
    normalise_code,
    signature_context,
    tracker_of,
)
from omov.crypto.elgamal import keygen
from omov.crypto.errors import CryptoError
from omov.crypto.marks import QuestionSpec
from omov.crypto.proofs import prove_dlog

E = "election-test"
F = bytes(range(32))
SK, PK = keygen(random.Random(5))
CODE = "7KQ2M-9ZRTV-0H4XC-PWE8N-3JDGA"
CRED = derive_credential(E, CODE)
COMMON: dict[str, Any] = {"election": E, "fingerprint": F, "public_key": PK}
QUESTION = QuestionSpec.bloc("q", 4, up_to=2)


def test_codes() -> None:
    code = new_code()
    groups = code.split("-")
    assert len(groups) == 5 and all(len(g) == 5 and set(g) <= set(ALPHABET) for g in groups)
    assert normalise_code(code.lower().replace("-", " ")) == code.replace("-", "")
    assert derive_credential(E, code.lower()) == derive_credential(E, code)
    assert derive_credential(E, code) != derive_credential("other", code)
    for bad in ("", "--", "ABC_D", "ÄB", "A\tB"):
        with pytest.raises(CredentialCodeError):
            normalise_code(bad)


def test_the_list_is_sorted_and_refuses_a_key_twice() -> None:
    keys = [derive_credential(E, new_code()).public for _ in range(5)]
    listing = credentials_list(E, keys)
    assert listing["keys"] == sorted(k.hex() for k in keys)
    with pytest.raises(CryptoError, match="twice"):
        credentials_list(E, [*keys, keys[0]])


def ranked(**kw: Any) -> dict[str, Any]:
    return encrypt_ranked(**COMMON, candidates=3, ranking=[2, 0], code=CODE, **kw).cast


def resign(cast: dict[str, Any]) -> dict[str, Any]:
    """The cast with its tracker and signature recomputed (what a forger holding the credential could do)."""
    tracker = tracker_of(F, bytes.fromhex(cast["credential"]), bytes.fromhex(cast["paper"]),
                         bytes.fromhex(cast["proof"]))
    sig = prove_dlog(CRED.secret, signature_context(E, F, tracker))
    return {**cast, "tracker": tracker, "signature": sig.to_json()}


def flip(hexstr: str, at: int) -> str:
    raw = bytearray(bytes.fromhex(hexstr))
    raw[at] ^= 1
    return raw.hex()


def refusal(cast: Any, **kw: Any) -> str:
    args: dict[str, Any] = {**COMMON, "width": 3, "listed": {CRED.public_hex}, **kw}
    with pytest.raises(CastRefused) as info:
        check_cast(cast, **args)
    return info.value.code


def test_a_good_ranked_paper_is_accepted() -> None:
    cast = ranked()
    paper = check_cast(cast, **COMMON, width=3, listed={CRED.public_hex})
    assert paper.tracker == cast["tracker"] and len(paper.a_components) == 3
    assert paper.entry()["ciphertexts"] == cast["paper"]


def test_every_refusal_names_its_rule() -> None:
    cast = ranked()
    other = derive_credential(E, "00000000000000000000000001")
    assert refusal([cast]) == "malformed"
    assert refusal({**cast, "type": "x"}) == "type"
    assert refusal({**cast, "extra": 1}) == "malformed"
    assert refusal({**cast, "election": "other"}) == "election"
    assert refusal(cast, listed={other.public_hex}) == "credential-unknown"
    assert refusal(cast, listed=lambda key: key == other.public_hex) == "credential-unknown"
    assert refusal(cast, used={CRED.public_hex}) == "credential-used"
    assert refusal(cast, width=4) == "shape"
    assert refusal(resign({**cast, "proof": cast["proof"][:-64]})) == "shape"
    assert refusal(resign({**cast, "paper": "ff" * 32 + cast["paper"][64:]})) == "point"
    assert refusal({**cast, "tracker": flip(cast["tracker"], 0)}) == "tracker"
    assert refusal({**cast, "paper": flip(cast["paper"], 100)}) in ("tracker", "point")
    assert refusal({**cast, "signature": {**cast["signature"], "z": flip(cast["signature"]["z"], 0)}}) == "signature"
    assert refusal(resign({**cast, "proof": flip(cast["proof"], 40)})) == "proof"
    # the proof binds E, F and S: under another election's F, the same ciphertexts do not verify
    assert refusal(cast, fingerprint=bytes(32)) == "tracker"
    assert refusal(cast, on_board=lambda p, a: bytes.fromhex(cast["paper"])[:32] in a) == "copied"
    assert refusal(cast, spoiled={cast["tracker"]}) == "spoiled"


def test_a_copied_ciphertext_cannot_be_recast_under_another_credential() -> None:
    cast = ranked()
    thief = derive_credential(E, "00000000000000000000000001")
    stolen = {**cast, "credential": thief.public_hex}
    tracker = tracker_of(F, thief.public, bytes.fromhex(cast["paper"]), bytes.fromhex(cast["proof"]))
    stolen.update(tracker=tracker, signature=prove_dlog(thief.secret, signature_context(E, F, tracker)).to_json())
    with pytest.raises(CastRefused) as info:
        check_cast(stolen, **COMMON, width=3, listed={thief.public_hex})
    assert info.value.code == "proof"  # the proof of randomness is bound to S


def test_mark_papers() -> None:
    sealed = encrypt_marks(**COMMON, question=QUESTION, marks=[1, 0, 1, 0], code=CODE)
    cast = sealed.cast
    paper = check_cast(cast, **COMMON, question=QUESTION, listed={CRED.public_hex})
    assert len(paper.ciphertexts) == 4 and cast["proof"] == ""
    assert refusal(cast, width=None, question=QuestionSpec.bloc("q", 5, up_to=2)) == "shape"
    assert refusal(resign({**cast, "proof": "00"}), width=None, question=QUESTION) == "shape"
    assert refusal(resign({**cast, "paper": flip(cast["paper"], -40)}), width=None, question=QUESTION) in (
        "proof", "point")
    with pytest.raises(CryptoError):
        encrypt_marks(**COMMON, question=QUESTION, marks=[1, 1, 1, 0], code=CODE)  # three marks, up to two


def test_benaloh_openings_catch_a_lying_device() -> None:
    sealed = encrypt_ranked(**COMMON, candidates=3, ranking=[2, 0], code=CODE)
    assert check_opening(sealed.opening, **COMMON, candidates=3) == [3, 1, 0]
    lying = {**sealed.opening, "values": [1, 3, 0]}
    with pytest.raises(CryptoError, match="does not encrypt"):
        check_opening(lying, **COMMON, candidates=3)
    with pytest.raises(CryptoError, match="tracker"):
        check_opening({**sealed.opening, "tracker": flip(sealed.tracker, 1)}, **COMMON, candidates=3)
    marks = encrypt_marks(**COMMON, question=QUESTION, marks=[0, 1, 0, 0], code=CODE)
    assert check_opening(marks.opening, **COMMON, question=QUESTION) == [0, 1, 0, 0]
    with pytest.raises(CryptoError, match="does not encrypt"):
        check_opening({**marks.opening, "values": [1, 0, 0, 0]}, **COMMON, question=QUESTION)
