"""Organising in a real headless Chromium against a live server, on a 390 px phone and a desktop: a member RSVPs
to an event; a canvasser records doors on the walk list, one of them while the phone has no signal (the outbox
keeps it and sends it when the signal comes back); an organiser erases a contact after the confirmation page;
someone with no account signs a petition (and confirms it from the email) and signs up as a volunteer; a place
given up goes to the first on the waiting list."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

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


# Petitions, volunteer forms and waiting lists --------------------------------------------------------------------


@pytest.fixture
def public_page(browser):
    """public_page(viewport): a page of someone with no account."""
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport)
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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_someone_signs_a_petition_and_confirms_it_from_the_email(org, public_page, live_server, viewport):
    import re

    from django.core import mail

    from omov.core.actors import ANONYMOUS
    from omov.organising import services as os_

    petition = os_.create_form(
        unit=org.b1, kind="petition", title="Save the number 7 bus", target=100, actor=org.officer,
        text="The county plans to cut the number 7 bus after 7 pm. We call on the council to keep it.",
    )  # fmt: skip
    for i, day in enumerate((3, 2, 2, 1)):  # earlier signatures, for the chart
        when = timezone.now() - dt.timedelta(days=day)
        sub = os_.submit(form=petition, name=f"S {i}", email=f"s{i}@example.org", postcode="M1 1AE", consent=True,
                         actor=ANONYMOUS, now=when, user_ip=f"192.0.2.{i}")  # fmt: skip
        os_.confirm_submission(token=str(sub.token), actor=ANONYMOUS, now=when)
    mail.outbox.clear()
    page = public_page(viewport)
    page.goto(f"{live_server.url}/organising/f/{petition.pk}/")
    assert page.locator("#sig-count").inner_text() == "4"
    page.wait_for_function("() => window.petitionChart !== undefined")
    page.get_by_label("Your name", exact=True).fill("Pat Public")
    page.get_by_label("Your email", exact=True).fill("pat@example.org")
    page.get_by_label("Postcode", exact=True).fill("sw1a 1aa")
    page.get_by_label("Why you are signing (optional)").fill("I take the 7 to work.")
    page.get_by_label("I agree").check()
    _shot(page, f"petition-{viewport['width']}")
    assert _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign", exact=True).click()
    assert "counts once you follow the link" in page.content()
    assert page.locator("#sig-count").inner_text() == "4"  # not counted until confirmed
    link = re.search(r"/organising/confirm/[0-9a-f-]+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + link)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my signature").click()
    assert "is confirmed and counts" in page.content() and "once you follow the link" not in page.content()
    assert page.locator("#sig-count").inner_text() == "5"
    _shot(page, f"petition-confirmed-{viewport['width']}")
    assert page.problems == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_someone_signs_up_as_a_volunteer(org, public_page, live_server, viewport):
    from omov.organising import services as os_
    from omov.organising.models import Submission

    form = os_.create_form(
        unit=org.b1, kind="volunteer", title="Volunteer in B one", text="Knock on doors, deliver leaflets.",
        interests="Canvassing\nDelivering leaflets\nPhone banking", actor=org.officer,
    )  # fmt: skip
    page = public_page(viewport)
    page.goto(f"{live_server.url}/organising/units/{org.b1.pk}/events/")
    with page.expect_navigation():
        page.get_by_role("link", name="Volunteer in B one").click()
    page.get_by_label("Your name", exact=True).fill("Sam Helper")
    page.get_by_label("Your email", exact=True).fill("sam@example.org")
    page.get_by_label("Postcode", exact=True).fill("M1 1AE")
    page.get_by_label("Phone (optional)").fill("07700 900123")
    page.get_by_label("Delivering leaflets").check()
    page.get_by_label("I would like to join").check()
    page.get_by_role("button", name="Sign up").click()  # the consent box is required: the browser asks for it
    assert page.evaluate("() => document.querySelector('input[name=consent]').validity.valueMissing")
    page.get_by_label("I agree").check()
    _shot(page, f"volunteer-{viewport['width']}")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign up").click()
    assert "an organiser of B one will be in touch" in page.content()
    sub = Submission.objects.get(form=form)
    assert (sub.interests, sub.join, sub.phone) == (["Delivering leaflets"], "requested", "07700 900123")
    assert _fits(page)
    assert page.problems == []


def test_a_place_given_up_goes_to_the_first_on_the_waiting_list(org, make_event, page_as, live_server):
    from django.core import mail

    from omov.organising import services as os_

    event = make_event(title="Phone bank", kind="phone_bank", capacity=1)
    first = os_.rsvp(event=event, member=org.members[1], actor=user_for_member(member=org.members[1]))
    page = page_as(org.member_user, PHONE)
    page.goto(f"{live_server.url}/organising/events/{event.pk}/")
    assert "All places are taken" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Join the waiting list").click()
    assert "number 1 on the waiting list" in page.content()
    _shot(page, "waiting-390")
    mail.outbox.clear()
    os_.cancel_rsvp(place=first, actor=user_for_member(member=org.members[1]))
    assert mail.outbox[0].to == [org.members[0].email] and "A place came up" in mail.outbox[0].body
    page.reload()
    assert "You are going." in page.content()
    assert Rsvp.objects.get(event=event, member=org.members[0]).state == "going"
    assert _fits(page)
    assert page.problems == []
