"""Robustness audit: every place the site and the command line take input, fed malformed, hostile and odd input.

Our standard: bad input gets a clear error, and nothing is lost. Each test below sends one kind of bad input to one
entry point and asserts that (a) there is no server error (HTTP 500) or traceback, (b) the answer says what is
wrong (for files, on which line), (c) nothing changed when the input was refused (ballot state, papers, spent
credentials, audit-log length, rows), and (d) input that is odd but well-formed is accepted.

The audit found eighteen bugs (server errors, unclear messages, NUL characters stored or matched); each is fixed
and its test here keeps it fixed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from omov.audit.models import AuditEntry
from omov.ballots import services as bs
from omov.ballots.models import Ballot, Credential, Paper
from omov.core.actors import SystemActor
from omov.members.models import Member
from omov.members.services import import_members, user_for_member
from tests.conftest_django import open_and_issue

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


# Helpers ------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _roomy_rate_limits(settings: Any) -> None:
    """Rate limits out of the way: these tests send many refused inputs from one address on purpose, and a 429
    would hide the answer to the input itself (tests/web/test_ratelimit.py covers the limits)."""
    settings.RATELIMITS = {
        **settings.RATELIMITS,
        "credential-ip": "100000/900",
        "api-ip": "100000/3600",
        "signin-ip": "100000/3600",
        "signin-email": "100000/3600",
    }


def web(user: Any = None) -> Client:
    """A test client that returns a server error as a 500 response (so a test can say so) instead of raising."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def text_of(response: Any) -> str:
    return response.content.decode("utf-8", "replace")


def no_server_error(response: Any) -> None:
    assert response.status_code < 500, f"HTTP {response.status_code} (a server error)"


def ballot_state(ballot: Ballot) -> tuple[Any, ...]:
    """What a refused input must not change: the ballot's state, its papers, its spent credentials, the audit log."""
    ballot.refresh_from_db()
    return (
        ballot.state,
        Paper.objects.filter(ballot=ballot).count(),
        Credential.objects.filter(ballot=ballot, spent=True).count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def ranked(world: Any) -> tuple[Ballot, list[str]]:
    """An open IRV ballot (Ann, Bob, Cat) and its twelve voters' credentials."""
    ballot = world.ballot("irv")
    return ballot, open_and_issue(ballot, world.officer)


@pytest.fixture
def marks(world: Any) -> tuple[Ballot, list[str]]:
    """An open bloc ballot for two seats (Ann, Bob, Cat, Dan) and its credentials."""
    ballot = world.ballot("bloc", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
    return ballot, open_and_issue(ballot, world.officer)


@pytest.fixture
def published(world: Any) -> Ballot:
    """A published IRV ballot with three papers."""
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    for token, paper in zip(tokens, ([1, 2], [2], [3, 1]), strict=False):
        bs.cast(credential=token, paper=paper, ballot_id=ballot.pk)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.start_count(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.PUBLISHED
    return ballot


# The voting page: /ballots/<id>/vote/ -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rank_1": "abc"}, "Write a whole number from 1 to 3 beside Ann"),
        ({"rank_1": "-1"}, "Write a whole number from 1 to 3 beside Ann"),
        ({"rank_1": "1.5"}, "Write a whole number from 1 to 3 beside Ann"),
        ({"rank_1": "0"}, "Write a whole number from 1 to 3 beside Ann"),
        ({"rank_1": "99"}, "99 is more than the number of candidates (3)"),
        ({"rank_1": "<script>alert(1)</script>"}, "Write a whole number from 1 to 3 beside Ann"),
        ({"rank_1": "1", "rank_2": "1"}, "You gave preference 1 to both Ann and Bob"),
        ({"rank_1": "1", "rank_2": "3"}, "Your preferences skip 2"),
        ({"rank_9": "1"}, "There is no candidate number 9 on this ballot"),
        ({"rank_abc": "1"}, "There is no candidate number abc on this ballot"),
        ({"rank_-1": "1"}, "There is no candidate number -1 on this ballot"),
        ({"rank_" + "9" * 500: "1"}, "There is no candidate number 999"),
        ({}, "Your paper is empty"),
        ({"rank_1": "", "rank_2": "  "}, "Your paper is empty"),
    ],
)
@pytest.mark.parametrize("action", ["review", "cast"])
def test_a_ranked_paper_that_cannot_be_read_is_refused_with_a_message_and_changes_nothing(
    ranked: Any, fields: dict[str, str], message: str, action: str
) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {**fields, "credential": tokens[0], "action": action})
    assert page.status_code == 400
    assert message in text_of(page)
    assert "<script>alert(1)</script>" not in text_of(page)  # what the voter typed is shown escaped
    assert ballot_state(ballot) == before


def test_a_rank_of_thousands_of_digits_is_refused_with_a_message_not_a_server_error(ranked: Any) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"rank_1": "9" * 5000, "credential": tokens[0], "action": "cast"})
    no_server_error(page)
    assert page.status_code == 400 and "is more than the number of candidates (3)" in text_of(page)
    assert ballot_state(ballot) == before


@pytest.mark.parametrize("digit", ["²", "³", "①"])
def test_a_rank_written_in_a_unicode_digit_that_is_not_a_number_is_refused_not_a_server_error(
    ranked: Any, digit: str
) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"rank_1": digit, "credential": tokens[0], "action": "cast"})
    no_server_error(page)
    assert page.status_code == 400 and "Write a whole number from 1 to 3 beside Ann" in text_of(page)
    assert ballot_state(ballot) == before


def test_a_rank_field_named_with_a_unicode_digit_is_refused_not_a_server_error(ranked: Any) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"rank_²": "1", "credential": tokens[0], "action": "cast"})
    no_server_error(page)
    assert page.status_code == 400 and "There is no candidate number" in text_of(page)
    assert ballot_state(ballot) == before


@pytest.mark.parametrize(
    ("credential", "status", "message"),
    [
        ("", 400, "Enter the voting credential"),
        ("   ", 400, "Enter the voting credential"),
        ("not a credential", 400, "That is not a ballot credential"),
        ("A" * 10_000, 400, "That is not a ballot credential"),
        ("ÀÉÎÕÜ" * 7, 400, "That is not a ballot credential"),
        ("<b>" + "A" * 29, 400, "That is not a ballot credential"),
        ("A" * 32, 400, "This credential is not valid"),
    ],
)
def test_a_bad_credential_on_the_voting_page_is_refused_with_a_message_and_spends_nothing(
    ranked: Any, credential: str, status: int, message: str
) -> None:
    ballot, _ = ranked
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"rank_1": "1", "credential": credential, "action": "cast"})
    assert page.status_code == status
    assert message in text_of(page)
    assert ballot_state(ballot) == before


@pytest.mark.parametrize(
    ("method", "where", "fields"),
    [
        ("post", "vote", {"rank_1": "1\x00", "action": "review"}),
        ("post", "vote", {"rank_1": "1", "credential": "AAAA-\x00AAA", "action": "cast"}),
        ("post", "vote", {"rank_1": "1", "action": "cast\x00"}),
        ("post", "vote", {"rank_\x00": "1", "action": "cast"}),
        ("get", "vote", {"c": "\x00"}),
        ("get", "papers", {"tracker": "\x00"}),
    ],
)
def test_any_field_or_query_with_a_nul_character_is_refused_before_any_view_and_changes_nothing(
    ranked: Any, method: str, where: str, fields: dict[str, str]
) -> None:
    """omov.web.middleware: PostgreSQL cannot store NUL in text, so no view may ever see one."""
    ballot, tokens = ranked
    if "credential" not in fields and method == "post":
        fields = {**fields, "credential": tokens[0]}
    before = ballot_state(ballot)
    page = getattr(web(), method)(f"/ballots/{ballot.pk}/{where}/", fields)
    assert page.status_code == 400 and "NUL character (code 0)" in text_of(page)
    assert ballot_state(ballot) == before


