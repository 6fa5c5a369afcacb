"""Counting a closed ballot (as a job) and publishing its result."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from omov.audit.models import Job
from omov.audit.services import actor_name, create_job, record
from omov.ballots.errors import (
    BallotError,
    IllegalTransition,
)
from omov.ballots.models import (
    Ballot,
    Result,
    Voter,
)
from omov.ballots.selectors import profile_for, rule_for
from omov.ballots.services._common import S, _lock, _move, _require_no_job_under_way, _require_officer
from omov.core.jobs import enqueue


@transaction.atomic
def start_count(*, ballot: Ballot, actor: Any) -> Job:
    """Queue the count of a closed ballot as a background job (under the ballot's row lock: one count queued
    however many officers press at once)."""
    _require_officer(actor, ballot)
    ballot = _lock(ballot)
    if ballot.state != S.CLOSED:
        raise IllegalTransition(f"cannot count {ballot.title!r}: it is {ballot.state}; close it first")
    if ballot.verifiable:
        raise IllegalTransition(f"{ballot.title!r} is verifiable: it is counted by itself once its trustees have "
                                "decrypted it (see its page for the step it is waiting for)")
    _require_no_job_under_way(ballot, "count", "the count of")
    job = create_job(kind="count", subject=f"ballot:{ballot.pk}", created_by=actor)
    record(actor=actor, action="ballot.count.queued", subject=f"ballot:{ballot.pk}", details={"job": str(job.pk)})
    enqueue("omov.ballots.count_ballot", str(job.pk), ballot.pk, actor_name(actor))
    return job


@transaction.atomic
def count_ballot(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Result:
    """closed → counted: count the papers with omov.count under the ballot's rule and store the result."""
    from omov.count import CountError, count, write_blt
    from omov.count.sheet import render_csv, render_html, render_json

    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.CLOSED:
        raise IllegalTransition(f"cannot count {locked.title!r}: it is {locked.state}; close it first")
    if locked.verifiable:
        raise IllegalTransition(f"{locked.title!r} is verifiable: its count combines the trustees' decryptions")
    profile = profile_for(locked)
    seed = locked.seed or secrets.token_hex(8)
    try:
        outcome = count(profile, rule_for(locked), seats=locked.seats, seed=seed)
    except CountError as exc:
        raise BallotError(f"the count of {locked.title!r} failed: {exc}") from exc
    sheet_json, sheet_html, sheet_csv = render_json(outcome), render_html(outcome), render_csv(outcome)
    roll = Voter.objects.filter(ballot=locked).count()
    result = Result.objects.create(
        ballot=locked,
        rule=locked.method,
        seed=seed,
        elected=list(outcome.elected_names),
        papers=profile.papers,
        roll=roll,
        sheet_json=sheet_json,
        sheet_html=sheet_html,
        sheet_csv=sheet_csv,
        blt=write_blt(profile),
        counted_at=timezone.now(),
    )
    Ballot.objects.filter(pk=locked.pk).update(seed=seed)
    _move(
        locked,
        to=S.COUNTED,
        allowed_from=[S.CLOSED],
        actor=actor,
        action="ballot.count",
        elected=list(outcome.elected_names),
        papers=profile.papers,
        roll=roll,
        seed=seed,
    )
    ballot.state = S.COUNTED
    return result


@transaction.atomic
def publish_result(*, ballot: Ballot, actor: Any) -> Result:
    """counted → published: the result, count sheet, papers (BLT) and list of tracker codes become public."""
    _require_officer(actor, ballot)
    locked = _move(ballot, to=S.PUBLISHED, allowed_from=[S.COUNTED], actor=actor, action="ballot.publish")
    result = Result.objects.get(ballot=locked)
    result.published_at = timezone.now()
    result.save(update_fields=["published_at"])
    return result
