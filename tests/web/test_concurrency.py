"""Concurrency audit on PostgreSQL: the writes two people (or a person and the scheduler, or two web processes)
can make at the same moment, each from its own thread and database connection.

Most races are made deterministic rather than left to timing: `_race(..., hold=...)` keeps a row lock (the
audit log's chain head, which every service appends to at the end of its transaction, or another row) in a
transaction of the test's own while the racers start together, waits until every racer is either blocked on a
lock or finished, and only then lets go. So each racer has done all its reads before any of them commits: the
worst interleaving a read-then-write without a lock can meet. A service that locks correctly simply queues.

The audit found five races (two presses of Open or Count queueing two jobs, two sendings of credentials
mailing each voter two codes, a double-clicked report failing on the unique index, two moderators deciding one
comment at once); each is fixed, and its test here keeps it so.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from omov.audit.models import AuditEntry, ChainHead, Job
from omov.audit.selectors import verify_audit_chain
from omov.audit.services import AUDIT_CHAIN
from omov.ballots import services as bs
from omov.ballots.errors import BallotError, IllegalTransition, NotOpen
from omov.ballots.models import Ballot, Credential, Paper, Result
from omov.ballots.papers import credential_hash, paper_chain_name
from omov.ballots.scheduling import run_schedule
from omov.ballots.selectors import paper_list, verify_paper_chain
from omov.core.actors import SCHEDULER
from omov.members import services as ms
from omov.members.models import Member
from omov.nominations import services as ns
from omov.nominations.errors import DuplicateNomination
from omov.nominations.models import Nomination, NominationRound, TriggerVote
from omov.voice import services as vs
from omov.voice.errors import AlreadyDone, VoiceError
from omov.voice.models import Comment, ModerationDecision, Motion, Report, Support
from tests.conftest_django import World, open_and_issue, tokens_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Ballot.State


# The harness ---------------------------------------------------------------------------------------------------


def _hold_audit() -> None:
    """Lock the audit log's head: every service blocks at its first `record` until the holder lets go."""
    ChainHead.objects.select_for_update().get(name=AUDIT_CHAIN)


