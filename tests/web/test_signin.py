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
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    late = _post(client, ballot.pk, {"credential": tokens[1], "paper": [2]})
    assert late.status_code == 409 and late.json()["error"] == "not-open"
    assert Paper.objects.count() == 1



# Addresses: matched by one documented rule (omov/members/emails.py), the link mailed to the address on record --


@pytest.mark.parametrize(
    "typed",
    [
        "adm\u0131n@example.org",  # dotless i: PostgreSQL's UPPER() makes it I, so __iexact found the superuser
        "\u017fcr@example.org",  # long s: UPPER() makes it S (the scrutineer, staff)
        "m3@example.org".replace("m", "\uff4d"),  # full-width m
        "m3@\u0435xample.org",  # Cyrillic e
        "ro@examp\u0406e.org",  # Ukrainian capital I, looks like l
    ],
)
def test_a_unicode_look_alike_of_an_address_finds_nobody_and_gets_no_mail(client, world, typed):
    response = client.post("/signin/", {"email": typed})
    assert response.status_code == 200 and b"Check your email" in response.content
    assert mail.outbox == []


def test_the_link_goes_to_the_address_on_record_not_the_address_typed(client, world):
    client.post("/signin/", {"email": "  ADMIN@Example.ORG "})
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    mail.outbox.clear()
    client.post("/signin/", {"email": "M3@EXAMPLE.org"})
    assert [m.to for m in mail.outbox] == [["m3@example.org"]]


def test_a_member_imported_with_capitals_signs_in_with_any_ascii_case(client, world, tmp_path):
    from omov.members.models import Member
    from omov.members.services import import_members

    csv = tmp_path / "members.csv"
    csv.write_text("membership_number,name,unit,joined_on,email\nA1,Ann,B1,2020-01-01, Ann@Example.ORG \n")
    import_members(organisation=world.org, path=csv)
    ann = Member.objects.get(membership_number="A1")
    assert ann.email == "Ann@example.org"  # stripped, the domain lower-cased, the local part as given
    for typed in ("ann@example.org", "Ann@Example.org", "ANN@EXAMPLE.ORG"):
        mail.outbox.clear()
        client.post("/signin/", {"email": typed})
        assert [m.to for m in mail.outbox] == [["Ann@example.org"]], typed
    response = client.post(_link(mail.outbox[0].body))
    assert response.status_code == 302
    ann.refresh_from_db()
    assert client.session["_auth_user_id"] == str(ann.user_id)


def test_a_member_stored_before_the_rule_with_capitals_still_signs_in(client, world):
    from omov.members.models import Member

    Member.objects.filter(pk=world.members[4].pk).update(email="M4@EXAMPLE.ORG")  # as an older import left it
    client.post("/signin/", {"email": "m4@example.org"})
    assert [m.to for m in mail.outbox] == [["M4@EXAMPLE.ORG"]]


def test_the_address_rule_folds_ascii_case_only_and_composes_accents():
    from omov.members.emails import email_key, normalise_email

    assert normalise_email("  Ann.Lee@Example.ORG\n") == "Ann.Lee@example.org"
    assert email_key("Ann.Lee@Example.ORG") == "ann.lee@example.org"
    assert email_key("jos\u0065\u0301@example.org") == email_key("jos\u00e9@example.org")  # NFD == NFC
    assert email_key("JOS\u00c9@example.org") != email_key("jos\u00e9@example.org")  # non-ASCII case kept
    for look_alike, plain in [("\u0131", "i"), ("\u017f", "s"), ("\uff4b", "k"), ("\u0130", "i")]:
        assert email_key(f"a{look_alike}@example.org") != email_key(f"a{plain}@example.org")
    # The Kelvin sign is the letter K by Unicode's canonical equivalence (NFC makes it K): the same address.
    assert email_key("a\u212a@example.org") == email_key("ak@example.org")


def test_an_appointed_officer_is_sent_to_omovs_own_pages(client, world):
    from omov.members.services import appoint

    appoint(organisation=world.org, user=world.officer, role="returning_officer", unit=world.c1, actor=world.admin)
    client.post("/signin/", {"email": "ro@example.org"})
    response = client.post(_link(mail.outbox[0].body))
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_officer_who_is_neither_staff_nor_a_member_can_ask_for_a_link(client, world):
    """Officers appointed through the roles (as the demo's voice officer is) and trustees sign in by email too;
    a user who holds no office and is no member still gets nothing (the same page either way)."""
    from django.contrib.auth import get_user_model

    from omov.members.services import appoint

    User = get_user_model()
    voice = User.objects.create_user("voice.only", "voice.only@example.org")
    appoint(organisation=world.org, user=voice, role="voice_officer", actor=world.admin)
    User.objects.create_user("nobody.at.all", "nobody@example.org")
    client.post("/signin/", {"email": "nobody@example.org"})
    assert mail.outbox == []
    client.post("/signin/", {"email": "Voice.Only@example.org"})
    assert [m.to for m in mail.outbox] == [["voice.only@example.org"]]
    response = client.post(_link(mail.outbox[0].body))
    assert response.status_code == 302
    voice.is_active = False
    voice.save()
    mail.outbox.clear()
    client.post("/signin/", {"email": "voice.only@example.org"})
    assert mail.outbox == []
