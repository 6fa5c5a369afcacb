"""A branch meeting votes on one Wi-Fi (in Chromium: every page comes from 127.0.0.1, one address): the room's
wrong codes pass the address's allowance, and then a member whose code is wrong is told so and that a right code
still works, and casts with it; another member casts straight away on a desktop with JavaScript. Screenshots of
the "code not accepted" page on a phone and on a desktop go to OMOV_SCREENSHOTS (else a temporary folder)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import caches

from omov.ballots import services as bs
from omov.ballots.models import Paper
from omov.core import ratelimit
from tests.browser.test_journeys import PHONE, SCREENSHOTS, credential_link, press, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"  # well-formed, and no ballot's credential
DESKTOP = {"width": 1280, "height": 900}


def _try(page, vote_url: str, credential: str, *, js: bool = False) -> None:
    page.goto(vote_url)
    page.get_by_label("Your voting credential").fill(credential)
    if js:  # the ranking is enhanced by omov's script: rank with its buttons
        page.wait_for_selector("#ranking[data-enhanced='1']")
        page.get_by_role("button", name="Add Bob to your ranking").click()
    else:
        page.get_by_label("Preference for Bob").fill("1")
    press(page, "Continue to check your vote")


def test_a_room_past_its_wrong_code_allowance_still_votes_on_a_phone_and_a_desktop(
    browser, live_server, world, settings, monkeypatch
):
    monkeypatch.setattr(ratelimit, "CLOCK", lambda: 1_000_000_000.0)  # one window throughout: 800 s before its end
    settings.RATELIMITS = {**settings.RATELIMITS, "credential-ip": "3/900"}  # a small room's allowance, to be quick
    caches["default"].clear()  # counters of earlier live-server tests (the same address, maybe the same window)
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat", "Dan"))
    mail.outbox.clear()
    bs.start_opening(ballot=ballot, actor=world.officer)
    _, phone_token = credential_link(live_server, "m3@example.org")
    _, desktop_token = credential_link(live_server, "m0@example.org")
    vote_url = f"{live_server.url}/ballots/{ballot.pk}/vote/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        # On a phone without JavaScript: the room's mistyped codes, then this member's
        phone = browser.new_context(java_script_enabled=False, viewport=PHONE)
        page = phone.new_page()
        problems = watch(page, [])
        for _ in range(3):
            _try(page, vote_url, WRONG)
            assert "This credential is not valid" in page.inner_text("#error-summary")
        _try(page, vote_url, WRONG)
        assert page.get_by_role("heading", name="This code was not accepted").is_visible()
        text = page.inner_text("main")
        assert "a right code is always accepted" in text and "wait 14 minutes" in text
        page.screenshot(path=str(SCREENSHOTS / "code-not-accepted-phone.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("link", name="Back to the ballot paper").click()
        page.get_by_label("Your voting credential").fill(phone_token)  # the right code, from the same address
        page.get_by_label("Preference for Bob").fill("1")
        press(page, "Continue to check your vote")
        press(page, "Cast my vote")
        assert re.fullmatch(r"[0-9a-f]{64}", page.inner_text("#tracker").strip())
        assert problems == []
        phone.close()

        # On a desktop with JavaScript, same address: the next member's right code is cast at once; a wrong one
        # is still answered with the page that says a right code works
        desk = browser.new_context(viewport=DESKTOP)
        page = desk.new_page()
        problems = watch(page, [])
        _try(page, vote_url, WRONG, js=True)
        assert page.get_by_role("heading", name="This code was not accepted").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "code-not-accepted-desktop.png"), full_page=True)
        _try(page, vote_url, desktop_token, js=True)
        press(page, "Cast my vote")
        assert re.fullmatch(r"[0-9a-f]{64}", page.inner_text("#tracker").strip())
        assert problems == []
        desk.close()
        assert Paper.objects.filter(ballot=ballot).count() == 2
    finally:
        caches["default"].clear()
