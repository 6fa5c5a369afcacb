"""Accessibility audit of the pages members and officers use most, in a real headless Chromium (Debian's
/usr/bin/chromium driven by Playwright) against a live server.

Checked with the browser's own view of each page (computed styles, layout, focus, the accessible names that
Playwright's get_by_role/get_by_label resolve), no third-party checker: document structure (lang, title, one h1,
heading levels, a main landmark); a name for every control; errors tied to their fields; text alternatives for
images and charts; the ranked paper done with the keyboard alone, focus kept and visible; no sideways scrolling
at 320 px and at 200% zoom; contrast of text, links, buttons and pills; voting without JavaScript.
Each problem the audit found (seven, and the focus landing on "Remove" after "Move up") is fixed; the tests that
pinned them now guard the fixes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from omov.ballots import services as bs
from omov.ballots.models import Paper
from omov.members.services import user_for_member
from omov.nominations import services as ns
from omov.voice import services as vs
from tests.conftest_django import open_and_issue, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}
ZOOM_200 = {"width": 640, "height": 400}  # a 1280 x 800 window at 200% zoom lays out 640 CSS px wide
DESKTOP = {"width": 1100, "height": 900}
PAPERS = [[2, 1], [2, 3], [1], [1, 2], [3, 4], [2, 4], [2], [1, 3, 4], [3, 1], [4, 1, 2]]

# In-page checks (run with page.evaluate). Each returns a list of problems, empty when the page passes. ---------

STRUCTURE_JS = """() => {
  const out = [];
  const lang = document.documentElement.getAttribute('lang') || '';
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(lang)) out.push('html has no valid lang: ' + JSON.stringify(lang));
  if (!document.title.trim()) out.push('no <title>');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) out.push(h1 + ' h1 elements');
  let last = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = +h.tagName[1];
    if (last && level > last + 1)
      out.push('heading skips from h' + last + ' to h' + level + ': ' + h.textContent.trim());
    if (!last && level !== 1) out.push('first heading is h' + level + ': ' + h.textContent.trim());
    last = level;
  }
  const mains = document.querySelectorAll('main, [role=main]').length;
  if (mains !== 1) out.push(mains + ' main landmarks');
  return out;
}"""

# An accessible name as the brief defines it: a <label>, aria-label or aria-labelledby (a button's own text too).
NAMES_JS = """() => {
  const out = [];
  const text = (el) => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : '');
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden') continue;
    let name = (el.getAttribute('aria-label') || '').trim();
    if (!name && el.getAttribute('aria-labelledby'))
      name = el.getAttribute('aria-labelledby').split(/\\s+/)
        .map((id) => text(document.getElementById(id))).join(' ').trim();
    if (!name && el.labels) name = Array.from(el.labels).map(text).join(' ').trim();
    if (!name && el.tagName === 'BUTTON') name = text(el);
    if (!name && el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type))
      name = (el.value || '').trim();
    if (!name) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""

# Text alternatives: every <img> has an alt; every <canvas> chart is an image with a name and points at the
# table that carries its figures (aria-describedby, or a figure caption).
ALTERNATIVES_JS = """() => {
  const out = [];
  const text = (el) => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : '');
  for (const img of document.querySelectorAll('img'))
    if (!img.hasAttribute('alt')) out.push('img without alt: ' + img.src);
  for (const c of document.querySelectorAll('canvas')) {
    const ids = (attr) => (c.getAttribute(attr) || '').split(/\\s+/).filter(Boolean);
    const name = (c.getAttribute('aria-label') ||
      ids('aria-labelledby').map((i) => text(document.getElementById(i))).join(' ')).trim();
    const described = ids('aria-describedby').map((i) => document.getElementById(i)).filter(Boolean);
    const figure = c.closest('figure');
    const caption = figure && figure.querySelector('figcaption');
    if (c.getAttribute('role') !== 'img') out.push('#' + c.id + ': canvas is not role=img');
    if (!name) out.push('#' + c.id + ': canvas has no name');
    if (!described.length && !text(caption)) out.push('#' + c.id + ': chart does not point to a text alternative');
  }
  return out;
}"""

