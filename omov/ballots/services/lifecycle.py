"""Moving a ballot through its states after set-up: opening (as a job), closing and cancelling.

The advertised timetable is a promise to members, so the services keep it whoever calls them (the officer's
page, the administration, the scheduler, the command line): a ballot is not opened before its opening time
unless the caller asks to open it *now* (which moves the opening time, on the record), nor closed before its
closing time unless the caller says it closes early. The pages ask the officer to confirm either first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from omov.audit.chain import GENESIS
from omov.audit.models import ChainHead, Job
from omov.audit.services import actor_name, create_job, lock_chain, record
from omov.ballots.errors import (
    BallotError,
    IllegalTransition,
    NotReady,
    TooEarly,
)
from omov.ballots.models import Ballot, Credential, Paper, Voter
from omov.ballots.papers import chain_name, close_commitment
from omov.ballots.services._common import S, _lock, _move, _require_no_job_under_way, _require_officer
from omov.ballots.services.results import start_count
from omov.ballots.services.roll import _freeze_roll, _freeze_roll_in_database
from omov.ballots.when import how_long_until, when
from omov.core.jobs import enqueue
from omov.members.selectors import eligible_members


def _check_opening_time(locked: Ballot, *, actor: Any, open_now: bool, now: dt.datetime | None) -> None:
    """The timetable's guard on opening (call under the ballot's row lock): refuse before the opening time
    unless `open_now`, which moves the opening time to now and records the move; refuse once the closing time
    has passed (voters would have no time to vote, and `cast` would refuse every paper)."""
    now = now or timezone.now()
    if locked.closes_at is not None and locked.closes_at <= now:
        raise NotReady(
            f"cannot open {locked.title!r}: its closing time, {when(locked.closes_at)}, has passed; return it to "
            f"draft and change its timetable"
        )
    if locked.opens_at is None or locked.opens_at <= now:
        return
    if not open_now:
        raise TooEarly(
            f"{locked.title!r} opens at {when(locked.opens_at)}, in {how_long_until(locked.opens_at, now=now)}: it "
            f"opens itself then. To open it now instead, confirm opening now, which moves the opening time to now"
        )
    advertised = locked.opens_at
    Ballot.objects.filter(pk=locked.pk).update(opens_at=now)
    locked.opens_at = now
    record(
        actor=actor,
        action="ballot.opens_at.moved",
        subject=f"ballot:{locked.pk}",
        details={"from": advertised.isoformat(), "to": now.isoformat(), "why": "opened before its opening time"},
    )


@transaction.atomic
def start_opening(*, ballot: Ballot, actor: Any, open_now: bool = False, now: dt.datetime | None = None) -> Job:
    """Queue the opening of a ready ballot (roll + credentials, then sending them) as a background job; under
    the ballot's row lock, so that two officers (or an officer and the scheduler) pressing at once queue one.

    Before the ballot's opening time this is refused unless `open_now`, which moves the opening time to now in
    the same transaction (audited as `ballot.opens_at.moved`), so that the credential emails, the pages and
    `cast` all agree that voting is open. `now` is the time of the step (the clock's by default); the scheduler
    passes the time of its pass, having picked the ballot by it.
    """
    _require_officer(actor, ballot)
    ballot = _lock(ballot)
    if ballot.state != S.READY:
        raise IllegalTransition(f"cannot open {ballot.title!r}: it is {ballot.state}, and only a ready ballot can be")
    _require_no_job_under_way(ballot, "open-ballot", "the opening of")
    _check_opening_time(ballot, actor=actor, open_now=open_now, now=now)
    job = create_job(kind="open-ballot", subject=f"ballot:{ballot.pk}", created_by=actor)
    record(actor=actor, action="ballot.open.queued", subject=f"ballot:{ballot.pk}", details={"job": str(job.pk)})
    enqueue("omov.ballots.open_ballot", str(job.pk), ballot.pk, actor_name(actor))
    return job


@transaction.atomic
def open_ballot(*, ballot: Ballot, actor: Any, job: Job | None = None, open_now: bool = False) -> int:
    """ready → open: resolve the electorate rule into the frozen roll and create a credential per voter.

    Returns the size of the roll. Credentials are minted (and the tokens exist) only when they are delivered:
    see `send_credentials` and `print_letters`. Called directly, the same guard on the opening time as
    `start_opening`; called by the opening job (`job` given), not again: `start_opening` checked the time (and
    moved it, if asked to open now) under this row lock when it queued the job, and a worker whose clock runs a
    little behind the web server's must not refuse what was accepted.
    """
    from omov.audit.services import report_progress

    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.READY:
        raise IllegalTransition(f"cannot open {locked.title!r}: it is {locked.state}, and only a ready ballot can be")
    if job is None:
        _check_opening_time(locked, actor=actor, open_now=open_now, now=None)
    members = eligible_members(
        organisation=locked.organisation,
        units=list(locked.electorate_units.all()),
        statuses=locked.statuses,
        joined_on_or_before=locked.freeze_date,
        allow_arrears=locked.allow_arrears,
        supporters_allowed=locked.supporters_allowed,
    )
    total = members.count()
    if total == 0:
        raise NotReady(f"nobody is eligible to vote in {locked.title!r}: check the electorate rule")
    if job is not None:
        report_progress(job=job, done=0, total=total, message="freezing the roll")
    if db_connection.vendor == "postgresql":
        _freeze_roll_in_database(ballot=locked, members=members, job=job)
    else:
        _freeze_roll(ballot=locked, members=members, job=job)
    if locked.verifiable:  # the ceremony checked, the credential keys and the parameters fixed, or NotReady
        from omov.ballots.verifiable.services.opening import fix_election

        fix_election(ballot=locked, actor=actor)
    lock_chain(name=chain_name(locked))  # the list of papers starts empty, at the genesis hash
    _move(locked, to=S.OPEN, allowed_from=[S.READY], actor=actor, action="ballot.open", roll=total)
    ballot.state = S.OPEN
    return total


@transaction.atomic
def close_ballot(*, ballot: Ballot, actor: Any, early: bool = False, now: dt.datetime | None = None) -> Ballot:
    """open → closed: no more papers (a cast in flight finishes first: both take the ballot's row lock).
    A ballot set to count when closed has its count queued in the same transaction (run once it commits).

    Before the advertised closing time this is refused unless `early` (the officer confirmed, having been told
    how many on the roll have not voted); the audit entry then says it closed early, when it was advertised to
    close, and how many had not voted. The scheduler closes at or after the closing time, so never needs it
    (it passes `now`, the time of its pass, by which it picked the ballot; the clock's by default).
    """
    _require_officer(actor, ballot)
    locked = _lock(ballot)  # casts in flight finish first, new ones wait and then find the ballot closed
    early_details = _check_closing_time(locked, early=early, now=now) if locked.state == S.OPEN else {}
    # The list of papers is final from here. The audit log's own hash chain records how many papers there are,
    # the root of the Merkle tree over their sorted trackers (what the list published with the result is checked
    # against), and the private chain's head (the server's own check; withheld from the public with a seal).
    head = ChainHead.objects.filter(name=chain_name(ballot)).first()
    trackers = Paper.objects.filter(ballot=ballot).values_list("tracker", flat=True)
    locked = _move(
        ballot,
        to=S.CLOSED,
        allowed_from=[S.OPEN],
        actor=actor,
        action="ballot.close",
        papers=head.position if head else 0,
        papers_head=head.head_hash if head else GENESIS,
        **close_commitment(trackers.iterator(chunk_size=5000)),
        **early_details,
    )
    # Rewrite every voted roll line and spent credential in this one transaction, so that the database's
    # own row metadata (PostgreSQL's xmin: the id of the transaction that last wrote a row) no longer
    # matches each voter to the transaction that stored their paper.
    Voter.objects.filter(ballot=locked, voted=True).update(voted=True)
    Credential.objects.filter(ballot=locked, spent=True).update(spent=True)
    if locked.verifiable:  # mixed (ranked) or summed (marks), decrypted by the trustees, then counted
        from omov.ballots.verifiable.services.pipeline import start_pipeline

        start_pipeline(ballot=locked, actor=actor)
    elif locked.count_when_closed:
        start_count(ballot=locked, actor=actor)
    return locked


def _check_closing_time(locked: Ballot, *, early: bool, now: dt.datetime | None) -> dict[str, Any]:
    """The timetable's guard on closing: before the advertised closing time, refuse unless `early`, saying how
    many on the roll have not voted; what goes into the audit entry of an early close."""
    now = now or timezone.now()
    if locked.closes_at is None or locked.closes_at <= now:
        return {}
    voters = Voter.objects.filter(ballot=locked)
    roll = voters.count()
    not_voted = voters.filter(voted=False).count()
    if not early:
        raise TooEarly(
            f"{locked.title!r} is advertised to close at {when(locked.closes_at)}, in "
            f"{how_long_until(locked.closes_at, now=now)}; {not_voted} of the {roll} on the roll have not voted "
            f"and could not vote after it closed. To close it early anyway, confirm closing early"
        )
    return {"early": True, "advertised_close": locked.closes_at.isoformat(), "roll": roll, "not_voted": not_voted}


@transaction.atomic
def cancel_ballot(*, ballot: Ballot, actor: Any, reason: str) -> Ballot:
    """Stop a ballot for good (any state before publication), saying why; every voter on the roll (if it has
    opened) is told by email, by a background job queued in the same transaction (`send_cancellation_notices`).
    """
    _require_officer(actor, ballot)
    reason = (reason or "").strip()
    if not reason:
        raise BallotError("say why the ballot is cancelled: the reason is sent to every voter on the roll")
    voters = Voter.objects.filter(ballot=ballot)
    roll = voters.count()
    emailed = voters.exclude(member__email="").count()
    locked = _move(
        ballot,
        to=S.CANCELLED,
        allowed_from=[S.DRAFT, S.READY, S.OPEN, S.CLOSED, S.COUNTED],
        actor=actor,
        action="ballot.cancel",
        reason=reason,
        roll=roll,
        to_notify=emailed,
    )
    Ballot.objects.filter(pk=locked.pk).update(cancelled_reason=reason)
    ballot.cancelled_reason = locked.cancelled_reason = reason
    if emailed:
        job = create_job(kind="cancel-notices", subject=f"ballot:{locked.pk}", created_by=actor, total=emailed)
        record(
            actor=actor,
            action="ballot.cancel.notices.queued",
            subject=f"ballot:{locked.pk}",
            details={"job": str(job.pk), "voters": emailed, "without_email": roll - emailed},
        )
        enqueue("omov.ballots.send_cancellation_notices", str(job.pk), locked.pk, actor_name(actor))
    return locked
