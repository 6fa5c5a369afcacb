"""Fixtures for organising: the shared `world` (tests/conftest_django.py) with an organiser of constituency C1,
a canvassing course, and a CSV of electors on two streets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from omov.members.services import user_for_member
from omov.organising import services as os_

ELECTORS_CSV = """elector_number,name,address,polling_district
AB1-1,Ann Able,"10 High Street, Town",AB1
AB1-2,Ben Best,"2 High Street, Town",AB1
AB1-3,Cat Cole,"2A High Street, Town",AB1
AB1-4,Dan Dee,"1 High Street, Town",AB1
AB1-5,Eve East,"Flat 3, 11 High Street, Town",AB1
AB1-6,Fay Fox,"3 Mill Lane, Town",AB1
AB1-7,Gus Gray,"Rose Cottage, Mill Lane, Town",AB1
"""


@pytest.fixture
def org(world):
    os_.appoint_organiser(user=world.officer, unit=world.c1, actor=world.admin)
    world.course = os_.create_course(
        organisation=world.org, code="canvassing", name="Canvassing basics", actor=world.officer
    )
    world.member_user = user_for_member(member=world.members[0])
    return world


@pytest.fixture
def make_event(org):
    def make(**kw):
        start = timezone.now() + dt.timedelta(days=kw.pop("in_days", 3))
        args = dict(
            unit=org.b1,
            kind="meeting",
            title="Branch meeting",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="Town Hall, Room 2",
            actor=org.officer,
        )
        args.update(kw)
        return os_.create_event(**args)

    return make


@pytest.fixture
def elector_list(org):
    el = os_.import_electors(
        unit=org.b1,
        name="High Street ward",
        csv_text=ELECTORS_CSV,
        retain_until=timezone.localdate() + dt.timedelta(days=90),
        actor=org.officer,
    )
    os_.cut_walk_lists(elector_list=el, actor=org.officer)
    return el
