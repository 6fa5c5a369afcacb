"""The JSON API for sealed papers: POST /api/ballots/<id>/cast-encrypted {"credential", "cast"} (one request, no
page rendered), with Python crypto playing the booth."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from omov.ballots import services as bs
from omov.ballots.models import BoardComponent, Credential, CredentialKey, Paper
from omov.ballots.verifiable import selectors as vs
from omov.ballots.verifiable import services as vsv
from tests.ballots.verifiable_play import booth_ranked, run_ceremony
from tests.conftest_django import open_and_issue


def _open(world: Any) -> tuple[Any, list[str]]:
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"), ready=False)
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia", "Tom", "Tess"],
                       threshold=2)  # fmt: skip
    run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    ballot.refresh_from_db()
    return ballot, tokens


def _post(ballot_id: int, body: Any) -> Any:
    client = Client(raise_request_exception=False)
    return client.post(f"/api/ballots/{ballot_id}/cast-encrypted", data=json.dumps(body),
                       content_type="application/json")  # fmt: skip


def _stored(ballot: Any) -> tuple[int, int, int, int]:
    return (Paper.objects.filter(ballot=ballot).count(), Credential.objects.filter(ballot=ballot, spent=True).count(),
            CredentialKey.objects.filter(ballot=ballot, used=True).count(),
            BoardComponent.objects.filter(ballot=ballot).count())  # fmt: skip


def test_a_sealed_paper_cast_through_the_api_is_on_the_board_under_its_tracker(world: Any) -> None:
    ballot, tokens = _open(world)
    sealed = booth_ranked(vs.booth_parameters(ballot=ballot), tokens[0], [2, 0])
    answer = _post(ballot.pk, {"credential": tokens[0], "cast": sealed.cast})
    assert answer.status_code == 200, answer.content
    doc = answer.json()
    assert doc["ok"] is True and doc["tracker"] == sealed.tracker and doc["position"] == 1
    assert vs.find_on_board(ballot=ballot, tracker=sealed.tracker)["entry_hash"] == doc["entry_hash"]
    assert _stored(ballot) == (1, 1, 1, 3)


def test_the_api_refuses_a_second_paper_a_bad_proof_and_a_body_without_a_cast_storing_nothing(world: Any) -> None:
    ballot, tokens = _open(world)
    params = vs.booth_parameters(ballot=ballot)
    first = booth_ranked(params, tokens[0], [0])
    assert _post(ballot.pk, {"credential": tokens[0], "cast": first.cast}).status_code == 200
    before = _stored(ballot)
    again = _post(ballot.pk, {"credential": tokens[0], "cast": booth_ranked(params, tokens[0], [1]).cast})
    assert again.status_code in (400, 403) and again.json()["ok"] is False
    bad = booth_ranked(params, tokens[1], [1]).cast
    proof = bad["proof"]
    bad = dict(bad, proof=proof[:-2] + ("00" if proof[-2:] != "00" else "01"))
    refused = _post(ballot.pk, {"credential": tokens[1], "cast": bad})
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"] == "paper-refused" and refused.json()["reason"] in ("tracker", "proof")
    shapeless = _post(ballot.pk, {"credential": tokens[1], "paper": [1]})
    assert shapeless.status_code == 400 and shapeless.json()["error"] == "bad-request"
    assert _stored(ballot) == before
    # The voter whose paper was refused can still cast a good one.
    good = booth_ranked(params, tokens[1], [1, 2])
    assert _post(ballot.pk, {"credential": tokens[1], "cast": good.cast}).status_code == 200
