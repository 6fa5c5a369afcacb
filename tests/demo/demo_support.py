"""What the demo tests share: the DemoContext of a seeded demo, rebuilt from the database."""

from __future__ import annotations

import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from omov.demo import DEMO_SLUG, DemoContext
from omov.members.models import Organisation, Unit


def demo_context(data: Path) -> DemoContext:
    """The context demo.py hands to seed_nominations and seed_voice, as the database now holds it."""
    org = Organisation.objects.get(slug=DEMO_SLUG)
    users = get_user_model().objects

    def units(kind: str) -> list[Unit]:
        return list(Unit.objects.filter(organisation=org, kind=kind).order_by("pk"))

    return DemoContext(
        org=org,
        admin=users.get(username="admin"),
        officer=users.get(username="returning.officer"),
        scrutineer=users.get(username="scrutineer"),
        regions=units("region"),
        constituencies=units("constituency"),
        branches=units("branch"),
        affiliates=units("affiliate"),
        rng=random.Random(2026),
        now=timezone.now(),
        data=data,
    )
