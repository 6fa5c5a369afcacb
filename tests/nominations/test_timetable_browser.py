"""In a real headless Chromium: a nominations officer (the permission, not an administrator) extends a round's
deadline with a reason, on a 390 px phone and on a desktop; the public tracker shows the new deadline; the
timetable page's history and the audit log have it. Screenshots go to OMOV_SCREENSHOTS (else a temporary folder)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from omov.core.actors import SystemActor
from omov.members import services as ms
from omov.nominations import services as ns
from tests.conftest_django import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("OMOV_SCREENSHOTS") or Path(tempfile.gettempdir()) / "omov-screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _round():
    setup = SystemActor("setup")
    org = ms.create_organisation(name="Party", slug="p", actor=setup)
    _clps = [ms.create_unit(organisation=org, code=f"C{i}", name=f"CLP {i}", kind="constituency", audit=False)
            for i in range(4)]
    now = timezone.now().replace(second=0, microsecond=0)
    rnd = ns.create_round(organisation=org, title="Deputy leader", rule="clp >= 2", actor=setup,
                          opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=2))
    ns.add_candidate(round=rnd, name="Ann Ash", actor=setup)
    ns.open_round(round=rnd, actor=setup)
    return rnd


def _officer(client, live_server, browser, viewport):
    """A staff user given 'Can run nomination rounds ...' (not a superuser), signed in in a new context."""
    user = get_user_model().objects.create_user(f"officer{viewport['width']}", f"o{viewport['width']}@example.org",
                                                is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="run_nominations"))
    client.force_login(user)
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_nominations_officer_extends_a_deadline_with_a_reason(browser, live_server, client, viewport):
    from playwright.sync_api import expect

    rnd = _round()
    page = _officer(client, live_server, browser, viewport).new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    watch_csp(page, problems)
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/nominations/rounds/{rnd.pk}/record/")
    page.get_by_role("link", name="change the timetable").click()
    expect(page.locator("h1")).to_have_text("Change the timetable: Deputy leader")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing off the side

    new = rnd.closes_at + dt.timedelta(days=5)
    page.get_by_label("New deadline (UTC)").fill(f"{new:%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Change the timetable").click()  # no reason: the browser asks for one
    assert page.get_by_label("Reason").evaluate("el => el.validity.valueMissing")
    page.get_by_label("Reason").fill("The branches' meetings were postponed by the strike.")
    page.get_by_role("button", name="Change the timetable").click()
    expect(page.locator(".messages")).to_contain_text("The timetable is changed")
    when = f"{new:%A} {new.day} {new:%B %Y}, {new:%H:%M} UTC"
    expect(page.locator("#now-closes")).to_have_text(when)
    history = page.locator("#timetable-history tbody tr").first
    expect(history).to_contain_text("The branches' meetings were postponed by the strike.")
    expect(history).to_contain_text(f"Nominations close: {new:%A} {new.day} {new:%B %Y, %H:%M} UTC")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"nominations-timetable-{viewport['width']}.png"), full_page=True)

    page.goto(f"{live_server.url}/nominations/rounds/{rnd.pk}/")  # the public tracker
    expect(page.locator("main")).to_contain_text(f"close {new.day} {new:%B %Y %H:%M} (UTC)")

    page.goto(f"{live_server.url}/admin/audit/auditentry/?action=nominations.round.timetable")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"round:{rnd.pk}")
    row.locator("a").first.click()
    expect(page.locator("#content")).to_contain_text("postponed by the strike")
    assert problems == []
