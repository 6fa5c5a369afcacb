"""Who may do what in member voice: the predicates the services, views and admin ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from omov.core.actors import decided_by_rank
from omov.members.models import Appointment, Member, Unit
from omov.members.permissions import covers
from omov.voice.models import (
    Comment,
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


# Who may moderate which comments (the moderation queue, the abuse statistics) ----------------------------------


@dataclass(frozen=True)
class ModerationScope:
    """What a user moderates: everything (a superuser), whole organisations (an organisation-wide member-voice
    officer or an organisation's administrator, appointed through the organisation's roles), and units with
    everything below them (a `VoiceOfficer`, or a member-voice officer appointed for a unit). The same people
    `is_voice_officer` lets `moderate_comment` act for, as a filter."""

    everything: bool = False
    organisations: frozenset[int] = frozenset()
    units: tuple[Unit, ...] = ()

    def __bool__(self) -> bool:
        return self.everything or bool(self.organisations) or bool(self.units)

    def comments(self, field: str = "thread") -> Q:
        """A filter on comments (`field` names the path to their thread) for the discussions in this scope. An
        organisation-wide discussion (no unit) is only in an organisation-wide scope, as in `moderate_comment`."""
        return self._on(f"{field}__")

    def owned(self) -> Q:
        """The same as `comments`, on things that carry their own organisation and unit (motions, consultations)."""
        return self._on("")

    def _on(self, prefix: str) -> Q:
        if self.everything:
            return Q()
        q = Q(**{f"{prefix}organisation_id__in": list(self.organisations)})
        for unit in self.units:
            q |= Q(**{f"{prefix}organisation_id": unit.organisation_id, f"{prefix}unit__path__startswith": unit.path})
        return q

    def unit_choices(self) -> QuerySet[Unit]:
        """The units whose discussions are in this scope (for a filter's choices)."""
        if self.everything:
            return Unit.objects.all()
        q = Q(organisation_id__in=list(self.organisations))
        for unit in self.units:
            q |= Q(organisation_id=unit.organisation_id, path__startswith=unit.path)
        return Unit.objects.filter(q)

    def covers_unit(self, unit: Unit) -> bool:
        return (
            self.everything
            or unit.organisation_id in self.organisations
            or any(unit.organisation_id == u.organisation_id and unit.path.startswith(u.path) for u in self.units)
        )


def moderation_scope(user: Any) -> ModerationScope:
    """Which comments `user` may moderate (see `ModerationScope`); empty for anyone else, a plain member too."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ModerationScope()
    if user.is_superuser:
        return ModerationScope(everything=True)
    orgs: set[int] = set()
    units: list[Unit] = []
    for a in Appointment.objects.filter(
        user=user, role__in=[Appointment.Role.VOICE_OFFICER, Appointment.Role.ADMINISTRATOR]
    ).select_related("unit"):
        if a.unit_id is None:
            orgs.add(a.organisation_id)  # organisation-wide: an officer for all of it, or its administrator
        elif a.role == Appointment.Role.VOICE_OFFICER:
            units.append(a.unit)  # type: ignore[arg-type]
    units.extend(v.unit for v in VoiceOfficer.objects.filter(user=user).select_related("unit"))
    units = [u for u in units if u.organisation_id not in orgs]
    return ModerationScope(organisations=frozenset(orgs), units=tuple(units))


def comments_moderated_by(user: Any) -> QuerySet[Comment]:
    """Every comment `user` may moderate (none for someone who moderates nothing)."""
    scope = moderation_scope(user)
    if not scope:
        return Comment.objects.none()
    return Comment.objects.filter(scope.comments())


def may_moderate(user: Any, comment: Comment) -> bool:
    return comments_moderated_by(user).filter(pk=comment.pk).exists()


def may_lift_suspension(actor: Any, member: Member) -> bool:
    """Who may end a member's posting suspension early: an officer of the member's own unit, or one who may
    moderate a comment of theirs (whoever could have suspended them)."""
    if (decided := decided_by_rank(actor)) is not None:
        return decided
    if is_voice_officer(actor=actor, unit=member.unit):
        return True
    return comments_moderated_by(actor).filter(author=member).exists()
