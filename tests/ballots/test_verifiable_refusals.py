"""The verifiable ballot box refuses, saying why, and a refusal stores and spends nothing (docs/crypto.md §11);
trustees' secret files are refused; the plaintext of a paper is nowhere on the server before decryption."""

from __future__ import annotations

import copy
import json

import pytest
from django.apps import apps
from django.db import connection

from omov.ballots import services as bs
from omov.ballots.errors import CeremonyError, CredentialError, PaperRefused
from omov.ballots.models import BoardComponent, Credential, CredentialKey, Paper, SpoiledTracker, Trustee, Voter
from omov.ballots.verifiable import selectors as vs
from omov.ballots.verifiable import services as vsv
from omov.crypto import trustees as tr
from omov.crypto.credentials import derive_credential
from tests.ballots.verifiable_play import booth_ranked, run_ceremony
from tests.conftest_django import open_and_issue


@pytest.fixture
def open_ranked(world):
    ballot = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"), ready=False)
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia", "Tom", "Tess"],
                       threshold=2)
    run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    ballot.refresh_from_db()
    return ballot, tokens, vs.booth_parameters(ballot=ballot)


def _state():
    return (
        Paper.objects.count(),
        Credential.objects.filter(spent=True).count(),
        Voter.objects.filter(voted=True).count(),
        CredentialKey.objects.filter(used=True).count(),
        BoardComponent.objects.count(),
    )


def _refused(token, cast, reason):
    before = _state()
    with pytest.raises(PaperRefused) as caught:
        vsv.cast_encrypted(credential=token, cast=cast)
    assert caught.value.reason == reason, str(caught.value)
    assert _state() == before, "a refused paper stored or spent something"
    return caught.value


