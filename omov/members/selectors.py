"""Non-trivial reads of members and units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from omov.members.models import Member, Organisation, Unit


def units_under(*, units: Iterable[Unit]) -> QuerySet[Unit]:
    """The given units and every unit below them in the tree."""
    query = Q(pk__in=[])
    for unit in units:
        query |= Q(path__startswith=unit.path)
    return Unit.objects.filter(query)


def eligible_members(
    *,
    organisation: Organisation,
    units: Iterable[Unit] = (),
    statuses: Iterable[str] = ("active",),
    joined_on_or_before: dt.date | None = None,
    allow_arrears: bool = False,
    supporters_allowed: bool = False,
) -> QuerySet[Member]:
    """Members matching an electorate rule: in the units (and their descendants; none given: all units), with
    one of the statuses, joined on or before the freeze date, not in arrears, supporters only if allowed."""
    qs = Member.objects.filter(organisation=organisation, status__in=list(statuses))
    units = list(units)
    if units:
        prefix = Q(pk__in=[])
        for unit in units:
            prefix |= Q(unit__path__startswith=unit.path)
        qs = qs.filter(prefix)
    if joined_on_or_before is not None:
        qs = qs.filter(joined_on__lte=joined_on_or_before)
    if not allow_arrears:
        qs = qs.filter(arrears__lte=0)
    if not supporters_allowed:
        qs = qs.filter(category=Member.Category.MEMBER)
    return qs


def member_for_user(*, user: object) -> Member | None:
    """The member record a signed-in user belongs to, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).select_related("unit", "organisation").first()


def genders_recorded(*, organisation: Organisation) -> list[str]:
    """The genders the organisation records for its members (its own list, as the members' records have it),
    for choosing a candidate's gender and a balance rule; empty if it records none."""
    values = Member.objects.filter(organisation=organisation).exclude(gender="").values_list("gender", flat=True)
    return sorted({v.strip().casefold() for v in values.distinct() if v.strip()})


def people_with_role(*, organisation: Organisation, role: str) -> list[Any]:
    """The active users appointed `role` anywhere in the organisation (the pool a ballot's officers come from)."""
    User = get_user_model()
    return list(
        User.objects.filter(appointments__organisation=organisation, appointments__role=role, is_active=True)
        .distinct()
        .order_by("username")
    )
