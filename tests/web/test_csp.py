"""The Content-Security-Policy: on every page, and no page or template carries what it would refuse (an inline
script, an on*= handler, a <style> element or a style attribute)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.web.test_access import ROLES, Site, build, get_table

ROOT = Path(__file__).resolve().parents[2] / "omov"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DATA_TYPES = {"application/json", "application/ld+json"}  # data blocks: never run, so the policy allows them


class _Inline(HTMLParser):
    """What a page carries inline that a strict policy would refuse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and "src" not in named and (named.get("type") or "").lower() not in DATA_TYPES:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}> at line {self.getpos()[0]}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...> at line {self.getpos()[0]}")


def inline_problems(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


def parse_policy(header: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in (x.strip() for x in header.split(";")) if d}


def test_the_policy_setting_is_the_strict_one():
    assert parse_policy(settings.CONTENT_SECURITY_POLICY) == POLICY


def test_the_checker_finds_what_the_policy_refuses():
    page = (
        '<script>alert(1)</script><script src="/a.js"></script><script type="application/json">{}</script>'
        '<a href="#" onclick="x()">x</a><p style="color:red">y</p><style>p{}</style><a href="javascript:x()">z</a>'
    )
    assert len(inline_problems(page)) == 5


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/templates/**/*.html")), ids=str
)
def test_no_template_carries_inline_script_handlers_or_styles(template):
    text = (ROOT / template).read_text(encoding="utf-8")
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", "", text, flags=re.S)  # template tags are not markup
    assert not inline_problems(text), template


@pytest.fixture
def site(world) -> Site:
    from omov.voice import services as vs

    yield build(world)
    vs.reset_pipeline()


ADMIN_PAGES = [
    "/admin/",
    "/admin/ballots/ballot/",
    "/admin/ballots/ballot/add/",
    "/admin/ballots/paper/",
    "/admin/members/member/",
    "/admin/members/member/import/",
    "/admin/voice/comment/",
    "/admin/voice/consultation/add/",
    "/admin/nominations/nominationround/add/",
    "/admin/audit/auditentry/",
]


@pytest.mark.parametrize("role", ["anon", "member", "admin"])
def test_every_page_sends_the_policy_and_carries_nothing_inline(site: Site, role: str):
    assert role in ROLES
    client = site.client(role)
    urls = [row.url for row in get_table(site)]
    urls += [f"/admin/ballots/ballot/{b.pk}/change/" for b in site.ballots.values()]
    urls += ADMIN_PAGES if role == "admin" else []
    wrong, pages = [], 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        header = response.get("Content-Security-Policy", "")
        if parse_policy(header) != POLICY:
            wrong.append(f"{url}: Content-Security-Policy is {header!r}")
        wrong += [f"{url}: {p}" for p in inline_problems(response.content.decode())]
    assert pages > 20
    assert not wrong, "\n".join(wrong)


def test_refusals_and_redirects_carry_the_policy_too(client, world):
    assert parse_policy(client.get("/no-such-page/")["Content-Security-Policy"]) == POLICY
    assert parse_policy(client.get("/voice/")["Content-Security-Policy"]) == POLICY  # a redirect to sign in