def test_a_credential_of_another_ballot_is_refused_on_the_voting_page(world: Any, ranked: Any) -> None:
    ballot, _ = ranked
    other = world.ballot("irv", candidates=("X", "Y"))
    other_tokens = open_and_issue(other, world.officer)
    before = ballot_state(ballot), ballot_state(other)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"rank_1": "1", "credential": other_tokens[0], "action": "cast"})
    assert page.status_code == 400 and "for a different ballot" in text_of(page)
    assert (ballot_state(ballot), ballot_state(other)) == before


def test_a_spent_credential_is_refused_on_the_voting_page_and_the_first_paper_stands(ranked: Any) -> None:
    ballot, tokens = ranked
    form = {"rank_2": "1", "credential": tokens[0], "action": "cast"}
    assert web().post(f"/ballots/{ballot.pk}/vote/", form).status_code == 200
    before = ballot_state(ballot)
    again = web().post(f"/ballots/{ballot.pk}/vote/", {**form, "rank_1": "2"})
    assert again.status_code == 400 and "already been used to vote" in text_of(again)
    assert ballot_state(ballot) == before


@pytest.mark.parametrize(
    ("marks_sent", "message"),
    [
        (["abc"], "There is no candidate number abc on this ballot"),
        (["9"], "There is no candidate number 9 on this ballot"),
        (["-1"], "There is no candidate number -1 on this ballot"),
        (["1", "1"], "Ann is marked twice"),
        (["1", "2", "3"], "Too many marks: you may choose at most 2; you ticked 3"),
        ([], "Your paper is empty"),
    ],
)
def test_a_mark_paper_that_cannot_be_read_is_refused_with_a_message_and_changes_nothing(
    marks: Any, marks_sent: list[str], message: str
) -> None:
    ballot, tokens = marks
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"mark": marks_sent, "credential": tokens[0], "action": "cast"})
    assert page.status_code == 400 and message in text_of(page)
    assert ballot_state(ballot) == before


@pytest.mark.parametrize("action", ["", "delete", "CAST", "x" * 5000])
def test_an_unknown_action_on_the_voting_page_only_reviews_and_casts_nothing(ranked: Any, action: str) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"rank_1": "1", "credential": tokens[0], "action": action})
    assert page.status_code == 200 and "Ann" in text_of(page)
    assert ballot_state(ballot) == before


def test_an_odd_but_well_formed_paper_and_credential_are_accepted_on_the_voting_page(ranked: Any) -> None:
    """Spaces around numbers, a credential in lower case with spaces for dashes, an empty box, a stray field."""
    ballot, tokens = ranked
    credential = " " + tokens[0].lower().replace("-", " ") + " "
    form = {"rank_1": " 2 ", "rank_2": "", "rank_3": "1", "credential": credential, "action": "cast", "extra": "x"}
    page = web().post(f"/ballots/{ballot.pk}/vote/", form)
    assert page.status_code == 200 and "tracker" in text_of(page).lower()
    assert Paper.objects.filter(ballot=ballot).count() == 1


@pytest.mark.parametrize("ballot_id", ["999999", "99999999999999999999999999"])
def test_the_voting_page_of_a_ballot_that_does_not_exist_is_not_found(world: Any, ballot_id: str) -> None:
    for method in ("get", "post"):
        page = getattr(web(), method)(f"/ballots/{ballot_id}/vote/")
        assert page.status_code == 404, (method, page.status_code)


def test_a_paper_posted_to_a_closed_ballot_is_refused_with_a_message(world: Any, ranked: Any) -> None:
    ballot, tokens = ranked
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    before = ballot_state(ballot)
    page = web().post(f"/ballots/{ballot.pk}/vote/", {"rank_1": "1", "credential": tokens[0], "action": "cast"})
    assert page.status_code == 409 and "not open" in text_of(page).lower()
    assert ballot_state(ballot) == before


@pytest.mark.parametrize("c", ["A" * 10_000, "<script>x</script>", "é" * 50])
def test_the_voting_page_shows_any_prefilled_credential_escaped_and_cut(ranked: Any, c: str) -> None:
    ballot, _ = ranked
    page = web().get(f"/ballots/{ballot.pk}/vote/", {"c": c})
    assert page.status_code == 200
    assert "<script>x</script>" not in text_of(page) and "A" * 101 not in text_of(page)


# The JSON cast API: POST /api/ballots/<id>/cast ----------------------------------------------------------------


def api(ballot_id: Any, body: Any, *, raw: bool = False, **extra: Any) -> Any:
    data = body if raw else json.dumps(body)
    return web().post(f"/api/ballots/{ballot_id}/cast", data=data, content_type="application/json", **extra)


def assert_json_refusal(response: Any, status: int, error: str, *words: str) -> None:
    assert response.status_code == status, (response.status_code, text_of(response))
    doc = response.json()
    assert doc["ok"] is False and doc["error"] == error and doc["message"]
    for w in words:
        assert w in doc["message"], doc["message"]


@pytest.mark.parametrize(
    ("body", "status", "error", "words"),
    [
        ("{nope", 400, "bad-request", ["not valid JSON"]),
        ("\xff\xfe", 400, "bad-request", ["not valid JSON"]),
        ("null", 400, "bad-request", ['send {"credential"']),
        ("[1, 2]", 400, "bad-request", ['send {"credential"']),
        ('"text"', 400, "bad-request", ['send {"credential"']),
        ("{}", 400, "bad-request", ['send {"credential"']),
        ('{"credential": "x"}', 400, "bad-request", ['send {"credential"']),
        ('{"paper": [1]}', 400, "bad-request", ['send {"credential"']),
        ("NaN", 400, "bad-request", ['send {"credential"']),
    ],
)
def test_a_cast_body_that_is_not_the_documented_object_is_refused_with_a_json_error(
    ranked: Any, body: str, status: int, error: str, words: list[str]
) -> None:
    ballot, _ = ranked
    before = ballot_state(ballot)
    assert_json_refusal(api(ballot.pk, body, raw=True), status, error, *words)
    assert ballot_state(ballot) == before


@pytest.mark.parametrize(
    ("paper", "words"),
    [
        ({"1": 1}, ["a list of candidate numbers"]),
        ("1,2", ["a list of candidate numbers"]),
        (None, ["a list of candidate numbers"]),
        (7, ["a list of candidate numbers"]),
        ([1.0], ["entry 1 of the paper (1.0) is not a candidate number"]),
        ([True], ["entry 1 of the paper (True) is not a candidate number"]),
        (["1"], ["entry 1 of the paper ('1') is not a candidate number"]),
        ([[1]], ["entry 1 of the paper ([1]) is not a candidate number"]),
        ([{"n": 1}], ["is not a candidate number"]),
        ([None], ["is not a candidate number"]),
        ([0], ["there is no candidate number 0"]),
        ([-1], ["there is no candidate number -1"]),
        ([10**40], ["there is no candidate number 1000000"]),
        ([1, 1], ["candidate 1 (Ann) is ranked twice"]),
        ([1, 2, 3, 1], ["too large"]),
        ([], ["the paper is empty"]),
        (["\u202e1"], ["is not a candidate number"]),
    ],
)
def test_a_paper_the_rule_cannot_take_is_refused_by_the_api_and_spends_no_credential(
    ranked: Any, paper: Any, words: list[str]
) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    assert_json_refusal(api(ballot.pk, {"credential": tokens[0], "paper": paper}), 400, "invalid-paper", *words)
    assert ballot_state(ballot) == before
    assert api(ballot.pk, {"credential": tokens[0], "paper": [1]}).status_code == 200  # the credential still works


