"""Verifiable casting under concurrency on PostgreSQL (selected by the PostgreSQL run; deselected on SQLite):
two casts with one credential store one paper; concurrent casts with many credentials all land, chained."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from omov.ballots import services as bs
from omov.ballots.errors import BallotError
from omov.ballots.models import Credential, CredentialKey, Paper, Voter
from omov.ballots.selectors import verify_paper_chain
from omov.ballots.verifiable import selectors as vs
from omov.ballots.verifiable import services as vsv
from tests.ballots.verifiable_play import booth_ranked, run_ceremony
from tests.conftest_django import World, open_and_issue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_thread(fn, *args):  # type: ignore[no-untyped-def]
    try:
        return fn(*args)
    finally:
        connection.close()


def _open_verifiable() -> tuple[object, list[str], dict]:
    world = World()
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"), ready=False)
    vsv.set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=["Tia", "Tom"], threshold=1)
    run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    ballot.refresh_from_db()
    return ballot, tokens, vs.booth_parameters(ballot=ballot)


def test_two_casts_with_one_credential_store_exactly_one_paper():
    ballot, tokens, params = _open_verifiable()
    papers = [booth_ranked(params, tokens[0], [i, (i + 1) % 3]).cast for i in range(2)]
    barrier = threading.Barrier(2)

    def attempt(i: int) -> str:
        barrier.wait()
        try:
            vsv.cast_encrypted(credential=tokens[0], cast=papers[i])
        except BallotError as exc:
            return f"refused: {exc}"
        return "stored"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda i: _in_thread(attempt, i), range(2)))
    assert outcomes.count("stored") == 1, outcomes
    assert Paper.objects.filter(ballot=ballot).count() == 1
    assert Credential.objects.filter(ballot=ballot, spent=True).count() == 1
    assert CredentialKey.objects.filter(ballot=ballot, used=True).count() == 1
    assert Voter.objects.filter(ballot=ballot, voted=True).count() == 1
    assert verify_paper_chain(ballot=ballot).ok


def test_concurrent_casts_with_their_own_credentials_all_land_in_one_chain():
    ballot, tokens, params = _open_verifiable()
    papers = [booth_ranked(params, t, [i % 3]).cast for i, t in enumerate(tokens)]
    with ThreadPoolExecutor(8) as pool:
        receipts = list(pool.map(lambda i: _in_thread(lambda: vsv.cast_encrypted(credential=tokens[i],
                                                                                 cast=papers[i])),
                                 range(len(tokens))))
    assert sorted(r.position for r in receipts) == list(range(1, len(tokens) + 1))
    assert verify_paper_chain(ballot=ballot).ok
    assert vs.chain_head(ballot=ballot)["position"] == len(tokens)
