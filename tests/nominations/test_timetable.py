"""Timetables change only through services: an officer, a reason, an audit entry, a notice to those affected;
the admin no longer accepts a change it would discard. And the small wording fixes of the nominations pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from omov.audit.models import AuditEntry, Job
from omov.core.actors import SystemActor
from omov.members import services as ms
from omov.nominations import services as ns
from omov.nominations.errors import NominationError, WrongStage
from omov.nominations.models import GroupMembership, Nomination, NominationRound
from tests.nominations.conftest import past_close
from tests.nominations.test_selection import TODAY, Constituency


def _at(days: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


@pytest.fixture
def party(db):
    """An open round under `mp >= 2`: 4 MPs (two with an address), a candidate who is a member (with one)."""
    officer = get_user_model().objects.create_user("ro", "ro@example.org", is_staff=True, is_superuser=True)
    org = ms.create_organisation(name="Party", slug="p", actor=SystemActor("setup"))
    clp = ms.create_unit(organisation=org, code="C0", name="CLP 0", kind="constituency", audit=False)
    plp = ns.create_group(organisation=org, code="plp", name="PLP", actor=officer)
    mps = []
    for i in range(4):
        m = ms.create_member(organisation=org, membership_number=f"MP{i}", name=f"MP {i}", unit=clp, joined_on=TODAY,
                             email=f"mp{i}@example.org" if i < 2 else "", audit=False)
        ns.join_group(group=plp, member=m, actor=officer)
        mps.append(m)
    ann_member = ms.create_member(organisation=org, membership_number="A1", name="Ann", unit=clp, joined_on=TODAY,
                                  email="ann@example.org", audit=False)
    rnd = ns.create_round(organisation=org, title="Leader", rule="mp >= 2", actor=officer, parliamentary_group=plp,
                          opens_at=_at(-1), closes_at=_at(2))
    ann = ns.add_candidate(round=rnd, name="Ann", actor=officer, member=ann_member)
    ns.open_round(round=rnd, actor=officer)
    ns.nominate(round=rnd, candidate=ann, member=mps[0], actor=officer)
    return {"officer": officer, "org": org, "clp": clp, "plp": plp, "mps": mps, "round": rnd, "ann": ann}


def _snapshot(rnd: NominationRound) -> tuple:
    rnd.refresh_from_db()
    return rnd.opens_at, rnd.closes_at, AuditEntry.objects.count(), len(mail.outbox)


def test_an_officer_extends_a_rounds_deadline_audited_and_those_affected_are_told(party):
    rnd, officer = party["round"], party["officer"]
    old, new = rnd.closes_at, _at(5)
    ns.change_round_timetable(round=rnd, closes_at=new, actor=officer, reason="  the post was  late ")
    rnd.refresh_from_db()
    assert rnd.closes_at == new
    entry = AuditEntry.objects.get(action="nominations.round.timetable", subject=f"round:{rnd.pk}")
    assert entry.actor == "ro"
    assert entry.details["closes_at"] == {"from": old.isoformat(), "to": new.isoformat()}
    assert entry.details["reason"] == "the post was late" and "opens_at" not in entry.details
    # The candidate and the group's members with an address, once each (MP 0 is both a member and a nominator).
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "mp0@example.org", "mp1@example.org"]
    notice = mail.outbox[0]
    assert notice.subject == "Nominations timetable changed: Leader"
    assert f"Nominations close: {new:%A} {new.day} {new:%B %Y, %H:%M} UTC (was " in notice.body
    assert "The officer's reason: the post was late" in notice.body
    assert f"/nominations/rounds/{rnd.pk}/" in notice.body
    job = Job.objects.get(kind="timetable-notice", subject=f"round:{rnd.pk}")
    assert job.result == {"sent": 3} and "notice sent to 3 people" in job.message
    assert AuditEntry.objects.get(action="nominations.timetable.notice").details["sent"] == 3


def test_a_draft_rounds_opening_can_move_but_not_once_nominations_opened(party):
    officer = party["officer"]
    draft = ns.create_round(organisation=party["org"], title="Deputy", rule="mp >= 1", actor=officer,
                            parliamentary_group=party["plp"], opens_at=_at(1), closes_at=_at(3))
    ns.change_round_timetable(round=draft, opens_at=_at(2), closes_at=_at(4), actor=officer, reason="conference")
    draft.refresh_from_db()
    assert (draft.opens_at, draft.closes_at) == (_at(2), _at(4))
    assert set(AuditEntry.objects.filter(action="nominations.round.timetable").last().details) >= {
        "opens_at", "closes_at"}
    rnd = party["round"]
    before = _snapshot(rnd)
    with pytest.raises(WrongStage, match="once they have opened only the deadline can move"):
        ns.change_round_timetable(round=rnd, opens_at=_at(1), closes_at=_at(4), actor=officer, reason="x")
    assert _snapshot(rnd) == before


@pytest.mark.parametrize(("change", "message"), [
    ({"closes_at_days": -0.5}, "is in the past"),
    ({"closes_at_days": 3, "reason": "   "}, "say why the timetable changes"),
    ({"closes_at_days": 3, "reason": "x" * 501}, "keep it under 500"),
    ({"closes_at_days": 2}, "nothing to change"),
    ({"closes_at_days": 3, "actor": "plain"}, "only a nominations officer"),
])
def test_a_refused_timetable_change_says_why_and_changes_nothing(party, change, message):
    rnd = party["round"]
    actor = party["officer"]
    if change.get("actor") == "plain":
        actor = get_user_model().objects.create_user("plain", "p@example.org", is_staff=True)
    before = _snapshot(rnd)
    with pytest.raises(NominationError, match=message):
        ns.change_round_timetable(round=rnd, closes_at=_at(change["closes_at_days"]), actor=actor,
                                  reason=change.get("reason", "because"))
    assert _snapshot(rnd) == before


def test_a_deadline_before_the_opening_is_refused(party):
    draft = ns.create_round(organisation=party["org"], title="Deputy", rule="mp >= 1", actor=party["officer"],
                            parliamentary_group=party["plp"], opens_at=_at(3), closes_at=_at(4))
    with pytest.raises(NominationError, match="must come after nominations open"):
        ns.change_round_timetable(round=draft, closes_at=_at(2), actor=party["officer"], reason="x")


def test_a_passed_deadline_or_a_closed_round_cannot_move(party):
    rnd, officer = party["round"], party["officer"]
    past_close(rnd)
    with pytest.raises(WrongStage, match="a deadline that has passed cannot be moved"):
        ns.change_round_timetable(round=rnd, closes_at=_at(3), actor=officer, reason="late post")
    ns.close_round(round=rnd, actor=officer)
    with pytest.raises(WrongStage, match="can no longer change: nominations are closed"):
        ns.change_round_timetable(round=rnd, closes_at=_at(3), actor=officer, reason="late post")
    assert not AuditEntry.objects.filter(action="nominations.round.timetable").exists()


def test_a_trigger_ballots_deadline_moves_and_the_representative_is_told(db):
    place = Constituency()
    rep = place.members[0]
    trig = place.trigger(representative_member=rep)
    old, new = trig.closes_at, _at(10)
    ns.change_trigger_deadline(trigger=trig, closes_at=new, actor=place.gensec, reason="branch meetings postponed")
    trig.refresh_from_db()
    assert trig.closes_at == new
    entry = AuditEntry.objects.get(action="trigger.deadline")
    assert entry.details["closes_at"] == {"from": old.isoformat(), "to": new.isoformat()}
    assert [m.to for m in mail.outbox] == [[rep.email]]
    assert mail.outbox[0].subject == "Deadline changed: the trigger ballot for Sitting MP (Northtown CLP)"
    assert "Votes close: " in mail.outbox[0].body
    past_close(trig)
    ns.decide_trigger(trigger=trig, actor=place.gensec)
    with pytest.raises(WrongStage, match="was decided"):
        ns.change_trigger_deadline(trigger=trig, closes_at=_at(12), actor=place.gensec, reason="x")


def test_a_selections_nominations_timetable_moves_only_while_nominations_run(db):
    place = Constituency()
    sel = ns.start_selection(constituency=place.clp, actor=place.gensec, title="Northtown", opens_at=_at(-1),
                             closes_at=_at(7))
    ns.add_candidate(round=sel.round, name="Asha Khan", actor=place.gensec)
    ns.open_round(round=sel.round, actor=place.gensec)
    ns.change_selection_timetable(selection=sel, closes_at=_at(9), actor=place.gensec, reason="summer")
    sel.round.refresh_from_db()
    assert sel.round.closes_at == _at(9)
    assert AuditEntry.objects.get(action="selection.timetable").details["reason"] == "summer"
    past_close(sel.round)
    ns.draw_longlist(selection=sel, actor=place.gensec)
    with pytest.raises(WrongStage, match="at the longlist stage"):
        ns.change_selection_timetable(selection=sel, closes_at=_at(9), actor=place.gensec, reason="x")


# The officer's page -----------------------------------------------------------------------------------------------


def test_the_timetable_page_changes_the_deadline_with_a_reason_and_shows_the_history(client, party):
    rnd, officer = party["round"], party["officer"]
    url = f"/nominations/rounds/{rnd.pk}/timetable/"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(get_user_model().objects.create_user("plain", "p@example.org", is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(officer)
    assert f'href="{url}"' in client.get(f"/nominations/rounds/{rnd.pk}/record/").content.decode()
    new = _at(6)
    refused = client.post(url, {"closes_at": f"{new:%Y-%m-%dT%H:%M}", "reason": ""})
    assert refused.status_code == 400 and "say why the timetable changes" in refused.content.decode()
    rnd.refresh_from_db()
    assert rnd.closes_at != new
    page = client.post(url, {"closes_at": f"{new:%Y-%m-%dT%H:%M}", "reason": "a strike delayed the post"},
                       follow=True)
    html = page.content.decode()
    assert "The timetable is changed; those affected are being told by email." in html
    assert "a strike delayed the post" in html and f"{new:%B %Y, %H:%M} UTC" in html
    rnd.refresh_from_db()
    assert rnd.closes_at == new
    tracker = client.get(f"/nominations/rounds/{rnd.pk}/").content.decode()
    assert f"close {new.day} {new:%B %Y %H:%M}" in tracker


def test_the_trigger_timetable_page_moves_the_deadline(client, db):
    place = Constituency()
    trig = place.trigger()
    client.force_login(place.gensec)
    new = _at(9)
    page = client.post(f"/nominations/triggers/{trig.pk}/timetable/",
                       {"closes_at": f"{new:%Y-%m-%dT%H:%M}", "reason": "holidays"}, follow=True)
    assert "The deadline is changed" in page.content.decode()
    trig.refresh_from_db()
    assert trig.closes_at == new


# The admin no longer accepts a change it would discard -----------------------------------------------------------


def test_the_round_admin_shows_the_timetable_read_only_and_links_to_the_service(client, party):
    rnd = party["round"]
    client.force_login(party["officer"])
    url = f"/admin/nominations/nominationround/{rnd.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="closes_at' not in html and 'name="opens_at' not in html and 'name="title"' not in html
    assert f'href="/nominations/rounds/{rnd.pk}/timetable/"' in html
    before = _snapshot(rnd)
    client.post(url, {"closes_at_0": "2099-01-01", "closes_at_1": "00:00", "title": "Renamed", "rule": rnd.rule,
                      "candidates-TOTAL_FORMS": "1", "candidates-INITIAL_FORMS": "1",
                      "candidates-MIN_NUM_FORMS": "0", "candidates-MAX_NUM_FORMS": "1000",
                      "candidates-0-id": party["ann"].pk, "candidates-0-round": rnd.pk})
    assert _snapshot(rnd) == before and rnd.title == "Leader"


def test_the_trigger_and_selection_admin_link_to_their_timetable_pages(client, db):
    place = Constituency()
    trig = place.trigger()
    sel = ns.start_selection(constituency=place.clp, actor=place.gensec, title="Northtown", opens_at=_at(-1),
                             closes_at=_at(7))
    client.force_login(place.gensec)
    html = client.get(f"/admin/nominations/triggerballot/{trig.pk}/change/").content.decode()
    assert f'href="/nominations/triggers/{trig.pk}/timetable/"' in html and 'name="closes_at' not in html
    html = client.get(f"/admin/nominations/openselection/{sel.pk}/change/").content.decode()
    assert f'href="/nominations/rounds/{sel.round_id}/timetable/"' in html


# Wording -------------------------------------------------------------------------------------------------------


def test_two_nominators_with_the_same_name_are_told_apart(client, party):
    rnd, officer, clp = party["round"], party["officer"], party["clp"]
    twin = ms.create_member(organisation=party["org"], membership_number="MP9", name="MP 0", unit=clp,
                            joined_on=TODAY, audit=False)
    ns.join_group(group=party["plp"], member=twin, actor=officer)
    ns.nominate(round=rnd, candidate=party["ann"], member=twin, actor=officer)
    client.force_login(officer)
    html = client.get(f"/nominations/rounds/{rnd.pk}/record/").content.decode()
    assert "<td>MP 0 (MP0)</td>" in html and "<td>MP 0 (MP9)</td>" in html
    nom = Nomination.objects.get(member=twin)
    assert str(nom) == "MP 0 (MP9) nominates Ann"


def test_the_admin_names_memberships_and_votes_in_words(party, client):
    row = GroupMembership.objects.get(member=party["mps"][1])
    assert str(row) == f"MP 1 (MP1) in PLP (since {TODAY.day} {TODAY:%b %Y})"
    client.force_login(party["officer"])
    html = client.get(f"/admin/nominations/nominatinggroup/{party['plp'].pk}/change/").content.decode()
    assert "GroupMembership object" not in html and "MP 1 (MP1) in PLP" in html
    branch = ms.create_unit(organisation=party["org"], code="W1", name="Ward 1", kind="branch", parent=party["clp"])
    trig = ns.create_trigger_ballot(constituency=party["clp"], representative="MP 0", actor=party["officer"],
                                    closes_at=_at(3))
    vote = ns.record_trigger_vote(trigger=trig, unit=branch, choice="open", actor=party["officer"])
    assert str(vote) == "Ward 1 (W1) votes to open"


def test_a_draft_rounds_opening_left_as_shown_is_not_a_change(client, party):
    officer = party["officer"]
    opens = timezone.now() + dt.timedelta(days=1, seconds=17)  # seconds the form's minutes cannot show
    draft = ns.create_round(organisation=party["org"], title="Deputy", rule="mp >= 1", actor=officer,
                            parliamentary_group=party["plp"], opens_at=opens, closes_at=opens + dt.timedelta(days=2))
    client.force_login(officer)
    url = f"/nominations/rounds/{draft.pk}/timetable/"
    assert 'name="opens_at"' in client.get(url).content.decode()  # a draft's opening can still move
    new = _at(5)
    client.post(url, {"opens_at": f"{opens:%Y-%m-%dT%H:%M}", "closes_at": f"{new:%Y-%m-%dT%H:%M}", "reason": "x"})
    draft.refresh_from_db()
    assert (draft.opens_at, draft.closes_at) == (opens, new)
    assert "opens_at" not in AuditEntry.objects.get(action="nominations.round.timetable").details