@pytest.mark.parametrize(
    "credential", [None, 12, 1.5, True, [], ["AAAA"], {"c": "x"}, "", "A" * 5000, "ÄÖÜ" * 11, "\x00" * 32, "A" * 32]
)
def test_a_credential_of_the_wrong_type_or_shape_is_refused_by_the_api_with_a_message(
    ranked: Any, credential: Any
) -> None:
    ballot, _ = ranked
    before = ballot_state(ballot)
    assert_json_refusal(api(ballot.pk, {"credential": credential, "paper": [1]}), 403, "bad-credential")
    assert ballot_state(ballot) == before


def test_the_api_refuses_a_body_that_is_not_json_by_content_type(ranked: Any) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    page = web().post(f"/api/ballots/{ballot.pk}/cast", {"credential": tokens[0], "paper": "1"})
    assert_json_refusal(page, 415, "bad-request", "send JSON")
    assert ballot_state(ballot) == before


def test_the_api_refuses_a_huge_body_before_reading_it(ranked: Any) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    body = {"credential": tokens[0], "paper": [1], "padding": "x" * 1_000_000}
    assert_json_refusal(api(ballot.pk, body), 413, "invalid-paper", "too large")
    assert ballot_state(ballot) == before


def test_a_deeply_nested_cast_body_is_refused_with_a_json_error_not_a_server_error(ranked: Any) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    body = json.dumps({"credential": tokens[0], "paper": []}).replace("[]", "[" * 5000 + "]" * 5000)
    page = api(ballot.pk, body, raw=True)
    no_server_error(page)
    assert page.status_code == 400 and page.json()["ok"] is False
    assert ballot_state(ballot) == before


def test_a_cast_with_a_content_length_that_is_not_a_number_is_refused_not_a_server_error(ranked: Any) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    page = api(ballot.pk, {"credential": tokens[0], "paper": [1]}, CONTENT_LENGTH="abc")
    no_server_error(page)
    assert ballot_state(ballot) == before


def test_a_cast_to_a_ballot_that_does_not_exist_is_refused_and_spends_nothing(ranked: Any) -> None:
    ballot, tokens = ranked
    before = ballot_state(ballot)
    for ballot_id in (999_999, 10**30):
        assert_json_refusal(api(ballot_id, {"credential": tokens[0], "paper": [1]}), 403, "bad-credential",
                            "different ballot")  # fmt: skip
    assert ballot_state(ballot) == before


def test_a_cast_to_a_closed_ballot_is_refused_and_spends_nothing(world: Any, ranked: Any) -> None:
    ballot, tokens = ranked
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    before = ballot_state(ballot)
    assert_json_refusal(api(ballot.pk, {"credential": tokens[0], "paper": [1]}), 409, "not-open", "not open")
    assert ballot_state(ballot) == before


def test_the_api_accepts_odd_but_well_formed_casts(ranked: Any, marks: Any) -> None:
    """Unknown extra keys, a credential in lower case with spaces, unicode in extra values, a partial ranking."""
    ballot, tokens = ranked
    body = {"paper": [3], "credential": tokens[0].lower().replace("-", " "), "note": "héllo ✓", "v": [1, {"a": 2}]}
    page = api(ballot.pk, body)
    assert page.status_code == 200 and page.json()["ok"] is True
    mark_ballot, mark_tokens = marks
    page = api(mark_ballot.pk, {"credential": mark_tokens[0], "paper": [4, 2]})  # marks in any order
    assert page.status_code == 200
    assert Paper.objects.filter(ballot__in=[ballot, mark_ballot]).count() == 2


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=12,
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_json_body_gets_a_json_answer_and_spends_a_credential_only_when_it_stores_a_paper(
    ranked: Any, data: Any
) -> None:
    ballot, tokens = ranked
    credential = data.draw(st.sampled_from(tokens) | JSON, label="credential")
    paper = data.draw(st.lists(st.integers(-1, 4), max_size=4) | JSON, label="paper")
    body = data.draw(
        st.sampled_from([{"credential": credential, "paper": paper}, {"credential": credential}, paper]),
        label="body",
    )
    before = ballot_state(ballot)
    page = api(ballot.pk, body)
    assert page.status_code in (200, 400, 403, 409), page.status_code
    doc = page.json()
    after = ballot_state(ballot)
    if page.status_code == 200:
        assert doc["ok"] is True and re.fullmatch(r"[0-9a-f]{64}", doc["tracker"])
        assert after[1:3] == (before[1] + 1, before[2] + 1)  # one paper, one credential spent
    else:
        assert doc["ok"] is False and doc["message"] and doc["error"]
        assert after[:3] == before[:3]  # nothing cast, nothing spent


# Sign-in: /signin/ and /signin/<token>/ -------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["", "   ", "no-at-sign", "a" * 250 + "@example.org", "@" * 300])
def test_an_address_that_is_not_one_is_refused_by_the_signin_form_and_nothing_is_sent(world: Any, email: str) -> None:
    mail.outbox.clear()
    before = AuditEntry.objects.count()
    page = web().post("/signin/", {"email": email})
    assert page.status_code == 400 and "Enter your email address." in text_of(page)
    assert mail.outbox == [] and AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "email", ["<script>@x.org", "ü@exämple.org", "m0@example.org\r\nBcc: x@evil.org", "a@b", "m0@example.org\x01"]
)
def test_a_hostile_address_gets_the_same_answer_as_an_unknown_one_and_no_mail(world: Any, email: str) -> None:
    mail.outbox.clear()
    page = web().post("/signin/", {"email": email})
    no_server_error(page)
    assert page.status_code == 200 and "<script>@" not in text_of(page)
    assert mail.outbox == []


def test_an_address_with_a_nul_byte_is_refused_and_no_link_is_mailed(world: Any) -> None:
    """On SQLite `email__iexact` stopped at the NUL and matched member m0; on PostgreSQL the lookup failed."""
    mail.outbox.clear()
    page = web().post("/signin/", {"email": "m0@example.org\x00"})
    assert page.status_code == 400 and "NUL character" in text_of(page)
    assert mail.outbox == [], [m.to for m in mail.outbox]


def test_a_known_address_in_odd_case_with_spaces_gets_its_sign_in_link(world: Any) -> None:
    mail.outbox.clear()
    page = web().post("/signin/", {"email": "  M0@Example.ORG  "})
    assert page.status_code == 200
    assert len(mail.outbox) == 1 and "/signin/" in mail.outbox[0].body


