"""Member-voice officers, public roles and motion thresholds, set by an organisation's officers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from omov.audit.services import record
from omov.members.models import Member, Unit
from omov.voice.errors import InvalidInput
from omov.voice.models import (
    MotionThreshold,
    PublicRole,
    VoiceOfficer,
)
from omov.voice.services._common import _require_officer


@transaction.atomic
def appoint_voice_officer(*, user: Any, unit: Unit, actor: Any) -> VoiceOfficer:
    """Make `user` a member-voice officer for `unit` (and the units below it)."""
    _require_officer(actor, unit, "appoint officers")
    role, _ = VoiceOfficer.objects.get_or_create(user=user, unit=unit)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    record(actor=actor, action="voice.officer.appoint", subject=f"unit:{unit.pk}", details={"user": user.username})
    return role


@transaction.atomic
def set_public_role(*, member: Member, role: str, title: str = "", actor: Any) -> PublicRole:
    """Record that a member is a candidate, representative or officer (for abuse statistics by target)."""
    _require_officer(actor, member.unit, "record public roles")
    if role not in PublicRole.Role.values:
        raise InvalidInput(f"a public role is one of: {', '.join(PublicRole.Role.values)}")
    pr = PublicRole.objects.create(member=member, role=role, title=title)
    record(actor=actor, action="voice.role", subject=f"member:{member.pk}", details={"role": role, "title": title})
    return pr


@transaction.atomic
def set_motion_threshold(
    *, unit: Unit, actor: Any, supporters: int = 0, share: Decimal | str | float = 0, support_days: int = 28
) -> MotionThreshold:
    """The support a motion in `unit` needs: `supporters`, or `share` of the unit's members (the larger)."""
    _require_officer(actor, unit, "set the motion threshold")
    share = Decimal(str(share))
    if supporters < 0 or not (0 <= share <= 1) or support_days < 1:
        raise InvalidInput("supporters must be 0 or more, share between 0 and 1, and support last at least a day")
    if supporters == 0 and share == 0:
        raise InvalidInput("a threshold needs a number of supporters or a share of members")
    th, _ = MotionThreshold.objects.update_or_create(
        unit=unit, defaults={"supporters": supporters, "share": share, "support_days": support_days}
    )
    record(
        actor=actor,
        action="voice.threshold",
        subject=f"unit:{unit.pk}",
        details={"supporters": supporters, "share": str(share), "support_days": support_days},
    )
    return th
