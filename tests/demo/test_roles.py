"""The demo's roles: a sign-in link for each, and its returning officer sets ballots up without being a superuser;
its outgoing mail is on a page of its own (only in the demo)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from omov.ballots.models import Ballot
from omov.demo import seed
from omov.members.models import Appointment
from omov.web.cli import demo_links
from tests.demo.demo_support import demo_context


@pytest.fixture
def seeded(tmp_path, db):
    seed(data=tmp_path, members=300)
    return demo_context(tmp_path)


@pytest.mark.slow
def test_the_demo_links_every_role_and_its_returning_officer_sets_up_ballots_unprivileged(seeded):
    text = demo_links(site="http://127.0.0.1:8000")
    for role in ("administrator", "returning officer", "scrutineer", "nominations officer", "member-voice officer",
                 "trustee", "member "):  # fmt: skip
        assert f"  {role}" in text
    assert len(re.findall(r"^    http://127\.0\.0\.1:8000/signin/\S+/$", text, re.M)) == 8
    assert "/demo/mail/" in text
    # The returning officer is no superuser and sets up ballots for their region (one seeding for both checks).
    assert not seeded.officer.is_superuser
    assert Appointment.objects.get(user=seeded.officer, role="returning_officer").unit is None  # the whole party
    officer = Appointment.objects.get(unit=seeded.regions[0], role="returning_officer").user
    client = Client()
    client.force_login(officer)
    assert client.get("/ballots/setup/").status_code == 200
    response = client.post("/ballots/setup/", {"form": "new", "new-organisation": seeded.org.pk,
                                               "new-title": "Ward secretary", "new-method": "irv", "new-seats": 1})
    assert response.status_code == 302
    ballot = Ballot.objects.get(title="Ward secretary")
    assert list(ballot.electorate_units.all()) == [seeded.regions[0]]  # the North region's officer: theirs only


def test_the_mail_page_shows_the_demo_mail_and_is_absent_elsewhere(db, settings, tmp_path, client):
    assert client.get("/demo/mail/").status_code == 404
    settings.DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    mail.send_mail("Your sign-in link", "Sign in at http://127.0.0.1:8000/signin/abc/", None, ["ro@demo.omov.invalid"])
    page = client.get("/demo/mail/").content.decode()
    assert "Your sign-in link" in page and "ro@demo.omov.invalid" in page and "/signin/abc/" in page
