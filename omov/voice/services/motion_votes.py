"""Putting motions and questions to the members as ballots, and recording the outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from omov.audit.services import actor_name, record
from omov.ballots import services as ballot_services
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot
from omov.core.actors import SYSTEM, SystemActor, is_system
from omov.members.models import Organisation, Unit
from omov.voice.errors import InvalidInput, VoiceError, WrongState
from omov.voice.models import (
    Motion,
    Question,
)
from omov.voice.services._common import M, _require_officer
from omov.voice.services.motions import _lock_motion


def _ballot_actor(actor: Any) -> Any:
    """create_ballot needs an administrator: a voice officer creates it as a trusted caller in their name."""
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return actor
    return SystemActor(f"voice:{actor_name(actor)}")


def _new_ballot(
    *,
    organisation: Organisation,
    title: str,
    description: str,
    method: str,
    seats: int,
    options: Sequence[str],
    units: Iterable[Unit],
    actor: Any,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    electorate: Mapping[str, Any] | None = None,
) -> Ballot:
    officers = [] if is_system(actor) else [actor]
    try:
        ballot = ballot_services.create_ballot(
            organisation=organisation,
            title=title[:200],
            description=description,
            method=method,
            seats=seats,
            actor=_ballot_actor(actor),
            opens_at=opens_at,
            closes_at=closes_at,
            returning_officers=officers,
        )
        run_as = actor  # a trusted caller (string) or one of the ballot's returning officers
        for name in options:
            ballot_services.add_candidate(ballot=ballot, actor=run_as, name=name[:200])
        ballot_services.set_electorate(ballot=ballot, actor=run_as, units=list(units), **dict(electorate or {}))
        if officers:  # a trusted caller's ballot has no returning officer yet: an administrator appoints one
            ballot_services.mark_ready(ballot=ballot, actor=run_as)
    except BallotError as exc:
        raise VoiceError(f"the ballot could not be set up: {exc}") from exc
    return ballot


def _timetable(
    opens_at: dt.datetime | None, closes_at: dt.datetime | None, days: int
) -> tuple[dt.datetime, dt.datetime]:
    opens_at = opens_at or timezone.now()
    closes_at = closes_at or opens_at + dt.timedelta(days=days)
    if closes_at <= opens_at:
        raise InvalidInput("the vote must close after it opens")
    return opens_at, closes_at


@transaction.atomic
def put_motion_to_vote(
    *,
    motion: Motion,
    actor: Any,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    days: int = 7,
) -> Ballot:
    """A qualified motion goes to a yes/no ballot of its unit's members (first past the post: Yes, No)."""
    locked = _lock_motion(motion)
    _require_officer(actor, locked.unit, "put a motion to a vote")
    if locked.state != M.QUALIFIED:
        raise WrongState(f"{locked.title!r} is {locked.get_state_display()}; only a qualified motion goes to a vote")
    opens_at, closes_at = _timetable(opens_at, closes_at, days)
    ballot = _new_ballot(
        organisation=locked.organisation,
        title=f"Motion: {locked.title}",
        description=locked.text,
        method="fptp",
        seats=1,
        options=["Yes", "No"],
        units=[locked.unit],
        actor=actor,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    locked.state, locked.ballot = M.BALLOT, ballot
    locked.save(update_fields=["state", "ballot"])
    record(actor=actor, action="motion.ballot", subject=f"motion:{locked.pk}", details={"ballot": ballot.pk})
    motion.refresh_from_db()
    return ballot


@transaction.atomic
def priorities_ballot(
    *,
    motions: Sequence[Motion],
    slots: int,
    actor: Any,
    title: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    days: int = 7,
) -> Ballot:
    """Several qualified motions compete for `slots` places on an agenda: a ranked ballot of the unit's members
    (the alternative vote for one slot, Meek STV for more)."""
    motions = [_lock_motion(m) for m in motions]
    if len(motions) < 2:
        raise InvalidInput("a priorities ballot needs at least two motions")
    unit = motions[0].unit
    _require_officer(actor, unit, "run a priorities ballot")
    if any(m.unit_id != unit.pk for m in motions):
        raise InvalidInput("a priorities ballot takes motions of one unit")
    if any(m.state != M.QUALIFIED for m in motions):
        raise WrongState("every motion in a priorities ballot must have qualified")
    if not 1 <= slots < len(motions):
        raise InvalidInput(f"the agenda must have between 1 and {len(motions) - 1} places for {len(motions)} motions")
    if len({m.title for m in motions}) != len(motions):
        raise InvalidInput("two motions have the same title; rename one so members can tell them apart")
    opens_at, closes_at = _timetable(opens_at, closes_at, days)
    ballot = _new_ballot(
        organisation=unit.organisation,
        title=title or f"Priorities: {unit.name}",
        description=f"Rank the motions; the top {slots} go on the agenda.",
        method="irv" if slots == 1 else "meek",
        seats=slots,
        options=[m.title for m in motions],
        units=[unit],
        actor=actor,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    for m in motions:
        m.state, m.ballot = M.BALLOT, ballot
        m.save(update_fields=["state", "ballot"])
    record(
        actor=actor,
        action="motion.priorities-ballot",
        subject=f"ballot:{ballot.pk}",
        details={"motions": [m.pk for m in motions], "slots": slots},
    )
    return ballot


@transaction.atomic
def record_motion_outcome(*, motion: Motion, actor: Any = SYSTEM) -> Motion:
    """After its ballot's result is published: carried / lost, or on the agenda / not prioritised."""
    locked = _lock_motion(motion)
    if locked.state != M.BALLOT or locked.ballot is None:
        raise WrongState(f"{locked.title!r} is not being voted on")
    ballot = locked.ballot
    if ballot.state != Ballot.State.PUBLISHED:
        raise WrongState(f"the result of {ballot.title!r} is not published yet")
    elected = list(ballot.result.elected)
    if ballot.candidates.filter(name="Yes").exists() and ballot.candidates.count() == 2:
        locked.outcome = "carried" if elected == ["Yes"] else "lost"
    else:
        locked.outcome = "on the agenda" if locked.title in elected else "not prioritised"
    locked.state = M.DECIDED
    locked.save(update_fields=["outcome", "state"])
    record(actor=actor, action="motion.decided", subject=f"motion:{locked.pk}", details={"outcome": locked.outcome})
    motion.refresh_from_db()
    return locked


@transaction.atomic
def position_vote_from_question(
    *,
    question: Question,
    actor: Any,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    days: int = 7,
) -> Ballot:
    """Put a consultation's choice question to a binding member vote, to the consultation's electorate:
    single choice or Likert → first past the post; multiple choice → approval; ranking → alternative vote."""
    consultation = question.consultation
    _require_officer(actor, consultation.unit, "set up a member vote")
    method = {"single": "fptp", "likert": "fptp", "multiple": "approval", "ranking": "irv"}.get(question.kind)
    if method is None:
        raise InvalidInput("a free-text question cannot be put to a vote; choose a question with options")
    opens_at, closes_at = _timetable(opens_at, closes_at, days)
    ballot = _new_ballot(
        organisation=consultation.organisation,
        title=question.text[:200],
        description=consultation.title,
        method=method,
        seats=1,
        options=list(question.options),
        units=consultation.electorate_units.all(),
        actor=actor,
        opens_at=opens_at,
        closes_at=closes_at,
        electorate={
            "statuses": consultation.statuses,
            "freeze_date": consultation.freeze_date,
            "allow_arrears": consultation.allow_arrears,
            "supporters_allowed": consultation.supporters_allowed,
        },
    )
    record(
        actor=actor,
        action="consultation.position-vote",
        subject=f"consultation:{consultation.pk}",
        details={"question": question.number, "ballot": ballot.pk},
    )
    return ballot
