"""The tracker fragment, what-if page, admin rule editor and `omov nominations whatif ROUND-ID`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from omov.core.actors import SystemActor
from omov.members import services as ms
from omov.nominations import services as ns
from omov.nominations.cli import main
from omov.nominations.models import NominationRound

TODAY = dt.date.today()


@pytest.fixture
def small(db):
    """A party of 10 MPs and 20 CLPs; a round under the 2018 rule; Ann has 1 MP and 1 CLP, Bob 2 MPs."""
    gensec = get_user_model().objects.create_user("gs", "gs@example.org", is_staff=True, is_superuser=True)
    org = ms.create_organisation(name="Party", slug="p", actor=SystemActor("setup"))
    clps = [ms.create_unit(organisation=org, code=f"C{i}", name=f"CLP {i}", kind="constituency", audit=False)
            for i in range(20)]
    plp = ns.create_group(organisation=org, code="plp", name="PLP", actor=gensec)
    mps = []
    for i in range(10):
        m = ms.create_member(organisation=org, membership_number=f"MP{i}", name=f"MP {i}", unit=clps[i],
                             joined_on=TODAY, audit=False)
        ns.join_group(group=plp, member=m, actor=gensec)
        mps.append(m)
    now = timezone.now()
    rnd = ns.create_round(organisation=org, title="Leader", rule="2018", actor=gensec, parliamentary_group=plp,
                          opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=1))
    ann = ns.add_candidate(round=rnd, name="Ann", actor=gensec)
    bob = ns.add_candidate(round=rnd, name="Bob", actor=gensec)
    ns.open_round(round=rnd, actor=gensec)
    ns.nominate(round=rnd, candidate=ann, member=mps[0], actor=gensec)
    ns.nominate(round=rnd, candidate=ann, unit=clps[0], actor=gensec, meeting_date=TODAY, votes_for=3,
                votes_against=1)
    for mp in mps[1:3]:
        ns.nominate(round=rnd, candidate=bob, member=mp, actor=gensec)
    return {"gensec": gensec, "org": org, "round": rnd, "plp": plp, "mps": mps, "clps": clps}


def test_the_tracker_shows_every_term_and_what_is_still_needed(client, small):
    rnd = small["round"]
    page = client.get(f"/nominations/rounds/{rnd.pk}/").content.decode()
    assert f'data-board-url="/nominations/rounds/{rnd.pk}/board/"' in page
    assert '<script src="/static/nominations/poll.js" defer></script>' in page
    poll = Path(__file__).resolve().parents[2] / "omov/nominations/static/nominations/poll.js"
    assert "fetch(url" in poll.read_text(encoding="utf-8")
    board = client.get(f"/nominations/rounds/{rnd.pk}/board/").content.decode()
    assert "1 of 10 mp; 10% of 10 is 1, rounded up to 1" in board
    assert "1 of 20 clp; 5% of 20 is 1, rounded up to 1" in board
    assert "2 of 10 mp" in board and "1 more needed" in board  # Bob still needs one CLP
    data = client.get(f"/nominations/rounds/{rnd.pk}/tracker.json").json()
    assert data["qualified"] == ["Ann"] and data["sizes"]["mp"] == 10


def test_a_draft_round_is_not_public(client, small):
    now = timezone.now()
    draft = ns.create_round(organisation=small["org"], title="Draft", rule="mp >= 1", actor=small["gensec"],
                            parliamentary_group=small["plp"], opens_at=now, closes_at=now + dt.timedelta(days=1))
    assert client.get(f"/nominations/rounds/{draft.pk}/").status_code == 404


def test_whatif_shows_the_same_nominations_under_other_rules_side_by_side(client, small):
    rnd = small["round"]
    page = client.get(f"/nominations/rounds/{rnd.pk}/whatif/", {"rule": ["2014", "2021"],
                                                                  "custom": "mp >= 2"})
    html = page.content.decode()
    assert page.status_code == 200
    # Columns: the round's rule (2018), then 2014, 2021 and the custom rule.
    assert [h for h in ("<th scope=\"col\">2018", "<th scope=\"col\">2014", "<th scope=\"col\">2021",
                        "<th scope=\"col\">mp &gt;= 2") if h in html] == [
        "<th scope=\"col\">2018", "<th scope=\"col\">2014", "<th scope=\"col\">2021", "<th scope=\"col\">mp &gt;= 2"]
    assert "<td>Ann</td><td>Bob</td><td>nobody</td><td>Bob</td>" in html.replace("\n", "")
    bad = client.get(f"/nominations/rounds/{rnd.pk}/whatif/", {"custom": "mp >>= 2"})
    assert bad.status_code == 400 and "A rule could not be read" in bad.content.decode()
    assert "cannot read the rule at column" in bad.content.decode()


def test_whatif_refuses_many_rules_or_a_long_rule_in_one_request_clearly(client, small, monkeypatch):
    from omov.nominations import views
    from omov.nominations.whatif import MAX_RULE_LENGTH, MAX_RULES

    url = f"/nominations/rounds/{small['round'].pk}/whatif/"
    evaluated = []
    real = views.selectors.tracker

    def counting_tracker(**kwargs):
        evaluated.append(kwargs.get("rule"))
        return real(**kwargs)

    monkeypatch.setattr(views.selectors, "tracker", counting_tracker)
    many = client.get(url, {"rule": [f"mp >= {n}" for n in range(1, 401)]})
    assert many.status_code == 400
    assert f"400 rules were asked for; compare at most {MAX_RULES} at a time" in many.content.decode()
    assert evaluated == []  # refused before any rule is evaluated
    long = client.get(url, {"custom": "mp >= 1 or " * 40 + "mp >= 2"})
    assert long.status_code == 400 and f"at most {MAX_RULE_LENGTH} characters" in long.content.decode()
    assert evaluated == []
    ok = client.get(url, {"rule": [f"mp >= {n}" for n in range(1, MAX_RULES + 1)]})
    assert ok.status_code == 200 and len(evaluated) == MAX_RULES + 1  # the round's own rule first


def test_the_admin_rule_editor_shows_the_parser_error_and_saves_nothing(client, small):
    client.force_login(small["gensec"])
    before = NominationRound.objects.count()
    form = {"organisation": small["org"].pk, "title": "New", "rule": "mp >= 10% and (clp >= 5%",
            "groups": "[\"mp\", \"clp\"]", "parliamentary_group": small["plp"].pk, "opens_at_0": "2030-01-01",
            "opens_at_1": "10:00", "closes_at_0": "2030-01-08", "closes_at_1": "10:00",
            "candidates-TOTAL_FORMS": "0", "candidates-INITIAL_FORMS": "0"}
    page = client.post("/admin/nominations/nominationround/add/", form)
    assert page.status_code == 200
    assert "The rule is malformed: expected &#x27;)&#x27; at the end" in page.content.decode()
    assert NominationRound.objects.count() == before
    form["rule"] = "mp >= 10% and (clp >= 5% or affiliates(3, union >= 2, members >= 5%))"
    page = client.post("/admin/nominations/nominationround/add/", form)
    assert "The rule counts nominations from affiliate, who are not allowed to nominate" in page.content.decode()
    assert NominationRound.objects.count() == before
    form["groups"] = ""  # empty: the groups the rule names
    page = client.post("/admin/nominations/nominationround/add/", form)
    assert page.status_code == 302
    new = NominationRound.objects.get(title="New")
    assert new.rule == form["rule"] and new.state == "draft" and new.groups == ["mp", "clp", "affiliate"]


def test_the_admin_closes_and_confirms_by_action(client, small):
    client.force_login(small["gensec"])
    rnd = small["round"]
    NominationRound.objects.filter(pk=rnd.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    url = "/admin/nominations/nominationround/"
    client.post(url, {"action": "close_rounds", "_selected_action": [rnd.pk]})
    client.post(url, {"action": "confirm_rounds", "_selected_action": [rnd.pk]})
    rnd.refresh_from_db()
    assert rnd.state == "confirmed" and rnd.closing_record["qualified"] == ["Ann"]


def test_the_cli_takes_a_round_on_the_platform(small, capsys):
    rnd = small["round"]
    assert main(["whatif", str(rnd.pk), "--rule", "2018", "--rule", "mp >= 2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["qualified"] for r in out] == [["Ann"], ["Bob"]]
    assert out[0]["candidates"][0]["terms"][0]["working"] == "1 of 10 mp; 10% of 10 is 1, rounded up to 1"
    assert main(["whatif", "999999", "--rule", "2018"]) == 2
    assert "there is no nomination round 999999" in capsys.readouterr().err


def test_the_officers_page_records_and_withdraws_nominations_and_explains_refusals(client, small):
    from omov.audit.models import AuditEntry
    from omov.nominations.models import Nomination

    rnd, gensec = small["round"], small["gensec"]
    url = f"/nominations/rounds/{rnd.pk}/record/"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    member = get_user_model().objects.create_user("plain", "p@example.org")
    client.force_login(member)
    refused = client.get(url)  # signed in, but not a nominations officer: told so, not sent to sign in again
    assert refused.status_code == 403 and "Only nominations officers can do this" in refused.content.decode()
    client.force_login(gensec)
    bob = rnd.candidates.get(name="Bob")
    before = (Nomination.objects.count(), AuditEntry.objects.count())
    cases = [
        ({"candidate": bob.pk, "unit": "NOPE", "meeting_date": str(TODAY), "votes_for": "3", "votes_against": "1"},
         "there is no unit with code &#x27;NOPE&#x27;"),
        ({"candidate": bob.pk, "member": "MP0"}, "MP 0 (MP0) has already nominated Ann"),
        ({"candidate": bob.pk, "unit": "C1", "meeting_date": "yesterday", "votes_for": "3", "votes_against": "1"},
         "YYYY-MM-DD"),
        ({"candidate": bob.pk, "unit": "C1", "meeting_date": str(TODAY), "votes_for": "x", "votes_against": "1"},
         "votes for must be a whole number"),
        ({"candidate": bob.pk, "member": "MP5", "unit": "C1"}, "either a member"),
        ({"candidate": bob.pk, "member": "ZZZ"}, "no member with membership number &#x27;ZZZ&#x27;"),
    ]
    for form, message in cases:
        page = client.post(url, form)
        assert page.status_code == 400 and message in page.content.decode(), form
    assert (Nomination.objects.count(), AuditEntry.objects.count()) == before
    page = client.post(url, {"candidate": bob.pk, "unit": "C1", "meeting_date": str(TODAY), "votes_for": "7",
                             "votes_against": "2", "abstentions": "1"}, follow=True)
    assert "Recorded: CLP 1 (C1) nominates Bob." in page.content.decode()
    assert client.get(f"/nominations/rounds/{rnd.pk}/tracker.json").json()["qualified"] == ["Ann", "Bob"]
    nom = Nomination.objects.get(round=rnd, unit__code="C1")
    page = client.post(url, {"withdraw": nom.pk, "reason": "sent in error"}, follow=True)
    assert "Withdrawn: CLP 1" in page.content.decode()
    assert client.get(f"/nominations/rounds/{rnd.pk}/tracker.json").json()["qualified"] == ["Ann"]


def test_the_officers_page_records_trigger_votes(client, small):
    org, gensec = small["org"], small["gensec"]
    clp = small["clps"][0]
    branches = [ms.create_unit(organisation=org, code=f"W{i}", name=f"Ward {i}", kind="branch", parent=clp)
                for i in range(3)]
    trig = ns.create_trigger_ballot(constituency=clp, representative="MP 0", actor=gensec,
                                    closes_at=timezone.now() + dt.timedelta(days=1))
    client.force_login(gensec)
    url = f"/nominations/triggers/{trig.pk}/record/"
    page = client.post(url, {"unit": "C5", "choice": "open"})
    assert page.status_code == 400 and "neither a branch of CLP 0" in page.content.decode()
    page = client.post(url, {"unit": "W0", "choice": "open", "votes_open": "9", "votes_reselect": "4",
                             "meeting_date": str(TODAY)}, follow=True)
    assert "Recorded: Ward 0 votes open." in page.content.decode()
    board = client.get(f"/nominations/triggers/{trig.pk}/board/").content.decode()
    assert "1 of 1 branches that voted chose open (3 branches in all)" in board
    assert "So far: an open selection" in board
    assert len(branches) == 3


def test_a_closed_round_is_judged_on_what_was_frozen_at_the_close(client, small):
    rnd, gensec = small["round"], small["gensec"]
    NominationRound.objects.filter(pk=rnd.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    rnd.refresh_from_db()
    ns.close_round(round=rnd, actor=gensec)
    assert rnd.closing_record["nominations"][0] == ["Ann", "mp", "MP 0", 1, "", 0]
    # After the close an MP leaves and a constituency is added: the frozen round does not move.
    ns.leave_group(group=small["plp"], member=small["mps"][0], actor=gensec)
    ms.create_unit(organisation=small["org"], code="C99", name="CLP 99", kind="constituency")
    data = client.get(f"/nominations/rounds/{rnd.pk}/tracker.json").json()
    assert data["qualified"] == ["Ann"] and data["sizes"]["mp"] == 10 and data["sizes"]["clp"] == 20
    assert data["candidates"] == rnd.closing_record["candidates"]
    page = client.get(f"/nominations/rounds/{rnd.pk}/whatif/", {"rule": "2017"}).content.decode()
    assert "1 of 10 mp; 10% of 10 is 1, rounded up to 1" in page
    assert 'data-live="0"' in client.get(f"/nominations/rounds/{rnd.pk}/board/").content.decode()


def test_the_admin_adds_trigger_ballots_and_selections_through_the_services(client, small):
    from omov.audit.models import AuditEntry
    from omov.nominations.models import OpenSelection, TriggerBallot

    client.force_login(small["gensec"])
    org, clp = small["org"], small["clps"][0]
    union = ms.create_unit(organisation=org, code="U", name="Union", kind="affiliate", affiliate_kind="union")
    form = {"organisation": org.pk, "constituency": union.pk, "representative": "MP 0", "share": "1/3",
            "base": "voting", "affiliates": [union.pk], "closes_at_0": "2030-01-01", "closes_at_1": "10:00",
            "votes-TOTAL_FORMS": "0", "votes-INITIAL_FORMS": "0"}
    page = client.post("/admin/nominations/triggerballot/add/", form)
    assert page.status_code == 200 and "Union is not a constituency" in page.content.decode()
    form["constituency"], form["share"] = clp.pk, "two thirds"
    page = client.post("/admin/nominations/triggerballot/add/", form)
    assert "A share is written 1/3, 0.5 or 50%" in page.content.decode()
    assert not TriggerBallot.objects.exists()
    form["share"] = "40%"
    assert client.post("/admin/nominations/triggerballot/add/", form).status_code == 302
    trig = TriggerBallot.objects.get()
    assert trig.share == "40%" and list(trig.affiliates.all()) == [union]
    assert AuditEntry.objects.filter(action="trigger.create", subject=f"trigger:{trig.pk}").exists()
    # Once made, the admin shows it read-only: changes go through the services and pages.
    assert "readonly" in client.get(f"/admin/nominations/triggerballot/{trig.pk}/change/").content.decode()

    form = {"organisation": org.pk, "constituency": clp.pk, "title": "Selection: CLP 0", "women_share": "1/2",
            "women_genders": '["woman"]', "opens_at_0": "2030-01-01", "opens_at_1": "10:00",
            "closes_at_0": "2030-01-08", "closes_at_1": "10:00", "hustings-TOTAL_FORMS": "0",
            "hustings-INITIAL_FORMS": "0"}
    page = client.post("/admin/nominations/openselection/add/", form)
    assert page.status_code == 302
    sel = OpenSelection.objects.get()
    assert sel.round.groups == ["branch", "affiliate"] and sel.round.scope == clp and sel.women_genders == ["woman"]
    assert AuditEntry.objects.filter(action="selection.start").exists()


def test_the_site_serves_the_nominations_pages():
    from django.urls import resolve, reverse

    from omov.nominations import views

    assert resolve("/nominations/rounds/7/", urlconf="omov.web.urls").func is views.round_tracker
    assert reverse("nominations:selection-run", args=[3], urlconf="omov.web.urls") == "/nominations/selections/3/run/"
