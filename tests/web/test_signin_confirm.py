"""The sign-in link's confirmation names the person, not the username ("Sign in as m-1-100001?")."""

from __future__ import annotations

import html

import pytest
from django.core import mail

from tests.web.test_signin import _link

pytestmark = pytest.mark.django_db


def test_the_confirmation_names_the_member_and_their_address(client, world):
    client.post("/signin/", {"email": "m3@example.org"})
    page = html.unescape(client.get(_link(mail.outbox[0].body)).content.decode())
    member = world.members[3]
    assert f"Sign in as {member.name} (m3@example.org)?" in page.replace("<strong>", "").replace("</strong>", "")
    assert "m-" + str(member.organisation_id) + "-" not in page
