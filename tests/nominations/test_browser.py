"""In a real headless Chromium: the live tracker updates after a nomination without a reload, and the published
selection page shows the selected candidate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from omov.ballots import services as bs
from omov.nominations import services as ns
from tests.conftest_django import open_and_issue, watch_csp
from tests.nominations.conftest import past_close
from tests.nominations.test_selection import TODAY, Constituency, run_to_ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_the_tracker_updates_live_and_the_published_selection_is_shown(browser, live_server, db, client):
    from playwright.sync_api import expect

    place = Constituency()
    trig, sel, cands = run_to_ballot(place)
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    watch_csp(page, problems)  # the live updates (nominations/poll.js) run under the Content-Security-Policy
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/nominations/rounds/{sel.round.pk}/")
    dee = page.locator("tr[data-candidate='Dee Nolan']")
    expect(dee.locator(".qualified-cell")).to_have_text("not yet")
    expect(page.locator("#qualified-list")).to_have_text("Asha Khan, Beth Jones, Carl Smith")
    url_before = page.url

    # The officer records a nomination in another window (a mistyped unit code first: refused, nothing changes);
    # the tracker shows it without a reload.
    client.force_login(place.gensec)
    officer = browser.new_context()
    officer.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    form = officer.new_page()
    form.set_default_timeout(15_000)
    form.goto(f"{live_server.url}/nominations/rounds/{sel.round.pk}/record/")
    form.select_option("#candidate", label="Dee Nolan")
    form.fill("#unit", "A9")
    form.fill("input[name=meeting_date]", TODAY.isoformat())
    form.fill("input[name=votes_for]", "5")
    form.fill("input[name=votes_against]", "1")
    form.click("text=Record the nomination")
    expect(form.locator("#error")).to_have_text("there is no unit with code 'A9': check the code on the units list")
    form.fill("#unit", "A1")
    form.click("text=Record the nomination")
    expect(form.locator(".messages")).to_contain_text("Recorded: Union branch 1 (A1) nominates Dee Nolan.")
    expect(dee.locator(".qualified-cell")).to_have_text("Qualified")
    expect(page.locator("#qualified-list")).to_have_text("Asha Khan, Beth Jones, Carl Smith, Dee Nolan")
    assert page.url == url_before

    past_close(sel.round)
    ns.draw_longlist(selection=sel, actor=place.gensec)
    ns.set_shortlist(selection=sel, names=["Sitting MP", "Asha Khan", "Dee Nolan"], actor=place.gensec)
    ns.add_hustings(selection=sel, starts_at=timezone.now(), place="Town Hall", actor=place.gensec)
    ballot = ns.start_selection_ballot(selection=sel, actor=place.gensec,
                                       opens_at=timezone.now() - dt.timedelta(minutes=1),
                                       closes_at=timezone.now() + dt.timedelta(days=1))
    tokens = open_and_issue(ballot, place.gensec)
    # Paper numbers follow the ballot's alphabetical order: 1 Asha Khan, 2 Dee Nolan, 3 Sitting MP.
    papers = [[2, 1]] * 8 + [[3]] * 7 + [[1, 2]] * 3
    for token, paper in zip(tokens, papers, strict=True):
        bs.cast(credential=token, paper=paper)
    bs.close_ballot(ballot=ballot, actor=place.gensec, early=True)
    bs.count_ballot(ballot=ballot, actor=place.gensec)
    bs.publish_result(ballot=ballot, actor=place.gensec)
    ns.publish_selection(selection=sel, actor=place.gensec)

    page.goto(f"{live_server.url}/nominations/selections/{sel.pk}/")
    expect(page.locator("#selected-name")).to_have_text("Dee Nolan")
    expect(page.locator("#selected")).to_contain_text("was selected by the members of Northtown CLP")
    page.goto(f"{live_server.url}/nominations/triggers/{trig.pk}/")
    expect(page.locator("#trigger-state")).to_contain_text("Outcome: open selection")
    assert problems == []
    page.close()
    officer.close()
