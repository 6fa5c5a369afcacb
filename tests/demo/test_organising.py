"""The demo's organising (omov.demo.organising) at a tenth of the demo's size: trainings with completions,
canvass sessions with walk lists and recorded doors, and what the demo member and the officer see."""

from __future__ import annotations

import pytest
from django.test import Client

from omov.demo import DEMO_MEMBER, seed
from omov.members.models import Member
from omov.members.services import user_for_member
from omov.organising.models import Completion, DoorRecord, ElectorList, Event, WalkList
from tests.demo.demo_support import demo_context

pytestmark = pytest.mark.slow


@pytest.fixture
def seeded(tmp_path, db):
    lines = seed(data=tmp_path, members=300).splitlines()
    return lines, demo_context(tmp_path)


def test_the_demo_has_two_trainings_canvass_sessions_walk_lists_and_recorded_doors(seeded):
    lines, ctx = seeded
    assert any(line.startswith("Organising (") for line in lines)
    trainings = Event.objects.filter(unit__organisation=ctx.org, kind="training", teaches__code="canvassing")
    assert trainings.count() == 2
    assert Completion.objects.filter(course__code="canvassing").count() >= 1
    sessions = Event.objects.filter(unit__organisation=ctx.org, kind="canvass")
    assert sessions.count() == 2 and all(s.requires is not None for s in sessions)
    assert WalkList.objects.filter(session__in=sessions).count() == 4
    assert DoorRecord.objects.filter(outcome="spoke").exists() and DoorRecord.objects.filter(outcome="not_in").exists()
    sides = set(WalkList.objects.values_list("side", flat=True))
    assert sides == {"odd", "even"}


def test_the_demo_member_sees_the_trainings_and_the_officer_sees_the_canvass(seeded):
    _, ctx = seeded
    member = Member.objects.get(organisation=ctx.org, membership_number=DEMO_MEMBER)
    client = Client()
    client.force_login(user_for_member(member=member))
    page = client.get("/organising/").content.decode()
    assert "Canvassing basics" in page and "Saturday canvass" in page
    elector_list = ElectorList.objects.get(unit__organisation=ctx.org)
    assert client.get(f"/organising/lists/{elector_list.pk}/").status_code == 404
    officer = Client()
    officer.force_login(ctx.officer)
    page = officer.get(f"/organising/lists/{elector_list.pk}/").content.decode()
    assert "Contact rate" in page and "whole list" in page


def test_the_demo_has_a_petition_with_signatures_and_a_volunteer_form(seeded):
    lines, ctx = seeded
    from omov.organising.models import SignUpForm
    from omov.organising.selectors import signature_count, signatures_over_time

    petition = SignUpForm.objects.get(unit__organisation=ctx.org, kind="petition")
    assert 60 <= signature_count(petition) < petition.submissions.count()
    assert len(signatures_over_time(petition)["labels"]) >= 10  # a chart over two weeks
    assert petition.submissions.exclude(moderation="accepted").exists()  # the spam waits for review
    volunteers = SignUpForm.objects.get(unit__organisation=ctx.org, kind="volunteer")
    assert volunteers.submissions.filter(join="requested").exists()
    assert any(line.startswith("Petition ") for line in lines)
    page = Client().get(f"/organising/f/{petition.pk}/")
    assert page.status_code == 200 and b"Save the number 7 bus" in page.content