# Contrast (WCAG 2.x relative luminance) of the text of body copy, links, buttons and pills against the background
# actually behind it (the nearest ancestor with a background colour, blended over white). Large text (24 px, or
# 18.66 px bold) needs 3:1, the rest 4.5:1; hidden, visually-hidden and disabled text is exempt.
CONTRAST_JS = """() => {
  const out = [];
  const parse = (s) => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const background = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255, 1]; for (const l of layers.reverse()) bg = over(l, bg); return bg; };
  const selector = 'p, li, dt, dd, td, th, label, legend, span, strong, code, a, button, .pill, h1, h2, h3, summary';
  for (const el of document.querySelectorAll(selector)) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.disabled || el.closest('.visually-hidden, [hidden], [aria-hidden=true], canvas')) continue;
    const r = el.getBoundingClientRect(); if (!r.width || !r.height) continue;
    const st = getComputedStyle(el); if (st.visibility === 'hidden' || +st.opacity === 0) continue;
    const bg = background(el), fg = over(parse(st.color), bg);
    const a = lum(fg), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = +st.fontWeight >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' "' +
      el.textContent.trim().slice(0, 40) + '" ' + ratio.toFixed(2) + ':1 (' + st.color +
      ' on rgb(' + bg.slice(0, 3).join(', ') + '))');
  }
  return out;
}"""

# Reflow: the page itself must not scroll sideways; report what sticks out (not inside a scrolling box).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth <= width) return out;
  out.push('page is ' + document.documentElement.scrollWidth + ' px wide in a ' + width + ' px viewport');
  for (const el of document.body.querySelectorAll('*')) {
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) { clipped = true; break; }
    const r = el.getBoundingClientRect();
    if (!clipped && r.right > width + 1 && r.width) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
      ' right edge ' + Math.round(r.right));
  }
  return out.slice(0, 8);
}"""

# The focused element, as a keyboard user sees it: what it is and whether its focus ring is drawn.
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body'};
  const st = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), label: el.getAttribute('aria-label') || el.id || el.textContent.trim(),
          row: el.closest('.paper-row') ? el.closest('.paper-row').dataset.name : null,
          visible: el.matches(':focus-visible') && st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2,
          outline: st.outlineColor};
}"""


# Setting up: ballots in each state, member voice and a nominations round, on the shared `world`. -------------