@pytest.mark.parametrize("how", ["truncated", "one-changed", "garbage", "long", "dots", "unicode", "empty-parts"])
def test_a_forged_or_broken_signin_link_is_refused_with_a_page_and_signs_nobody_in(world: Any, how: str) -> None:
    from omov.web.signin import make_signin_token

    member_user = user_for_member(member=world.members[0])
    token = make_signin_token(user=member_user)
    forged = {
        "truncated": token[: len(token) // 2],
        "one-changed": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "garbage": "garbage",
        "long": "x" * 10_000,
        "dots": "...:::",
        "unicode": "é✓" * 20,
        "empty-parts": "::",
    }[how]
    client = web()
    for method in ("get", "post"):
        page = getattr(client, method)(f"/signin/{forged}/")
        no_server_error(page)
        assert page.status_code in (400, 404), page.status_code
    assert "_auth_user_id" not in client.session
    member_user.refresh_from_db()
    assert member_user.last_login is None


# Member voice: motions, comments, consultations, member votes, abuse statistics --------------------------------


@pytest.fixture
def voice(world: Any) -> Any:
    from omov.voice import services as vs

    vs.reset_pipeline()
    vs.appoint_voice_officer(user=world.officer, unit=world.region, actor=world.admin)
    vs.set_motion_threshold(unit=world.b1, supporters=3, actor=world.officer)
    yield world
    vs.reset_pipeline()


def member_client(world: Any, i: int = 0) -> Client:
    return web(user_for_member(member=world.members[i]))


def voice_rows() -> tuple[int, ...]:
    from omov.voice.models import Answer, Comment, Motion, Response

    return (Motion.objects.count(), Comment.objects.count(), Response.objects.count(), Answer.objects.count(),
            Ballot.objects.count(), AuditEntry.objects.count())  # fmt: skip


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        ("", "Some text", "a motion needs a title and a text"),
        ("   \t\n ", "Some text", "a motion needs a title and a text"),
        ("A title", "", "a motion needs a title and a text"),
        ("T" * 1_000_000, "Some text", "a title has at most 200 characters"),
        ("A title", "x" * 1_000_000, "a motion&#x27;s text has at most 20000 characters"),
    ],
)
def test_a_motion_with_an_empty_or_huge_title_or_text_is_refused_with_a_message(
    voice: Any, title: str, text: str, message: str
) -> None:
    before = voice_rows()
    page = member_client(voice).post("/voice/motions/new/", {"title": title, "text": text, "unit": voice.b1.pk})
    assert page.status_code == 400 and message in text_of(page)
    assert voice_rows() == before


@pytest.mark.parametrize("unit", ["", "abc", "999999", str(10**30)])
def test_a_motion_in_a_unit_that_is_not_the_members_is_refused_with_a_message(voice: Any, unit: str) -> None:
    before = voice_rows()
    page = member_client(voice).post("/voice/motions/new/", {"title": "T", "text": "X", "unit": unit})
    assert page.status_code == 400 and "choose one of your units" in text_of(page)
    assert voice_rows() == before


def test_a_motion_with_html_and_odd_unicode_is_kept_as_written_and_shown_escaped(voice: Any) -> None:
    from omov.voice.models import Motion

    title = "<script>alert(1)</script> Buses ✓ 𝔘𝔫𝔦"
    page = member_client(voice).post("/voice/motions/new/", {"title": title, "text": "Text\u202e", "unit": voice.b1.pk})
    assert page.status_code == 302
    motion = Motion.objects.get()
    assert motion.title == title
    shown = member_client(voice).get(f"/voice/motions/{motion.pk}/")
    assert shown.status_code == 200 and "<script>alert(1)</script>" not in text_of(shown)


@pytest.mark.parametrize("amends", ["999999", str(10**30)])
def test_amending_a_motion_that_does_not_exist_is_not_found(voice: Any, amends: str) -> None:
    before = voice_rows()
    client = member_client(voice)
    assert client.get("/voice/motions/new/", {"amends": amends}).status_code == 404
    page = client.post("/voice/motions/new/", {"amends": amends, "title": "T", "text": "X", "unit": voice.b1.pk})
    assert page.status_code == 404
    assert voice_rows() == before


@pytest.mark.parametrize("amends", ["garbage", "1.5", "-", "1 OR 1=1"])
def test_amending_a_motion_named_by_something_that_is_not_a_number_is_not_a_server_error(
    voice: Any, amends: str
) -> None:
    before = voice_rows()
    client = member_client(voice)
    no_server_error(client.get("/voice/motions/new/", {"amends": amends}))
    no_server_error(client.post("/voice/motions/new/", {"amends": amends, "title": "T", "text": "X",
                                                        "unit": voice.b1.pk}))  # fmt: skip
    assert voice_rows() == before


@pytest.fixture
def thread(voice: Any) -> Any:
    """A published motion's discussion thread."""
    from omov.voice import services as vs

    motion = vs.draft_motion(member=voice.members[0], unit=voice.b1, title="Buses", text="More buses.")
    vs.publish_motion(motion=motion, member=voice.members[0])
    return vs.thread_for_motion(motion=motion)


def flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "a comment cannot be empty"),
        (" \r\n\t ", "a comment cannot be empty"),
        ("x" * 1_000_000, "a comment has at most"),
    ],
)
def test_an_empty_or_huge_comment_is_refused_with_a_message_and_nothing_is_posted(
    voice: Any, thread: Any, body: str, message: str
) -> None:
    before = voice_rows()
    page = member_client(voice, 1).post(f"/voice/threads/{thread.pk}/comments/", {"body": body}, follow=True)
    # the page comes back (nothing posted), the reason beside the comment box, starting with a capital
    assert page.status_code == 400
    assert message[0].upper() + message[1:] in text_of(page), text_of(page)[:2000]
    assert voice_rows() == before


def test_a_comment_with_html_and_control_characters_is_posted_and_shown_escaped(voice: Any, thread: Any) -> None:
    from omov.voice.models import Comment

    body = "<script>alert('x')</script> hello \x07\x1b[31m ✓"
    page = member_client(voice, 1).post(f"/voice/threads/{thread.pk}/comments/", {"body": body}, follow=True)
    assert page.status_code == 200
    comment = Comment.objects.get()
    assert "<script>" in comment.body  # kept as written ...
    assert "<script>alert(" not in text_of(member_client(voice, 2).get(f"/voice/motions/{thread.motion_id}/"))


def test_a_comment_with_a_nul_byte_is_refused_and_nothing_is_stored(voice: Any, thread: Any) -> None:
    from omov.voice.models import Comment

    before = Comment.objects.count()  # (PostgreSQL cannot even be asked for a NUL: count the rows instead)
    page = member_client(voice, 1).post(f"/voice/threads/{thread.pk}/comments/", {"body": "hello\x00world"})
    assert page.status_code == 400 and "NUL character" in text_of(page)  # PostgreSQL cannot store one
    assert Comment.objects.count() == before


@pytest.mark.parametrize("parent", ["999999", str(10**30)])
def test_a_reply_to_a_comment_that_does_not_exist_is_not_found(voice: Any, thread: Any, parent: str) -> None:
    before = voice_rows()
    page = member_client(voice, 1).post(f"/voice/threads/{thread.pk}/comments/", {"body": "hi", "parent": parent})
    assert page.status_code == 404
    assert voice_rows() == before


def test_a_reply_to_a_parent_that_is_not_a_number_is_not_a_server_error(voice: Any, thread: Any) -> None:
    before = voice_rows()
    page = member_client(voice, 1).post(f"/voice/threads/{thread.pk}/comments/", {"body": "hi", "parent": "abc"})
    no_server_error(page)
    assert voice_rows() == before


def test_editing_a_comment_to_empty_or_huge_is_refused_and_keeps_the_old_text(voice: Any, thread: Any) -> None:
    from omov.voice import services as vs

    comment = vs.post_comment(thread=thread, author=voice.members[1], body="first words")
    client = member_client(voice, 1)
    before = voice_rows()
    for body, message in (("", "a comment cannot be empty"), ("y" * 200_000, "a comment has at most")):
        page = client.post(f"/voice/comments/{comment.pk}/edit/", {"body": body})
        assert page.status_code == 400 and message in text_of(page)
    comment.refresh_from_db()
    assert comment.body == "first words" and voice_rows() == before


@pytest.mark.parametrize(("reason", "note"), [("", ""), ("nonsense", ""), ("abuse", "n" * 3000)])
def test_a_report_with_an_unknown_reason_or_a_huge_note_is_refused_with_a_message(
    voice: Any, thread: Any, reason: str, note: str
) -> None:
    from omov.voice import services as vs
    from omov.voice.models import Report

    comment = vs.post_comment(thread=thread, author=voice.members[1], body="first words")
    before = (Report.objects.count(), AuditEntry.objects.count())
    page = member_client(voice, 2).post(f"/voice/comments/{comment.pk}/report/", {"reason": reason, "note": note},
                                        follow=True)  # fmt: skip
    assert page.status_code == 200
    assert any("reason is one of" in m or "at most 2000" in m for m in flash(page)), flash(page)
    assert (Report.objects.count(), AuditEntry.objects.count()) == before


