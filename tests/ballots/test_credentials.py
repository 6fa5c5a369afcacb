"""Delivering credentials: email through Django's mail framework, failures retried and reported, reissues."""

from __future__ import annotations

import pytest
from django.core import mail

from omov.audit.models import Job
from omov.ballots import services as bs
from omov.ballots.errors import CredentialError, NotOpen
from omov.ballots.models import Credential, Voter
from omov.ballots.selectors import failed_deliveries, roll_stats
from tests.conftest_django import FlakyBackend, tokens_in


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.conftest_django.FlakyBackend"
    FlakyBackend.failures = {}
    return FlakyBackend.failures


def test_a_failed_email_is_retried_then_sent_and_the_old_token_never_works(world, flaky):
    flaky["m1@example.org"] = 2  # fails twice, then goes through
    ballot = world.ballot("irv")
    bs.start_opening(ballot=ballot, actor=world.officer)
    job = Job.objects.get(kind="send-credentials")
    assert job.state == Job.State.SUCCEEDED and job.attempts == 3, job.error
    assert len(mail.outbox) == 12
    cred = Credential.objects.get(voter__member=world.members[1])
    assert cred.delivery == "sent" and cred.attempts == 3
    token = next(tokens_in(m.body)[0] for m in mail.outbox if m.to == ["m1@example.org"])
    bs.cast(credential=token, paper=[1])


def test_a_permanently_failing_email_is_reported_never_silently_lost(world, flaky):
    flaky["m4@example.org"] = -1
    ballot = world.ballot("irv")
    bs.start_opening(ballot=ballot, actor=world.officer)
    job = Job.objects.get(kind="send-credentials")
    assert job.state == Job.State.FAILED
    assert "1 credential emails failed" in job.error and "M004" in job.error and "mail server refused" in job.error
    assert job.result["failed"] == {"M004": "ConnectionError: mail server refused m4@example.org"}
    assert failed_deliveries(ballot=ballot) == [
        ("M004", "Member 4", "ConnectionError: mail server refused m4@example.org", 4)
    ]
    stats = roll_stats(ballot=ballot)
    assert (stats.sent, stats.failed) == (11, 1)
    # the officer falls back to a letter: the voter can still vote
    letters = bs.print_letters(ballot=ballot, actor=world.officer, reprint_failed_email=True)
    assert [x.membership_number for x in letters] == ["M004"]
    bs.cast(credential=tokens_in(letters[0].text)[0], paper=[2])


def test_reissuing_a_credential_replaces_the_old_one(world):
    ballot = world.ballot("irv")
    bs.start_opening(ballot=ballot, actor=world.officer)
    old = tokens_in(next(m.body for m in mail.outbox if m.to == ["m0@example.org"]))[0]
    voter = Voter.objects.get(ballot=ballot, member=world.members[0])
    new = bs.reissue_credential(voter=voter, actor=world.officer, reason="lost")
    with pytest.raises(CredentialError, match="not valid"):
        bs.cast(credential=old, paper=[1])
    bs.cast(credential=new, paper=[1])
    with pytest.raises(CredentialError, match="already voted"):
        bs.reissue_credential(voter=voter, actor=world.officer)


def test_credentials_are_not_sent_for_a_ballot_that_is_not_open(world):
    ballot = world.ballot("irv")
    with pytest.raises(NotOpen):
        bs.send_credentials(ballot=ballot, actor=world.officer)
    with pytest.raises(NotOpen):
        bs.print_letters(ballot=ballot, actor=world.officer)


def test_postal_members_get_letters_not_emails(world):
    world.members[5].postal = True
    world.members[5].save()
    world.members[6].email = ""
    world.members[6].save()
    ballot = world.ballot("irv")
    bs.start_opening(ballot=ballot, actor=world.officer)
    assert len(mail.outbox) == 10
    letters = bs.print_letters(ballot=ballot, actor=world.officer)
    assert sorted(x.membership_number for x in letters) == ["M005", "M006"]
    assert bs.print_letters(ballot=ballot, actor=world.officer) == []  # shown once
