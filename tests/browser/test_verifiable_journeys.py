"""Verifiable ballots in a real headless Chromium (Debian's /usr/bin/chromium through Playwright), on a live
server, with the committed bundles (omov-crypto.js, verifier.js) doing the cryptography in the page:

1. A trustee runs the whole key ceremony in the browser (keys made in the page, the secret file saved and read
   back from disk, never sent) beside a second trustee using Python (as `omov trustee` would): the ballot opens.
2. A voter on a phone ranks, seals, opens one paper to check it (Benaloh), seals again and casts; the ranking is
   in no request the page sends; the receipt's tracker is found on the board.
3. The browser verifier on the result page passes the honest record and fails one whose results were altered.

Screenshots go to OMOV_SCREENSHOTS (docs/screenshots to refresh the docs'), else a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest

from omov.ballots import services as bs
from omov.ballots.models import Ballot, Election, Paper, Trustee
from omov.ballots.verifiable.services.ceremony import set_verifiable, upload_trustee_file
from omov.crypto import trustees as tr
from omov.demo import verifiable as play
from tests.browser.test_journeys import PHONE, sign_in, watch
from tests.conftest_django import open_and_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("OMOV_SCREENSHOTS") or Path(tempfile.gettempdir()) / "omov-screenshots")
DESKTOP = {"width": 1100, "height": 900}


def verifiable(world, *, method="irv", seats=1, candidates=("Ann", "Bob", "Cat", "Dan"), trustees=None, t=2):
    """A draft verifiable ballot with trustees (name, user); the world's officer runs it."""
    from django.contrib.auth import get_user_model

    ballot = world.ballot(method, seats=seats, candidates=candidates, ready=False)
    if trustees is None:
        User = get_user_model()
        trustees = [(f"Trustee {i}", User.objects.create_user(f"t{i}", f"t{i}@example.org")) for i in (1, 2, 3)]
    set_verifiable(ballot=ballot, actor=world.officer, verifiable=True, trustees=trustees, threshold=t)
    return ballot


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_a_trustee_runs_the_key_ceremony_in_the_browser_beside_a_command_line_trustee(
    browser, live_server, world, tmp_path
):
    from omov.members.services import user_for_member

    mine, other = (user_for_member(member=m) for m in world.members[:2])  # two members are the trustees
    ballot = verifiable(world, trustees=[("Tess", mine), ("Theo", other)], t=2)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    E = ballot.election_id
    theo = Trustee.objects.get(ballot=ballot, number=2)
    theo_secret, theo_init = tr.init_trustee(E, 2, 2, 2)  # Theo, on his own machine (`omov trustee init`)

    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                              accept_downloads=True)  # fmt: skip
    page = ctx.new_page()
    problems = watch(page, [])
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
    sign_in(page, live_server, "m0@example.org")
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    page.get_by_role("link", name="Your trustee's page").click()
    page.wait_for_selector("#trustee[data-ready='1']")
    assert "Now: Make your keys." in page.inner_text("#now-heading")
    shot(page, "verifiable-trustee-phone.png")

    # 1. Keys: made here; the secret file is saved (a download) before the public file can be sent.
    page.get_by_role("button", name="Make my keys").click()
    with page.expect_download() as got:
        page.get_by_role("link", name="Save my secret file").click()
    secret_path = tmp_path / "trustee-1.secret.json"
    got.value.save_as(secret_path)
    secret = json.loads(secret_path.read_text())
    assert secret["type"] == "omov/trustee-secret/v1" and secret["id"] == 1
    assert page.get_by_role("button", name="Send my public file").is_disabled()  # not before the file is kept
    page.get_by_label("I have saved my secret file").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my public file").click()
    assert "Your public keys are in." in page.inner_text(".messages")
    assert "Waiting for the other trustees to make their keys: Theo" in page.inner_text("#now-heading")

    upload_trustee_file(ballot=ballot, trustee=theo, actor=other, data=theo_init)
    inits = [Trustee.objects.get(ballot=ballot, number=1).init, theo_init]

    # 2. Shares: the secret file is chosen from disk and read in the page.
    page.reload()
    page.wait_for_selector("#trustee[data-ready='1']")
    page.get_by_label("Your secret file").set_input_files(str(secret_path))
    page.get_by_role("button", name="Make the shares").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my public file").click()
    assert "Your shares are in." in page.inner_text(".messages")
    theo_shares = tr.make_shares(theo_secret, inits)
    upload_trustee_file(ballot=ballot, trustee=theo, actor=other, data=theo_shares)

    # 3. Combine: the new secret file (holding the key share) is saved again, then the combine file sent.
    page.reload()
    page.wait_for_selector("#trustee[data-ready='1']")
    page.get_by_label("Your secret file").set_input_files(str(secret_path))
    page.get_by_role("button", name="Check and combine").click()
    with page.expect_download() as got:
        page.get_by_role("link", name="Save my secret file").click()
    got.value.save_as(secret_path)
    assert json.loads(secret_path.read_text())["share"] is not None
    page.get_by_label("I have saved my secret file").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my public file").click()
    assert "Your part of the ceremony is done" in page.inner_text(".messages")
    tess_shares = Trustee.objects.get(ballot=ballot, number=1).shares
    upload_trustee_file(ballot=ballot, trustee=theo, actor=other,
                        data=tr.combine(theo_secret, inits, [tess_shares, theo_shares]))  # fmt: skip

    # The browser's files and the command line's fit together: the ceremony checks and the ballot opens.
    open_and_issue(ballot, world.officer)
    election = Election.objects.get(ballot=ballot)
    assert election.public_key == tr.joint_public_key(inits).data.hex()
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/verifiable/")
    assert election.fingerprint in page.inner_text("#fingerprint")
    assert [c.inner_text() for c in page.locator("#trustees .trustee-state").all()] == ["done", "done"]
    # The secret never left the device: no request carried its coefficients or its key share.
    final = json.loads(secret_path.read_text())
    for value in [*final["coefficients"], final["transport_key"], final["share"]]:
        assert not any(value in body for body in sent)
    assert problems == []
    ctx.close()