@pytest.fixture
def consultation(voice: Any) -> Any:
    from omov.voice import services as vs

    c = vs.create_consultation(organisation=voice.org, title="Buses", actor=voice.officer, unit=voice.c1,
                               closes_at=timezone.now() + dt.timedelta(days=3))  # fmt: skip
    vs.add_question(consultation=c, actor=voice.officer, kind="single", text="More buses?", options=["Yes", "No"],
                    required=True)  # fmt: skip
    vs.add_question(consultation=c, actor=voice.officer, kind="ranking", text="Rank", options=["A", "B", "C"])
    vs.add_question(consultation=c, actor=voice.officer, kind="text", text="Why?")
    vs.add_question(consultation=c, actor=voice.officer, kind="multiple", text="Which?", options=["P", "Q"])
    vs.set_consultation_electorate(consultation=c, actor=voice.officer, units=[voice.c1])
    vs.open_consultation(consultation=c, actor=voice.officer)
    return c


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "question 1 needs an answer"),
        ({"q1": ""}, "question 1 needs an answer"),
        ({"q1": "2"}, "question 1: option 2 does not exist"),
        ({"q1": "-1"}, "question 1: option -1 does not exist"),
        ({"q1": "abc"}, "question 1: &#x27;abc&#x27; is not one of the options"),
        ({"q1": "1.0"}, "is not one of the options"),
        ({"q1": "9" * 5000}, "question 1"),
        ({"q1": "0", "q2_0": "x"}, "question 2: ranks are numbers"),
        ({"q1": "0", "q2_0": "1", "q2_1": "1"}, "question 2: give each option a different rank"),
        ({"q1": "0", "q3": "t" * 6000}, "question 3: an answer has at most 5000 characters"),
        ({"q1": "0", "q4": ["0", "7"]}, "question 4: option 7 does not exist"),
        ({"q1": "0", "q4": ["zz"]}, "is not one of the options"),
    ],
)
def test_a_consultation_answer_that_cannot_be_taken_is_refused_with_a_message_and_stores_nothing(
    voice: Any, consultation: Any, answers: dict[str, Any], message: str
) -> None:
    before = voice_rows()
    page = member_client(voice).post(f"/voice/consultations/{consultation.pk}/", answers)
    assert page.status_code == 400 and message in text_of(page), text_of(page)[:3000]
    assert voice_rows() == before


def test_odd_but_valid_consultation_answers_are_accepted(voice: Any, consultation: Any) -> None:
    """Spaces around ranks, a rank left blank, a repeated tick, unicode and markup in free text."""
    from omov.voice.models import Answer

    answers = {"q1": "1", "q2_0": " 2 ", "q2_1": "", "q2_2": "1", "q3": "<b>yes</b> ✓ 𝔘", "q4": ["1", "1"]}
    page = member_client(voice).post(f"/voice/consultations/{consultation.pk}/", answers)
    assert page.status_code == 200, text_of(page)[:2000]
    values = dict(Answer.objects.values_list("question__number", "value"))
    assert values[1] == 1 and values[2] == [2, 0] and values[3] == "<b>yes</b> ✓ 𝔘" and values[4] == [1]


@pytest.fixture
def choice_question(voice: Any) -> Any:
    from omov.voice import services as vs

    c = vs.create_consultation(organisation=voice.org, title="Colour", actor=voice.officer, unit=voice.c1)
    return vs.add_question(consultation=c, actor=voice.officer, kind="single", text="Red or blue?",
                           options=["Red", "Blue"])  # fmt: skip


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("-1", "between 1 and 90 days"),
        ("0", "between 1 and 90 days"),
        ("abc", "must be a whole number"),
        ("1.5", "must be a whole number"),
        (str(10**9), "between 1 and 90 days"),
        ("9" * 5000, "must be a whole number"),
        ("", "must be a whole number"),
    ],
)
def test_a_member_vote_of_a_bad_number_of_days_is_refused_with_a_message_and_no_ballot(
    voice: Any, choice_question: Any, days: str, message: str
) -> None:
    before = voice_rows()
    page = web(voice.officer).post(f"/voice/questions/{choice_question.pk}/vote/", {"days": days}, follow=True)
    no_server_error(page)
    assert any(message in m for m in flash(page)), flash(page)
    assert voice_rows() == before


@pytest.mark.parametrize(
    "query",
    [
        {"period": "century"},
        {"period": ""},
        {"days": "abc"},
        {"days": "-1"},
        {"days": str(10**30)},
        {"days": "1e9"},
        {"unit": "999999"},
        {"period": "x" * 10_000, "days": "y" * 10_000},
    ],
)
def test_the_abuse_statistics_take_any_query_string_without_a_server_error(voice: Any, query: dict[str, str]) -> None:
    client = web(voice.officer)
    for path in ("/voice/moderation/abuse/", "/voice/moderation/abuse.csv"):
        page = client.get(path, query)
        no_server_error(page)
        assert page.status_code in (200, 404)


@pytest.mark.parametrize("unit", ["abc", "1.5", "' OR 1=1 --"])
def test_the_abuse_statistics_for_a_unit_that_is_not_a_number_are_not_a_server_error(voice: Any, unit: str) -> None:
    client = web(voice.officer)
    for path in ("/voice/moderation/abuse/", "/voice/moderation/abuse.csv"):
        no_server_error(client.get(path, {"unit": unit}))


# Query strings on public pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"page": "-1"},
        {"page": "abc"},
        {"page": "0"},
        {"page": str(10**30)},
        {"page": "last"},
        {"tracker": "f" * 10_000},
        {"tracker": "<script>alert(1)</script>"},
        {"tracker": "é✓"},
    ],
)
def test_the_list_of_papers_takes_any_page_number_or_tracker_without_a_server_error(
    published: Ballot, query: dict[str, str]
) -> None:
    page = web().get(f"/ballots/{published.pk}/papers/", query)
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in text_of(page)


def test_looking_up_a_real_tracker_in_odd_case_with_spaces_finds_it(published: Ballot) -> None:
    tracker = Paper.objects.filter(ballot=published).first().tracker
    page = web().get(f"/ballots/{published.pk}/papers/", {"tracker": f"  {tracker.upper()}  "})
    assert page.status_code == 200 and tracker in text_of(page).lower()


@pytest.mark.parametrize("path", ["ballots/{id}/officer/explode/", "ballots/{id}/officer/open/"])
def test_an_officer_step_with_an_unknown_name_or_without_sign_in_changes_nothing(world: Any, path: str) -> None:
    ballot = world.ballot("irv")
    before = ballot_state(ballot)
    page = web().post("/" + path.format(id=ballot.pk))
    assert page.status_code in (302, 404)
    assert ballot_state(ballot) == before


# Nominations officers' pages ------------------------------------------------------------------------------------