def test_every_refusal_stores_and_spends_nothing(open_ranked):
    ballot, tokens, params = open_ranked
    good = booth_ranked(params, tokens[0], [0, 1, 2])

    bad_signature = copy.deepcopy(good.cast)
    bad_signature["signature"]["z"] = good.cast["signature"]["c"]
    _refused(tokens[0], bad_signature, "signature")

    tampered = copy.deepcopy(good.cast)
    raw = bytearray.fromhex(tampered["proof"])
    raw[40] ^= 1
    tampered["proof"] = raw.hex()
    _refused(tokens[0], tampered, "tracker")  # the proof is hashed into the tracker: changed, it no longer matches

    # A paper signed under a key that is not on the list (an outsider's code), cast with a real token.
    stranger = booth_ranked(params, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", [0])
    _refused(tokens[0], stranger.cast, "wrong-credential")

    _refused(tokens[0], {"type": "omov/cast-paper/v1"}, "wrong-credential")
    _refused(tokens[0], "not json", "malformed")

    # A paper whose ciphertext is someone else's on the board: cast by voter 1, copied under voter 2's key.
    vsv.cast_encrypted(credential=tokens[0], cast=good.cast)
    assert _state()[0] == 1
    again = _refused(tokens[0], good.cast, "credential-used")  # the same paper twice: its key has cast
    assert "already cast" in str(again)
    _refused(tokens[0], booth_ranked(params, tokens[0], [1]).cast, "credential-used")  # a second, fresh paper

    # Spoiled: a tracker opened by a Benaloh challenge can never be cast.
    opened = booth_ranked(params, tokens[2], [2, 1])
    assert vsv.spoil_tracker(ballot=ballot, tracker=opened.tracker) == opened.tracker
    assert SpoiledTracker.objects.filter(tracker=opened.tracker).exists()
    _refused(tokens[2], opened.cast, "spoiled")
    vsv.cast_encrypted(credential=tokens[2], cast=booth_ranked(params, tokens[2], [2, 1]).cast)  # a fresh one is fine


def test_a_copied_encryption_is_refused(open_ranked, world):
    ballot, tokens, params = open_ranked
    from omov.crypto import credentials as cr

    first = booth_ranked(params, tokens[0], [0, 1])
    vsv.cast_encrypted(credential=tokens[0], cast=first.cast)
    # Voter 2 re-signs voter 1's ciphertexts under their own key (with a fresh proof they cannot make, so here
    # the proof of randomness is voter 1's: refused for that, or for the copy, never stored).
    cred = derive_credential(params["election"], tokens[1])
    copy_cast = dict(first.cast, credential=cred.public_hex)
    f = bytes.fromhex(params["fingerprint"])
    copy_cast["tracker"] = cr.tracker_of(f, cred.public, bytes.fromhex(first.cast["paper"]),
                                         bytes.fromhex(first.cast["proof"]))
    sig = cr.prove_dlog(cred.secret, cr.signature_context(params["election"], f, copy_cast["tracker"]))
    copy_cast["signature"] = sig.to_json()
    before = _state()
    with pytest.raises(PaperRefused) as caught:
        vsv.cast_encrypted(credential=tokens[1], cast=copy_cast)
    assert caught.value.reason in {"proof", "copied"}
    assert _state() == before


def test_an_unknown_token_is_refused(open_ranked):
    _, tokens, params = open_ranked
    with pytest.raises(CredentialError):
        vsv.cast_encrypted(credential="AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
                           cast=booth_ranked(params, tokens[0], [0]).cast)
    assert _state() == (0, 0, 0, 0, 0)


def test_a_trustee_uploading_a_secret_is_refused_and_nothing_is_stored(world):
    ballot = world.ballot("irv", candidates=("Ann", "Bob"), ready=False)
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia", "Tom"], threshold=1)
    secret, init = tr.init_trustee(ballot.election_id, 1, 2, 1)
    trustee = Trustee.objects.get(ballot=ballot, number=1)
    for upload in (secret.to_json(), json.dumps(secret.to_json()), {**init, "coefficients": ["00" * 32]}):
        with pytest.raises(CeremonyError, match="SECRET"):
            vsv.upload_trustee_file(ballot=ballot, trustee=trustee, actor=world.officer, data=upload)
    trustee.refresh_from_db()
    assert trustee.init is None and trustee.state == "invited"
    # A file for another trustee, another n, or a bad proof is refused naming it.
    with pytest.raises(CeremonyError, match="trustee 2's"):
        vsv.upload_trustee_file(ballot=ballot, trustee=trustee, actor=world.officer,
                                data=tr.init_trustee(ballot.election_id, 2, 2, 1)[1])
    broken = dict(init, commitment_proof={"c": init["transport_proof"]["c"], "z": init["commitment_proof"]["z"]})
    with pytest.raises(CeremonyError, match="does not verify"):
        vsv.upload_trustee_file(ballot=ballot, trustee=trustee, actor=world.officer, data=broken)
    with pytest.raises(CeremonyError, match="upload the init file first"):
        vsv.upload_trustee_file(ballot=ballot, trustee=trustee, actor=world.officer,
                                data={"type": "omov/trustee-shares/v1", "election": ballot.election_id})
    vsv.upload_trustee_file(ballot=ballot, trustee=trustee, actor=world.officer, data=init)
    assert vs.ceremony_status(ballot=ballot).lines[0].state == "init"


def _all_stored_text() -> str:
    """Every row of every table of the platform, as text (binary columns decoded as hex and as UTF-8)."""
    parts = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        raw = bytes(value)
                        parts += [raw.hex(), raw.decode("utf-8", "replace")]
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def test_no_plaintext_ranking_is_stored_before_decryption(open_ranked, world, caplog):
    ballot, tokens, params = open_ranked
    # A distinctive ranking: Dan, Cat, Ann, Bob (0-based 3, 2, 0, 1), i.e. record values 4, 3, 1, 2.
    ranking = [3, 2, 0, 1]
    with caplog.at_level("DEBUG"):
        vsv.cast_encrypted(credential=tokens[0], cast=booth_ranked(params, tokens[0], ranking).cast)
        vsv.cast_encrypted(credential=tokens[1], cast=booth_ranked(params, tokens[1], [0, 1]).cast)
        bs.close_ballot(ballot=ballot, actor=ballot.returning_officers.first(), early=True)
    stored = _all_stored_text() + "\n" + caplog.text
    spellings = ["Dan, Cat, Ann, Bob", "Dan,Cat,Ann,Bob", "[3, 2, 0, 1]", "[3,2,0,1]", "[4, 3, 1, 2]", "[4,3,1,2]",
                 '"ranking"', "4 3 1 2"]
    for text in spellings:
        assert text not in stored, f"{text!r} found in the database or the logs before decryption"
    # ...and the search can see such a thing: it finds the same ranking on an ordinary (clear) ballot's paper.
    clear = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
    clear_tokens = open_and_issue(clear, world.officer)
    bs.cast(credential=clear_tokens[0], paper=[4, 3, 1, 2])
    assert "[4,3,1,2]" in _all_stored_text()