def _wait_until_stuck(futures: Sequence[Future[Any]], pids: list[int | None], timeout: float = 20.0) -> None:
    """Return once every racer is waiting for a lock (seen in pg_locks by its backend's pid) or has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND pid = ANY(%s)",
                [[p for p in pids if p is not None]],
            )
            waiting = {row[0] for row in cursor.fetchall()}
        if all(
            f.done() or (p is not None and p in waiting) for f, p in zip(futures, pids[: len(futures)], strict=True)
        ):
            return
        time.sleep(0.01)
    # Not an AssertionError: a stuck harness must never pass for the race it is meant to force.
    raise RuntimeError("the racers never all reached a lock: the harness, not the code under test, is stuck")


def _race(calls: Sequence[Callable[[], Any]], *, hold: Callable[[], None] | None = None) -> list[Any]:
    """Run the calls at the same moment, each in its own thread with its own connection; the outcome of each
    (its return value, or the exception it raised), in order. With `hold`, the calls run while the test holds
    the locks `hold` takes, released once all of them are blocked or done (see the module's docstring)."""
    n = len(calls)
    barrier = threading.Barrier(n)
    pids: list[int | None] = [None] * n

    def run(i: int) -> Any:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[i] = cursor.fetchone()[0]
            barrier.wait()
            try:
                return calls[i]()
            except Exception as exc:  # the outcome under test: a refusal, or an internal error
                return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(n) as pool:
        if hold is None:
            futures = [pool.submit(run, i) for i in range(n)]
        else:
            with transaction.atomic():
                hold()
                futures = [pool.submit(run, i) for i in range(n)]
                _wait_until_stuck(futures, pids)
        return [f.result(timeout=60) for f in futures]


def _trail(subject: str, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(subject=subject, action=action).order_by("position"))


def _errors(outcomes: list[Any]) -> list[Exception]:
    return [o for o in outcomes if isinstance(o, Exception)]


HOLD = pytest.mark.parametrize("hold", [None, _hold_audit], ids=["free", "audit-held"])


# Ballots: closing, counting, casting ---------------------------------------------------------------------------


def _counting_when_closed(world: World) -> Ballot:
    ballot = world.ballot("irv", ready=False)
    bs.update_ballot(ballot=ballot, actor=world.officer, count_when_closed=True)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    return ballot


def _second_officer(world: World, ballot: Ballot) -> None:
    bs.appoint_returning_officer(ballot=ballot, user=world.other_officer, actor=world.admin)


@HOLD
def test_the_scheduler_and_an_officer_closing_at_once_close_and_count_the_ballot_once(hold):
    world = World()
    ballot = _counting_when_closed(world)
    for i, token in enumerate(open_and_issue(ballot, world.officer)[:5]):
        bs.cast(credential=token, paper=[1 + i % 2])
    subject = f"ballot:{ballot.pk}"

    scheduler, officer = _race(
        [
            lambda: run_schedule(now=ballot.closes_at),
            lambda: bs.close_ballot(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.officer, early=True),
        ],
        hold=hold,
    )

    assert not isinstance(scheduler, Exception) and all(d.outcome != "error" for d in scheduler), scheduler
    scheduler_closed = [d.outcome for d in scheduler] == ["closed"]
    officer_closed = isinstance(officer, Ballot)
    assert scheduler_closed != officer_closed, (scheduler, officer)  # exactly one of them closed it
    if not officer_closed:
        assert isinstance(officer, IllegalTransition) and "it is counted" in str(officer)
    ballot.refresh_from_db()
    assert ballot.state == S.COUNTED
    closes = _trail(subject, "ballot.close")
    assert len(closes) == 1 and closes[0].actor == (SCHEDULER.name if scheduler_closed else "ro")
    head = ChainHead.objects.get(name=paper_chain_name(ballot.pk))
    assert closes[0].details["papers"] == head.position == 5
    assert closes[0].details["papers_head"] == head.head_hash
    assert len(_trail(subject, "ballot.count.queued")) == 1 and len(_trail(subject, "ballot.count")) == 1
    job = Job.objects.get(kind="count", subject=subject)
    assert job.state == Job.State.SUCCEEDED
    assert Result.objects.filter(ballot=ballot).count() == 1 and ballot.result.papers == 5
    assert verify_audit_chain().ok


@HOLD
def test_two_officers_counting_at_once_give_one_result_and_the_other_is_refused(hold):
    world = World()
    ballot = world.ballot("irv")
    _second_officer(world, ballot)
    for token in open_and_issue(ballot, world.officer)[:4]:
        bs.cast(credential=token, paper=[2, 1])
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)

    outcomes = _race(
        [
            lambda: bs.count_ballot(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.officer),
            lambda: bs.count_ballot(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.other_officer),
        ],
        hold=hold,
    )

    results = [o for o in outcomes if isinstance(o, Result)]
    refused = _errors(outcomes)
    assert len(results) == 1 and len(refused) == 1
    assert isinstance(refused[0], IllegalTransition) and "cannot count" in str(refused[0])
    assert Result.objects.filter(ballot=ballot).count() == 1
    assert len(_trail(f"ballot:{ballot.pk}", "ballot.count")) == 1
    assert Ballot.objects.get(pk=ballot.pk).state == S.COUNTED


