"""The returning officer's set-up in real headless Chromium: an officer appointed for a constituency (not a
superuser) sets up a branch's STV ballot on a 390 px phone, with a balance rule "at least 1 woman", watches the
live roll count, sees the paper's preview and marks it ready, never visiting /admin/; then the checklist of another
draft at desktop width. Screenshots go to OMOV_SCREENSHOTS (else a temporary folder)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from omov.ballots.models import Ballot
from omov.members.models import Appointment
from omov.members.selectors import eligible_members
from omov.members.services import appoint
from omov.web.signin import signin_url
from tests.conftest_django import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("OMOV_SCREENSHOTS") or Path(tempfile.gettempdir()) / "omov-screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def watch(page, problems: list[str], visited: list[str]) -> None:
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    watch_csp(page, problems)
    page.on("request", lambda r: visited.append(r.url))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)  # fmt: skip


def press(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_a_unit_returning_officer_sets_up_an_stv_ballot_on_a_phone_and_marks_it_ready(browser, live_server, world):
    appoint(organisation=world.org, user=world.other_officer, role=Appointment.Role.RETURNING_OFFICER,
            unit=world.c1, actor=world.admin)  # fmt: skip
    assert not world.other_officer.is_superuser
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    visited: list[str] = []
    watch(page, problems, visited)
    page.goto(signin_url(user=world.other_officer, base=live_server.url))
    press(page, "Sign in")

    page.get_by_role("link", name="Set up ballots").click()
    page.get_by_label("Title").fill("B one branch committee")
    page.get_by_label("Single transferable vote, Scottish local-government rules").check()
    page.get_by_label("Seats").fill("2")
    press(page, "Create the draft")
    ballot = Ballot.objects.get(title="B one branch committee")
    assert page.url.endswith(f"/ballots/{ballot.pk}/setup/candidates/")

    for name, gender in [("Ann Able", "woman"), ("Bob Baker", "man"), ("Cal Cole", "man")]:
        page.get_by_label("Name").fill(name)
        page.get_by_label("Statement").fill(f"{name.split()[0]} will keep the branch informed.")
        page.get_by_label("Gender").select_option(gender)
        press(page, "Add the candidate")
    press(page, "Move Cal Cole up")
    assert page.locator("#candidates li strong").all_text_contents() == ["Ann Able", "Cal Cole", "Bob Baker"]

    page.get_by_role("link", name="Next: balance rules").click()
    page.get_by_label("At least", exact=True).fill("1")
    page.get_by_label("of the elected must be").select_option(label="women")
    press(page, "Add the rule")
    expect(page.locator("#rules")).to_contain_text("At least 1 women")

    page.get_by_role("link", name="Next: who may vote").click()
    whole = eligible_members(organisation=world.org, units=[world.c1]).count()
    branch = eligible_members(organisation=world.org, units=[world.b1], statuses=["active", "lapsed"]).count()
    assert page.inner_text("#roll-count") == str(whole)
    page.get_by_label("B one").check()
    page.get_by_label("C one").uncheck()
    page.get_by_label("Lapsed", exact=True).check()
    expect(page.locator("#roll-count-note")).to_contain_text("not saved yet")  # counted live, as chosen
    expect(page.locator("#roll-count")).to_have_text(str(branch))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "setup-electorate-phone.png"), full_page=True)
    press(page, "Save and go on")

    page.get_by_label("Voting opens", exact=True).fill("2030-05-01T09:00")
    page.get_by_label("Voting closes", exact=True).fill("2030-05-08T17:00")
    press(page, "Save and go on")
    page.get_by_role("link", name="Next: preview").click()
    preview = page.locator("#paper-preview")
    expect(preview.get_by_label("Preference for Ann Able")).to_be_visible()
    assert preview.bounding_box()["width"] <= 390
    page.screenshot(path=str(SCREENSHOTS / "setup-preview-phone.png"), full_page=True)

    page.get_by_role("link", name="Back to the checklist").click()
    assert page.locator(".checklist .missing").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "setup-checklist-phone.png"), full_page=True)
    press(page, "Mark ready")
    ballot.refresh_from_db()
    assert ballot.state == "ready" and list(ballot.electorate_units.all()) == [world.b1]
    assert ballot.statuses == ["active", "lapsed"] and ballot.balance_rules.get().minimum == 1
    expect(page.locator(".messages")).to_contain_text("is ready")
    assert not [u for u in visited if "/admin/" in u]
    assert problems == []

    # At desktop width: a second draft, copied from the first, shows what it still lacks.
    desk = browser.new_context(viewport=DESKTOP)
    page = desk.new_page()
    watch(page, problems, visited)
    world.other_officer.refresh_from_db()  # a link is bound to the last sign-in, which the phone's changed
    page.goto(signin_url(user=world.other_officer, base=live_server.url))
    press(page, "Sign in")
    page.goto(f"{live_server.url}/ballots/setup/")
    page.get_by_label("Copy the set-up of").select_option(label="B one branch committee")
    page.get_by_label("Title of the new ballot").fill("B one branch committee 2031")
    press(page, "Copy")
    expect(page.locator(".checklist .missing")).to_have_count(2)  # no candidates copied, no timetable
    expect(page.locator(".checklist .missing").first).to_contain_text("Candidates")
    page.screenshot(path=str(SCREENSHOTS / "setup-checklist-desktop.png"), full_page=True)
    page.goto(f"{live_server.url}/ballots/setup/")
    page.screenshot(path=str(SCREENSHOTS / "setup-index-desktop.png"), full_page=True)
    assert problems == [] and not [u for u in visited if "/admin/" in u]
