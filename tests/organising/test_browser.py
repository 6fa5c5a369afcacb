"""Organising in a real headless Chromium against a live server, on a 390 px phone and a desktop: a member RSVPs
to an event; a canvasser records doors on the walk list, one of them while the phone has no signal (the outbox
keeps it and sends it when the signal comes back); an organiser erases a contact after the confirmation page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from omov.members.services import user_for_member
from omov.organising.models import DoorRecord, Elector, Rsvp
from tests.conftest_django import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:
    folder = os.environ.get("OMOV_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"organising-{name}.png"), full_page=True)


@pytest.fixture
def page_as(browser, live_server):
    """page_as(user, viewport): a fresh page signed in as `user` (a session made by Django's test client)."""
    contexts = []

    def make(user, viewport):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=viewport)
        host = live_server.url.split("//")[1].split(":")[0]
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "domain": host, "path": "/"}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
        watch_csp(page, problems)
        page.problems = problems
        return page

    yield make
    for c in contexts:
        c.close()


def _fits(page) -> bool:
    """Nothing wider than the screen (no sideways scrolling on a phone)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_rsvps_to_a_training(org, make_event, page_as, live_server, viewport):
    event = make_event(kind="training", title="Canvassing basics", teaches=org.course, capacity=12)
    page = page_as(org.member_user, viewport)
    page.goto(f"{live_server.url}/organising/")
    with page.expect_navigation():
        page.get_by_role("link", name="Canvassing basics").click()
    assert "12 of 12 left" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="I’m going").click()
    assert "You have a place" in page.content() and "11 of 12 left" in page.content()
    assert Rsvp.objects.filter(event=event, member=org.members[0], state="going").exists()
    assert _fits(page)
    _shot(page, f"rsvp-{viewport['width']}")
    assert page.problems == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_canvasser_records_doors_and_the_outbox_sends_what_waited_for_a_signal(
    org, elector_list, page_as, live_server, viewport
):
    from omov.organising import services as os_

    walk = elector_list.walk_lists.get(name="High Street, even side")
    canvasser = user_for_member(member=org.members[3])
    os_.assign_walk_list(walk_list=walk, canvasser=canvasser, actor=org.officer)
    page = page_as(canvasser, viewport)
    page.goto(f"{live_server.url}/organising/walk/{walk.pk}/")
    first, second = walk.electors.order_by("position")[:2]
    door = page.locator(f"#door-{first.pk}")
    door.get_by_label("Spoke").check()
    door.get_by_label("Voting intention").select_option(label="Probably us")
    door.get_by_label("Wants a poster").check()
    door.get_by_role("button", name="Save").click()
    page.wait_for_function(f"() => document.querySelector('#door-{first.pk} .org-last').textContent.startsWith('sent')")
    record = DoorRecord.objects.get(elector=first)
    assert (record.outcome, record.intention, record.wants_poster) == ("spoke", 2, True)

    page.context.set_offline(True)  # no signal at the next door
    door = page.locator(f"#door-{second.pk}")
    door.get_by_label("Not in").check()
    door.get_by_role("button", name="Save").click()
    page.wait_for_function("() => !document.getElementById('outbox-status').hidden")
    assert "1 record saved on this phone" in page.locator("#outbox-status").inner_text()
    _shot(page, f"walk-offline-{viewport['width']}")
    assert not DoorRecord.objects.filter(elector=second).exists()
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.getElementById('outbox-status').hidden")
    assert DoorRecord.objects.get(elector=second).outcome == "not_in"
    assert page.locator("#done-count").inner_text() == "2"
    assert _fits(page)
    _shot(page, f"walk-{viewport['width']}")
    assert [p for p in page.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_an_organiser_erases_a_contact_on_request(org, elector_list, page_as, live_server):
    page = page_as(org.officer, PHONE)
    page.goto(f"{live_server.url}/organising/lists/{elector_list.pk}/")
    page.get_by_label("Name, elector number or address").fill("Ann")
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Erase…").click()
    assert "cannot be undone" in page.content()
    page.get_by_label("Why").fill("email of 3 June")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, erase").click()
    assert "personal data are erased" in page.content()
    assert not Elector.objects.filter(name="Ann Able").exists()
    assert _fits(page)
    _shot(page, "erase-390")
    assert page.problems == []
