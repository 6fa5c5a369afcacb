"""Who holds which role where: the predicates over appointments that every app asks (ballots, nominations, voice).

An appointment covers its unit and every unit below it; one without a unit covers the whole organisation. An
*organisation administrator* is a superuser or someone appointed administrator of the whole organisation: they
appoint the others. A trusted system caller (the CLI, the demo, a job) may do anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from omov.core.actors import decided_by_rank, is_system, is_user
from omov.members.models import Appointment, Organisation, Unit

Role = Appointment.Role


def _appointments(actor: Any, role: str, organisation: Organisation | int | None = None) -> QuerySet[Appointment]:
    if not is_user(actor):
        return Appointment.objects.none()
    qs = Appointment.objects.filter(user=actor, role=role).select_related("unit")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs


def is_org_admin(*, actor: Any, organisation: Organisation | int) -> bool:
    """May `actor` appoint people in this organisation? (a trusted caller, a superuser, or its administrator)"""
    if (decided := decided_by_rank(actor)) is not None:
        return decided
    return _appointments(actor, Role.ADMINISTRATOR, organisation).filter(unit__isnull=True).exists()


def holds_role(*, actor: Any, role: str, organisation: Organisation | int | None = None) -> bool:
    """Does `actor` hold `role` anywhere (in this organisation, if given)?"""
    return _appointments(actor, role, organisation).exists()


def covers(*, actor: Any, role: str, organisation: Organisation | int, units: Iterable[Unit]) -> bool:
    """Do `actor`'s appointments as `role` cover every one of `units`? No units means the whole organisation,
    which only an organisation-wide appointment covers. Organisation administrators cover everything."""
    if is_org_admin(actor=actor, organisation=organisation):
        return True
    held = list(_appointments(actor, role, organisation))
    if any(a.unit_id is None for a in held):
        return True
    units = list(units)
    if not units:
        return False
    paths = [a.unit.path for a in held if a.unit is not None]
    return all(any(u.path.startswith(p) for p in paths) for u in units)


def units_run_by(*, actor: Any, role: str, organisation: Organisation | int) -> QuerySet[Unit]:
    """The units `actor` acts for as `role` in the organisation (each appointment's unit and those below it);
    every unit for an organisation-wide appointment or an organisation administrator."""
    everything = Unit.objects.filter(organisation=organisation)
    if is_org_admin(actor=actor, organisation=organisation):
        return everything
    held = list(_appointments(actor, role, organisation))
    if any(a.unit_id is None for a in held):
        return everything
    query = Q(pk__in=[])
    for a in held:
        assert a.unit is not None
        query |= Q(path__startswith=a.unit.path)
    return everything.filter(query)


def organisation_wide(*, actor: Any, role: str, organisation: Organisation | int) -> bool:
    """Does `actor` act as `role` for the whole organisation (not just some of its units)?"""
    return is_org_admin(actor=actor, organisation=organisation) or _appointments(
        actor, role, organisation
    ).filter(unit__isnull=True).exists()


def organisations_for(*, actor: Any, role: str) -> QuerySet[Organisation]:
    """The organisations in which `actor` holds `role` or is an administrator (all of them for a superuser)."""
    if is_system(actor) or (is_user(actor) and actor.is_superuser):
        return Organisation.objects.all()
    if not is_user(actor):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        appointments__user=actor, appointments__role__in=[role, Role.ADMINISTRATOR]
    ).distinct()