class Scene:
    """The pages to audit: an open IRV, bloc and yes/no ballot (credentials issued), a published Scottish STV
    ballot with transfers, a motion with a comment, an open consultation and a live nominations round."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.irv = world.ballot("irv", candidates=("Ann", "Bob", "Cat", "Dan"))
        self.irv_tokens = open_and_issue(self.irv, world.officer)
        self.bloc = world.ballot("bloc", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
        self.bloc_tokens = open_and_issue(self.bloc, world.officer)
        self.yesno = world.ballot("fptp", candidates=("Yes", "No"))
        self.yesno_tokens = open_and_issue(self.yesno, world.officer)
        self.published = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
        for token, paper in zip(open_and_issue(self.published, world.officer), PAPERS, strict=False):
            self.tracker = bs.cast(credential=token, paper=paper, ballot_id=self.published.pk).tracker
        bs.close_ballot(ballot=self.published, actor=world.officer, early=True)
        bs.count_ballot(ballot=self.published, actor=world.officer)
        bs.publish_result(ballot=self.published, actor=world.officer)

        vs.appoint_voice_officer(user=world.officer, unit=world.region, actor=world.admin)
        vs.set_motion_threshold(unit=world.b1, supporters=3, actor=world.officer)
        self.motion = vs.draft_motion(
            member=world.members[0], unit=world.b1, title="Better buses", text="This branch calls for better buses."
        )
        vs.publish_motion(motion=self.motion, member=world.members[0])
        vs.post_comment(
            thread=vs.thread_for_motion(motion=self.motion),
            author=world.members[2],
            body="Yes, and later buses at night.",
        )
        now = timezone.now()
        c = vs.create_consultation(
            organisation=world.org,
            title="Transport",
            actor=world.officer,
            unit=world.c1,
            closes_at=now + dt.timedelta(days=2),
        )
        vs.add_question(
            consultation=c, actor=world.officer, kind="single", text="Bus or tram?", options=["Bus", "Tram"]
        )
        vs.add_question(
            consultation=c, actor=world.officer, kind="multiple", text="Routes?", options=["North", "South"]
        )
        vs.add_question(consultation=c, actor=world.officer, kind="ranking", text="Rank", options=["Fares", "Speed"])
        vs.add_question(consultation=c, actor=world.officer, kind="likert", text="Buses are reliable")
        vs.add_question(consultation=c, actor=world.officer, kind="text", text="Anything else?")
        vs.set_consultation_electorate(consultation=c, actor=world.officer, units=[world.c1])
        vs.open_consultation(consultation=c, actor=world.officer)
        self.consultation = c

        rnd = ns.create_round(
            organisation=world.org,
            title="Deputy",
            rule="clp >= 40%",
            actor=world.admin,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=1),
        )
        ann = ns.add_candidate(round=rnd, name="Ann", actor=world.admin)
        ns.add_candidate(round=rnd, name="Bob", actor=world.admin)
        ns.open_round(round=rnd, actor=world.admin)
        ns.nominate(
            round=rnd,
            candidate=ann,
            unit=world.c1,
            actor=world.admin,
            meeting_date=dt.date.today(),
            votes_for=5,
            votes_against=1,
        )
        self.round = rnd

    def pages(self) -> list[tuple[str, str, str]]:
        """(who, path, what) for every page audited: who is anon, member (Member 1, in C1) or officer."""
        b, p = self.irv.pk, self.published.pk
        return [
            ("anon", "/", "home"),
            ("member", "/", "home, signed in"),
            ("officer", "/", "home, officer"),
            ("anon", "/signin/", "sign-in"),
            ("member", f"/ballots/{b}/", "open ballot"),
            ("officer", f"/ballots/{b}/", "open ballot, officer panel"),
            ("anon", f"/ballots/{p}/", "published result"),
            ("anon", f"/ballots/{b}/vote/", "ranked paper"),
            ("anon", f"/ballots/{self.bloc.pk}/vote/", "bloc paper"),
            ("anon", f"/ballots/{self.yesno.pk}/vote/", "yes/no paper"),
            ("anon", f"/ballots/{p}/papers/?tracker={self.tracker}", "list of papers, looked up"),
            ("member", "/voice/", "member voice"),
            ("member", f"/voice/motions/{self.motion.pk}/", "motion with discussion"),
            ("member", f"/voice/consultations/{self.consultation.pk}/", "consultation"),
            ("anon", f"/nominations/rounds/{self.round.pk}/", "nominations tracker"),
        ]


@pytest.fixture
def scene(world: Any) -> Scene:
    return Scene(world)


@pytest.fixture
def open_page(browser: Any, live_server: Any, scene: Scene) -> Any:
    """open_page(who, path, **context options): a page on the live server, signed in as `who` (a session made
    by Django's test client), with script errors collected in page.problems."""
    contexts = []
    users = {"member": user_for_member(member=scene.world.members[1]), "officer": scene.world.officer}

    def make(who: str, path: str, **options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        if who != "anon":
            client = Client()
            client.force_login(users[who])
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "url": live_server.url,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    }
                ]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.problems = []
        page.on("pageerror", lambda exc: page.problems.append(f"script error: {exc}"))
        watch_csp(page, page.problems)  # every page of the scene runs under the Content-Security-Policy
        page.goto(live_server.url + path)
        return page

    yield make
    for c in contexts:
        c.close()


CHECKS = {"structure": STRUCTURE_JS, "names": NAMES_JS, "contrast": CONTRAST_JS, "alternatives": ALTERNATIVES_JS}


def audit(open_page: Any, scene: Scene) -> dict[str, dict[str, list[str]]]:
    """Visit every page of the scene once and run every check there: the problems by check, then by page (pages
    that pass are left out)."""
    found: dict[str, dict[str, list[str]]] = {name: {} for name in CHECKS}
    for who, path, what in scene.pages():
        page = open_page(who, path)
        if "charts" in what:
            page.wait_for_function("window.omovCharts && window.omovCharts.totals")
        for name, check in CHECKS.items():
            problems = page.evaluate(check)
            if problems:
                found[name][f"{what} ({path})"] = problems
        assert page.problems == [], (what, page.problems)
        page.context.close()
    return found


