"""Member voice in a real headless Chromium (Debian's /usr/bin/chromium via Playwright) against a live server:
supporting a motion, answering a consultation, posting and reporting a comment, and the abuse statistics page
with its drawn chart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from omov.members.services import user_for_member
from omov.voice import services as vs
from omov.voice.models import Comment, Participation, Report, Response, Support
from tests.conftest_django import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.fixture
def page_as(browser, live_server):
    """page_as(user): a fresh browser page signed in as `user` (a session made by Django's test client)."""
    contexts = []

    def make(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context()
        host = live_server.url.split("//")[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
        watch_csp(page, problems)  # the charts and the support bar run under the Content-Security-Policy
        page.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        page.problems = problems
        return page

    yield make
    for c in contexts:
        c.close()


def test_a_member_supports_a_motion(voice, make_motion, page_as, live_server):
    motion = make_motion()
    page = page_as(user_for_member(member=voice.members[1]))
    page.goto(f"{live_server.url}/voice/motions/{motion.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Support this motion").click()
    assert "You support this motion" in page.content()
    assert page.locator("#support-count").inner_text().startswith("1 supporter (3 needed)")
    # the bar's width comes from omov/page.js (a style attribute would be refused by the policy): 1 of 3 is 33%
    bar = page.evaluate(
        """() => { const s = document.querySelector('.voice-progress span');
                   return [s.getBoundingClientRect().width, s.parentNode.getBoundingClientRect().width]; }"""
    )
    assert 0.3 < bar[0] / bar[1] < 0.36, bar
    assert Support.objects.filter(motion=motion, member=voice.members[1]).exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw my support").click()
    assert page.locator("#support-count").inner_text().startswith("0 supporters (3 needed)")
    assert page.problems == []


def test_a_member_answers_a_consultation(voice, page_as, live_server):
    c = vs.create_consultation(
        organisation=voice.org,
        title="Transport",
        actor=voice.officer,
        unit=voice.c1,
        closes_at=timezone.now() + dt.timedelta(days=2),
    )
    vs.add_question(consultation=c, actor=voice.officer, kind="single", text="Bus or tram?", options=["Bus", "Tram"])
    vs.add_question(consultation=c, actor=voice.officer, kind="multiple", text="Routes?", options=["North", "South"])
    vs.add_question(consultation=c, actor=voice.officer, kind="ranking", text="Rank", options=["Fares", "Speed"])
    vs.add_question(consultation=c, actor=voice.officer, kind="likert", text="Buses are reliable")
    vs.add_question(consultation=c, actor=voice.officer, kind="text", text="Anything else?")
    vs.set_consultation_electorate(consultation=c, actor=voice.officer, units=[voice.c1])
    vs.open_consultation(consultation=c, actor=voice.officer)
    page = page_as(user_for_member(member=voice.members[1]))
    page.goto(f"{live_server.url}/voice/consultations/{c.pk}/")
    assert "Your answers are anonymous" in page.locator("#anonymity").inner_text()
    page.get_by_label("Tram").check()
    page.get_by_label("South").check()
    page.get_by_label("rank for Speed").fill("1")
    page.get_by_label("rank for Fares").fill("2")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_label("Your answer").fill("Night buses, please.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    key = page.locator("#edit-key").inner_text()
    assert "Thank you for answering" in page.content() and len(key) > 10
    assert Participation.objects.count() == 1 and Response.objects.count() == 1
    page.goto(f"{live_server.url}/voice/consultations/{c.pk}/")  # the browser remembers the edit key
    assert page.get_by_label("Your edit key").input_value() == key
    page.get_by_label("Bus", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Change my answers").click()
    assert "Your answers are changed" in page.content()
    # the form came back filled with the earlier answers; only question 1 changed (Tram -> Bus)
    answers = dict(Response.objects.get().answers.values_list("question__number", "value"))
    assert answers == {1: 0, 2: [1], 3: [1, 0], 4: 3, 5: "Night buses, please."}
    assert page.problems == []


def test_a_member_posts_and_another_reports_a_comment(voice, make_motion, page_as, live_server):
    motion = make_motion()
    author = page_as(user_for_member(member=voice.members[1]))
    author.goto(f"{live_server.url}/voice/motions/{motion.pk}/")
    author.get_by_label("Add a comment").fill("Buses <b>first</b>, then trams.")
    with author.expect_navigation():
        author.get_by_role("button", name="Post comment").click()
    assert "Your comment is posted." in author.content()
    assert author.locator(".comment .body").inner_text() == "Buses <b>first</b>, then trams."  # shown as text
    comment = Comment.objects.get()
    reporter = page_as(user_for_member(member=voice.members[2]))
    reporter.goto(f"{live_server.url}/voice/motions/{motion.pk}/")
    reporter.locator(f"#comment-{comment.pk} summary", has_text="Report").click()
    reporter.get_by_label("Reason").select_option("abuse")
    reporter.locator(f"#note-{comment.pk}").fill("Rude to the proposer")
    with reporter.expect_navigation():
        reporter.get_by_role("button", name="Report this comment").click()
    assert "the comment is reported" in reporter.content()
    report = Report.objects.get()
    assert (report.reason, report.note, report.reporter) == ("abuse", "Rude to the proposer", voice.members[2])
    assert author.problems == [] and reporter.problems == []


def test_an_officer_reads_the_abuse_statistics_with_a_chart(voice, make_motion, page_as, live_server):
    thread = vs.thread_for_motion(motion=make_motion())
    c = vs.post_comment(thread=thread, author=voice.members[1], body="The proposer is a lying idiot.")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="reject", reason="abuse", abusive=True)
    page = page_as(voice.officer)
    page.goto(f"{live_server.url}/voice/moderation/abuse/")
    page.wait_for_function("window.voiceCharts && window.voiceCharts.abuse")
    assert page.evaluate("window.voiceCharts.abuse.data.datasets[1].data") == [1]
    assert "Member 0" in page.locator("#by-target").inner_text()
    assert page.locator("#by-unit").inner_text().count("B one") == 1
    with page.expect_download() as download:
        page.locator("#abuse-csv").click()
    assert Path(download.value.path()).read_text().splitlines()[1].endswith("Member 0,member,B one,1,1")
    assert page.problems == []


def test_the_abuse_statistics_fit_a_390_px_phone(voice, make_motion, page_as, live_server):
    thread = vs.thread_for_motion(motion=make_motion(title="A motion with a long title about regional buses"))
    c = vs.post_comment(thread=thread, author=voice.members[1], body="The proposer is a lying idiot.")
    vs.moderate_comment(comment=c, actor=voice.officer, decision="reject", reason="abuse", abusive=True)
    page = page_as(voice.officer)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/voice/moderation/abuse/")
    page.wait_for_function("window.voiceCharts && window.voiceCharts.abuse")
    # Nothing wider than the screen: the page does not scroll sideways (a wide table scrolls inside its own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if shots := __import__("os").environ.get("OMOV_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/abuse-statistics-phone.png", full_page=True)
    assert page.problems == []


def test_an_appointed_officer_rejects_and_suspends_on_a_phone(voice, make_motion, page_as, live_server):
    """The moderation queue at 390 px: no sideways scrolling, the reasons on the card, Reject-and-suspend asks
    first on its own page, and the suspension can be lifted from the queue."""
    from django.contrib.auth import get_user_model

    from omov.members.services import appoint

    thread = vs.thread_for_motion(motion=make_motion())
    held = Comment.objects.create(thread=thread, author=voice.members[1], body="Check out my channel https://youtube.com/x",
                                  status=Comment.Status.HELD, reasons=["promo:self", "promo:link"], spam_score=0.7)
    officer = get_user_model().objects.create_user("voice.officer", "voice@example.org")
    appoint(organisation=voice.org, user=officer, role="voice_officer", actor=voice.admin)
    page = page_as(officer)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/voice/moderation/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.locator(f"#comment-{held.pk}")
    assert "self-promotion" in card.locator(".mod-reasons").inner_text()
    card.get_by_label("Reason").fill("Advertising is not allowed here.")
    card.locator("select[name=days]").select_option("14")
    with page.expect_navigation():
        card.get_by_role("button", name="Reject and suspend…").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "cannot post comments for 14 days" in page.locator("#confirm-facts").inner_text()
    held.refresh_from_db()
    assert held.status == Comment.Status.HELD  # asked, not done
    with page.expect_navigation():
        page.locator("#confirm-yes").click()
    held.refresh_from_db()
    assert held.status == Comment.Status.REJECTED and vs.is_suspended(member=voice.members[1])
    assert "cannot post for 14 days" in page.locator(".messages").inner_text()
    with page.expect_navigation():
        page.locator(f"#suspended-{voice.members[1].pk}").get_by_role("button", name="Lift").click()
    assert vs.is_suspended(member=voice.members[1]) is None
    assert page.problems == []
