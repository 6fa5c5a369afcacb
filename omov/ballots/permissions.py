"""Who may do what with a ballot: the predicates every view, service and admin page asks.

A returning officer of a ballot is one named on it (`Ballot.returning_officers`), or one appointed for units that
cover its whole electorate (`omov.members.models.Appointment`, role returning_officer; an electorate of the whole
organisation needs an organisation-wide appointment); organisation administrators and superusers run every ballot
of their organisation. Scrutineers likewise: named on the ballot, or appointed for its units.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from omov.ballots.models import Ballot
from omov.core.actors import is_system, is_user
from omov.members.models import Appointment, Organisation, Unit
from omov.members.permissions import covers, holds_role, is_org_admin, organisation_wide

RO = Appointment.Role.RETURNING_OFFICER


def _covers_ballot(actor: Any, ballot: Ballot, role: str) -> bool:
    return covers(actor=actor, role=role, organisation=ballot.organisation_id, units=ballot.electorate_units.all())


def is_officer(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` run this ballot? (a trusted system caller, a superuser, an organisation administrator, one of
    its returning officers, or a returning officer appointed for units covering its electorate)"""
    if is_system(actor):
        return True
    if not is_user(actor):
        return False
    if actor.is_superuser or ballot.returning_officers.filter(pk=actor.pk).exists():
        return True
    return _covers_ballot(actor, ballot, RO)


def is_observer(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` see everything about this ballot? (its officers and its scrutineers)"""
    if is_officer(actor=actor, ballot=ballot):
        return True
    if not is_user(actor):
        return False
    if ballot.scrutineers.filter(pk=actor.pk).exists():
        return True
    return _covers_ballot(actor, ballot, Appointment.Role.SCRUTINEER)


def is_visible(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` know this ballot exists? Everyone once it is ready; a draft or a cancelled ballot only its
    officers and scrutineers (its title and candidates may not be public yet, or any more)."""
    return ballot.state not in (Ballot.State.DRAFT, Ballot.State.CANCELLED) or is_observer(actor=actor, ballot=ballot)


def may_create_ballot(*, actor: Any, organisation: Organisation) -> bool:
    """May `actor` create a ballot in this organisation? (an administrator, or a returning officer appointed
    for some of its units; the electorate must then lie within those units)"""
    if is_system(actor) or (is_user(actor) and actor.is_superuser):
        return True
    return is_org_admin(actor=actor, organisation=organisation) or holds_role(
        actor=actor, role=RO, organisation=organisation
    )


def electorate_allowed(*, actor: Any, ballot: Ballot, units: Iterable[Unit]) -> bool:
    """May `actor` give this ballot an electorate of `units` (none: the whole organisation)?

    Someone who runs ballots by appointment may only choose units their appointments cover. A returning officer
    named on the ballot who holds no such appointment was given this ballot by an administrator, and chooses
    its electorate freely, as before appointments existed."""
    if is_system(actor) or (is_user(actor) and actor.is_superuser):
        return True
    org = ballot.organisation_id
    if organisation_wide(actor=actor, role=RO, organisation=org):
        return True
    if holds_role(actor=actor, role=RO, organisation=org):
        return covers(actor=actor, role=RO, organisation=org, units=units)
    return is_officer(actor=actor, ballot=ballot)
