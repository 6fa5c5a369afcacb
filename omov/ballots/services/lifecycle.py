"""Moving a ballot through its states after set-up: opening (as a job), closing and cancelling."""

from __future__ import annotations

from typing import Any

from django.db import connection as db_connection
from django.db import transaction

from omov.audit.chain import GENESIS
from omov.audit.models import ChainHead, Job
from omov.audit.services import actor_name, create_job, lock_chain, record
from omov.ballots.errors import (
    BallotError,
    IllegalTransition,
    NotReady,
)
from omov.ballots.models import Ballot, Credential, Paper, Voter
from omov.ballots.papers import close_commitment, paper_chain_name
from omov.ballots.services._common import S, _lock, _move, _require_no_job_under_way, _require_officer
from omov.ballots.services.results import start_count
from omov.ballots.services.roll import _freeze_roll, _freeze_roll_in_database
from omov.core.jobs import enqueue
from omov.members.selectors import eligible_members


@transaction.atomic
def start_opening(*, ballot: Ballot, actor: Any) -> Job:
    """Queue the opening of a ready ballot (roll + credentials, then sending them) as a background job; under
    the ballot's row lock, so that two officers (or an officer and the scheduler) pressing at once queue one."""
    _require_officer(actor, ballot)
    ballot = _lock(ballot)
    if ballot.state != S.READY:
        raise IllegalTransition(f"cannot open {ballot.title!r}: it is {ballot.state}, and only a ready ballot can be")
    _require_no_job_under_way(ballot, "open-ballot", "the opening of")
    job = create_job(kind="open-ballot", subject=f"ballot:{ballot.pk}", created_by=actor)
    record(actor=actor, action="ballot.open.queued", subject=f"ballot:{ballot.pk}", details={"job": str(job.pk)})
    enqueue("omov.ballots.open_ballot", str(job.pk), ballot.pk, actor_name(actor))
    return job


@transaction.atomic
def open_ballot(*, ballot: Ballot, actor: Any, job: Job | None = None) -> int:
    """ready → open: resolve the electorate rule into the frozen roll and create a credential per voter.

    Returns the size of the roll. Credentials are minted (and the tokens exist) only when they are delivered:
    see `send_credentials` and `print_letters`.
    """
    from omov.audit.services import report_progress

    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.READY:
        raise IllegalTransition(f"cannot open {locked.title!r}: it is {locked.state}, and only a ready ballot can be")
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
    lock_chain(name=paper_chain_name(locked.pk))  # the list of papers starts empty, at the genesis hash
    _move(locked, to=S.OPEN, allowed_from=[S.READY], actor=actor, action="ballot.open", roll=total)
    ballot.state = S.OPEN
    return total


@transaction.atomic
def close_ballot(*, ballot: Ballot, actor: Any) -> Ballot:
    """open → closed: no more papers (a cast in flight finishes first: both take the ballot's row lock).
    A ballot set to count when closed has its count queued in the same transaction (run once it commits)."""
    _require_officer(actor, ballot)
    _lock(ballot)  # casts in flight finish first, new ones wait and then find the ballot closed
    # The list of papers is final from here. The audit log's own hash chain records how many papers there are,
    # the root of the Merkle tree over their sorted trackers (what the list published with the result is checked
    # against), and the private chain's head (the server's own check; withheld from the public with a seal).
    head = ChainHead.objects.filter(name=paper_chain_name(ballot.pk)).first()
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
    )
    # Rewrite every voted roll line and spent credential in this one transaction, so that the database's
    # own row metadata (PostgreSQL's xmin: the id of the transaction that last wrote a row) no longer
    # matches each voter to the transaction that stored their paper.
    Voter.objects.filter(ballot=locked, voted=True).update(voted=True)
    Credential.objects.filter(ballot=locked, spent=True).update(spent=True)
    if locked.count_when_closed:
        start_count(ballot=locked, actor=actor)
    return locked


@transaction.atomic
def cancel_ballot(*, ballot: Ballot, actor: Any, reason: str) -> Ballot:
    """Stop a ballot for good (any state before publication), saying why."""
    _require_officer(actor, ballot)
    if not reason.strip():
        raise BallotError("say why the ballot is cancelled")
    locked = _move(
        ballot,
        to=S.CANCELLED,
        allowed_from=[S.DRAFT, S.READY, S.OPEN, S.CLOSED, S.COUNTED],
        actor=actor,
        action="ballot.cancel",
        reason=reason,
    )
    Ballot.objects.filter(pk=locked.pk).update(cancelled_reason=reason)
    return locked