def _open_ballot(world, **kwargs):
    ballot = verifiable(world, **kwargs)
    play.run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    return ballot, open_and_issue(ballot, world.officer)


def test_a_voter_on_a_phone_checks_one_paper_then_casts_and_finds_it_on_the_board(browser, live_server, world):
    ballot, tokens = _open_ballot(world)
    for token, ranking in zip(tokens[1:4], ([0, 1], [2], [3, 0, 1]), strict=True):
        play.cast_sealed(ballot, token, ranking)  # others vote first

    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                              accept_downloads=True)  # fmt: skip
    page = ctx.new_page()
    problems = watch(page, [])
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.url} {r.post_data or ''}"))
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/vote/#credential={tokens[0]}")
    page.wait_for_selector("#booth[data-ready='1']")
    page.wait_for_selector("#ranking[data-enhanced='1']")
    assert "#" not in page.url
    for name in ("Cat", "Ann", "Dan"):
        page.get_by_role("button", name=f"Add {name} to your ranking").click()
    shot(page, "verifiable-booth-phone.png")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector("#step-sealed:not([hidden])")
    assert page.locator("#sealed-summary li").all_inner_texts() == ["1. Cat", "2. Ann", "3. Dan"]
    assert "not cast yet" in page.inner_text("#sealed-heading")
    first = page.inner_text("#sealed-tracker").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    shot(page, "verifiable-sealed-phone.png")

    # Check this paper: it is opened (never cast), and shows what the sealed paper really holds.
    page.get_by_text("Check that this device sealed your vote honestly").click()
    page.get_by_role("button", name="Open this paper to check it").click()
    page.wait_for_selector("#step-audit:not([hidden])")
    assert page.locator("#audit-opened li").all_inner_texts() == ["1. Cat", "2. Ann", "3. Dan"]
    assert "honestly" in page.inner_text("#audit-result")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the opened paper").click()
    opening = json.loads(Path(got.value.path()).read_text())
    assert opening["type"] == "omov/benaloh-opening/v2" and opening["tracker"] == first
    assert opening["values"] == [3, 1, 4, 0]  # Cat (index 2) first, Ann, Dan, then none
    shot(page, "verifiable-audit-phone.png")

    # Seal again (fresh randomness, a new tracker), and cast.
    page.get_by_role("button", name="Seal my vote again, to cast it").click()
    page.wait_for_selector("#step-sealed:not([hidden])")
    second = page.inner_text("#sealed-tracker").strip()
    assert second != first
    with page.expect_navigation():
        page.get_by_role("button", name="Cast my vote").click()
    assert page.inner_text("#tracker").strip() == second
    assert not Paper.objects.filter(ballot=ballot, tracker=first).exists()  # the opened one was never cast
    paper = Paper.objects.get(ballot=ballot, tracker=second)
    assert page.inner_text("#receipt-position") == str(paper.position) == "4"
    shot(page, "verifiable-receipt-phone.png")

    # The ranking reached the server in no request: no rank field, no opening, no plaintext values.
    assert not any("rank_" in s or "benaloh-opening" in s or '"values"' in s for s in sent)
    cast_posts = [s for s in sent if "cast=" in s]
    assert len(cast_posts) == 1

    # Find it on the board, from the receipt's link.
    with page.expect_navigation():
        page.get_by_role("link", name="find your tracker on the board").click()
    assert "Found" in page.inner_text("#lookup-result")
    assert page.locator(".board-entry.found-here .tracker-code").inner_text() == second
    shot(page, "verifiable-board-phone.png")
    # And by typing its first 8 characters, as from a printed receipt.
    page.get_by_label("Find my paper").fill(second[:8])
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    assert f"paper {paper.position} on the board" in page.inner_text("#lookup-result")
    assert problems == []
    ctx.close()