@pytest.fixture
def nominations(db: Any) -> dict[str, Any]:
    """A round under the 2018 rule open now (20 CLPs, 10 MPs), a trigger ballot in CLP 0, an open selection."""
    from django.contrib.auth import get_user_model

    from omov.members import services as ms
    from omov.nominations import services as ns

    today = dt.date.today()
    gensec = get_user_model().objects.create_user("gs", "gs@example.org", is_staff=True, is_superuser=True)
    org = ms.create_organisation(name="Party", slug="p", actor=SystemActor("setup"))
    clps = [ms.create_unit(organisation=org, code=f"C{i}", name=f"CLP {i}", kind="constituency", audit=False)
            for i in range(20)]  # fmt: skip
    wards = [ms.create_unit(organisation=org, code=f"W{i}", name=f"Ward {i}", kind="branch", parent=clps[0])
             for i in range(3)]  # fmt: skip
    plp = ns.create_group(organisation=org, code="plp", name="PLP", actor=gensec)
    for i in range(10):
        m = ms.create_member(organisation=org, membership_number=f"MP{i}", name=f"MP {i}", unit=clps[i],
                             joined_on=today, audit=False)  # fmt: skip
        ns.join_group(group=plp, member=m, actor=gensec)
    now = timezone.now()
    rnd = ns.create_round(organisation=org, title="Leader", rule="2018", actor=gensec, parliamentary_group=plp,
                          opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=1))  # fmt: skip
    ann = ns.add_candidate(round=rnd, name="Ann", actor=gensec)
    ns.open_round(round=rnd, actor=gensec)
    trig = ns.create_trigger_ballot(constituency=clps[0], representative="MP 0", actor=gensec,
                                    closes_at=now + dt.timedelta(days=1))  # fmt: skip
    sel = ns.start_selection(constituency=clps[1], title="Selection: CLP 1", actor=gensec,
                             opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=8))  # fmt: skip
    return {"gensec": gensec, "round": rnd, "ann": ann, "trigger": trig, "selection": sel, "wards": wards,
            "today": today}  # fmt: skip


def nomination_rows() -> tuple[int, ...]:
    from omov.nominations.models import Hustings, Nomination, RoundCandidate, TriggerVote

    return (Nomination.objects.count(), TriggerVote.objects.count(), RoundCandidate.objects.count(),
            Hustings.objects.count(), AuditEntry.objects.count())  # fmt: skip


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"unit": "NOPE"}, "there is no unit with code &#x27;NOPE&#x27;"),
        ({"unit": "<b>C1</b>"}, "there is no unit with code &#x27;&lt;b&gt;"),
        ({"meeting_date": "2026-02-30"}, "YYYY-MM-DD"),
        ({"meeting_date": "yesterday"}, "YYYY-MM-DD"),
        ({"meeting_date": "99999-01-01"}, "YYYY-MM-DD"),
        ({"votes_for": "-3"}, "votes for cannot be negative"),
        ({"votes_for": "three"}, "votes for must be a whole number"),
        ({"votes_for": "1.5"}, "votes for must be a whole number"),
        ({"votes_against": "x"}, "votes against must be a whole number"),
        ({"abstentions": "-1"}, "abstentions cannot be negative"),
        ({"votes_for": "1", "votes_against": "5"}, "did not carry the nomination"),
        ({"candidate": "abc"}, "the candidate must be a whole number"),
        ({"candidate": "999999"}, "choose a candidate"),
        ({"candidate": ""}, "choose a candidate"),
        ({"unit": "", "member": ""}, "give either a member"),
        ({"member": "MP1"}, "give either a member"),
    ],
)
def test_a_nomination_that_cannot_be_recorded_is_refused_with_a_message_and_records_nothing(
    client: Any, nominations: dict[str, Any], form: dict[str, str], message: str
) -> None:
    rnd = nominations["round"]
    good = {"candidate": str(nominations["ann"].pk), "unit": "C1", "meeting_date": str(nominations["today"]),
            "votes_for": "7", "votes_against": "2"}  # fmt: skip
    before = nomination_rows()
    page = web(nominations["gensec"]).post(f"/nominations/rounds/{rnd.pk}/record/", {**good, **form})
    assert page.status_code == 400 and message in text_of(page), text_of(page)[:3000]
    assert nomination_rows() == before


def test_a_nomination_with_an_absurdly_large_vote_is_refused_with_a_message(nominations: dict[str, Any]) -> None:
    rnd = nominations["round"]
    form = {"candidate": str(nominations["ann"].pk), "unit": "C1", "meeting_date": str(nominations["today"]),
            "votes_for": str(10**30), "votes_against": "2"}  # fmt: skip
    before = nomination_rows()
    page = web(nominations["gensec"]).post(f"/nominations/rounds/{rnd.pk}/record/", form)
    no_server_error(page)
    assert page.status_code == 400
    assert nomination_rows() == before


def test_a_well_formed_nomination_with_odd_spacing_is_recorded(nominations: dict[str, Any]) -> None:
    rnd = nominations["round"]
    form = {"candidate": f" {nominations['ann'].pk} ", "unit": "  C1 ", "meeting_date": str(nominations["today"]),
            "votes_for": " 7 ", "votes_against": "0", "abstentions": ""}  # fmt: skip
    page = web(nominations["gensec"]).post(f"/nominations/rounds/{rnd.pk}/record/", form)
    assert page.status_code == 302, text_of(page)[:2000]
    assert nomination_rows()[0] == 1


@pytest.mark.parametrize("withdraw", ["abc", "-1", "999999"])
def test_withdrawing_a_nomination_that_is_not_one_changes_nothing(nominations: dict[str, Any], withdraw: str) -> None:
    rnd = nominations["round"]
    before = nomination_rows()
    page = web(nominations["gensec"]).post(f"/nominations/rounds/{rnd.pk}/record/", {"withdraw": withdraw})
    assert page.status_code in (400, 404)
    assert nomination_rows() == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"unit": "NOPE", "choice": "open"}, "there is no unit with code"),
        ({"unit": "W0", "choice": "maybe"}, "reselect or open, not &#x27;maybe&#x27;"),
        ({"unit": "W0", "choice": ""}, "reselect or open"),
        ({"unit": "W0", "choice": "open", "votes_open": "-1"}, "votes to open cannot be negative"),
        ({"unit": "W0", "choice": "open", "votes_open": "lots"}, "votes to open must be a whole number"),
        ({"unit": "W0", "choice": "open", "meeting_date": "2026-02-30"}, "YYYY-MM-DD"),
        ({"unit": "W0", "choice": "open", "votes_open": "1", "votes_reselect": "5"}, "that is reselect, not open"),
        ({"unit": "C5", "choice": "open"}, "neither a branch of CLP 0"),
    ],
)
def test_a_trigger_vote_that_cannot_be_recorded_is_refused_with_a_message_and_records_nothing(
    nominations: dict[str, Any], form: dict[str, str], message: str
) -> None:
    trig = nominations["trigger"]
    before = nomination_rows()
    page = web(nominations["gensec"]).post(f"/nominations/triggers/{trig.pk}/record/", form)
    assert page.status_code == 400 and message in text_of(page), text_of(page)[:3000]
    assert nomination_rows() == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"step": "explode"}, "unknown step"),
        ({"step": ""}, "unknown step"),
        ({"step": "x" * 10_000}, "unknown step"),
        ({"step": "hustings", "starts_at": "tomorrow", "place": "Hall"}, "must be a date and time"),
        ({"step": "hustings", "starts_at": "2030-02-30T19:00", "place": "Hall"}, "must be a date and time"),
        ({"step": "ballot", "opens_at": "", "closes_at": ""}, "must be a date and time"),
        (
            {"step": "ballot", "opens_at": "2030-01-01T10:00", "closes_at": "2030-01-08T10:00", "freeze_date": "x"},
            "YYYY-MM-DD",
        ),
    ],
)
def test_a_selection_step_that_cannot_be_run_is_refused_with_a_message_and_changes_nothing(
    nominations: dict[str, Any], form: dict[str, str], message: str
) -> None:
    sel = nominations["selection"]
    stage = sel.stage
    before = nomination_rows()
    page = web(nominations["gensec"]).post(f"/nominations/selections/{sel.pk}/run/", form)
    assert page.status_code == 400 and message in text_of(page), text_of(page)[:3000]
    assert nomination_rows() == before
    sel.refresh_from_db()
    assert sel.stage == stage


