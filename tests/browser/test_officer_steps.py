"""The returning officer's irreversible steps in a real headless Chromium: each says what it will do and asks
for confirmation before it does it, on a 390 px phone as on a desktop, and without JavaScript.

1. On a phone: the officer taps "Close voting…" two weeks before the advertised close, reads how many on the
   roll have not voted, goes back (nothing changes), then closes after confirming; counts; publishes after
   confirming (desktop screenshot of the publish confirmation).
2. On a desktop with JavaScript off: the officer cancels an open ballot; the reason is required, and the voters
   are emailed it.
Screenshots go to OMOV_SCREENSHOTS (docs/screenshots to refresh the docs), else to a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from omov.audit.models import AuditEntry
from omov.ballots import services as bs
from omov.ballots.models import Ballot
from tests.browser.test_journeys import PHONE, SCREENSHOTS, sign_in, watch
from tests.conftest_django import open_and_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1100, "height": 900}
S = Ballot.State


def _navigate(page, role: str, name: str | re.Pattern[str]) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"


def test_officer_on_a_phone_backs_out_of_closing_early_then_closes_and_publishes_after_confirming(
    browser, live_server, world
):
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"))
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() + dt.timedelta(days=13, hours=2))
    tokens = open_and_issue(ballot, world.officer)
    for token, paper in zip(tokens[:4], [[2], [2, 1], [1], [3, 2]], strict=True):
        bs.cast(credential=token, paper=paper)
    ballot.refresh_from_db()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    problems = watch(page, [])
    sign_in(page, live_server, "ro@example.org")
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    expect(page.locator("#timetable")).to_contain_text("closes on")
    _navigate(page, "link", "Close voting…")
    expect(page.locator("h1")).to_have_text("Close voting early?")
    expect(page.locator("#step-warning")).to_contain_text(
        "8 of the 12 on the roll have not voted. If you close now, they lose their vote."
    )
    expect(page.locator("#step-facts")).to_contain_text("Voting is advertised to close at")
    assert page.evaluate("document.activeElement.id") == "step-heading"  # a screen reader starts at the question
    confirm = page.get_by_role("button", name=re.compile(r"Close voting now, 1\sweek, 6\sdays early"))
    back = page.get_by_role("link", name="Go back, change nothing")
    for target in (confirm, back):  # big enough to tap
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300, box
    _no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "officer-close-early-phone.png"), full_page=True)

    with page.expect_navigation():
        back.click()  # backs out: nothing changes
    assert page.url == f"{live_server.url}/ballots/{ballot.pk}/"
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN
    assert not AuditEntry.objects.filter(action="ballot.close").exists()

    _navigate(page, "link", "Close voting…")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Close voting now, .* early")).click()
    assert "Voting is closed" in page.inner_text(".messages")
    assert Ballot.objects.get(pk=ballot.pk).state == S.CLOSED
    close = AuditEntry.objects.get(action="ballot.close", subject=f"ballot:{ballot.pk}")
    assert close.actor == "ro" and close.details["early"] is True and close.details["not_voted"] == 8

    _navigate(page, "button", "Count the papers")
    _navigate(page, "link", "Publish the result…")
    expect(page.locator("h1")).to_have_text("Publish the result?")
    expect(page.locator("#step-facts")).to_contain_text("Elected: Bob (4 papers of 12 on the roll).")
    _no_sideways_scroll(page)
    assert Ballot.objects.get(pk=ballot.pk).state == S.COUNTED  # the link only asks

    desktop = browser.new_context(viewport=DESKTOP, storage_state=phone.storage_state())
    wide = desktop.new_page()
    watch(wide, problems)
    wide.goto(page.url)
    expect(wide.locator("#step-warning")).to_have_text("A published result cannot be withdrawn.")
    wide.screenshot(path=str(SCREENSHOTS / "officer-publish-desktop.png"), full_page=True)

    _navigate(page, "button", "Publish the result")
    assert "The result is published" in page.inner_text(".messages")
    assert Ballot.objects.get(pk=ballot.pk).state == S.PUBLISHED
    assert problems == []
    desktop.close()
    phone.close()


def test_officer_cancels_an_open_ballot_without_javascript_and_the_voters_are_told_why(browser, live_server, world):
    ballot = world.ballot("irv")
    bs.start_opening(ballot=ballot, actor=world.officer)  # 12 credential emails
    ctx = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = ctx.new_page()
    problems = watch(page, [])
    sign_in(page, live_server, "ro@example.org")
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    _navigate(page, "link", "Cancel this ballot…")
    expect(page.locator("#step-facts")).to_contain_text("Each of the 12 voters on the roll with an email address")
    page.get_by_label("Why is the ballot cancelled?").fill("The paper left out a candidate.")
    page.screenshot(path=str(SCREENSHOTS / "officer-cancel-desktop.png"), full_page=True)
    mail.outbox.clear()
    _navigate(page, "button", "Cancel the ballot")
    assert "The ballot is cancelled" in page.inner_text(".messages")
    expect(page.locator("#cancelled-reason")).to_have_text("Cancelled: The paper left out a candidate.")
    assert Ballot.objects.get(pk=ballot.pk).state == S.CANCELLED
    assert len(mail.outbox) == 12 and all("The paper left out a candidate." in m.body for m in mail.outbox)
    assert problems == []
    ctx.close()
