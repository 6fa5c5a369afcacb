"""Magic-link sign-in (signed, expiring, one-time), CSRF refusals, and the JSON cast endpoint."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client

from omov.ballots.models import Paper
from tests.conftest_django import open_and_issue


def _link(message: str) -> str:
    found = re.search(r"https?://[^/\s]+(/signin/[^\s]+/)", message)
    assert found, message
    return found.group(1)


def test_a_member_signs_in_with_an_emailed_link_once(client, world):
    response = client.post("/signin/", {"email": "m3@example.org"})
    assert response.status_code == 200 and b"Check your email" in response.content
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0].body)
    assert client.get(link).status_code == 200  # a confirmation page: mail scanners do not use the link up
    response = client.post(link)
    assert response.status_code == 302
    world.members[3].refresh_from_db()
    assert client.session["_auth_user_id"] == str(world.members[3].user_id)
    other = Client()
    again = other.post(link)
    assert again.status_code == 400 and b"does not work" in again.content  # one-time


def test_an_officer_is_sent_to_the_admin(client, world):
    client.post("/signin/", {"email": "ro@example.org"})
    response = client.post(_link(mail.outbox[0].body))
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_unknown_addresses_get_the_same_answer_and_no_mail(client, world):
    response = client.post("/signin/", {"email": "nobody@example.org"})
    assert response.status_code == 200 and b"Check your email" in response.content
    assert mail.outbox == []


def test_forged_and_expired_links_are_refused(client, world, settings):
    from omov.members.services import user_for_member
    from omov.web.signin import make_signin_token

    user = user_for_member(member=world.members[0])
    token = make_signin_token(user=user)
    assert client.post(f"/signin/{token[:-2]}xx/").status_code == 400
    settings.SIGNIN_LINK_MAX_AGE = -1
    assert client.post(f"/signin/{token}/").status_code == 400
    assert "_auth_user_id" not in client.session


def test_signin_post_without_csrf_token_is_refused_clearly(world):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/signin/", {"email": "m3@example.org"})
    assert response.status_code == 403
    assert b"did not carry its security token" in response.content and b"Nothing was" in response.content
    assert mail.outbox == []


def test_admin_action_post_without_csrf_is_refused_and_changes_nothing(world):
    from omov.ballots.models import Ballot

    ballot = world.ballot("irv")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.officer)
    response = strict.post("/admin/ballots/ballot/", {"action": "action_open", "_selected_action": [ballot.pk]})
    assert response.status_code == 403
    assert Ballot.objects.get(pk=ballot.pk).state == "ready"


# The JSON cast endpoint ------------------------------------------------------------------------------------


def _post(client: Client, ballot_id: int, body: object, content_type: str = "application/json"):
    data = json.dumps(body) if content_type == "application/json" else body
    return client.post(f"/api/ballots/{ballot_id}/cast", data=data, content_type=content_type)


@pytest.fixture
def open_irv(world):
    ballot = world.ballot("irv")
    return ballot, open_and_issue(ballot, world.officer)


def test_api_cast_returns_the_tracker(client, open_irv):
    ballot, tokens = open_irv
    response = _post(client, ballot.pk, {"credential": tokens[0], "paper": [2, 3]})
    assert response.status_code == 200
    assert response.json()["tracker"] == Paper.objects.get().tracker


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"credential": "AAAA-BBBB", "paper": [1]}, 403, "bad-credential"),
        ({"credential": None, "paper": [9]}, 403, "bad-credential"),
        ({"paper": [1]}, 400, "bad-request"),
        ([1, 2], 400, "bad-request"),
    ],
)
def test_api_cast_errors_are_clear_and_change_nothing(client, open_irv, body, status, error):
    ballot, _ = open_irv
    response = _post(client, ballot.pk, body)
    assert response.status_code == status and response.json()["error"] == error and response.json()["message"]
    assert not Paper.objects.exists()


def test_api_cast_refuses_invalid_and_oversized_papers_and_non_json(client, open_irv):
    ballot, tokens = open_irv
    bad = _post(client, ballot.pk, {"credential": tokens[0], "paper": [1, 1]})
    assert bad.status_code == 400 and "twice" in bad.json()["message"]
    huge = _post(client, ballot.pk, {"credential": tokens[0], "paper": list(range(20000))})
    assert huge.status_code == 413
    form = client.post(f"/api/ballots/{ballot.pk}/cast", {"credential": tokens[0], "paper": "1"})
    assert form.status_code == 415  # a plain (cross-site-postable) form is not accepted
    assert not Paper.objects.exists()
    assert _post(client, ballot.pk, {"credential": tokens[0], "paper": [1]}).status_code == 200


def test_api_cast_reused_credential_and_closed_ballot(client, open_irv, world):
    from omov.ballots import services as bs

    ballot, tokens = open_irv
    assert _post(client, ballot.pk, {"credential": tokens[0], "paper": [1]}).status_code == 200
    reused = _post(client, ballot.pk, {"credential": tokens[0], "paper": [2]})
    assert reused.status_code == 403 and "already been used" in reused.json()["message"]
    bs.close_ballot(ballot=ballot, actor=world.officer)
    late = _post(client, ballot.pk, {"credential": tokens[1], "paper": [2]})
    assert late.status_code == 409 and late.json()["error"] == "not-open"
    assert Paper.objects.count() == 1