def test_two_officers_pressing_count_at_once_queue_one_count_and_the_other_is_refused():
    world = World()
    ballot = world.ballot("irv")
    _second_officer(world, ballot)
    for token in open_and_issue(ballot, world.officer)[:4]:
        bs.cast(credential=token, paper=[1])
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    subject = f"ballot:{ballot.pk}"

    outcomes = _race(
        [
            lambda: bs.start_count(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.officer),
            lambda: bs.start_count(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.other_officer),
        ],
        hold=_hold_audit,
    )

    # What holds: one result, counted once.
    assert Result.objects.filter(ballot=ballot).count() == 1
    assert len(_trail(subject, "ballot.count")) == 1
    # What does not: one count queued, the other press refused with a clear error.
    assert Job.objects.filter(kind="count", subject=subject).count() == 1, list(
        Job.objects.filter(kind="count", subject=subject).values_list("state", "error")
    )
    assert len(_trail(subject, "ballot.count.queued")) == 1
    assert len(_errors(outcomes)) == 1 and isinstance(_errors(outcomes)[0], BallotError)


def test_two_officers_pressing_open_at_once_queue_one_opening():
    world = World()
    ballot = world.ballot("irv")
    _second_officer(world, ballot)
    subject = f"ballot:{ballot.pk}"

    outcomes = _race(
        [
            lambda: bs.start_opening(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.officer),
            lambda: bs.start_opening(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.other_officer),
        ],
        hold=_hold_audit,
    )

    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN
    assert len(_trail(subject, "ballot.open")) == 1 and ballot.voters.count() == 12
    assert Job.objects.filter(kind="open-ballot", subject=subject).count() == 1, list(
        Job.objects.filter(kind="open-ballot", subject=subject).values_list("state", "error")
    )
    assert len(_errors(outcomes)) == 1 and isinstance(_errors(outcomes)[0], BallotError)


def test_casting_while_a_ballot_set_to_count_closes_every_receipt_is_counted_and_none_is_after_the_head():
    world = World()
    for i in range(48):  # 60 voters
        ms.create_member(
            organisation=world.org,
            membership_number=f"P{i:03d}",
            name=f"Voter {i}",
            email=f"p{i}@example.org",
            unit=world.b1,
            joined_on=dt.date(2020, 1, 1),
            audit=False,
        )
    ballot = _counting_when_closed(world)
    tokens = open_and_issue(ballot, world.officer)
    assert len(tokens) == 60
    receipts: list[str] = []
    refused: list[Exception] = []
    lock = threading.Lock()
    enough = threading.Event()

    def voter(i: int) -> None:
        try:
            tracker = bs.cast(credential=tokens[i], paper=[1 + i % 3]).tracker
        except NotOpen as exc:
            with lock:
                refused.append(exc)
            return
        finally:
            connection.close()
        with lock:
            receipts.append(tracker)
            if len(receipts) >= 20:
                enough.set()

    def closer() -> str:
        try:
            enough.wait(30)
            return run_schedule(now=ballot.closes_at)[0].outcome
        finally:
            connection.close()

    with ThreadPoolExecutor(13) as pool:
        closing = pool.submit(closer)
        casts = [pool.submit(voter, i) for i in range(60)]
        assert closing.result(60) == "closed"
        for f in casts:
            f.result(60)

    assert 20 <= len(receipts) and len(receipts) + len(refused) == 60
    ballot.refresh_from_db()
    assert ballot.state == S.COUNTED
    stored = set(Paper.objects.filter(ballot=ballot).values_list("tracker", flat=True))
    assert stored == set(receipts)  # every receipt issued names a stored paper, and no paper lacks its receipt
    close = _trail(f"ballot:{ballot.pk}", "ballot.close")[0]
    head = ChainHead.objects.get(name=paper_chain_name(ballot.pk))
    assert close.details["papers"] == head.position == len(receipts)  # no paper after the recorded head
    assert close.details["papers_head"] == head.head_hash
    assert ballot.result.papers == len(receipts)
    assert Credential.objects.filter(ballot=ballot, spent=True).count() == len(receipts)
    assert verify_paper_chain(ballot=ballot).ok
    bs.publish_result(ballot=ballot, actor=world.officer)
    assert {e.tracker for e in paper_list(ballot=ballot)} == set(receipts)  # every receipt on the public list


