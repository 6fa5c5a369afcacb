"""Motions: drafting, publishing, support and its window, withdrawal, expiry and composites."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from omov.audit.services import record
from omov.core.actors import SYSTEM
from omov.members.models import Member, Unit
from omov.voice.errors import AlreadyDone, InvalidInput, NotAllowed, WrongState
from omov.voice.models import (
    Motion,
    Support,
)
from omov.voice.permissions import member_in_unit
from omov.voice.selectors import supporters_needed, threshold_rule
from omov.voice.services._common import M, _check_text, _member_actor, _require_active, _require_officer
from omov.voice.services.discussion import thread_for_motion


@transaction.atomic
def draft_motion(*, member: Member, unit: Unit, title: str, text: str, amends: Motion | None = None) -> Motion:
    """A member drafts a motion in a unit they belong to (an amendment if `amends` is given)."""
    _require_active(member)
    if not member_in_unit(member, unit):
        raise NotAllowed(f"you can propose motions only in units you belong to ({unit.name} is not one)")
    title, text = _check_text(title, text)
    if amends is not None:
        if amends.unit_id != unit.pk:
            raise InvalidInput("an amendment belongs to the same unit as the motion it amends")
        if amends.state not in (M.SUPPORT, M.QUALIFIED):
            raise WrongState(
                f"{amends.title!r} is {amends.get_state_display()}; only a motion collecting "
                "support or waiting for its vote can be amended"
            )
    motion = Motion.objects.create(
        organisation=unit.organisation,
        unit=unit,
        title=title,
        text=text,
        proposer=member,
        amends=amends,
        kind=Motion.Kind.AMENDMENT if amends is not None else Motion.Kind.MOTION,
    )
    record(
        actor=_member_actor(member),
        action="motion.draft",
        subject=f"motion:{motion.pk}",
        details={"title": title, "unit": unit.code, "amends": amends.pk if amends else None},
    )
    return motion


def _lock_motion(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().get(pk=motion.pk)


@transaction.atomic
def update_motion(*, motion: Motion, member: Member, title: str, text: str) -> Motion:
    """The proposer changes a draft."""
    locked = _lock_motion(motion)
    if locked.proposer_id != member.pk:
        raise NotAllowed("only the proposer can change a draft motion")
    if locked.state != M.DRAFT:
        raise WrongState("a motion can be changed only while it is a draft (supporters signed what they saw)")
    locked.title, locked.text = _check_text(title, text)
    locked.save(update_fields=["title", "text"])
    record(
        actor=_member_actor(member),
        action="motion.update",
        subject=f"motion:{locked.pk}",
        details={"title": locked.title},
    )
    return locked


@transaction.atomic
def publish_motion(*, motion: Motion, member: Member, now: dt.datetime | None = None) -> Motion:
    """draft → collecting support: the threshold and the deadline are fixed now; a discussion thread opens."""
    now = now or timezone.now()
    locked = _lock_motion(motion)
    if locked.proposer_id != member.pk:
        raise NotAllowed("only the proposer can publish a motion")
    if locked.state != M.DRAFT:
        raise WrongState(f"{locked.title!r} is already {locked.get_state_display()}")
    _, _, days = threshold_rule(locked.unit)
    locked.threshold = supporters_needed(locked.unit)
    locked.state = M.SUPPORT
    locked.published_at = now
    locked.support_deadline = now + dt.timedelta(days=days)
    locked.save()
    thread_for_motion(motion=locked)
    record(
        actor=_member_actor(member),
        action="motion.publish",
        subject=f"motion:{locked.pk}",
        details={"threshold": locked.threshold, "deadline": locked.support_deadline.isoformat()},
    )
    motion.refresh_from_db()
    return locked


def _recount(motion: Motion, now: dt.datetime) -> None:
    n = Support.objects.filter(motion=motion).count()
    if motion.state == M.SUPPORT and n >= motion.threshold:
        motion.state, motion.qualified_at = M.QUALIFIED, now
        motion.save(update_fields=["state", "qualified_at"])
        record(
            actor=SYSTEM,
            action="motion.qualified",
            subject=f"motion:{motion.pk}",
            details={"supporters": n, "threshold": motion.threshold},
        )
    elif motion.state == M.QUALIFIED and n < motion.threshold:
        motion.state, motion.qualified_at = M.SUPPORT, None
        motion.save(update_fields=["state", "qualified_at"])
        record(
            actor=SYSTEM,
            action="motion.below-threshold",
            subject=f"motion:{motion.pk}",
            details={"supporters": n, "threshold": motion.threshold},
        )


def _check_support_window(motion: Motion, now: dt.datetime, verb: str) -> None:
    if motion.state not in (M.SUPPORT, M.QUALIFIED):
        raise WrongState(f"you cannot {verb} {motion.title!r}: it is {motion.get_state_display()}")
    if motion.support_deadline and now >= motion.support_deadline:
        raise WrongState(
            f"the deadline for support of {motion.title!r} passed on {motion.support_deadline:%d %B %Y at %H:%M} UTC"
        )


@transaction.atomic
def support_motion(*, motion: Motion, member: Member, now: dt.datetime | None = None) -> Support:
    """A member of the motion's unit supports it (once); reaching the threshold qualifies it for a vote."""
    now = now or timezone.now()
    locked = _lock_motion(motion)
    _check_support_window(locked, now, "support")
    _require_active(member)
    if not member_in_unit(member, locked.unit):
        raise NotAllowed(f"only members of {locked.unit.name} can support this motion")
    if Support.objects.filter(motion=locked, member=member).exists():
        raise AlreadyDone("you already support this motion")
    try:
        with transaction.atomic():
            support = Support.objects.create(motion=locked, member=member)
    except IntegrityError:
        raise AlreadyDone("you already support this motion") from None
    record(actor=_member_actor(member), action="motion.support", subject=f"motion:{locked.pk}", details={})
    _recount(locked, now)
    motion.refresh_from_db()
    return support


