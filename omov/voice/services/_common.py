"""What the member-voice services share: limits on text, the officer and active-member guards."""

from __future__ import annotations

from typing import Any

from omov.core.actors import Untrusted
from omov.members.models import Member, Unit
from omov.voice.errors import InvalidInput, NotAllowed
from omov.voice.models import (
    Consultation,
    Motion,
)
from omov.voice.permissions import is_voice_officer

M = Motion.State


C = Consultation.State


MAX_TITLE = 200


MAX_MOTION = 20000


MAX_TEXT_ANSWER = 5000


def _require_officer(actor: Any, unit: Unit | None, what: str) -> None:
    if not is_voice_officer(actor=actor, unit=unit):
        where = f" for {unit.name}" if unit is not None else ""
        raise NotAllowed(f"only a member-voice officer{where} can {what}")


def _require_active(member: Member) -> None:
    if member.status != Member.Status.ACTIVE:
        raise NotAllowed(f"only active members can do this (your membership is {member.status})")


def _check_text(title: str, text: str) -> tuple[str, str]:
    title = " ".join(title.split())
    text = text.strip()
    if not title or not text:
        raise InvalidInput("a motion needs a title and a text")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"a title has at most {MAX_TITLE} characters")
    if len(text) > MAX_MOTION:
        raise InvalidInput(f"a motion's text has at most {MAX_MOTION} characters")
    return title, text


def _member_actor(member: Member) -> Any:
    return member.user or Untrusted(f"member:{member.membership_number}")