def test_two_sendings_of_credentials_at_once_send_each_voter_one_working_credential():
    world = World()
    ballot = world.ballot("irv")
    _second_officer(world, ballot)
    bs.open_ballot(ballot=ballot, actor=world.officer)
    mail.outbox.clear()

    def hold_credentials() -> None:  # the sendings' reads happen; their mints wait for these rows
        list(Credential.objects.select_for_update().filter(ballot=ballot))

    outcomes = _race(
        [
            lambda: bs.send_credentials(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.officer),
            lambda: bs.send_credentials(ballot=Ballot.objects.get(pk=ballot.pk), actor=world.other_officer),
        ],
        hold=hold_credentials,
    )

    assert not _errors(outcomes), outcomes
    working = set(Credential.objects.filter(ballot=ballot).values_list("token_hash", flat=True))
    sent = [credential_hash(tokens_in(m.body)[0]) for m in mail.outbox]
    assert len(mail.outbox) == 12, f"{len(mail.outbox)} messages for 12 voters"
    assert set(sent) == working


# Member voice ---------------------------------------------------------------------------------------------------


def _voice(world: World, supporters: int) -> Motion:
    """A published motion in branch B1 needing `supporters`; B1 gets 12 more members (20 in all)."""
    vs.reset_pipeline()
    vs.appoint_voice_officer(user=world.officer, unit=world.region, actor=world.admin)
    vs.appoint_voice_officer(user=world.other_officer, unit=world.region, actor=world.admin)
    vs.set_motion_threshold(unit=world.b1, supporters=supporters, actor=world.officer)
    for i in range(12):
        world.members.append(
            ms.create_member(
                organisation=world.org,
                membership_number=f"V{i:03d}",
                name=f"Supporter {i}",
                email=f"v{i}@example.org",
                unit=world.b1,
                joined_on=dt.date(2020, 1, 1),
                audit=False,
            )
        )
    motion = vs.draft_motion(member=world.members[0], unit=world.b1, title="Buses", text="Better buses, please.")
    vs.publish_motion(motion=motion, member=world.members[0])
    return motion


def _b1(world: World) -> list[Member]:
    return [m for m in world.members if m.unit_id == world.b1.pk]


@HOLD
def test_twenty_members_supporting_at_once_qualify_a_motion_of_threshold_ten_exactly_once(hold):
    world = World()
    motion = _voice(world, supporters=10)
    members = _b1(world)
    assert len(members) == 20

    def support(member: Member) -> Callable[[], Any]:
        return lambda: vs.support_motion(motion=Motion.objects.get(pk=motion.pk), member=member)

    outcomes = _race([support(m) for m in members], hold=hold)

    assert not _errors(outcomes), _errors(outcomes)
    motion.refresh_from_db()
    assert motion.state == Motion.State.QUALIFIED and motion.qualified_at is not None
    assert Support.objects.filter(motion=motion).count() == 20
    subject = f"motion:{motion.pk}"
    assert len(_trail(subject, "motion.support")) == 20
    qualified = _trail(subject, "motion.qualified")
    assert len(qualified) == 1 and qualified[0].details == {"supporters": 10, "threshold": 10}
    assert not _trail(subject, "motion.below-threshold")
    assert verify_audit_chain().ok


@HOLD
def test_a_member_double_clicking_support_supports_once_and_is_told_so(hold):
    world = World()
    motion = _voice(world, supporters=2)
    member = world.members[1]
    outcomes = _race([lambda: vs.support_motion(motion=Motion.objects.get(pk=motion.pk), member=member)] * 2, hold=hold)
    assert len([o for o in outcomes if isinstance(o, Support)]) == 1
    assert [type(e) for e in _errors(outcomes)] == [AlreadyDone]
    assert Support.objects.filter(motion=motion).count() == 1
    assert len(_trail(f"motion:{motion.pk}", "motion.support")) == 1
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.SUPPORT


