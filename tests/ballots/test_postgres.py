"""Concurrency and crash safety on PostgreSQL (selected by the PostgreSQL run; deselected on SQLite).

- 50 threads cast with one credential: exactly one paper.
- 500 credentials cast concurrently: 500 papers, 500 receipts, each on the published list.
- A real server process (gunicorn) is SIGKILLed in the middle of a burst of casts over HTTP: every receipt it
  issued is on the list, and no credential is spent without its paper.
- Opening a ballot runs on a real Celery worker through Redis.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from omov.ballots import services as bs
from omov.ballots.errors import CredentialError
from omov.ballots.models import Credential, Paper, Voter
from omov.ballots.selectors import find_receipt, paper_list, verify_paper_chain
from omov.members.models import Member
from tests.conftest_django import World, open_and_issue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_thread(fn, *args):  # type: ignore[no-untyped-def]
    """Run fn in a worker thread with its own database connection, closed afterwards."""
    try:
        return fn(*args)
    finally:
        connection.close()


def _many_members(world: World, n: int) -> None:
    import datetime as dt

    Member.objects.bulk_create(
        Member(organisation=world.org, membership_number=f"P{i:05d}", name=f"Voter {i}", email=f"p{i}@example.org",
               unit=world.b1, joined_on=dt.date(2020, 1, 1))
        for i in range(n)
    )  # fmt: skip


def test_fifty_threads_casting_with_one_credential_store_exactly_one_paper():
    world = World()
    ballot = world.ballot("irv")
    token = open_and_issue(ballot, world.officer)[0]
    barrier = threading.Barrier(50)

    def attempt(i: int) -> str:
        barrier.wait()
        try:
            bs.cast(credential=token, paper=[1 + i % 3])
        except CredentialError:
            return "refused"
        return "stored"

    with ThreadPoolExecutor(50) as pool:
        outcomes = list(pool.map(lambda i: _in_thread(attempt, i), range(50)))
    assert outcomes.count("stored") == 1 and outcomes.count("refused") == 49
    assert Paper.objects.filter(ballot=ballot).count() == 1
    assert Credential.objects.filter(ballot=ballot, spent=True).count() == 1
    assert Voter.objects.filter(ballot=ballot, voted=True).count() == 1
    assert verify_paper_chain(ballot=ballot).ok


def test_five_hundred_concurrent_casts_give_five_hundred_papers_each_on_the_published_list():
    world = World()
    _many_members(world, 488)  # + 12 members of the world: 500 voters
    ballot = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
    tokens = open_and_issue(ballot, world.officer)
    assert len(tokens) == 500
    papers = [[1 + i % 4, 1 + (i + 1) % 4][: 1 + i % 2] for i in range(500)]

    def cast(i: int):  # type: ignore[no-untyped-def]
        return bs.cast(credential=tokens[i], paper=papers[i])

    with ThreadPoolExecutor(32) as pool:
        receipts = list(pool.map(lambda i: _in_thread(cast, i), range(500)))
    assert len({r.tracker for r in receipts}) == 500
    assert Paper.objects.filter(ballot=ballot).count() == 500
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    listed = {e.tracker for e in paper_list(ballot=ballot)}
    assert {r.tracker for r in receipts} == listed
    assert all(find_receipt(ballot=ballot, tracker=r.tracker) is not None for r in receipts)
    assert sorted(e.choices for e in paper_list(ballot=ballot)) == sorted(tuple(p) for p in papers)
    assert verify_paper_chain(ballot=ballot).ok
    assert ballot.result.papers == 500 and ballot.result.roll == 500


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int) -> subprocess.Popen[bytes]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "OMOV_DATABASE_URL": url, "OMOV_ALLOWED_HOSTS": "127.0.0.1", "OMOV_SSL_REDIRECT": "0",
           "OMOV_CELERY_EAGER": "1", "OMOV_DEBUG": "0"}  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "omov.web.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "8", "--log-level", "warning"],
        env=env, cwd=root, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("the server did not start")


def _post_cast(port: int, ballot_id: int, token: str, paper: list[int]) -> str | None:
    body = json.dumps({"credential": token, "paper": paper}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/ballots/{ballot_id}/cast", data=body,
        headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return str(json.loads(response.read())["tracker"])
    except (urllib.error.URLError, ConnectionError, OSError, ValueError, http.client.HTTPException):
        # refused, or the server died under us (before answering, or between the headers and the body, which
        # http.client reports as IncompleteRead): no receipt reached the voter
        return None


def test_killing_the_server_mid_burst_loses_no_receipt_and_spends_no_credential_without_its_paper():
    world = World()
    _many_members(world, 388)  # 400 voters
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    port = _free_port()
    server = _start_server(port)
    receipts: list[str] = []
    lock = threading.Lock()
    started = threading.Event()

    def voter(i: int) -> None:
        tracker = _post_cast(port, ballot.pk, tokens[i], [1 + i % 3])
        if tracker:
            with lock:
                receipts.append(tracker)
                if len(receipts) >= 40:
                    started.set()

    pool = ThreadPoolExecutor(24)
    futures = [pool.submit(voter, i) for i in range(len(tokens))]
    try:
        got_through = started.wait(120)
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the whole server (master and workers), mid-burst
        server.wait(30)
    assert got_through, f"only {len(receipts)} casts got through in 120 s"
    for f in futures:
        f.result()
    pool.shutdown()
    stored = set(Paper.objects.filter(ballot=ballot).values_list("tracker", flat=True))
    spent = Credential.objects.filter(ballot=ballot, spent=True).count()
    voted = Voter.objects.filter(ballot=ballot, voted=True).count()
    assert 40 <= len(receipts) < len(tokens), "the kill should land in the middle of the burst"
    assert set(receipts) <= stored, "a receipt was issued for a paper that is not stored"
    assert spent == len(stored) == voted, "a credential was spent without its paper (or the reverse)"
    assert verify_paper_chain(ballot=ballot).ok
    # A fresh server carries on: the voters who got no receipt can still vote (their credentials are unspent
    # unless their paper was stored: then the cast is refused as already used, and their paper is on the list).
    server = _start_server(port)
    try:
        retried = [_post_cast(port, ballot.pk, t, [2]) for t in tokens[:60]]
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(30)
    assert Paper.objects.filter(ballot=ballot).count() == Credential.objects.filter(ballot=ballot, spent=True).count()
    assert all(r is None or r in set(Paper.objects.values_list("tracker", flat=True)) for r in retried)


@pytest.mark.celery_worker
def test_opening_runs_on_a_real_worker_through_redis(redis_broker):
    from celery.contrib.testing.worker import start_worker

    from omov.audit.models import Job

    world = World()
    ballot = world.ballot("irv")
    with start_worker(redis_broker, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        job = bs.start_opening(ballot=ballot, actor=world.officer)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            sending = Job.objects.filter(kind="send-credentials", subject=f"ballot:{ballot.pk}").first()
            if sending is not None and sending.finished:
                break
            time.sleep(0.2)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["roll"] == 12 and job.attempts == 1
    assert sending is not None and sending.state == Job.State.SUCCEEDED and sending.result["sent"] == 12
    ballot.refresh_from_db()
    assert ballot.state == "open"


def test_closing_rewrites_the_roll_so_row_metadata_no_longer_pairs_voters_with_papers():
    """While voting, PostgreSQL's xmin (the transaction that wrote a row) is shared by a paper and its voter's
    roll line: a database administrator could pair them. Closing rewrites the roll in one transaction."""
    world = World()
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    for t in tokens[:5]:
        bs.cast(credential=t, paper=[1])

    def xmins(table: str, where: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} WHERE ballot_id = %s AND {where}", [ballot.pk])
            return {row[0] for row in cursor.fetchall()}

    papers = xmins("ballots_paper", "true")
    assert xmins("ballots_voter", "voted") == papers  # the weakness, stated
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    assert not xmins("ballots_voter", "voted") & papers
    assert not xmins("ballots_credential", "spent") & papers
