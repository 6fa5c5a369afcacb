"""Who may do what in organising: the predicates the services, views and admin ask."""

from __future__ import annotations

from typing import Any

from omov.core.actors import decided_by_rank, is_user
from omov.members.models import Member, Unit
from omov.organising.models import Event, Organiser


def is_organiser(*, actor: Any, unit: Unit | None) -> bool:
    """May `actor` organise for `unit`? (a trusted caller, a superuser, or an organiser of the unit or of a unit
    above it; `unit` None, organisation-wide, only superusers and trusted callers)."""
    if (decided := decided_by_rank(actor)) is not None:
        return decided
    if unit is None:
        return False
    return any(
        unit.path.startswith(path)
        for path in Organiser.objects.filter(user=actor, unit__organisation_id=unit.organisation_id).values_list(
            "unit__path", flat=True
        )
    )


def is_organiser_anywhere(*, actor: Any) -> bool:
    return is_user(actor) and (actor.is_superuser or Organiser.objects.filter(user=actor).exists())


def in_audience(*, member: Member | None, event: Event) -> bool:
    """May this member (None: someone not signed in as a member) join the event?"""
    if event.audience == Event.Audience.PUBLIC:
        return True
    if member is None or member.status != Member.Status.ACTIVE:
        return False
    if member.organisation_id != event.unit.organisation_id:
        return False
    if event.audience == Event.Audience.MEMBERS:
        return True
    return member.unit.path.startswith(event.unit.path)