def test_three_members_reporting_a_comment_at_once_hold_it_once():
    world = World()
    motion = _voice(world, supporters=5)
    thread = vs.thread_for_motion(motion=motion)
    comment = vs.post_comment(thread=thread, author=world.members[1], body="A perfectly ordinary comment.")

    def report(member: Member) -> Callable[[], Any]:
        return lambda: vs.report_comment(comment=Comment.objects.get(pk=comment.pk), reporter=member, reason="abuse")

    outcomes = _race([report(m) for m in world.members[2:5]], hold=_hold_audit)

    assert not _errors(outcomes), _errors(outcomes)
    comment.refresh_from_db()
    assert comment.reports_count == 3 and comment.status == Comment.Status.HELD
    assert comment.reasons.count("reported") == 1
    reports = _trail(f"comment:{comment.pk}", "comment.report")
    assert sorted(e.details["held"] for e in reports) == [False, False, True]  # the threshold crossed, recorded once


def test_a_member_double_clicking_report_reports_once_and_is_told_so():
    world = World()
    motion = _voice(world, supporters=5)
    comment = vs.post_comment(thread=vs.thread_for_motion(motion=motion), author=world.members[1], body="Hmm.")
    reporter = world.members[2]

    outcomes = _race(
        [lambda: vs.report_comment(comment=Comment.objects.get(pk=comment.pk), reporter=reporter, reason="spam")] * 2,
        hold=_hold_audit,
    )

    assert Report.objects.filter(comment=comment).count() == 1
    assert Comment.objects.get(pk=comment.pk).reports_count == 1
    assert [type(e) for e in _errors(outcomes)] == [AlreadyDone], _errors(outcomes)


def test_two_moderators_deciding_one_held_comment_at_once_record_one_decision_and_send_one_email():
    world = World()
    motion = _voice(world, supporters=5)
    comment = vs.post_comment(thread=vs.thread_for_motion(motion=motion), author=world.members[1], body="Hmm, no.")
    for reporter in world.members[2:5]:
        vs.report_comment(comment=comment, reporter=reporter, reason="abuse")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD
    mail.outbox.clear()

    outcomes = _race(
        [
            lambda: vs.moderate_comment(
                comment=Comment.objects.get(pk=comment.pk),
                actor=world.officer,
                decision="reject",
                reason="Personal abuse",
                abusive=True,
            ),
            lambda: vs.moderate_comment(
                comment=Comment.objects.get(pk=comment.pk),
                actor=world.other_officer,
                decision="approve",
                reason="Robust but fair",
            ),
        ],
        hold=_hold_audit,
    )

    assert not [e for e in _errors(outcomes) if not isinstance(e, VoiceError)], outcomes  # no internal error
    decisions = list(ModerationDecision.objects.filter(comment=comment).values_list("decision", flat=True))
    assert len(decisions) == 1, f"decisions recorded: {decisions}"
    assert len(mail.outbox) == 1, f"{len(mail.outbox)} emails to the author"
    assert len(_errors(outcomes)) == 1


# Nominations ----------------------------------------------------------------------------------------------------


