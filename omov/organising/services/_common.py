"""What the organising services share: the organiser guard and the site's address for links in emails."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from omov.members.models import Unit
from omov.organising.errors import NotAllowed
from omov.organising.permissions import is_organiser


def require_organiser(actor: Any, unit: Unit | None, what: str) -> None:
    if not is_organiser(actor=actor, unit=unit):
        where = f" of {unit.name}" if unit is not None else ""
        raise NotAllowed(f"only an organiser{where} can {what}: ask an organiser of the unit to appoint you")


def site_url(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path
