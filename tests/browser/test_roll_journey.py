"""A returning officer on a phone works the voter roll in a real headless Chromium: finds a member, reissues their
credential with a reason (the old one stops working, the new one votes), sends a reminder (a second the same day
is refused with the time of the last) and reads turnout by unit, drawn and as a table; then the same page on a
desktop. Screenshots `roll-phone.png`, `roll-voter-phone.png` and `roll-desktop.png` go where the other journeys'
go (OMOV_SCREENSHOTS, else a temporary folder)."""

from __future__ import annotations

import pytest
from django.core import mail

from omov.ballots import services as bs
from omov.ballots.errors import CredentialError
from omov.ballots.selectors import credential_status
from tests.browser.test_journeys import PHONE, SCREENSHOTS, press, sign_in, watch
from tests.conftest_django import tokens_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways"


def test_officer_on_a_phone_reissues_a_credential_sends_a_reminder_and_reads_turnout(browser, live_server, world):
    member = world.members[5]
    member.postal, member.address, member.postcode = True, "12 High Street\nLittle Town", "AB1 2CD"
    member.save()
    ballot = world.ballot("irv")
    mail.outbox.clear()
    bs.start_opening(ballot=ballot, actor=world.officer)
    tokens = {m.to[0]: tokens_in(m.body)[0] for m in mail.outbox}
    for i in (0, 1, 8):  # some turnout to draw
        bs.cast(credential=tokens[f"m{i}@example.org"], paper=[1])

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    problems = watch(page, [])
    sign_in(page, live_server, "ro@example.org")
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    assert "Pending: no credential has gone out yet" in page.inner_text("#pending-hint")
    with page.expect_navigation():
        page.get_by_role("link", name="Voter roll").click()

    # Find the member and reissue their credential, with a reason.
    page.get_by_label("Name, membership number or email").fill("m002")
    press(page, "Find")
    assert "1 member match" in page.inner_text("#roll-count")
    with page.expect_navigation():
        page.get_by_role("link", name="Member 2").click()
    assert page.inner_text("#voter-voted") == "Not yet"
    assert page.inner_text("#voter-status").startswith("emailed, not used yet")
    page.get_by_role("button", name="Reissue: the old credential stops working").click()  # no reason: not sent
    assert page.get_by_label("Why is it reissued?").evaluate("e => e.validity.valueMissing")
    page.get_by_label("Why is it reissued?").fill("lost the email")
    press(page, "Reissue: the old credential stops working")
    new = page.inner_text("#new-credential").strip()
    page.screenshot(path=str(SCREENSHOTS / "roll-voter-phone.png"), full_page=True)
    no_sideways_scroll(page)
    assert credential_status(ballot_id=ballot.pk, credential=tokens["m2@example.org"])[1]  # the old one: refused
    with pytest.raises(CredentialError):
        bs.cast(credential=tokens["m2@example.org"], paper=[2])
    bs.cast(credential=new, paper=[2])  # the new one votes

    # A reminder, then a second the same day: refused with the time of the first.
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/roll/")
    mail.outbox.clear()
    press(page, "Send a reminder to those who have not voted")
    assert "Reminders are on their way" in page.inner_text(".messages")
    assert page.locator("#jobs .job-state").first.inner_text() == "succeeded"
    assert len(mail.outbox) == 7  # 12 on the roll, 4 voted, 1 by post (no email credential)
    press(page, "Send a reminder to those who have not voted")
    refusal = page.inner_text(".messages")
    assert "already sent at" in refusal and "next can be sent from" in refusal, refusal
    assert len(mail.outbox) == 7

    # Turnout by unit: drawn, and the same figures in the table.
    page.wait_for_function("window.omovCharts && window.omovCharts.turnout")
    rows = page.locator("#turnout-table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["C one", "C two"] and rows[0].endswith("37.5%")
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "roll-phone.png"), full_page=True)

    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    wide = desktop.new_page()
    watch(wide, problems)
    sign_in(wide, live_server, "ro@example.org")
    wide.goto(f"{live_server.url}/ballots/{ballot.pk}/roll/")
    wide.wait_for_function("window.omovCharts && window.omovCharts.turnout")
    wide.screenshot(path=str(SCREENSHOTS / "roll-desktop.png"), full_page=True)
    assert problems == []