@pytest.mark.parametrize("query", [{"rule": "mp >= "}, {"custom": "((("}, {"rule": "x" * 10_000},
                                   {"custom": "mp >= 999999999999999999999%"}])  # fmt: skip
def test_a_what_if_rule_that_cannot_be_read_is_answered_with_a_message(
    nominations: dict[str, Any], query: dict[str, str]
) -> None:
    page = web().get(f"/nominations/rounds/{nominations['round'].pk}/whatif/", query)
    no_server_error(page)
    assert page.status_code in (200, 400)


def test_a_what_if_rule_nested_too_deeply_is_answered_with_a_message_not_a_server_error(
    nominations: dict[str, Any],
) -> None:
    page = web().get(f"/nominations/rounds/{nominations['round'].pk}/whatif/", {"custom": "(((" * 300})
    no_server_error(page)
    assert page.status_code == 400


# The members CSV import (omov members import) ------------------------------------------------------------------

HEADER = "membership_number,name,email,unit,joined_on,status,category,arrears,gender,postal\n"


def import_file(world: Any, tmp_path: Path, content: bytes | str, name: str = "members.csv") -> Any:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return import_members(organisation=world.org, path=path, actor=SystemActor("test"))


def member_rows() -> tuple[Any, ...]:
    return tuple(Member.objects.order_by("pk").values_list("membership_number", "name", "unit_id", "joined_on"))


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("A1,Ann,,B1,2026-02-30,,,,,\n", ["line 2", "joined_on '2026-02-30' is not a real date"]),
        ("A1,Ann,,B1,01/02/2020,,,,,\n", ["line 2", "is not a date (YYYY-MM-DD)"]),
        ("A1,Ann,,B1,2020-01-01,,,,,\nA1,Bob,,B1,2020-01-01,,,,,\n", ["line 3", "A1 is also on line 2"]),
        ("A1,Ann,,NOPE,2020-01-01,,,,,\n", ["line 2", "unit 'NOPE' does not exist"]),
        ("A1,Ann,,B1,2020-01-01,,,,\n", ["line 2", "has 9 fields, the header has 10"]),
        ("A1,Ann,not-an-email,B1,2020-01-01,,,,,\n", ["line 2", "is not an email address"]),
        ("A1,Ann,,B1,2020-01-01,dead,,,,\n", ["line 2", "status 'dead'"]),
        ("A1,Ann,,B1,2020-01-01,,,-5,,\n", ["line 2", "arrears '-5'"]),
        ("A1,Ann,,B1,2020-01-01,,,NaN,,\n", ["line 2", "arrears 'NaN'"]),
        ("A1,Ann,,B1,2020-01-01,,,1e999,,\n", ["line 2", "arrears '1e999'"]),
        ("A1,Ann,,B1,2020-01-01,,,,,maybe\n", ["line 2", "postal 'maybe'"]),
        ("A1,Ann,,B1,2999-01-01,,,,,\n", ["line 2", "in the future"]),
        ("A1,,,B1,2020-01-01,,,,,\n", ["line 2", "name is empty"]),
        ("A1," + "N" * 300 + ",,B1,2020-01-01,,,,,\n", ["line 2", "name is longer than 200"]),
        ("X" * 50 + ",Ann,,B1,2020-01-01,,,,,\n", ["line 2", "longer than 40"]),
        ('A1,Ann,,B1,2020-01-01,,,,,\n\nA2,"Bob\n,,B1,2020-01-01,,,,,\n', ["line"]),
    ],
)
def test_a_bad_row_in_the_members_file_is_named_by_line_and_nothing_is_imported(
    world: Any, tmp_path: Path, body: str, words: list[str]
) -> None:
    before = member_rows(), AuditEntry.objects.count()
    report = import_file(world, tmp_path, HEADER + body)
    assert not report.ok and not report.written
    text = report.describe()
    for w in words:
        assert w in text, text
    assert (member_rows(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ["the file is empty"]),
        (b"membership_number,name,unit\nA1,Ann,B1\n", ["missing column(s): joined_on"]),
        (b"membership_number,name,unit,joined_on,shoe_size\n", ["unknown column(s): shoe_size"]),
        (b"membership_number,name,unit,joined_on,name\n", ["a column is named twice"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["UTF-8"]),
    ],
)
def test_a_members_file_that_is_not_a_members_list_is_refused_with_a_message(
    world: Any, tmp_path: Path, content: bytes, words: list[str]
) -> None:
    before = member_rows(), AuditEntry.objects.count()
    report = import_file(world, tmp_path, content)
    assert not report.ok and not report.written
    for w in words:
        assert w in report.describe(), report.describe()
    assert (member_rows(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("rows_before", [1, 400])
def test_a_members_file_in_latin_1_names_the_line_of_the_first_bad_character(
    world: Any, tmp_path: Path, rows_before: int
) -> None:
    good = "".join(f"A{i},Member {i},,B1,2020-01-01,,,,,\n" for i in range(rows_before))
    content = (HEADER + good).encode("utf-8") + "X1,Renée Dupré,,B1,2020-01-01,,,,,\n".encode("latin-1")
    bad_line = rows_before + 2
    before = member_rows()
    report = import_file(world, tmp_path, content)
    assert not report.ok and not report.written and member_rows() == before
    assert "UTF-8" in report.describe()
    assert f"line {bad_line}" in report.describe(), report.describe()


def test_a_members_file_with_a_byte_order_mark_crlf_and_odd_spacing_is_imported(world: Any, tmp_path: Path) -> None:
    header = " Membership_Number , NAME ,email,unit,joined_on,status,category,arrears,gender,postal\r\n"
    body = ' A1 ,"Renée ""Ren"" Dupré, Jr",  ,B1 ,2020-01-01, ACTIVE ,,0.5,,YES\r\n\r\nA2,Zoë ✓,,B2,2020-02-29,,,,,\r\n'
    report = import_file(world, tmp_path, b"\xef\xbb\xbf" + (header + body).encode("utf-8"))
    assert report.ok and report.written and report.created == 2, report.describe()
    ren = Member.objects.get(membership_number="A1")
    assert ren.name == 'Renée "Ren" Dupré, Jr' and ren.postal and ren.status == "active"
    assert Member.objects.get(membership_number="A2").joined_on == dt.date(2020, 2, 29)


def test_the_members_import_command_prints_the_bad_line_and_exits_non_zero(
    world: Any, tmp_path: Path, capsys: Any
) -> None:
    from omov.web.cli import main as cli

    path = tmp_path / "m.csv"
    path.write_text(HEADER + "A1,Ann,,B1,2020-01-01,,,,,\nA2,Bob,,B1,2026-02-30,,,,,\n", encoding="utf-8")
    before = member_rows()
    assert cli(["members", "import", str(path), "--quiet"]) == 1
    out = capsys.readouterr()
    assert "line 3 (membership number A2): joined_on '2026-02-30' is not a real date" in out.out
    assert "Traceback" not in out.out + out.err and member_rows() == before
    assert cli(["members", "import", str(tmp_path / "missing.csv"), "--quiet"]) == 1
    assert "no such file" in capsys.readouterr().out


# omov count on malformed ballot files ---------------------------------------------------------------------------


def count(tmp_path: Path, name: str, content: bytes | str, *extra: str) -> tuple[int, str, str]:
    """Run `omov count` in-process (an uncaught exception fails the test: that is a traceback for a user)."""
    from omov.count.cli import main

    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out, err = io.StringIO(), io.StringIO()
    rc = main([str(path), "--rule", "irv", "--seed", "1", *extra], out=out, err=err)
    return rc, out.getvalue(), err.getvalue()


def assert_count_error(result: tuple[int, str, str], *words: str) -> None:
    rc, out, err = result
    assert rc == 2, (rc, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("omov count: ") and "Traceback" not in err, err
    assert "internal error" not in err, err
    for w in words:
        assert w in lines[0], lines[0]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.blt", "", ["the file is empty"]),
        ("words.blt", "abc def\n", ["line 1", "expected a whole number, found 'abc'"]),
        ("seats.blt", '2 0\n1 1 0\n0\n"A"\n"B"\n', ["line 1", "seats must be at least 1"]),
        ("noend.blt", '2 1\n1 1 2 0\n"A"\n"B"\n', ["line 3", "before the line '0'"]),
        ("names.blt", '3 1\n1 1 2 0\n0\n"A"\n"B"\n', ["line 5", "says 3 candidates but only 2 names"]),
        ("weight.blt", '2 1\n1.5 1 0\n0\n"A"\n"B"\n', ["line 2", "whole number, found '1.5'"]),
        ("nul.blt", '2 1\n1 1\x00 0\n0\n"A"\n"B"\n', ["line 2", "(a whole number)"]),
        ("minus.blt", '2 1\n-1 1 0\n0\n"A"\n"B"\n', ["line 2"]),
        ("cells.csv", "Ann,Bob\nx,y,z\n", ["line 2", "3 cells but the header has 2"]),
        ("cellw.csv", "Ann,Bob,weight\n1,2,abc\n", ["line 2", "found 'abc'"]),
        ("mark.csv", "Ann,Bob\n1,q\n", ["line 2", "found 'q'"]),
        ("empty.csv", "", ["no header row"]),
        ("broken.json", "{nope", ["line 1", "not valid JSON"]),
        ("list.json", "[1, 2]", ["line 1", "expected a JSON object"]),
        ("types.json", json.dumps({"candidates": 5, "ballots": "x"}), ['"candidates" must be a non-empty list']),
        (
            "who.json",
            json.dumps({"candidates": ["A", "B"], "seats": 1, "ballots": [{"ranking": ["x"]}]}),
            ["line 1", "ranks 'x', who is not a candidate"],
        ),
        ("binary.blt", b"\x00\x01\x02\xff\xfe" * 100, []),
    ],
)
def test_a_malformed_ballot_file_is_one_line_naming_the_file_and_line_and_exit_2(
    tmp_path: Path, name: str, content: str | bytes, words: list[str]
) -> None:
    assert_count_error(count(tmp_path, name, content), name, *words)


def test_a_blt_paper_ranking_an_unknown_candidate_names_its_line(tmp_path: Path) -> None:
    assert_count_error(count(tmp_path, "cand.blt", '2 1\n1 1 0\n1 5 0\n0\n"A"\n"B"\n'), "line 3", "candidate 5")


def test_a_blt_weight_with_thousands_of_digits_is_a_clear_error_naming_the_line(tmp_path: Path) -> None:
    assert_count_error(count(tmp_path, "big.blt", "2 1\n" + "9" * 5000 + ' 1 0\n0\n"A"\n"B"\n'), "line 2")


def test_a_deeply_nested_json_ballot_file_is_a_clear_error(tmp_path: Path) -> None:
    assert_count_error(count(tmp_path, "deep.json", "[" * 50_000 + "]" * 50_000), "deep.json", "line 1")


def test_a_blt_header_claiming_millions_of_candidates_is_refused_quickly_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.blt"
    path.write_text('30000000 1\n1 1 0\n0\n"A"\n"B"\n')
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "from omov.count.cli import main\n"
        f"sys.exit(main([{str(path)!r}, '--rule', 'irv']))\n"
    )
    try:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=20)
    except subprocess.TimeoutExpired:
        raise AssertionError("omov count took more than 20 s on a 40-byte file") from None
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "internal error" not in run.stderr and "line" in run.stderr, run.stderr


