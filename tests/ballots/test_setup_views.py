"""The returning officer's guided set-up on omov's pages (no admin): a unit's returning officer, not a superuser,
creates a ballot, adds candidates and a balance rule, chooses the electorate with its count, sets the
timetable, previews the paper and marks it ready; others are refused."""

from __future__ import annotations

import re

import pytest

from omov.audit.models import AuditEntry
from omov.ballots.models import Ballot
from omov.members.models import Appointment
from omov.members.selectors import eligible_members
from omov.members.services import appoint, user_for_member

RO = Appointment.Role.RETURNING_OFFICER


@pytest.fixture
def ro_client(world, client):
    """The signed-in `ro2`, appointed returning officer of constituency C1 (and so branch B1), nothing else."""
    appoint(organisation=world.org, user=world.other_officer, role=RO, unit=world.c1, actor=world.admin)
    assert not world.other_officer.is_superuser
    client.force_login(world.other_officer)
    return client


def post_ok(client, url, data):
    """Post a step's form; it redirects on success (the page re-shown with errors would be a 200)."""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_a_unit_returning_officer_sets_up_a_ballot_and_marks_it_ready_from_the_pages(world, ro_client):
    index = ro_client.get("/ballots/setup/")
    assert index.status_code == 200
    text = index.content.decode()
    assert "Single transferable vote, Scottish local-government rules" in text and "Suits:" in text
    created = post_ok(ro_client, "/ballots/setup/", {"form": "new", "new-organisation": world.org.pk,
                                                     "new-title": "Branch committee", "new-method": "scottish",
                                                     "new-seats": 2})  # fmt: skip
    ballot = Ballot.objects.get(title="Branch committee")
    base = f"/ballots/{ballot.pk}/setup"
    assert created["Location"] == f"{base}/candidates/"
    for name, gender in [("Ann", "woman"), ("Bob", "man"), ("Cat", "man")]:
        post_ok(ro_client, f"{base}/candidates/", {"action": "add", "name": name, "gender": gender,
                                                   "statement": f"{name} for the committee."})  # fmt: skip
    post_ok(ro_client, f"{base}/candidates/", {"action": "up", "candidate": ballot.candidates.get(name="Cat").pk})
    assert [c.name for c in ballot.candidates.order_by("number")] == ["Ann", "Cat", "Bob"]
    post_ok(ro_client, f"{base}/balance/", {"action": "add", "minimum": 1, "gender": "woman"})
    assert str(ballot.balance_rules.get()) == "at least 1 women"
    draft = ro_client.get(f"{base}/").content.decode()
    assert "no timetable" in draft and 'id="mark-ready"' not in draft  # the checklist says what is missing
    post_ok(ro_client, f"{base}/electorate/", {"units": [world.b1.pk], "statuses": ["active"]})
    post_ok(ro_client, f"{base}/timetable/", {"opens_at": "2030-05-01T09:00", "closes_at": "2030-05-08T17:00"})
    ballot.refresh_from_db()
    assert ballot.opens_at.isoformat() == "2030-05-01T08:00:00+00:00"  # 09:00 in London's summer time
    preview = ro_client.get(f"{base}/preview/").content.decode()
    assert 'id="paper-preview"' in preview and 'name="rank_1"' in preview and "Preference for </span>Ann" in preview
    assert 'id="mark-ready"' in ro_client.get(f"{base}/").content.decode()
    post_ok(ro_client, f"{base}/ready/", {})
    ballot.refresh_from_db()
    assert ballot.state == "ready"
    assert AuditEntry.objects.filter(action="ballot.ready", actor="ro2").exists()


def test_the_roll_count_is_on_the_page_and_live_from_the_json_endpoint(world, ro_client):
    ballot_page = ro_client.post("/ballots/setup/", {"form": "new", "new-organisation": world.org.pk,
                                                     "new-title": "Count me", "new-method": "irv", "new-seats": 1})
    ballot = Ballot.objects.get(pk=int(re.search(r"/ballots/(\d+)/", ballot_page["Location"]).group(1)))
    expected = eligible_members(organisation=world.org, units=[world.c1]).count()
    page = ro_client.get(f"/ballots/{ballot.pk}/setup/electorate/").content.decode()
    assert f'<strong id="roll-count">{expected}</strong>' in page  # the count without JavaScript
    assert "<script src=" in page and "setup.js" in page
    live = ro_client.get(f"/ballots/{ballot.pk}/setup/electorate/count.json",
                         {"units": [world.b1.pk], "statuses": ["active", "lapsed"], "freeze_date": "2020-03-01"})
    assert live.json() == {"count": eligible_members(organisation=world.org, units=[world.b1],
                                                     statuses=["active", "lapsed"],
                                                     joined_on_or_before=__import__("datetime").date(2020, 3, 1)
                                                     ).count()}  # fmt: skip
    beyond = ro_client.get(f"/ballots/{ballot.pk}/setup/electorate/count.json", {"units": [world.b2.pk],
                                                                                 "statuses": ["active"]})
    assert beyond.status_code == 400  # a unit outside theirs is not a choice


def test_members_and_other_officers_cannot_set_up_ballots(world, client):
    member_user = user_for_member(member=world.members[0])
    client.force_login(member_user)
    assert client.get("/ballots/setup/").status_code == 403
    ballot = world.ballot(ready=False)
    assert client.get(f"/ballots/{ballot.pk}/setup/").status_code == 404  # a draft is not even named
    client.force_login(world.scrutineer)
    from omov.ballots import services as bs

    bs.appoint_scrutineer(ballot=ballot, user=world.scrutineer, actor=world.officer)
    assert client.get(f"/ballots/{ballot.pk}/setup/").status_code == 403
    response = client.post(f"/ballots/{ballot.pk}/setup/candidates/", {"action": "add", "name": "Eve"})
    assert response.status_code == 403 and not ballot.candidates.filter(name="Eve").exists()


def test_a_ready_ballot_is_no_longer_editable_and_a_copy_starts_a_new_draft(world, ro_client):
    source = world.ballot(method="scottish", seats=2, candidates=("Ann", "Bob"), ready=True)
    appoint(organisation=world.org, user=world.officer, role=RO, unit=world.region, actor=world.admin)
    ro_client.force_login(world.officer)
    assert ro_client.get(f"/ballots/{source.pk}/setup/candidates/")["Location"] == f"/ballots/{source.pk}/"
    post_ok(ro_client, "/ballots/setup/", {"form": "copy", "copy-source": source.pk, "copy-title": "Next year",
                                           "copy-with_candidates": "on"})  # fmt: skip
    copy = Ballot.objects.get(title="Next year")
    assert copy.state == "draft" and copy.method == "scottish" and copy.candidates.count() == 2
    assert list(copy.electorate_units.all()) == [world.region]  # the whole party's ballot, narrowed to their units
