"""A verifiable ballot end to end, with Python crypto playing the browser and the trustees (2 of 3): the key
ceremony, opening, encrypted casting, the server's and a trustee's mix, partial decryptions, the count, the
published record, and `omov verify` on it."""

from __future__ import annotations

import pytest

from omov.audit.models import Job
from omov.ballots import services as bs
from omov.ballots.errors import CeremonyError, NotReady
from omov.ballots.models import Credential, CredentialKey, Election, Paper, Result, Trustee
from omov.ballots.verifiable import selectors as vs
from omov.ballots.verifiable import services as vsv
from omov.crypto.verify import verify_record
from tests.ballots.verifiable_play import booth_marks, booth_ranked, run_ceremony, trustee_mix, trustee_partials
from tests.conftest_django import open_and_issue


def _verifiable(world, method, candidates, seats=1, **kwargs):
    ballot = world.ballot(method, seats=seats, candidates=candidates, ready=False)
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia", "Tom", "Tess"],
                       threshold=2, **kwargs)
    return ballot


def _ready_and_open(ballot, world):
    secrets = run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    ballot.refresh_from_db()
    return secrets, tokens


def _decrypt(ballot, world, secrets, who=(1, 3)):
    source = vsv.decryption_input(ballot=ballot)
    for number in who:
        trustee = Trustee.objects.get(ballot=ballot, number=number)
        vsv.upload_partials(ballot=ballot, trustee=trustee, actor=world.officer,
                            data=trustee_partials(secrets[number], source))


def _verified(ballot, directory):
    """`omov verify` on the exported record: every check passes (their names and messages shown otherwise)."""
    officer = ballot.returning_officers.first()
    checks = verify_record(vsv.export_record(ballot=ballot, directory=directory, actor=officer))
    failed = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
    assert checks and not failed, failed
    return checks


def test_a_ranked_stv_ballot_from_ceremony_to_verified_record(world, tmp_path):
    ballot = _verifiable(world, "scottish", ("Ann", "Bob", "Cat", "Dan"), seats=2)
    with pytest.raises(CeremonyError, match="not complete"):
        vsv.check_complete_ceremony(ballot)
    secrets, tokens = _ready_and_open(ballot, world)
    election = Election.objects.get(ballot=ballot)
    # The published list: one key per voter, nothing pointing at a voter; the tokens are the codes (server mode).
    assert CredentialKey.objects.filter(ballot=ballot).count() == len(tokens)
    assert not Credential.objects.filter(ballot=ballot).exclude(pending_code="").exists()  # delivered: erased
    params = vs.booth_parameters(ballot=ballot)
    assert params["fingerprint"] == election.fingerprint and params["candidates"] == 4
    rankings = [[0, 1], [0, 2, 1], [1, 0], [2, 3, 0], [0], [3, 1, 2, 0], [1, 2], [0, 3]]
    receipts = []
    for token, ranking in zip(tokens, rankings, strict=False):
        sealed = booth_ranked(params, token, ranking)
        receipt = vsv.cast_encrypted(credential=token, cast=sealed.cast, ballot_id=ballot.pk)
        assert receipt.tracker == sealed.tracker
        receipts.append(receipt)
    assert vs.find_on_board(ballot=ballot, tracker=receipts[2].tracker.upper())["position"] == 3
    assert vs.chain_head(ballot=ballot) == {"position": len(receipts), "hash": receipts[-1].entry_hash}
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    # The server's mix ran as a job; the ballot waits for a trustee's mix (two mixes by default).
    assert Job.objects.get(kind="verifiable-prepare").state == "succeeded"
    assert vs.pipeline_status(ballot=ballot).waiting_for_trustee_mix
    mix = trustee_mix(vsv.mix_input(ballot=ballot))
    vsv.upload_mix(ballot=ballot, trustee=Trustee.objects.get(ballot=ballot, number=2), actor=world.officer, data=mix)
    _decrypt(ballot, world, secrets)
    ballot.refresh_from_db()
    assert ballot.state == "counted"
    result = Result.objects.get(ballot=ballot)
    assert result.papers == len(rankings)
    assert sorted(result.elected) == ["Ann", "Bob"]
    bs.publish_result(ballot=ballot, actor=world.officer)
    _verified(ballot, tmp_path / "record")
    directory = tmp_path / "record"
    assert (directory / "credentials.json").exists() and (directory / "mixes" / "mix-02.json").exists()


def test_a_bloc_ballot_with_one_mark_per_option_tallied_under_encryption(world, tmp_path):
    ballot = _verifiable(world, "bloc", ("Ann", "Bob", "Cat"), seats=2)
    secrets, tokens = _ready_and_open(ballot, world)
    params = vs.booth_parameters(ballot=ballot)
    assert params["question"]["max_marks"] == 2
    papers = [[1, 1, 0], [1, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 1]]
    for token, marks in zip(tokens, papers, strict=False):
        vsv.cast_encrypted(credential=token, cast=booth_marks(params, token, marks).cast)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    assert vs.pipeline_status(ballot=ballot).stage == "decrypting"  # no mix for marks
    _decrypt(ballot, world, secrets, who=(2, 3))
    ballot.refresh_from_db()
    assert ballot.state == "counted"
    import json

    results = json.loads(Election.objects.get(ballot=ballot).results)
    assert results["totals"] == [3, 3, 2] and results["papers"] == 5
    assert sorted(Result.objects.get(ballot=ballot).elected) == ["Ann", "Bob"]
    _verified(ballot, tmp_path / "record")


def test_opening_needs_a_complete_ceremony(world):
    ballot = _verifiable(world, "irv", ("Ann", "Bob"))
    bs.mark_ready(ballot=ballot, actor=world.officer)
    with pytest.raises(NotReady, match="waiting for trustee"):
        bs.open_ballot(ballot=ballot, actor=world.officer)
    assert not Paper.objects.exists() and not CredentialKey.objects.exists()
