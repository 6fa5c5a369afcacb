"""Journeys in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against a live server.

1. With JavaScript: the officer opens the ballot (and sees the job's progress); a member signs in by magic link,
   follows the credential link, ranks by dragging and with the row buttons, checks and casts, and keeps the
   receipt; the officer closes, counts and publishes; the result page shows the elected and a drawn chart; the
   member's tracker is on the published list. Screenshots of the paper on a phone and of the result page go to
   the folder named by OMOV_SCREENSHOTS (to refresh the README's: OMOV_SCREENSHOTS=docs/screenshots), else to a
   temporary folder, so that a test run leaves the work tree as it was.
2. Without JavaScript: the same ranking by typing numbers works, and a mistake is explained.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from omov.ballots import services as bs
from omov.ballots.models import Ballot, Paper
from tests.conftest_django import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("OMOV_SCREENSHOTS") or Path(tempfile.gettempdir()) / "omov-screenshots")
PHONE = {"width": 390, "height": 844}



def watch(page, problems: list[str]) -> list[str]:
    """Collect the page's script errors, refusals by the Content-Security-Policy and failed requests (each journey
    ends by asserting there were none)."""
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    watch_csp(page, problems)
    page.on(  # a page answered 400 on purpose is fine; a missing script, style or JSON is not
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and r.request.resource_type != "document"
        else None,
    )
    return problems


def sign_in(page, live_server, email: str) -> None:
    """Ask for a magic link, take it from the outbox, follow it and press Sign in."""
    before = len(mail.outbox)
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_load_state()
    assert len(mail.outbox) == before + 1
    link = re.search(r"https?://\S+/signin/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def credential_link(live_server, email: str) -> tuple[str, str]:
    """The voting link (path and #fragment, on the live server) and token from the member's ballot email."""
    body = next(m.body for m in reversed(mail.outbox) if m.to == [email] and "credential" in m.body)
    url = re.search(r"Vote at: (\S+)", body).group(1)
    token = re.search(r"credential=([A-Z2-7-]+)", url).group(1)
    return live_server.url + re.sub(r"^https?://[^/]+", "", url), token


def press(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def confirm_step(page, link: str, button: str | re.Pattern[str]) -> None:
    """An officer's irreversible step: its link leads to a page saying what it will do; confirm there."""
    with page.expect_navigation():
        page.get_by_role("link", name=link).click()
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def ranks(page) -> dict[str, str]:
    return {name: page.get_by_label(f"Preference for {name}").input_value() for name in ("Ann", "Bob", "Cat", "Dan")}


def test_member_votes_officer_publishes_and_member_finds_tracker(browser, live_server, world):
    ballot = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
    mail.outbox.clear()

    officer = browser.new_context()
    off = officer.new_page()
    problems = watch(off, [])
    sign_in(off, live_server, "ro@example.org")
    off.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    confirm_step(off, "Open voting…", "Open voting")
    assert "Voting is open." in off.inner_text(".messages")  # the job ran at once: not "started ... now open"
    assert off.locator("#jobs li", has_text="open-ballot").locator(".job-state").inner_text() == "succeeded"
    assert off.locator("#jobs progress").first.get_attribute("value") == "100"

    member = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = member.new_page()
    watch(page, problems)
    sign_in(page, live_server, "m0@example.org")
    assert "Hello, Member 0" in page.inner_text("h1")
    assert page.get_by_role("link", name="vote now").count() == 1

    link, token = credential_link(live_server, "m0@example.org")
    page.goto(link)
    page.wait_for_selector("#ranking[data-enhanced='1']")
    assert page.get_by_label("Your voting credential").input_value() == token  # from the #fragment
    assert "#" not in page.url  # the credential does not stay in the address bar

    # Drag Dan into the (empty) ranking, then add Bob, then move Bob above Dan with the buttons.
    page.locator(".paper-row[data-name='Dan'] .handle").drag_to(page.locator("#ranking .dropzone"))
    assert ranks(page) == {"Ann": "", "Bob": "", "Cat": "", "Dan": "1"}
    page.get_by_role("button", name="Add Bob to your ranking").click()
    page.get_by_role("button", name="Move Bob up").focus()
    page.keyboard.press("Enter")  # by keyboard; Bob reaches the top, so the focus goes to his "down" (not "Remove")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move Bob down"
    page.get_by_role("button", name="Add Cat to your ranking").click()
    assert ranks(page) == {"Ann": "", "Bob": "1", "Cat": "3", "Dan": "2"}
    expect(page.locator("#ranking-status")).to_have_text("Cat is now preference 3.")  # told to screen readers
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "ballot-phone.png"), full_page=True)

    press(page, "Continue to check your vote")
    assert page.locator("#summary li").all_text_contents() == ["Preference Bob", "Preference Dan", "Preference Cat"]
    assert page.evaluate("document.activeElement.id") == "confirm-heading"  # focused by omov/page.js
    press(page, "Cast my vote")
    assert page.evaluate("document.activeElement.id") == "receipt-heading"
    tracker = page.inner_text("#tracker").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", tracker)
    assert Paper.objects.filter(ballot=ballot, tracker=tracker).exists()

    # More voters (through the service), so the count has transfers to draw.
    others = [[2, 1], [2, 3], [1], [1, 2], [3, 4], [2, 4], [2], [1, 3, 4], [3, 1], [4, 1, 2]]
    for m, paper in zip(world.members[1:], others, strict=False):
        bs.cast(credential=credential_link(live_server, m.email)[1], paper=paper, ballot_id=ballot.pk)

    # The admin's pages run under the same policy (Django 5.2's admin has no inline script or style).
    off.goto(f"{live_server.url}/admin/ballots/ballot/{ballot.pk}/change/")
    expect(off.locator("#content h1")).to_be_visible()
    off.goto(f"{live_server.url}/admin/ballots/ballot/")
    off.locator("input.action-select").first.check()  # the admin's actions.js runs: the counter changes
    expect(off.locator(".action-counter")).to_contain_text("1 of")

    off.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    confirm_step(off, "Close voting…", re.compile(r"Close voting now, .* early"))
    press(off, "Count the papers")
    assert off.locator("#jobs li", has_text="count").first.locator(".job-state").inner_text() == "succeeded"
    assert "counted, not yet published" in off.inner_text("#result-heading")
    confirm_step(off, "Publish the result…", "Publish the result")
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.PUBLISHED

    # The public result page (a fresh visitor, desktop size).
    public = browser.new_context(viewport={"width": 1100, "height": 900})
    res = public.new_page()
    watch(res, problems)
    res.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    res.wait_for_function("window.omovCharts && window.omovCharts.totals && window.omovCharts.transfers")
    assert res.locator("#elected li").all_inner_texts() == list(ballot.result.elected)
    assert len(ballot.result.elected) == 2
    assert res.inner_text("#turnout") == "91.7%"  # 11 papers of 12 on the roll
    chart = "window.omovCharts.totals"
    assert res.evaluate(f"{chart} instanceof Chart && {chart}.data.datasets.length") == 5  # 4 candidates + quota
    painted = res.evaluate(
        """() => { const c = document.getElementById('totals-chart'); const d = c.getContext('2d')
                   .getImageData(0, 0, c.width, c.height).data; let n = 0;
                   for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return [c.width, c.height, n]; }"""
    )
    assert painted[0] > 300 and painted[1] > 200 and painted[2] > 5000, painted  # a drawn canvas, not a blank one
    assert res.locator("table.omov-count-sheet").count() == 1
    res.screenshot(path=str(SCREENSHOTS / "result.png"), full_page=True)

    root = res.inner_text("#papers-root").strip()  # the list's root, recorded at the close
    res.get_by_role("link", name="The list of papers (tracker codes)").click()
    res.get_by_label("Is my tracker on the list?").fill(tracker)
    press(res, "Look up")
    assert "Your paper was counted" in res.inner_text("#lookup-result")
    proof_url = live_server.url + res.locator("#proof-link").get_attribute("href")
    proof = json.loads(res.request.get(proof_url).text())  # the tracker's inclusion proof
    assert proof["tracker"] == tracker and proof["root"] == root and proof["tree_size"] == 11
    assert problems == []
    for ctx in (officer, member, public):
        ctx.close()