def test_odd_but_well_formed_ballot_files_are_counted(tmp_path: Path) -> None:
    """A Latin-1 BLT (documented fallback), a byte-order mark, CRLF line ends, comments and blank lines."""
    rc, out, err = count(tmp_path, "latin.blt", b'2 1\n1 1 0\n0\n"Ren\xe9e"\n"Bob"\n"T"\n')
    assert rc == 0 and "Renée" in out, err
    rc, out, err = count(tmp_path, "bom.blt", b'\xef\xbb\xbf2 1\r\n2 2 1 0\r\n\r\n1 1 0\r\n0\r\n"Ann"\r\n"Bob"\r\n')
    assert rc == 0 and "Elected: 1. Bob" in out, err
    rc, out, err = count(tmp_path, "crlf.csv", "Ann,Bob\r\n1,2\r\n2,1\r\n1,\r\n")
    assert rc == 0 and "Elected: 1. Ann" in out, err


# omov check on a folder of garbage -----------------------------------------------------------------------------


@pytest.fixture
def saved(published: Ballot, tmp_path: Path) -> Path:
    """A folder holding the published ballot's four downloads, as `omov check --save` keeps them."""
    from omov.check import FILES

    client = web()
    folder = tmp_path / "saved"
    folder.mkdir()
    urls = {"manifest": "result.json", "papers": "papers.jsonl", "sheet": "sheet.json", "blt": "papers.blt"}
    for key, name in FILES.items():
        page = client.get(f"/ballots/{published.pk}/{urls[key]}")
        assert page.status_code == 200, name
        (folder / name).write_bytes(page.content)
    return folder


def check(folder: Path) -> tuple[int, list[str]]:
    from omov.check import main

    lines: list[str] = []
    return main([str(folder)], out=lines.append), lines


def test_omov_check_passes_a_folder_saved_from_a_published_ballot(saved: Path) -> None:
    rc, lines = check(saved)
    assert rc == 0, lines


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("result.json", b""),
        ("result.json", b"\xff\xfe garbage"),
        ("result.json", b"[]"),
        ("result.json", b"{}"),
        ("result.json", b'{"format": "omov-ballot-result", "version": 1}'),
        ("result.json", b'{"format": "omov-ballot-result", "version": 1, "count": 5, "ballot": "x"}'),
        ("sheet.json", b"not json"),
        ("sheet.json", b"{}"),
        ("papers.jsonl", b"garbage\n"),
        ("papers.jsonl", b'{"position": "x"}\n'),
        ("papers.jsonl", b"\x00\x01\x02"),
        ("papers.jsonl", b""),
        ("papers.blt", b"garbage"),
        ("papers.blt", b"\xff\xfe"),
        ("papers.blt", b""),
    ],
)
def test_omov_check_on_a_folder_with_a_garbage_file_says_what_is_wrong_and_fails(
    saved: Path, name: str, content: bytes
) -> None:
    (saved / name).write_bytes(content)
    rc, lines = check(saved)
    assert rc in (1, 2), lines
    assert lines and (lines[0].startswith("omov check: ") or any(line.startswith("✗") for line in lines)), lines


def test_omov_check_on_a_folder_with_a_file_missing_names_it(saved: Path) -> None:
    (saved / "sheet.json").unlink()
    rc, lines = check(saved)
    assert rc == 2 and "sheet.json: missing" in lines[0]
    rc, lines = check(saved / "nope")
    assert rc == 2 and "neither a ballot's address" in lines[0]


@pytest.mark.parametrize("name", ["result.json", "papers.jsonl"])
def test_omov_check_on_a_deeply_nested_json_file_says_what_is_wrong_without_a_traceback(saved: Path, name: str) -> None:
    (saved / name).write_bytes(b"[" * 100_000 + b"]" * 100_000)
    try:
        rc, lines = check(saved)
    except RecursionError as exc:
        raise AssertionError(f"traceback: {exc!r}") from None
    assert rc in (1, 2) and lines
