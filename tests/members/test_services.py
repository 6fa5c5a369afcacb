"""Member services and selectors: the unit tree, statuses, eligibility."""

from __future__ import annotations

import datetime as dt

import pytest

from omov.audit.models import AuditEntry
from omov.members.errors import MemberError
from omov.members.selectors import eligible_members, units_under
from omov.members.services import create_member, create_unit, set_member_status, user_for_member


def test_units_form_a_tree_and_units_under_includes_descendants(world):
    under = set(units_under(units=[world.c1]))
    assert under == {world.c1, world.b1}
    assert set(units_under(units=[world.region])) == {world.region, world.c1, world.c2, world.b1, world.b2}
    assert world.b1.path == f"/{world.region.pk}/{world.c1.pk}/{world.b1.pk}/"


def test_affiliates_need_a_kind(world):
    with pytest.raises(MemberError, match="union, society or other"):
        create_unit(organisation=world.org, code="U9", name="Mystery", kind="affiliate")
    assert world.union.affiliated_members == 5000 and world.union.affiliate_kind == "union"


def test_unit_codes_and_membership_numbers_are_unique(world):
    with pytest.raises(MemberError, match="already exists"):
        create_unit(organisation=world.org, code="B1", name="Again", kind="branch", parent=world.c1)
    with pytest.raises(MemberError, match="already taken"):
        create_member(organisation=world.org, membership_number="M000", name="X", unit=world.b1,
                      joined_on=dt.date(2020, 1, 1))  # fmt: skip


def test_status_changes_are_audited(world):
    set_member_status(member=world.members[3], status="suspended", actor=world.admin, reason="test")
    entry = AuditEntry.objects.get(action="member.status")
    assert entry.details == {"from": "active", "to": "suspended", "reason": "test"} and entry.actor == "admin"
    with pytest.raises(MemberError, match="unknown status"):
        set_member_status(member=world.members[3], status="gone", actor=world.admin)


def test_eligibility_rule(world):
    world.members[2].category = "registered_supporter"
    world.members[2].save()
    base = {"organisation": world.org}
    assert eligible_members(**base).count() == 11
    assert eligible_members(**base, supporters_allowed=True).count() == 12
    assert eligible_members(**base, units=[world.c2]).count() == 4
    assert eligible_members(**base, joined_on_or_before=dt.date(2020, 1, 31)).count() == 2


def test_a_member_gets_one_user_without_a_password(world):
    user = user_for_member(member=world.members[0])
    assert user_for_member(member=world.members[0]) == user
    assert not user.has_usable_password() and user.email == "m0@example.org"