def test_ranking_without_javascript(browser, live_server, world):
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat", "Dan"))
    mail.outbox.clear()
    bs.start_opening(ballot=ballot, actor=world.officer)
    link, token = credential_link(live_server, "m3@example.org")

    ctx = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = ctx.new_page()
    problems = watch(page, [])
    page.goto(link.split("#")[0])  # the fragment needs JavaScript: the voter pastes the credential
    assert page.locator(".handle").count() == 0 and page.locator(".row-buttons").count() == 0
    page.get_by_label("Your voting credential").fill(token)
    page.get_by_label("Preference for Cat").fill("1")
    page.get_by_label("Preference for Ann").fill("3")
    press(page, "Continue to check your vote")
    assert "Your preferences skip 2" in page.inner_text("#error-summary")
    assert page.get_by_label("Preference for Cat").input_value() == "1"  # what was typed is kept
    page.get_by_label("Preference for Ann").fill("2")
    press(page, "Continue to check your vote")
    assert page.locator("#summary li").all_text_contents() == ["Preference Cat", "Preference Ann"]
    press(page, "Change")
    page.get_by_label("Preference for Dan").fill("3")
    press(page, "Continue to check your vote")
    press(page, "Cast my vote")
    tracker = page.inner_text("#tracker").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", tracker)
    assert Paper.objects.get(ballot=ballot).tracker == tracker
    assert problems == []
    ctx.close()
