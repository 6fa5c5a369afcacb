"""The voter roll during a ballot: search, turnout by unit, reminders (once a day, non-voters only), reissues with
a reason, addressed letters; the pages for officers, read-only for scrutineers, closed to everyone else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from omov.audit.models import AuditEntry, Job
from omov.ballots import services as bs
from omov.ballots.errors import NotAllowed, NotOpen, TooSoon
from omov.ballots.models import Credential, Voter
from omov.ballots.selectors import last_reminder, search_roll, turnout_by_unit
from tests.conftest_django import FlakyBackend, tokens_in


def opened(world):
    """An IRV ballot opened through the job, every credential emailed; (ballot, {email: token})."""
    ballot = world.ballot("irv")
    mail.outbox.clear()
    bs.start_opening(ballot=ballot, actor=world.officer)
    tokens = {m.to[0]: tokens_in(m.body)[0] for m in mail.outbox}
    mail.outbox.clear()
    return ballot, tokens


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# Reminders ----------------------------------------------------------------------------------------------------


def test_a_reminder_goes_by_email_only_to_voters_who_have_not_voted_and_carries_no_credential(world):
    ballot, tokens = opened(world)
    bs.cast(credential=tokens["m0@example.org"], paper=[1])
    bs.cast(credential=tokens["m1@example.org"], paper=[2])
    job = bs.start_reminders(ballot=ballot, actor=world.officer)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.kind == "send-reminders", job.error
    assert (job.done, job.total, job.result) == (10, 10, {"sent": 10, "failed": {}})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"m{i}@example.org" for i in range(2, 12))
    assert all(not tokens_in(m.body) and "have not voted yet" in m.body for m in mail.outbox)
    entry = AuditEntry.objects.get(action="ballot.reminders.sent")
    assert entry.details == {"sent": 10, "failed": 0}  # counts only: who was reminded is stored nowhere


def test_a_second_reminder_within_a_day_is_refused_with_the_time_of_the_last(world):
    ballot, _ = opened(world)
    first = bs.start_reminders(ballot=ballot, actor=world.officer)
    sent_at = timezone.localtime(first.created_at).strftime("%H:%M")
    with pytest.raises(TooSoon, match=f"already sent at {sent_at}.*next can be sent from {sent_at}"):
        bs.start_reminders(ballot=ballot, actor=world.officer)
    assert Job.objects.filter(kind="send-reminders").count() == 1
    Job.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(hours=24, minutes=1))
    assert last_reminder(ballot=ballot) is None
    bs.start_reminders(ballot=ballot, actor=world.officer)  # a day later: allowed
    assert Job.objects.filter(kind="send-reminders").count() == 2


def test_reminder_failures_are_reported_on_the_job_and_a_round_that_sent_nothing_does_not_count(world, settings):
    ballot, _ = opened(world)
    settings.EMAIL_BACKEND = "tests.conftest_django.FlakyBackend"
    FlakyBackend.failures = {"m3@example.org": -1}
    job = bs.start_reminders(ballot=ballot, actor=world.officer)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.result["sent"] == 11
    assert job.result["failed"] == {"M003": "ConnectionError: mail server refused m3@example.org"}
    assert "M003" in job.error
    Job.objects.filter(pk=job.pk).update(result={"sent": 0, "failed": {"M003": "x"}})
    assert last_reminder(ballot=ballot) is None  # nobody was reached: the officer may try again


def test_reminders_need_an_officer_of_an_open_ballot(world):
    ballot, _ = opened(world)
    ballot.scrutineers.add(world.scrutineer)
    with pytest.raises(NotAllowed, match="scrutineers"):
        bs.start_reminders(ballot=ballot, actor=world.scrutineer)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    with pytest.raises(NotOpen):
        bs.start_reminders(ballot=ballot, actor=world.officer)


# Selectors ----------------------------------------------------------------------------------------------------


def test_the_roll_is_found_by_name_membership_number_or_email(world):
    ballot, _ = opened(world)
    names = lambda q: [v.member.name for v in search_roll(ballot=ballot, query=q)]  # noqa: E731
    assert names("member 1") == ["Member 1", "Member 10", "Member 11"]
    assert names("m007") == ["Member 7"]
    assert names("M00") == [f"Member {i}" for i in range(10)]
    assert names("m4@EXAMPLE") == ["Member 4"]
    assert len(names("")) == 12


def test_turnout_by_unit_counts_the_level_below_the_electorate(world):
    ballot, tokens = opened(world)  # everyone: the tree's top is one region, so its constituencies are shown
    for i in (0, 1, 8):
        bs.cast(credential=tokens[f"m{i}@example.org"], paper=[1])
    rows = [(t.name, t.roll, t.voted, t.percent) for t in turnout_by_unit(ballot=ballot)]
    assert rows == [("C one", 8, 2, 25.0), ("C two", 4, 1, 25.0)]


def test_letters_carry_the_members_postal_address(world):
    m = world.members[5]
    m.postal, m.address, m.postcode = True, "12 High Street\nLittle Town", "AB1 2CD"
    m.save()
    ballot = world.ballot("irv")
    bs.open_ballot(ballot=ballot, actor=world.officer)
    (letter,) = bs.print_letters(ballot=ballot, actor=world.officer)
    assert letter.address == ("12 High Street", "Little Town", "AB1 2CD")


# Pages --------------------------------------------------------------------------------------------------------


def test_the_roll_page_is_for_the_ballots_officers_and_scrutineers_only(world):
    ballot, _ = opened(world)
    ballot.scrutineers.add(world.scrutineer)
    url = f"/ballots/{ballot.pk}/roll/"
    officer = client_for(world.officer).get(url)
    assert officer.status_code == 200 and "Member 3" in officer.content.decode()
    assert 'id="send-reminders"' in officer.content.decode()
    scrutineer = client_for(world.scrutineer).get(url).content.decode()
    assert "Member 3" in scrutineer and "send-reminders" not in scrutineer and "print-letters" not in scrutineer
    assert client_for(world.other_officer).get(url).status_code == 403
    from omov.members.services import user_for_member

    assert client_for(user_for_member(member=world.members[0])).get(url).status_code == 403  # a voter on the roll
    assert Client().get(url).status_code == 302  # to sign in


def test_the_roll_page_finds_a_member_explains_pending_and_shows_turnout(world):
    world.members[6].postal = True
    world.members[6].save()
    ballot, tokens = opened(world)
    bs.cast(credential=tokens["m0@example.org"], paper=[1])
    page = client_for(world.officer).get(f"/ballots/{ballot.pk}/roll/", {"q": "Member 0"}).content.decode()
    assert "1 member match" in page
    row = re.search(r'<table class="roll-table" id="roll-table">.*?</table>', page, re.S).group(0)
    assert "Member 0" in row and "Voted" in row and "Member 1<" not in row
    assert "Pending 1" in page and "1 by post: their letter has not been printed yet" in page
    assert 'id="turnout-table"' in page and "C one" in page and "12.5%" in page
    ballot_page = client_for(world.officer).get(f"/ballots/{ballot.pk}/").content.decode()
    assert f'href="/ballots/{ballot.pk}/roll/"' in ballot_page
    assert "Pending: no credential has gone out yet" in ballot_page


def test_looking_at_the_roll_changes_nothing(world):
    ballot, _ = opened(world)
    before = (AuditEntry.objects.count(), list(Credential.objects.values_list("token_hash", "delivery")))
    c = client_for(world.officer)
    c.get(f"/ballots/{ballot.pk}/roll/")
    voter = Voter.objects.get(ballot=ballot, member=world.members[2])
    c.get(f"/ballots/{ballot.pk}/roll/{voter.pk}/")
    assert (AuditEntry.objects.count(), list(Credential.objects.values_list("token_hash", "delivery"))) == before


def test_reissuing_from_the_page_needs_a_reason_kills_the_old_credential_and_shows_the_new_once(world):
    ballot, tokens = opened(world)
    voter = Voter.objects.get(ballot=ballot, member=world.members[2])
    c = client_for(world.officer)
    url = f"/ballots/{ballot.pk}/roll/{voter.pk}/reissue/"
    refused = c.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    done = c.post(url, {"reason": "letter never arrived"})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    (new,) = set(tokens_in(done.content.decode()))
    with pytest.raises(Exception, match="not valid"):
        bs.cast(credential=tokens["m2@example.org"], paper=[1])
    bs.cast(credential=new, paper=[1])
    page = c.get(f"/ballots/{ballot.pk}/roll/{voter.pk}/").content.decode()
    assert "letter never arrived" in page and 'id="reissue"' not in page and "a used credential cannot" in page
    assert new not in page


def test_a_scrutineer_cannot_reissue_remind_or_print(world):
    ballot, tokens = opened(world)
    ballot.scrutineers.add(world.scrutineer)
    voter = Voter.objects.get(ballot=ballot, member=world.members[2])
    c = client_for(world.scrutineer)
    assert c.post(f"/ballots/{ballot.pk}/roll/{voter.pk}/reissue/", {"reason": "lost"}).status_code == 403
    assert c.post(f"/ballots/{ballot.pk}/roll/reminders/").status_code == 403
    assert c.post(f"/ballots/{ballot.pk}/roll/letters/").status_code == 403
    assert not Job.objects.filter(kind="send-reminders").exists()
    bs.cast(credential=tokens["m2@example.org"], paper=[1])  # the credential still works


def test_reminders_from_the_page_and_a_second_is_refused_with_the_time(world):
    ballot, _ = opened(world)
    c = client_for(world.officer)
    first = c.post(f"/ballots/{ballot.pk}/roll/reminders/", follow=True).content.decode()
    assert "Reminders are on their way" in first and len(mail.outbox) == 12
    second = c.post(f"/ballots/{ballot.pk}/roll/reminders/", follow=True).content.decode()
    assert "already sent at" in second and "next can be sent from" in second and 'id="last-reminder"' in second
    assert len(mail.outbox) == 12


def test_letters_from_the_page_are_addressed(world):
    m = world.members[5]
    m.postal, m.address, m.postcode = True, "12 High Street", "AB1 2CD"
    m.save()
    ballot, _ = opened(world)
    page = client_for(world.officer).post(f"/ballots/{ballot.pk}/roll/letters/")
    body = page.content.decode()
    assert "no-store" in page["Cache-Control"] and "12 High Street<br>AB1 2CD" in body
    assert len(set(tokens_in(body))) == 1
