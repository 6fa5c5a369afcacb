"""A returning officer appointed for some units creates and runs ballots for them without being a superuser."""

from __future__ import annotations

import pytest

from omov.ballots import services as bs
from omov.ballots.errors import NotAllowed
from omov.members.models import Appointment
from omov.members.services import appoint

RO = Appointment.Role.RETURNING_OFFICER


def test_a_unit_returning_officer_creates_a_ballot_for_their_units_and_runs_it(world):
    appoint(organisation=world.org, user=world.other_officer, role=RO, unit=world.c1, actor=world.admin)
    ballot = bs.create_ballot(organisation=world.org, title="Branch chair", method="irv", actor=world.other_officer)
    assert list(ballot.electorate_units.all()) == [world.c1]  # their units by default, never the whole party
    assert list(ballot.returning_officers.all()) == [world.other_officer]
    bs.set_electorate(ballot=ballot, actor=world.other_officer, units=[world.b1])
    bs.add_candidate(ballot=ballot, actor=world.other_officer, name="Ann")
    assert bs.is_officer(actor=world.other_officer, ballot=ballot)


def test_a_unit_returning_officer_cannot_reach_beyond_their_units(world):
    appoint(organisation=world.org, user=world.other_officer, role=RO, unit=world.c1, actor=world.admin)
    with pytest.raises(NotAllowed, match="units you are returning officer of"):
        bs.create_ballot(organisation=world.org, title="X", method="irv", actor=world.other_officer,
                         electorate_units=[world.c2])  # fmt: skip
    ballot = bs.create_ballot(organisation=world.org, title="Y", method="irv", actor=world.other_officer)
    for units in ([world.b2], []):
        with pytest.raises(NotAllowed, match="within the units"):
            bs.set_electorate(ballot=ballot, actor=world.other_officer, units=units)


def test_someone_without_an_appointment_still_cannot_create_a_ballot(world):
    with pytest.raises(NotAllowed, match="returning officer appointed"):
        bs.create_ballot(organisation=world.org, title="X", method="irv", actor=world.officer)


def test_an_appointed_returning_officer_runs_ballots_within_their_units_named_on_it_or_not(world):
    ballot = world.ballot(ready=False)
    bs.set_electorate(ballot=ballot, actor=world.officer, units=[world.b2])
    assert not bs.is_officer(actor=world.other_officer, ballot=ballot)
    appoint(organisation=world.org, user=world.other_officer, role=RO, unit=world.c2, actor=world.admin)
    assert bs.is_officer(actor=world.other_officer, ballot=ballot)
    appoint(organisation=world.org, user=world.scrutineer, role="scrutineer", unit=world.region, actor=world.admin)
    assert bs.is_observer(actor=world.scrutineer, ballot=ballot) and not bs.is_officer(actor=world.scrutineer,
                                                                                       ballot=ballot)


def test_copy_and_reorder_keep_a_draft_consistent(world):
    source = world.ballot(method="scottish", seats=2, candidates=("Ann", "Bob", "Cat"),
                          genders=("woman", "man", "woman"), ready=False)  # fmt: skip
    bs.add_balance_rule(ballot=source, actor=world.officer, group="women", minimum=1, genders=["woman"])
    bs.set_electorate(ballot=source, actor=world.officer, units=[world.c1], statuses=["active", "lapsed"])
    copy = bs.copy_ballot(source=source, actor=world.admin, title="Again", with_candidates=True)
    assert [c.name for c in copy.candidates.order_by("number")] == ["Ann", "Bob", "Cat"]
    assert copy.balance_rules.get().genders == ["woman"] and copy.statuses == ["active", "lapsed"]
    assert list(copy.electorate_units.all()) == [world.c1] and copy.opens_at is None
    cat = copy.candidates.get(name="Cat")
    bs.move_candidate(candidate=cat, actor=world.admin, by=-1)
    assert [c.name for c in copy.candidates.order_by("number")] == ["Ann", "Cat", "Bob"]
