"""The returning officer's irreversible steps keep the advertised timetable and are confirmed first: opening
before the opening time, closing before the closing time, publishing, cancelling (one test per guard), and the
times members are told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from omov.audit.models import AuditEntry, Job
from omov.ballots import services as bs
from omov.ballots.errors import BallotError, NotOpen, TooEarly
from omov.ballots.models import Ballot, Voter
from omov.ballots.when import when
from tests.conftest_django import World, open_and_issue, tokens_in

S = Ballot.State


def _officer(world: World) -> Client:
    client = Client()
    client.force_login(world.officer)
    return client


def _timed(world: World, *, opens_in: dt.timedelta, closes_in: dt.timedelta) -> Ballot:
    ballot = world.ballot("irv", ready=False)
    now = timezone.now()
    bs.update_ballot(ballot=ballot, actor=world.officer, opens_at=now + opens_in, closes_at=now + closes_in)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    return ballot


def _trail(ballot: Ballot, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(subject=f"ballot:{ballot.pk}", action=action).order_by("position"))


def test_opening_before_the_opening_time_is_refused_unless_opened_now_which_moves_the_opening_time(world):
    ballot = _timed(world, opens_in=dt.timedelta(days=3), closes_in=dt.timedelta(days=14))
    advertised = ballot.opens_at
    with pytest.raises(TooEarly, match=f"opens at {when(advertised)}"):
        bs.start_opening(ballot=ballot, actor=world.officer)
    with pytest.raises(TooEarly):
        bs.open_ballot(ballot=ballot, actor=world.officer)  # the job's own service keeps the time too
    ballot.refresh_from_db()
    assert (ballot.state, ballot.opens_at, len(mail.outbox)) == (S.READY, advertised, 0)
    assert not Job.objects.filter(kind="open-ballot").exists() and not Voter.objects.filter(ballot=ballot).exists()

    client = _officer(world)
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert f'href="/ballots/{ballot.pk}/officer/open/"' in page  # the button leads to a confirmation, not a change
    confirm = client.get(f"/ballots/{ballot.pk}/officer/open/").content.decode()
    assert "Open voting before its opening time?" in confirm and when(advertised) in confirm
    assert "moves its opening time to now" in confirm and 'name="open_now" value="yes"' in confirm
    assert "12 credential emails are sent" in confirm
    # a confirming post that did not ask to open now (a stale page) is refused, and the page says why
    refused = client.post(f"/ballots/{ballot.pk}/officer/open/", {"confirm": "yes"})
    assert refused.status_code == 409 and "Nothing was changed" in refused.content.decode()
    assert Ballot.objects.get(pk=ballot.pk).state == S.READY and len(mail.outbox) == 0

    before = timezone.now()
    client.post(f"/ballots/{ballot.pk}/officer/open/", {"confirm": "yes", "open_now": "yes"})
    ballot.refresh_from_db()
    assert ballot.state == S.OPEN and before <= ballot.opens_at <= timezone.now()
    [moved] = _trail(ballot, "ballot.opens_at.moved")
    assert moved.actor == "ro" and moved.details["from"] == advertised.isoformat()
    assert moved.details["to"] == ballot.opens_at.isoformat()
    # the credential emails give the new opening time and the closing time, and the credentials work at once
    assert len(mail.outbox) == 12
    body = mail.outbox[0].body
    assert f"Voting opened on {when(ballot.opens_at)} and is open until {when(ballot.closes_at)}." in body
    assert bs.cast(credential=tokens_in(body)[0], paper=[1]).tracker


def test_closing_before_the_closing_time_needs_confirming_and_says_how_many_have_not_voted(world):
    ballot = world.ballot("irv")  # closes in a day
    tokens = open_and_issue(ballot, world.officer)
    for token in tokens[:3]:
        bs.cast(credential=token, paper=[2, 1])
    with pytest.raises(TooEarly, match="9 of the 12 on the roll have not voted"):
        bs.close_ballot(ballot=ballot, actor=world.officer)
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN

    client = _officer(world)
    # one tap (a post without the confirmation) only leads to the confirmation page
    tap = client.post(f"/ballots/{ballot.pk}/officer/close/")
    assert tap.status_code == 302 and tap["Location"] == f"/ballots/{ballot.pk}/officer/close/"
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN
    confirm = client.get(tap["Location"]).content.decode()
    assert "Close voting early?" in confirm and when(ballot.closes_at) in confirm
    assert "9 of the 12 on the roll have not voted. If you close now, they lose their vote." in confirm
    assert 'name="early" value="yes"' in confirm and "Close voting now, 23\xa0hours" in confirm

    client.post(f"/ballots/{ballot.pk}/officer/close/", {"confirm": "yes", "early": "yes"})
    ballot.refresh_from_db()
    assert ballot.state == S.CLOSED and ballot.closes_at > timezone.now()  # the advertised time stays on record
    [closed] = _trail(ballot, "ballot.close")
    assert closed.details["early"] is True and closed.details["not_voted"] == 9 and closed.details["roll"] == 12
    assert closed.details["advertised_close"] == ballot.closes_at.isoformat()
    with pytest.raises(NotOpen):
        bs.cast(credential=tokens[5], paper=[1])


def test_closing_at_the_closing_time_needs_no_early_flag(world):
    ballot = world.ballot("irv")
    open_and_issue(ballot, world.officer)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now())
    bs.close_ballot(ballot=ballot, actor=world.officer)
    assert Ballot.objects.get(pk=ballot.pk).state == S.CLOSED
    assert "early" not in _trail(ballot, "ballot.close")[0].details


def test_publishing_is_confirmed_on_a_page_that_says_what_becomes_public(world):
    ballot = world.ballot("irv")
    for token in open_and_issue(ballot, world.officer)[:4]:
        bs.cast(credential=token, paper=[2])
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    client = _officer(world)
    tap = client.post(f"/ballots/{ballot.pk}/officer/publish/")
    assert tap.status_code == 302 and tap["Location"] == f"/ballots/{ballot.pk}/officer/publish/"
    assert Ballot.objects.get(pk=ballot.pk).state == S.COUNTED and not _trail(ballot, "ballot.publish")
    confirm = client.get(tap["Location"]).content.decode()
    assert "Publish the result?" in confirm and "Elected: Bob (4 papers of 12 on the roll)." in confirm
    assert "A published result cannot be withdrawn." in confirm and f'href="/ballots/{ballot.pk}/"' in confirm
    done = client.post(f"/ballots/{ballot.pk}/officer/publish/", {"confirm": "yes"}, follow=True)
    assert "The result is published" in done.content.decode()
    assert Ballot.objects.get(pk=ballot.pk).state == S.PUBLISHED and _trail(ballot, "ballot.publish")


def test_cancelling_needs_a_reason_and_emails_it_to_every_voter_on_the_roll(world):
    postal = world.members[11]
    postal.email = ""
    postal.save(update_fields=["email"])
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    bs.cast(credential=tokens[0], paper=[1])
    with pytest.raises(BallotError, match="say why"):
        bs.cancel_ballot(ballot=ballot, actor=world.officer, reason="   ")
    client = _officer(world)
    confirm = client.get(f"/ballots/{ballot.pk}/officer/cancel/").content.decode()
    assert "Cancel this ballot?" in confirm and '<textarea id="reason" name="reason"' in confirm
    assert "Each of the 11 voters on the roll with an email address is emailed" in confirm
    assert "1 on the roll have no email address: write to them." in confirm
    empty = client.post(f"/ballots/{ballot.pk}/officer/cancel/", {"confirm": "yes", "reason": ""})
    assert empty.status_code == 409 and "Say why the ballot is cancelled" in empty.content.decode()
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN and not mail.outbox

    reason = "The paper left out a candidate; a new ballot will be held."
    client.post(f"/ballots/{ballot.pk}/officer/cancel/", {"confirm": "yes", "reason": reason})
    ballot.refresh_from_db()
    assert ballot.state == S.CANCELLED and ballot.cancelled_reason == reason
    assert len(mail.outbox) == 11 and {m.to[0] for m in mail.outbox} == {f"m{i}@example.org" for i in range(11)}
    assert mail.outbox[0].subject == "Cancelled: irv ballot" and reason in mail.outbox[0].body
    assert "no longer works" in mail.outbox[0].body
    job = Job.objects.get(kind="cancel-notices", subject=f"ballot:{ballot.pk}")
    assert job.state == Job.State.SUCCEEDED and job.result["sent"] == 11
    [cancel] = _trail(ballot, "ballot.cancel")
    assert cancel.actor == "ro" and cancel.details["reason"] == reason and cancel.details["to_notify"] == 11
    [sent] = _trail(ballot, "ballot.cancel.notices.sent")
    assert sent.details == {"sent": 11, "failed": 0, "without_email": 1}
    with pytest.raises(NotOpen):
        bs.cast(credential=tokens[1], paper=[1])
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert f"Cancelled: {reason}" in page and 'id="officer-cancel"' not in page


def test_the_confirmation_pages_are_only_for_the_ballots_returning_officers(world):
    ballot = world.ballot("irv")
    bs.open_ballot(ballot=ballot, actor=world.officer)
    bs.appoint_scrutineer(ballot=ballot, user=world.scrutineer, actor=world.officer)
    for user in (world.scrutineer, world.other_officer):
        client = Client()
        client.force_login(user)
        for step in ("close", "cancel"):
            assert client.get(f"/ballots/{ballot.pk}/officer/{step}/").status_code == 403
            assert (
                client.post(
                    f"/ballots/{ballot.pk}/officer/{step}/", {"confirm": "yes", "early": "yes", "reason": "no"}
                ).status_code
                == 403
            )
    assert Client().get(f"/ballots/{ballot.pk}/officer/close/").status_code == 302  # sign in first
    assert _officer(world).get(f"/ballots/{ballot.pk}/officer/count/").status_code == 405  # counting is a POST
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN


def test_members_and_emails_are_told_the_times_in_the_organisations_time_zone(world, settings, client):
    settings.TIME_ZONE = "Europe/London"
    ballot = world.ballot("irv", ready=False)
    summer = dt.datetime(2099, 7, 1, 17, 0, tzinfo=dt.UTC)  # 18:00 in London (BST)
    bs.update_ballot(ballot=ballot, actor=world.officer, closes_at=summer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()  # anyone, before it opens
    assert "Voting\nopens on" in page and "1 July 2099, 18:00 BST" in page
    bs.start_opening(ballot=ballot, actor=world.officer)
    assert "is open until 1 July 2099, 18:00 BST." in mail.outbox[0].body
    vote = client.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    assert 'id="vote-timetable"' in vote and "opened on" in vote and "closes on" in vote and "18:00 BST" in vote


def test_the_vote_page_of_a_ballot_not_yet_open_says_when_it_opens(world, client):
    ballot = _timed(world, opens_in=dt.timedelta(days=2), closes_in=dt.timedelta(days=9))
    page = client.get(f"/ballots/{ballot.pk}/vote/").content.decode()
    assert "Voting is not open" in page and "Voting opens on\n  <time" in page and when(ballot.opens_at) in page
