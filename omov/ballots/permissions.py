"""Who may do what with a ballot: the predicates every view, service and admin page asks."""

from __future__ import annotations

from typing import Any

from omov.ballots.models import Ballot
from omov.core.actors import is_system, is_user


def is_officer(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` run this ballot? (a trusted system caller, a superuser, or one of its returning officers)"""
    if is_system(actor):
        return True
    if not is_user(actor):
        return False
    return bool(actor.is_superuser or ballot.returning_officers.filter(pk=actor.pk).exists())


def is_observer(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` see everything about this ballot? (its officers and its scrutineers)"""
    if is_officer(actor=actor, ballot=ballot):
        return True
    return bool(getattr(actor, "is_authenticated", False) and ballot.scrutineers.filter(pk=actor.pk).exists())


def is_visible(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` know this ballot exists? Everyone once it is ready; a draft or a cancelled ballot only its
    officers and scrutineers (its title and candidates may not be public yet, or any more)."""
    return ballot.state not in (Ballot.State.DRAFT, Ballot.State.CANCELLED) or is_observer(actor=actor, ballot=ballot)
