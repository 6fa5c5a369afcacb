"""Who may do what in member voice: the predicates the services, views and admin ask."""

from __future__ import annotations

from typing import Any

from omov.core.actors import decided_by_rank
from omov.members.models import Appointment, Member, Unit
from omov.members.permissions import covers
from omov.voice.models import (
    VoiceOfficer,
)


def is_voice_officer(*, actor: Any, unit: Unit | None) -> bool:
    """May `actor` run member voice for `unit`? (a trusted caller, a superuser, or an officer of the unit or a
    unit above it; for organisation-wide things, `unit` None, only superusers and trusted callers)."""
    if (decided := decided_by_rank(actor)) is not None:
        return decided
    # Or appointed member-voice officer by an organisation's administrator (omov.members.models.Appointment).
    if unit is None:
        return Appointment.objects.filter(user=actor, role=Appointment.Role.VOICE_OFFICER, unit__isnull=True).exists()
    if covers(actor=actor, role=Appointment.Role.VOICE_OFFICER, organisation=unit.organisation_id, units=[unit]):
        return True
    return any(
        unit.path.startswith(r.unit.path) for r in VoiceOfficer.objects.filter(user=actor).select_related("unit")
    )


def is_voice_officer_in(*, actor: Any, organisation: Any) -> bool:
    """Is `actor` a member-voice officer somewhere in `organisation` (any of its units, or organisation-wide),
    an administrator of it, a superuser or a trusted caller? (Who may see and retrain its spam model.)"""
    if (decided := decided_by_rank(actor)) is not None:
        return decided
    org_id = getattr(organisation, "pk", organisation)
    if Appointment.objects.filter(user=actor, organisation_id=org_id).filter(
        role__in=[Appointment.Role.VOICE_OFFICER, Appointment.Role.ADMINISTRATOR]
    ).exists():
        return True
    return VoiceOfficer.objects.filter(user=actor, unit__organisation_id=org_id).exists()


def member_in_unit(member: Member, unit: Unit) -> bool:
    return member.organisation_id == unit.organisation_id and member.unit.path.startswith(unit.path)
