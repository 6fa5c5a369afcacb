"""Offline credentials (docs/crypto.md §11): the list made off the server is uploaded, must match the roll, and a
voter casts with their voting token and signs with their separate code; `omov record export` writes the record."""

from __future__ import annotations

import json

import pytest

from omov.ballots import services as bs
from omov.ballots.errors import BallotError, NotReady, PaperRefused
from omov.ballots.models import CredentialKey, Election, Voter
from omov.ballots.verifiable import selectors as vs
from omov.ballots.verifiable import services as vsv
from omov.cli import main as omov_main
from omov.crypto import credentials as cr
from omov.members.selectors import eligible_members
from tests.ballots.verifiable_play import booth_ranked, run_ceremony, trustee_partials
from tests.conftest_django import open_and_issue


def test_an_offline_list_must_match_the_roll_and_votes_need_both_token_and_code(world, tmp_path, capsys):
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"), ready=False)
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia", "Tom"], threshold=1,
                       credential_mode="offline", mix_count=1)
    secrets = run_ceremony(ballot, world.officer)
    roll = eligible_members(organisation=ballot.organisation, units=[], statuses=["active"]).count()
    codes = [cr.new_code() for _ in range(roll)]
    E = ballot.election_id
    listed = cr.credentials_list(E, [cr.derive_credential(E, c).public for c in codes])
    with pytest.raises(BallotError, match="only the public list"):
        vsv.upload_credentials(ballot=ballot, actor=world.officer, data={**listed, "codes": codes})
    short = cr.credentials_list(E, listed["keys"][:-1])
    vsv.upload_credentials(ballot=ballot, actor=world.officer, data=json.dumps(short))
    bs.mark_ready(ballot=ballot, actor=world.officer)
    with pytest.raises(NotReady, match=f"has {roll - 1} credentials but the roll has {roll}"):
        bs.open_ballot(ballot=ballot, actor=world.officer)
    assert not Voter.objects.filter(ballot=ballot).exists()  # the opening rolled back whole
    assert vsv.upload_credentials(ballot=ballot, actor=world.officer, data=listed) == roll
    tokens = open_and_issue(ballot, world.officer)
    ballot.refresh_from_db()
    assert json.loads(Election.objects.get(ballot=ballot).credentials) == listed
    params = vs.booth_parameters(ballot=ballot)
    # A token alone cannot sign: a paper signed under a code derived from the token is not on the list.
    with pytest.raises(PaperRefused) as caught:
        vsv.cast_encrypted(credential=tokens[0], cast=booth_ranked(params, tokens[0], [0]).cast)
    assert caught.value.reason == "credential-unknown"
    for i, ranking in enumerate([[0, 1], [1], [0, 2, 1], [2, 0]]):
        vsv.cast_encrypted(credential=tokens[i], cast=booth_ranked(params, codes[i], ranking).cast)
    assert CredentialKey.objects.filter(ballot=ballot, used=True).count() == 4
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    assert vs.pipeline_status(ballot=ballot).stage == "decrypting"  # one mix: no trustee's mix awaited
    trustee = ballot.trustees.get(number=2)
    vsv.upload_partials(ballot=ballot, trustee=trustee, actor=world.officer,
                        data=trustee_partials(secrets[2], vsv.decryption_input(ballot=ballot)))
    ballot.refresh_from_db()
    assert ballot.state == "counted" and ballot.result.elected == ["Ann"]
    out = tmp_path / "rec"
    assert omov_main(["record", "export", str(ballot.pk), str(out)]) == 0
    assert "wrote the record" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["version"] == 4 and manifest["election"] == E
    assert set(manifest["files"]) == {"parameters.json", "credentials.json", "trustees.json", "papers.json",
                                      "decryption.json", "results.json", "mixes/mix-01.json"}
    assert omov_main(["record", "export", "999999", str(out)]) == 2
