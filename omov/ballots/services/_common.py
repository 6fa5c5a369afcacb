"""What the ballots services share: the row lock, the state move with its audit entry, the officer guard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from omov.audit.models import Job
from omov.audit.services import record
from omov.ballots.errors import (
    IllegalTransition,
    NotAllowed,
)
from omov.ballots.models import (
    Ballot,
)
from omov.ballots.permissions import is_officer

S = Ballot.State


BATCH = 2000


def _require_officer(actor: Any, ballot: Ballot) -> None:
    if not is_officer(actor=actor, ballot=ballot):
        if getattr(actor, "is_authenticated", False) and ballot.scrutineers.filter(pk=actor.pk).exists():
            raise NotAllowed(f"scrutineers observe {ballot.title!r} but cannot change it")
        raise NotAllowed(f"only a returning officer of {ballot.title!r} can do that")


def _lock(ballot: Ballot) -> Ballot:
    """The ballot re-read under a row lock for the rest of the transaction."""
    return Ballot.objects.select_for_update().get(pk=ballot.pk)


def _move(ballot: Ballot, *, to: str, allowed_from: Iterable[str], actor: Any, action: str, **details: Any) -> Ballot:
    locked = _lock(ballot)
    allowed = tuple(allowed_from)
    if locked.state not in allowed:
        raise IllegalTransition(
            f"cannot {action.split('.')[-1]} {locked.title!r}: it is {locked.state}, and only a ballot that is "
            f"{' or '.join(allowed)} can be"
        )
    old = locked.state
    locked.state = to
    locked.save(update_fields=["state"])
    record(actor=actor, action=action, subject=f"ballot:{locked.pk}", details={"from": old, "to": to, **details})
    ballot.state = to
    return locked


def _require_no_job_under_way(ballot: Ballot, kind: str, what: str) -> None:
    """Refuse a second press of a button whose job is queued or running (call with the ballot's row locked, so
    that two presses at once are serialised and the second sees the first's job)."""
    if Job.under_way(kind=kind, subject=f"ballot:{ballot.pk}"):
        raise IllegalTransition(f"{what} {ballot.title!r} is already under way: see its job on the ballot's page")