def _round(world: World, closes_in: dt.timedelta = dt.timedelta(days=1)) -> NominationRound:
    now = timezone.now()
    rnd = ns.create_round(
        organisation=world.org,
        title="Chair",
        rule="clp >= 1",
        actor=world.admin,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    for name in ("Ann", "Bob"):
        ns.add_candidate(round=rnd, name=name, actor=world.admin)
    ns.open_round(round=rnd, actor=world.admin)
    NominationRound.objects.filter(pk=rnd.pk).update(closes_at=timezone.now() + closes_in)
    rnd.refresh_from_db()
    return rnd


def _nominate(world: World, rnd: NominationRound, name: str) -> Callable[[], Any]:
    def call() -> Nomination:
        fresh = NominationRound.objects.get(pk=rnd.pk)
        return ns.nominate(
            round=fresh,
            candidate=fresh.candidates.get(name=name),
            unit=world.c1,
            actor=world.admin,
            meeting_date=timezone.localdate(),
            votes_for=12,
            votes_against=3,
        )

    return call


@HOLD
@pytest.mark.parametrize("names", [("Ann", "Ann"), ("Ann", "Bob")], ids=["same-candidate", "two-candidates"])
def test_one_unit_nominating_twice_at_once_makes_one_nomination_and_the_other_is_a_clear_duplicate(hold, names):
    world = World()
    rnd = _round(world)
    outcomes = _race([_nominate(world, rnd, n) for n in names], hold=hold)
    assert len([o for o in outcomes if isinstance(o, Nomination)]) == 1
    assert [type(e) for e in _errors(outcomes)] == [DuplicateNomination]
    assert "already nominated" in str(_errors(outcomes)[0])
    assert Nomination.objects.filter(round=rnd, unit=world.c1, withdrawn_at__isnull=True).count() == 1
    assert len(_trail(f"round:{rnd.pk}", "nominations.nominate")) == 1


@HOLD
def test_two_trigger_votes_from_one_branch_at_once_record_one_vote(hold):
    world = World()
    trig = ns.create_trigger_ballot(
        constituency=world.c1,
        representative="Sitting MP",
        actor=world.admin,
        closes_at=timezone.now() + dt.timedelta(days=7),
        affiliates=[world.union],
    )

    def vote(choice: str) -> Callable[[], Any]:
        return lambda: ns.record_trigger_vote(trigger=trig, unit=world.b1, choice=choice, actor=world.admin)

    outcomes = _race([vote("open"), vote("reselect")], hold=hold)
    assert len([o for o in outcomes if isinstance(o, TriggerVote)]) == 1
    assert [type(e) for e in _errors(outcomes)] == [DuplicateNomination]
    assert TriggerVote.objects.filter(trigger=trig, unit=world.b1).count() == 1
    assert len(_trail(f"trigger:{trig.pk}", "trigger.vote")) == 1


def test_closing_a_round_while_a_nomination_is_being_recorded_counts_the_nomination_in_the_closing_record():
    """The nomination passes its check before the close and is still being written when the officer closes:
    the close waits for it (both lock the round) and its record includes it."""
    world = World()
    rnd = _round(world, closes_in=dt.timedelta(seconds=1.5))
    pids: list[int | None] = [None, None]
    pool = ThreadPoolExecutor(2)

    def in_thread(i: int, fn: Callable[[], Any]) -> Any:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[i] = cursor.fetchone()[0]
            return fn()
        except Exception as exc:
            return exc
        finally:
            connection.close()

    def close() -> NominationRound:
        time.sleep(max(0.0, (rnd.closes_at - timezone.now()).total_seconds()) + 0.05)
        return ns.close_round(round=NominationRound.objects.get(pk=rnd.pk), actor=world.admin)

    with transaction.atomic():
        _hold_audit()
        nominating = pool.submit(in_thread, 0, _nominate(world, rnd, "Ann"))
        _wait_until_stuck([nominating], pids)  # the nomination is written, waiting to be audited
        assert timezone.now() < rnd.closes_at, "too slow: the nomination did not get in before the close"
        closing = pool.submit(in_thread, 1, close)
        _wait_until_stuck([nominating, closing], pids)
    nomination, closed = nominating.result(30), closing.result(30)
    pool.shutdown()

    assert isinstance(nomination, Nomination), nomination
    assert isinstance(closed, NominationRound), closed
    rnd.refresh_from_db()
    assert rnd.state == NominationRound.State.CLOSED
    ann = next(c for c in rnd.closing_record["candidates"] if c["candidate"] == "Ann")
    assert ann["qualified"], rnd.closing_record
    entries = AuditEntry.objects.filter(subject=f"round:{rnd.pk}").order_by("position")
    actions = [e.action for e in entries]
    assert actions.index("nominations.nominate") < actions.index("nominations.round.close")