def press(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def focus_on(page: Any, label: str, key: str = "Tab") -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the control named `label` has the focus, as a keyboard user would."""
    for _ in range(25):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS_JS)
        if focus.get("label") == label:
            return focus
    raise AssertionError(f"{label!r} cannot be reached with {key}")


# Structure, names, alternatives, contrast: every page. --------------------------------------------------------


def test_every_page_has_structure_names_contrast_and_text_alternatives(open_page, scene):
    """lang, title, one h1, headings in order, one main; a name for every control; text, links, buttons and pills
    at 4.5:1 or better; alt on images and a pointer to the figures on every chart."""
    found = audit(open_page, scene)
    assert found == {name: {} for name in CHECKS}


def test_the_checks_themselves_catch_what_they_look_for(open_page, scene):
    """The in-page checks are our own code: on a page broken on purpose each one reports the fault."""
    page = open_page("anon", "/signin/")
    page.evaluate("""() => {
      document.documentElement.removeAttribute('lang');
      document.querySelector('main').insertAdjacentHTML('beforeend',
        '<h1>Second</h1><h4>Deep</h4><p id="faint">faint</p>' +
        '<input id="nameless"><canvas></canvas><img src="data:,">');
      // through the CSSOM: the Content-Security-Policy refuses a style attribute, even one added by script
      document.getElementById('faint').style.color = '#999';
    }""")
    assert page.evaluate(STRUCTURE_JS) == [
        'html has no valid lang: ""',
        "2 h1 elements",
        "heading skips from h1 to h4: Deep",
    ]
    assert page.evaluate(NAMES_JS) == ['<input id="nameless">']
    assert [p.split(" ")[0:2] for p in page.evaluate(CONTRAST_JS)] == [["p", '"faint"']]
    assert page.evaluate(ALTERNATIVES_JS) == [
        "img without alt: data:,",
        "#: canvas is not role=img",
        "#: canvas has no name",
        "#: chart does not point to a text alternative",
    ]


def test_the_transfers_chart_points_to_the_count_sheet(open_page, scene):
    page = open_page("anon", f"/ballots/{scene.published.pk}/")
    page.wait_for_function("window.omovCharts && window.omovCharts.transfers")
    described = page.locator("#totals-chart").evaluate("c => c.getAttribute('aria-describedby')")
    assert described and page.locator(f"#{described}").count() == 1  # the totals chart does say so
    assert page.evaluate(ALTERNATIVES_JS) == []


# Errors on the paper. -----------------------------------------------------------------------------------------


def test_voting_errors_are_announced_and_tied_to_their_fields(open_page, scene):
    page = open_page("anon", f"/ballots/{scene.irv.pk}/vote/")
    press(page, "Continue to check your vote")  # empty paper, no credential
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your paper is empty")
    expect(summary).to_contain_text("credential")
    assert page.evaluate("document.activeElement.id") == "error-summary"  # focused, so it is read first
    assert page.title().startswith("Error: ")
    credential = page.get_by_label("Your voting credential")
    expect(credential).to_have_attribute("aria-invalid", "true")
    expect(credential).to_have_accessible_description(re.compile("credential", re.I))
    error_id = page.locator(".credential .field-error").get_attribute("id")
    assert error_id in credential.get_attribute("aria-describedby").split()

    page.get_by_label("Preference for Ann").fill("1")
    page.get_by_label("Preference for Bob").fill("1")
    page.get_by_label("Preference for Cat").fill("2")
    page.get_by_label("Your voting credential").fill(scene.irv_tokens[0])
    press(page, "Continue to check your vote")  # a duplicate preference
    expect(page.get_by_role("alert")).to_contain_text("You gave preference 1 to both Ann and Bob")
    for name in ("Ann", "Bob"):
        box = page.get_by_label(f"Preference for {name}")
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(box).to_have_accessible_description("Preference 1 is used more than once.")
        assert box.input_value() == "1"  # what was typed is kept
    expect(page.get_by_label("Preference for Cat")).not_to_have_attribute("aria-invalid", "true")

    page = open_page("anon", f"/ballots/{scene.bloc.pk}/vote/")  # a mark ballot: too many ticks
    for name in ("Ann", "Bob", "Cat"):
        page.get_by_label(name).check()
    page.get_by_label("Your voting credential").fill(scene.bloc_tokens[0])
    press(page, "Continue to check your vote")
    expect(page.get_by_role("alert")).to_contain_text("at most 2")
    assert page.get_by_role("group", name="Choose up to 2").count() == 1  # the marks' fieldset is named
    assert page.problems == []


# The keyboard. ------------------------------------------------------------------------------------------------


def test_a_ranked_ballot_is_completed_with_the_keyboard_alone(open_page, scene):
    page = open_page("anon", f"/ballots/{scene.irv.pk}/vote/", viewport=PHONE)
    page.wait_for_selector("#ranking[data-enhanced='1']")

    def after_pressing(key: str, row: str, label: str) -> None:
        """The focus stays on a visible control in the row just moved (never lost to the top of the page)."""
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS_JS)
        assert (focus.get("row"), focus.get("label"), focus.get("visible")) == (row, label, True), focus

    for name in ("Ann", "Bob", "Cat"):  # Tab along the paper, adding each with its button
        assert focus_on(page, f"Add {name} to your ranking")["visible"]
        after_pressing("Enter", name, f"Remove {name} from your ranking")
    focus_on(page, "Move Cat up", "Shift+Tab")
    after_pressing("Enter", "Cat", "Move Cat up")  # Cat is 2nd: the focus stays, to press again
    # 1st: "up" is disabled, so the focus goes to "down" (never to "Remove", which a second Enter would press)
    after_pressing("Enter", "Cat", "Move Cat down")
    after_pressing("Space", "Cat", "Move Cat down")  # back to 2nd
    after_pressing("Space", "Cat", "Move Cat up")  # 3rd, the last: "down" is disabled, the focus goes to "up"
    expect(page.locator("#ranking-status")).to_have_text("Cat is now preference 3.")  # told to screen readers
    after_pressing("Enter", "Cat", "Move Cat up")  # back to 2nd, the focus stays
    expect(page.locator("#ranking-status")).to_have_text("Cat is now preference 2.")
    focus_on(page, "rank_4")  # Dan's box: type a number instead
    page.keyboard.type("4")
    focus_on(page, "credential")  # leaving the list sorts it by the numbers
    assert [page.get_by_label(f"Preference for {n}").input_value() for n in ("Ann", "Bob", "Cat", "Dan")] == [
        "1",
        "3",
        "2",
        "4",
    ]
    assert page.locator("#ranking .paper-row").evaluate_all("rows => rows.map(r => r.dataset.name)") == [
        "Ann",
        "Cat",
        "Bob",
        "Dan",
    ]
    page.keyboard.type(scene.irv_tokens[1])
    focus_on(page, "Continue to check your vote")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#summary li").all_text_contents() == [
        "Preference Ann",
        "Preference Cat",
        "Preference Bob",
        "Preference Dan",
    ]
    assert page.evaluate("document.activeElement.id") == "confirm-heading"  # the page starts where it says what
    focus_on(page, "cast")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "receipt-heading"
    tracker = page.inner_text("#tracker").strip()
    assert Paper.objects.get(ballot=scene.irv, tracker=tracker).tracker == tracker
    assert page.problems == []


def test_the_focus_ring_contrasts_at_least_3_to_1_with_the_page(open_page, scene):
    page = open_page("anon", f"/ballots/{scene.irv.pk}/vote/")
    page.wait_for_selector("#ranking[data-enhanced='1']")
    focus_on(page, "Add Ann to your ranking")
    ratio = page.evaluate(r"""() => {
      const lum = (s) => { const p = s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]; };
      const el = document.activeElement, ring = lum(getComputedStyle(el).outlineColor);
      const page = lum(getComputedStyle(el.closest('.paper-row')).backgroundColor);
      return (Math.max(ring, page) + 0.05) / (Math.min(ring, page) + 0.05);
    }""")
    assert ratio >= 3, f"focus ring {ratio:.2f}:1"


# Reflow: 320 px, and 200% zoom. -------------------------------------------------------------------------------


def test_the_papers_and_the_result_need_no_sideways_scrolling_at_320px_or_200_percent(open_page, scene):
    for viewport in (PHONE, ZOOM_200):
        for path in (
            f"/ballots/{scene.irv.pk}/vote/",
            f"/ballots/{scene.bloc.pk}/vote/",
            f"/ballots/{scene.yesno.pk}/vote/",
            f"/ballots/{scene.published.pk}/",
        ):
            page = open_page("member", path, viewport=viewport)
            if "vote" in path and path.startswith(f"/ballots/{scene.irv.pk}"):
                page.wait_for_selector("#ranking[data-enhanced='1']")
            if path == f"/ballots/{scene.published.pk}/":
                page.wait_for_function("window.omovCharts && window.omovCharts.transfers")
                sheet = page.locator(".sheet-scroll")  # a wide count sheet scrolls in its own box, which is fine
                assert sheet.evaluate("e => getComputedStyle(e).overflowX") == "auto"
            assert page.evaluate(OVERFLOW_JS) == [], (viewport, path)
            page.context.close()
    # and the confirm step, on a phone
    page = open_page("anon", f"/ballots/{scene.irv.pk}/vote/", viewport=PHONE)
    page.get_by_label("Preference for Bob").fill("1")
    page.get_by_label("Your voting credential").fill(scene.irv_tokens[2])
    press(page, "Continue to check your vote")
    assert page.evaluate(OVERFLOW_JS) == []


def test_the_sign_in_page_needs_no_sideways_scrolling_at_320px(open_page, scene):
    page = open_page("anon", "/signin/", viewport=PHONE)
    assert page.evaluate(OVERFLOW_JS) == []


def test_the_papers_lookup_needs_no_sideways_scrolling_at_320px(open_page, scene):
    page = open_page("anon", f"/ballots/{scene.published.pk}/papers/?tracker={scene.tracker}", viewport=PHONE)
    assert "Your paper was counted" in page.inner_text("#lookup-result")
    assert page.evaluate(OVERFLOW_JS) == []


def test_the_nominations_tracker_needs_no_sideways_scrolling_at_320px(open_page, scene):
    page = open_page("anon", f"/nominations/rounds/{scene.round.pk}/", viewport=PHONE)
    assert page.evaluate(OVERFLOW_JS) == []


def test_the_discussion_form_needs_no_sideways_scrolling_at_320px(open_page, scene):
    for path in (f"/voice/motions/{scene.motion.pk}/", f"/voice/consultations/{scene.consultation.pk}/"):
        page = open_page("member", path, viewport=PHONE)
        assert page.evaluate(OVERFLOW_JS) == [], path


# Without JavaScript. ------------------------------------------------------------------------------------------


def test_the_vote_works_without_javascript(open_page, scene):
    page = open_page("anon", f"/ballots/{scene.irv.pk}/vote/", java_script_enabled=False, viewport=PHONE)
    assert page.locator(".row-buttons").count() == 0  # the plain paper: numbers in boxes
    page.get_by_label("Preference for Dan").fill("1")
    page.get_by_label("Preference for Bob").fill("2")
    page.get_by_label("Your voting credential").fill(scene.irv_tokens[3])
    press(page, "Continue to check your vote")
    assert page.locator("#summary li").all_text_contents() == ["Preference Dan", "Preference Bob"]
    press(page, "Cast my vote")
    assert page.get_by_role("heading", level=1).inner_text() == "Your vote is cast"
    assert Paper.objects.filter(ballot=scene.irv, tracker=page.inner_text("#tracker").strip()).exists()

    page = open_page("anon", f"/ballots/{scene.yesno.pk}/vote/", java_script_enabled=False, viewport=PHONE)
    page.get_by_label("No").check()
    page.get_by_label("Your voting credential").fill(scene.yesno_tokens[0])
    press(page, "Continue to check your vote")
    assert page.locator("#summary li").all_text_contents() == ["No"]
    press(page, "Cast my vote")
    assert Paper.objects.filter(ballot=scene.yesno, tracker=page.inner_text("#tracker").strip()).exists()


# Live regions. ------------------------------------------------------------------------------------------------


def test_the_nominations_tracker_does_not_re_announce_an_unchanged_board(open_page, scene):
    page = open_page("anon", f"/nominations/rounds/{scene.round.pk}/")
    page.evaluate("""() => { window.boardChanges = 0;
      new MutationObserver((m) => { window.boardChanges += m.length; })
        .observe(document.getElementById('board'), {childList: true, subtree: true, characterData: true}); }""")
    page.wait_for_timeout(3600)  # one poll
    assert page.evaluate("window.boardChanges") == 0
    assert page.locator("#board-news").text_content() == ""  # and nothing was announced
    assert page.locator("#board").get_attribute("aria-live") is None  # the big table is not a live region


def test_the_nominations_tracker_announces_a_change_in_one_short_sentence(open_page, scene):
    page = open_page("anon", f"/nominations/rounds/{scene.round.pk}/")
    bob = scene.round.candidates.get(name="Bob")
    ns.nominate(
        round=scene.round,
        candidate=bob,
        unit=scene.world.c2,
        actor=scene.world.admin,
        meeting_date=dt.date.today(),
        votes_for=4,
        votes_against=0,
    )
    news = page.locator("#board-news")
    expect(news).to_have_text("Bob now qualifies. Bob: 1 nomination (was 0).", timeout=8_000)
    assert news.get_attribute("role") == "status"  # a polite live region of its own, one line long
    expect(page.locator("tr[data-candidate='Bob']")).to_have_class("qualified")  # and the board shows it
    assert page.problems == []
