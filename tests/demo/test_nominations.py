"""The demo's nominations part: seeded through the services, shown on every page under /nominations/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from omov.audit.selectors import verify_audit_chain
from omov.demo import DemoContext, seed
from omov.members.models import Unit
from omov.nominations import selectors
from omov.nominations.models import NominationRound, OpenSelection, TriggerBallot
from tests.demo.demo_support import demo_context

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # each test seeds the demo at a tenth of its size


@dataclass
class Demo:
    """The seeded demo, as the nominations tests see it."""

    ctx: DemoContext
    summary: str  # what the demo printed (its nominations lines among them)


def seed_demo(data: Path) -> Demo:
    """The demo at a tenth of its size (demo.py seeds the nominations with the rest)."""
    summary = seed(data=data, members=300)
    return Demo(demo_context(data), summary)


@pytest.fixture
def demo(tmp_path: Path, db: object) -> Demo:
    """A fresh demo for each test (the test's transaction is rolled back afterwards)."""
    return seed_demo(tmp_path)


def officer_client(demo: Demo) -> Client:
    """A browser signed in as the demo's returning officer (a staff user)."""
    client = Client()
    client.force_login(demo.ctx.officer)
    return client


def deputy(demo: Demo) -> NominationRound:
    """The deputy leadership round."""
    return NominationRound.objects.get(organisation=demo.ctx.org, title="Deputy Leader: nominations")


def trigger(demo: Demo, constituency: str) -> TriggerBallot:
    """The trigger ballot in a constituency, by its name."""
    return TriggerBallot.objects.get(organisation=demo.ctx.org, constituency__name=constituency)


def selection(demo: Demo, constituency: str) -> OpenSelection:
    """The open selection in a constituency, by its name."""
    return OpenSelection.objects.get(organisation=demo.ctx.org, constituency__name=constituency)


def test_every_page_under_nominations_has_the_demo_content(demo: Demo) -> None:
    client = Client()
    index = client.get("/nominations/").content.decode()
    assert "None yet." not in index
    for text in ["Deputy Leader: nominations", "Selection: South 2", "Selection: North 3", "(North 3)", "(East 5)"]:
        assert text in index
    rounds = [f"/nominations/rounds/{r.pk}/" for r in NominationRound.objects.all()]
    triggers = [f"/nominations/triggers/{t.pk}/" for t in TriggerBallot.objects.all()]
    selections = [f"/nominations/selections/{s.pk}/" for s in OpenSelection.objects.all()]
    assert (len(rounds), len(triggers), len(selections)) == (3, 2, 2)
    for url in rounds + triggers + selections:
        assert f'href="{url}"' in index, url  # each is linked from the index
    pages = [*rounds, *triggers, *selections, f"/nominations/rounds/{deputy(demo).pk}/whatif/"]
    pages += [url + tail for url in rounds for tail in ("board/", "tracker.json")]
    pages += [url + "board/" for url in triggers]
    for page in pages:
        assert client.get(page).status_code == 200, page
    officer = officer_client(demo)
    staff_pages = [f"/nominations/rounds/{r.pk}/record/" for r in NominationRound.objects.filter(state="open")]
    staff_pages += [url + "record/" for url in triggers] + [url + "run/" for url in selections]
    for page in staff_pages:
        assert officer.get(page).status_code == 200, page


def test_the_deputy_leadership_round_is_open_with_two_of_four_over_the_2021_threshold(demo: Demo) -> None:
    rnd = deputy(demo)
    assert (rnd.state, rnd.rule, rnd.parliamentary_group.name) == ("open", "2021", "Parliamentary Party")
    board = selectors.tracker(round=rnd)
    assert board.qualified == ["Harriet Quayle", "Owen Tregarthen"]
    assert (board.sizes["mp"], board.sizes["clp"]) == (41, 60)  # 42 MPs, one of whom has lost the whip
    rows = {r.candidate: r for r in board.rows}
    close = {t.term: t for t in rows["Idris Penhallow"].terms}
    assert (close["mp >= 20%"].have, close["mp >= 20%"].need, close["mp >= 20%"].still_needed) == ("8", "9", 1)
    assert close["clp >= 5%"].passed
    short = {t.term: t for t in rows["Nadia Ferreira-Lund"].terms}
    assert short["mp >= 20%"].still_needed == 6 and not short["clp >= 5%"].passed
    affiliates = {t.term.split("(")[0]: t for t in rows["Owen Tregarthen"].terms}["affiliates"]
    assert affiliates.passed and "2 of kind union (need 2)" in affiliates.working
    assert len(rows["Harriet Quayle"].not_counted) == 1 and board.withdrawn == 1
    # The qualified candidates go onto this draft ballot when the returning officer confirms the round.
    assert (rnd.ballot.title, rnd.ballot.state, rnd.ballot.candidates.count()) == ("Deputy Leader", "draft", 0)

    page = Client().get(f"/nominations/rounds/{rnd.pk}/").content.decode()
    for text in ["preset 2021", "Harriet Quayle", "Idris Penhallow", "Nadia Ferreira-Lund", "Owen Tregarthen",
                 "8 of 41 mp; 20% of 41 is 8.2, rounded up to 9", "1 more needed", "is no longer in the group",
                 "1 withdrawn nomination", "Qualified: <strong id=\"qualified-list\">Harriet Quayle, Owen Tregarthen"]:
        assert text in page, text
    record = officer_client(demo).get(f"/nominations/rounds/{rnd.pk}/record/").content.decode()
    assert record.count("Withdraw") >= 40  # every standing nomination, each with its button


def test_what_if_shows_the_close_candidate_qualifying_under_every_older_rule_book(demo: Demo) -> None:
    rnd = deputy(demo)
    boards = {b.rule: b.qualified for b in selectors.whatif(round=rnd, rules=["2014", "2016", "2017", "2018"])}
    assert all("Idris Penhallow" in q and "Nadia Ferreira-Lund" not in q for q in boards.values()), boards
    assert selectors.whatif(round=rnd, rules=["2014-challenge"])[0].qualified == ["Harriet Quayle", "Owen Tregarthen"]
    page = Client().get(f"/nominations/rounds/{rnd.pk}/whatif/").content.decode()
    assert "Harriet Quayle, Idris Penhallow, Owen Tregarthen" in page
    assert "8 of 41 mp; 10% of 41 is 4.1, rounded up to 5" in page
    custom = Client().get(f"/nominations/rounds/{rnd.pk}/whatif/", {"custom": "mp >= 8"})
    assert custom.status_code == 200 and "8 mp nominations; 8 needed" in custom.content.decode()


def test_north_3_trigger_ballot_fired_on_a_third_of_voting_branches_and_opened_a_selection(demo: Demo) -> None:
    trig = trigger(demo, "North 3")
    assert trig.outcome == "open_selection"
    assert trig.decision_record["branches"]["fired"] and not trig.decision_record["affiliates"]["fired"]
    assert trig.representative_member is not None and trig.representative == trig.representative_member.name
    sel = selection(demo, "North 3")
    assert (sel.trigger_id, sel.stage, sel.round.state) == (trig.pk, "nominations", "open")
    assert [(c.name, c.sitting) for c in sel.round.candidates.all()] == [
        (trig.representative, True), ("Leanne Sowerby", False)]
    assert selectors.tracker(round=sel.round).qualified == [trig.representative, "Leanne Sowerby"]

    page = Client().get(f"/nominations/triggers/{trig.pk}/").content.decode()
    assert "Outcome: <strong>open selection</strong>" in page
    assert "1/3 of the 2 that voted is 0.666667, rounded up to 1: fired" in page
    assert f"/nominations/selections/{sel.pk}/" in page
    sel_page = Client().get(f"/nominations/selections/{sel.pk}/").content.decode()
    assert f"{trig.representative} (sitting)" in sel_page and "Leanne Sowerby" in sel_page


def test_east_5_trigger_ballot_is_under_way_and_the_officer_can_record_the_next_vote(demo: Demo) -> None:
    trig = trigger(demo, "East 5")
    state = selectors.trigger_state(trigger=trig)
    assert (trig.outcome, state.branches.voted, state.affiliates.voted, state.fired) == ("", 1, 2, False)
    url = f"/nominations/triggers/{trig.pk}/"
    assert "So far: neither group has reached the share" in Client().get(url).content.decode()
    ward2 = Unit.objects.get(organisation=demo.ctx.org, name="East 5 ward 2")
    response = officer_client(demo).post(url + "record/", {"unit": ward2.code, "choice": "open", "votes_open": "30",
                                                            "votes_reselect": "21", "meeting_date": ""})
    assert response.status_code == 302
    assert "So far: an open selection" in Client().get(url).content.decode()


def test_south_2_selection_is_at_hustings_with_a_gender_balanced_shortlist(demo: Demo) -> None:
    sel = selection(demo, "South 2")
    assert (sel.stage, sel.trigger_id, sel.round.state) == ("hustings", None, "confirmed")
    candidates = list(sel.round.candidates.all())
    assert [c.name for c in candidates if c.longlisted] == [
        "Yasmin Corrigan", "Farid Haddon", "Beth Aldous", "Martin Pyke"]  # Declan Hollis had no nominations
    assert {c.name for c in candidates if c.shortlisted} == {"Yasmin Corrigan", "Beth Aldous", "Farid Haddon"}
    assert sel.hustings.count() == 2
    page = Client().get(f"/nominations/selections/{sel.pk}/").content.decode()
    for text in ["<strong>Hustings</strong> (now)", "Declan Hollis", "Beth Aldous (woman)",
                 "2 women of 3 shortlisted; 1/2 of 3 is 1.5, rounded up to 2", "Southgate Community Centre"]:
        assert text in page, text
    run = officer_client(demo).get(f"/nominations/selections/{sel.pk}/run/").content.decode()
    assert "Set up the members&#x27; ballot" in run or "Set up the members' ballot" in run  # the next step is theirs


def test_the_summary_names_the_spread_and_the_audit_log_holds(demo: Demo) -> None:
    assert "2 of 4 candidates over the threshold (Harriet Quayle, Owen Tregarthen)" in demo.summary
    assert "Idris Penhallow is 1 MP nomination short (8 of 9)" in demo.summary
    assert "North 3" in demo.summary and "East 5" in demo.summary and "South 2 at the hustings stage" in demo.summary
    assert verify_audit_chain().ok
    from omov.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="trigger.decide").count() == 1
    assert AuditEntry.objects.filter(action="nominations.withdraw").count() == 1