@transaction.atomic
def withdraw_support(*, motion: Motion, member: Member, now: dt.datetime | None = None) -> None:
    """A member withdraws their support, until the deadline (a qualified motion may fall back below it)."""
    now = now or timezone.now()
    locked = _lock_motion(motion)
    _check_support_window(locked, now, "withdraw support from")
    deleted, _ = Support.objects.filter(motion=locked, member=member).delete()
    if not deleted:
        raise WrongState("you do not support this motion, so there is nothing to withdraw")
    record(actor=_member_actor(member), action="motion.support.withdraw", subject=f"motion:{locked.pk}", details={})
    _recount(locked, now)
    motion.refresh_from_db()


@transaction.atomic
def withdraw_motion(*, motion: Motion, member: Member) -> Motion:
    """The proposer withdraws their motion before it goes to a vote."""
    locked = _lock_motion(motion)
    if locked.proposer_id != member.pk:
        raise NotAllowed("only the proposer can withdraw a motion")
    if locked.state not in (M.DRAFT, M.SUPPORT, M.QUALIFIED):
        raise WrongState(f"{locked.title!r} is {locked.get_state_display()} and can no longer be withdrawn")
    locked.state = M.WITHDRAWN
    locked.save(update_fields=["state"])
    record(actor=_member_actor(member), action="motion.withdraw", subject=f"motion:{locked.pk}", details={})
    return locked


@transaction.atomic
def close_expired_motions(*, now: dt.datetime | None = None, actor: Any = SYSTEM) -> int:
    """Motions whose support deadline passed without reaching the threshold fall. Returns how many fell."""
    now = now or timezone.now()
    fell = 0
    for motion in Motion.objects.select_for_update().filter(state=M.SUPPORT, support_deadline__lte=now):
        motion.state = M.FELL
        motion.save(update_fields=["state"])
        record(
            actor=actor,
            action="motion.fell",
            subject=f"motion:{motion.pk}",
            details={"supporters": motion.supports.count(), "threshold": motion.threshold},
        )
        fell += 1
    return fell


@transaction.atomic
def composite_motions(*, motions: Sequence[Motion], title: str, text: str, actor: Any) -> Motion:
    """An officer merges several motions of one unit into a composite, which goes straight to a vote; the
    originals keep their text and supporters and point at the composite."""
    motions = [_lock_motion(m) for m in motions]
    if len(motions) < 2:
        raise InvalidInput("a composite merges at least two motions")
    unit = motions[0].unit
    _require_officer(actor, unit, "composite motions")
    if any(m.unit_id != unit.pk for m in motions):
        raise InvalidInput("only motions of the same unit can be composited")
    bad = [m.title for m in motions if m.state not in (M.SUPPORT, M.QUALIFIED)]
    if bad:
        raise WrongState(f"these motions are not collecting support or qualified: {', '.join(bad)}")
    title, text = _check_text(title, text)
    composite = Motion.objects.create(
        organisation=unit.organisation,
        unit=unit,
        kind=Motion.Kind.COMPOSITE,
        title=title,
        text=text,
        state=M.QUALIFIED,
        threshold=0,
        published_at=timezone.now(),
        qualified_at=timezone.now(),
    )
    for m in motions:
        m.state, m.composited_into = M.COMPOSITED, composite
        m.save(update_fields=["state", "composited_into"])
    thread_for_motion(motion=composite)
    record(
        actor=actor,
        action="motion.composite",
        subject=f"motion:{composite.pk}",
        details={
            "title": title,
            "from": [m.pk for m in motions],
            "supporters": {str(m.pk): m.supports.count() for m in motions},
        },
    )
    return composite