def test_the_browser_verifier_passes_the_honest_record_and_fails_a_tampered_one(browser, live_server, world):
    ballot = verifiable(world)
    secrets = play.run_ceremony(ballot, world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    for token, ranking in zip(tokens, ([0, 1], [1, 0], [0], [2, 3], [3], [0, 2]), strict=False):
        play.cast_sealed(ballot, token, ranking)
    play.finish(ballot, world.officer, secrets)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.PUBLISHED

    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = ctx.new_page()
    problems = watch(page, [])
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    page.wait_for_selector("#verify[data-ready='1']")
    assert page.inner_text("#chain-head") == Paper.objects.filter(ballot=ballot).order_by("-position")[0].entry_hash
    page.get_by_role("button", name="Verify this election on your device").click()
    page.wait_for_selector("#verify[data-outcome]", timeout=120_000)
    assert page.get_attribute("#verify", "data-outcome") == "pass", page.inner_text("#verify")
    assert "Every check passed" in page.inner_text("#verify-outcome")
    marks = page.locator("#verify-checks .mark").all_inner_texts()
    assert len(marks) > 5 and set(marks) == {"✓"}
    shot(page, "verifiable-verified.png")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the election record").click()
    assert got.value.suggested_filename == f"ballot-{ballot.pk}-record.zip"

    # A server that changes the declared totals after the fact: the verifier in the page says so.
    def tampered(route):
        response = route.fetch()
        results = json.loads(response.body())
        results["papers"][0] = {"status": "invalid"}
        route.fulfill(response=response, body=json.dumps(results, sort_keys=True, separators=(",", ":")) + "\n")

    page.route(re.compile(r".*/record/results\.json$"), tampered)
    page.reload()
    page.wait_for_selector("#verify[data-ready='1']")
    page.get_by_role("button", name="Verify this election on your device").click()
    page.wait_for_selector("#verify[data-outcome]", timeout=120_000)
    assert page.get_attribute("#verify", "data-outcome") == "fail"
    assert "failed" in page.inner_text("#verify-outcome")
    failed = page.locator("#verify-checks .check-failed").all_inner_texts()
    assert failed and any("results.json" in t or "manifest" in t.lower() for t in failed), failed
    shot(page, "verifiable-tampered.png")
    assert problems == []
    ctx.close()


def test_the_officer_makes_a_draft_verifiable_naming_trustees_on_a_phone(browser, live_server, world):
    ballot = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"), ready=False)
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    problems = watch(page, [])
    sign_in(page, live_server, "ro@example.org")
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/setup/verifiable/")
    assert "trustees must act" not in page.inner_text("#verifiable-explained")  # said in plain words instead:
    assert "After the close, enough of them must act" in page.inner_text("#verifiable-explained")
    page.get_by_label("Make this a verifiable ballot").check()
    for i, (name, email) in enumerate([("Tess", "m0@example.org"), ("Theo", "m1@example.org"),
                                       ("Tara", "scr@example.org")], start=1):  # fmt: skip
        page.get_by_label(f"Trustee {i}: name").fill(name)
        page.get_by_label(f"Trustee {i}: email address").fill(email)
    page.get_by_label("How many trustees must take part to decrypt").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "Saved." in page.inner_text(".messages")
    ballot.refresh_from_db()
    assert ballot.verifiable and (ballot.trustee_count, ballot.trustee_threshold) == (3, 2)
    assert [t.name for t in Trustee.objects.filter(ballot=ballot)] == ["Tess", "Theo", "Tara"]
    assert Trustee.objects.get(ballot=ballot, number=3).user == world.scrutineer  # an officer's account
    shot(page, "verifiable-setup-phone.png")
    # A name without an email is explained, and nothing changes.
    page.get_by_label("Trustee 4: name").fill("Tom")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "Give the email address Tom signs in with." in page.inner_text("#error-summary")
    assert Trustee.objects.filter(ballot=ballot).count() == 3
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/setup/")
    assert "yes: 3 of 3 trustees named, any 2 decrypt" in page.inner_text("body")
    assert problems == []
    ctx.close()
