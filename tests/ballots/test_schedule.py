"""Ballots open and close themselves at their set times: omov.ballots.scheduling, its Celery beat entry, the
`omov schedule` command and the officer's page. Real database, real services and jobs (eager, as in the demo;
one test queues for a worker and then runs the job as a worker would)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from omov.audit.models import AuditEntry, Job
from omov.audit.selectors import verify_audit_chain
from omov.ballots import services as bs
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot, Voter
from omov.ballots.scheduling import run_schedule, run_schedule_task
from omov.core.actors import SCHEDULER as SCHEDULER_ACTOR
from omov.core.celery import app
from tests.conftest_django import World, open_and_issue

S = Ballot.State

SCHEDULER = SCHEDULER_ACTOR.name  # as the audit log writes it


def _trail(ballot: Ballot, action: str | None = None) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(subject=f"ballot:{ballot.pk}").order_by("position")
    return list(entries.filter(action=action) if action else entries)


def _timed(world: World, *, opens_in: dt.timedelta, closes_in: dt.timedelta, ready: bool = True) -> Ballot:
    """A ballot with this timetable (relative to now), marked ready unless told not to."""
    ballot = world.ballot("irv", ready=False)
    now = timezone.now()
    bs.update_ballot(ballot=ballot, actor=world.officer, opens_at=now + opens_in, closes_at=now + closes_in)
    if ready:
        bs.mark_ready(ballot=ballot, actor=world.officer)
    return ballot


def test_a_due_ready_ballot_opens_and_a_due_open_ballot_closes_as_the_scheduler(world):
    ballot = world.ballot("irv")  # ready; opened five minutes ago, closes in a day
    done = run_schedule()
    assert [(d.ballot_id, d.outcome) for d in done] == [(ballot.pk, "opened")]
    assert "12 voters on the roll" in done[0].detail and done[0].job_id
    ballot.refresh_from_db()
    assert ballot.state == S.OPEN
    assert Voter.objects.filter(ballot=ballot).count() == 12
    assert len(mail.outbox) == 12  # the same opening job as the officer's button: roll, then credentials
    queued = _trail(ballot, "ballot.open.queued")
    assert [e.actor for e in queued] == [SCHEDULER] and queued[0].details["job"] == done[0].job_id
    assert [e.actor for e in _trail(ballot, "ballot.open")] == [f"{SCHEDULER} (job)"]
    assert Job.objects.get(pk=done[0].job_id).state == Job.State.SUCCEEDED

    assert run_schedule() == []  # open, and not yet due to close
    later = ballot.closes_at + dt.timedelta(seconds=1)
    done = run_schedule(now=later)
    assert [(d.ballot_id, d.outcome) for d in done] == [(ballot.pk, "closed")]
    ballot.refresh_from_db()
    assert ballot.state == S.CLOSED
    assert [e.actor for e in _trail(ballot, "ballot.close")] == [SCHEDULER]
    assert verify_audit_chain().ok


def test_a_ballot_closes_exactly_at_its_closing_time_and_not_a_moment_before(world):
    ballot = world.ballot("irv")
    bs.open_ballot(ballot=ballot, actor=world.officer)
    assert run_schedule(now=ballot.closes_at - dt.timedelta(microseconds=1)) == []
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN
    assert [d.outcome for d in run_schedule(now=ballot.closes_at)] == ["closed"]


def test_ballots_not_yet_due_and_drafts_are_left_alone(world):
    waiting = _timed(world, opens_in=dt.timedelta(hours=1), closes_in=dt.timedelta(days=1))
    draft = _timed(world, opens_in=-dt.timedelta(hours=1), closes_in=dt.timedelta(days=1), ready=False)
    running = _timed(world, opens_in=-dt.timedelta(hours=1), closes_in=dt.timedelta(days=1))
    bs.open_ballot(ballot=running, actor=world.officer)
    before = AuditEntry.objects.count()
    assert run_schedule() == []
    states = dict(Ballot.objects.filter(pk__in=[waiting.pk, draft.pk, running.pk]).values_list("pk", "state"))
    assert states == {waiting.pk: S.READY, draft.pk: S.DRAFT, running.pk: S.OPEN}
    assert AuditEntry.objects.count() == before
    assert not Job.objects.filter(kind="open-ballot").exists()
    # ... until its time comes
    done = run_schedule(now=waiting.opens_at)
    assert [(d.ballot_id, d.outcome) for d in done] == [(waiting.pk, "opened")]


def test_a_second_pass_does_nothing(world):
    first, second = world.ballot("irv"), world.ballot("fptp", candidates=("Yes", "No"))
    done = run_schedule()
    assert sorted((d.ballot_id, d.outcome) for d in done) == [(first.pk, "opened"), (second.pk, "opened")]
    entries, jobs, voters = AuditEntry.objects.count(), Job.objects.count(), Voter.objects.count()
    assert run_schedule() == []
    assert (AuditEntry.objects.count(), Job.objects.count(), Voter.objects.count()) == (entries, jobs, voters)
    assert voters == 24


def test_a_refused_opening_is_reported_and_audited_once_then_left_for_the_officer(world):
    ballot = world.ballot("irv", ready=False)
    bs.set_electorate(ballot=ballot, actor=world.officer, statuses=["lapsed"])  # nobody is lapsed
    bs.mark_ready(ballot=ballot, actor=world.officer)
    done = run_schedule()
    assert [(d.ballot_id, d.outcome) for d in done] == [(ballot.pk, "refused")]
    assert "nobody is eligible to vote" in done[0].detail
    assert "refused: ballot" in str(done[0]) and "nobody is eligible" in str(done[0])
    assert Ballot.objects.get(pk=ballot.pk).state == S.READY
    refused = _trail(ballot, "ballot.schedule.refused")
    assert len(refused) == 1 and refused[0].actor == SCHEDULER
    assert refused[0].details["job"] == done[0].job_id and "nobody is eligible" in refused[0].details["error"]
    assert Job.objects.get(pk=done[0].job_id).state == Job.State.FAILED  # shown on the officer's page

    for _ in range(3):  # not retried every minute
        assert run_schedule() == []
    assert Job.objects.filter(kind="open-ballot").count() == 1
    assert len(_trail(ballot, "ballot.schedule.refused")) == 1

    # The officer fixes it and marks it ready again: that arms the scheduler again.
    bs.return_to_draft(ballot=ballot, actor=world.officer)
    bs.set_electorate(ballot=ballot, actor=world.officer, statuses=["active"])
    bs.mark_ready(ballot=ballot, actor=world.officer)
    assert [d.outcome for d in run_schedule()] == ["opened"]
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN


def test_an_opening_queued_for_a_worker_is_not_queued_again_and_its_failure_is_reported_once(world):
    from omov.ballots.tasks import open_ballot_task

    ballot = world.ballot("irv", ready=False)
    bs.set_electorate(ballot=ballot, actor=world.officer, statuses=["lapsed"])
    bs.mark_ready(ballot=ballot, actor=world.officer)
    app.conf.task_always_eager = False  # as in production: the job goes to a worker after the commit
    try:
        done = run_schedule()
        assert [(d.ballot_id, d.outcome) for d in done] == [(ballot.pk, "opening")]
        job = Job.objects.get(pk=done[0].job_id)
        assert job.state == Job.State.QUEUED
        assert run_schedule() == []  # still queued: not queued a second time
        assert Job.objects.filter(kind="open-ballot").count() == 1
    finally:
        app.conf.task_always_eager = True
    # The worker runs the job; it fails (nobody eligible).
    open_ballot_task.apply(args=(str(job.pk), ballot.pk, SCHEDULER))
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    done = run_schedule()
    assert [(d.ballot_id, d.outcome, d.job_id) for d in done] == [(ballot.pk, "refused", str(job.pk))]
    assert "nobody is eligible" in done[0].detail
    assert run_schedule() == []
    assert len(_trail(ballot, "ballot.schedule.refused")) == 1


def test_an_opening_the_officer_queued_is_not_queued_again_by_the_scheduler(world):
    ballot = world.ballot("irv")
    app.conf.task_always_eager = False  # the officer pressed "Open voting"; the job waits for a worker
    try:
        job = bs.start_opening(ballot=ballot, actor=world.officer)
        assert run_schedule() == []
    finally:
        app.conf.task_always_eager = True
    assert list(Job.objects.filter(kind="open-ballot").values_list("pk", flat=True)) == [job.pk]
    assert not AuditEntry.objects.filter(actor=SCHEDULER).exists()


def test_a_ready_ballot_found_after_its_closing_time_is_not_opened(world):
    ballot = _timed(world, opens_in=-dt.timedelta(days=2), closes_in=-dt.timedelta(days=1))
    done = run_schedule()
    assert [(d.ballot_id, d.outcome) for d in done] == [(ballot.pk, "missed")]
    assert "had passed" in done[0].detail
    assert Ballot.objects.get(pk=ballot.pk).state == S.READY
    assert [e.actor for e in _trail(ballot, "ballot.schedule.missed")] == [SCHEDULER]
    assert run_schedule() == []
    assert len(_trail(ballot, "ballot.schedule.missed")) == 1
    assert not Job.objects.filter(kind="open-ballot").exists()


def test_a_timetable_that_closes_at_or_before_it_opens_is_refused(world):
    now = timezone.now()
    with pytest.raises(BallotError, match="must close after it opens"):
        bs.create_ballot(
            organisation=world.org, title="Backwards", method="irv", actor=world.admin, opens_at=now, closes_at=now
        )
    assert not Ballot.objects.filter(title="Backwards").exists()
    ballot = world.ballot("irv", ready=False)
    opens, closes = ballot.opens_at, ballot.closes_at
    with pytest.raises(BallotError, match="must close after it opens"):
        bs.update_ballot(ballot=ballot, actor=world.officer, closes_at=opens - dt.timedelta(minutes=1))
    with pytest.raises(BallotError, match="must close after it opens"):
        bs.update_ballot(ballot=ballot, actor=world.officer, opens_at=closes)
    with pytest.raises(BallotError, match="must close after it opens"):
        bs.update_ballot(ballot=ballot, actor=world.officer, opens_at=now, closes_at=now - dt.timedelta(hours=1))
    ballot.refresh_from_db()
    assert (ballot.opens_at, ballot.closes_at) == (opens, closes)
    bs.update_ballot(ballot=ballot, actor=world.officer, opens_at=now, closes_at=now + dt.timedelta(seconds=1))


def test_the_admin_refuses_a_timetable_that_closes_before_it_opens(world):
    ballot = world.ballot("irv", ready=False)
    opens, closes = ballot.opens_at, ballot.closes_at
    client = Client()
    client.force_login(world.officer)
    url = f"/admin/ballots/ballot/{ballot.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update({"organisation": world.org.pk, "method": "irv", "seats": 1, "options": "{}",
                 "electorate_statuses": '["active"]'})  # fmt: skip
    for prefix in ("candidates", "balance_rules"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data["opens_at_0"], data["opens_at_1"] = "2030-01-02", "10:00:00"
    data["closes_at_0"], data["closes_at_1"] = "2030-01-01", "10:00:00"
    page = client.post(url, data, follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and "was changed successfully" not in html
    assert "a ballot must close after it opens: it opens at 2030-01-02 10:00" in html
    assert page.context["adminform"].form.errors["closes_at"]
    ballot.refresh_from_db()
    assert (ballot.opens_at, ballot.closes_at) == (opens, closes)


def test_omov_schedule_runs_one_pass_and_prints_what_it_did(world, capsys):
    from omov.cli import main

    opening = world.ballot("irv")
    closing = world.ballot("fptp", candidates=("Yes", "No"))
    bs.open_ballot(ballot=closing, actor=world.officer)
    Ballot.objects.filter(pk=closing.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert main(["schedule"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert f"closed: ballot {closing.pk} (fptp ballot): closing time" in lines[0]
    assert f"opened: ballot {opening.pk} (irv ballot): open: 12 voters on the roll" in lines[1]
    assert Ballot.objects.get(pk=opening.pk).state == S.OPEN
    assert Ballot.objects.get(pk=closing.pk).state == S.CLOSED
    assert main(["schedule"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("nothing due") and len(out.splitlines()) == 1


def test_omov_schedule_refuses_a_period_that_is_not_positive(capsys):
    from omov.web.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["schedule", "--every", "0"])
    assert exit_.value.code == 2
    assert "--every needs a positive number of seconds" in capsys.readouterr().err


def test_celery_beat_runs_the_schedule_task_every_minute(world):
    entry = app.conf.beat_schedule["ballot-schedule"]
    assert entry["task"] == "omov.ballots.run_schedule" and entry["schedule"] == 60.0
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert app.tasks[entry["task"]].run is run_schedule_task.run
    ballot = world.ballot("irv")
    outcome = app.tasks[entry["task"]].apply().get()
    assert outcome == [f"opened: ballot {ballot.pk} (irv ballot): open: 12 voters on the roll"]
    assert Ballot.objects.get(pk=ballot.pk).state == S.OPEN


def test_the_officer_sees_when_the_ballot_opens_and_closes_by_itself(world):
    ballot = _timed(world, opens_in=dt.timedelta(hours=2), closes_in=dt.timedelta(days=3))
    client = Client()
    client.force_login(world.officer)
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    opens = timezone.localtime(ballot.opens_at).strftime("%-d %B %Y, %H:%M")
    closes = timezone.localtime(ballot.closes_at).strftime("%-d %B %Y, %H:%M")
    assert f'Opens automatically at\n      <time datetime="{ballot.opens_at.isoformat()}">{opens} UTC</time>' in page
    assert f'Closes automatically at\n      <time datetime="{ballot.closes_at.isoformat()}">{closes} UTC</time>' in page
    assert "If the automatic opening\n    fails, it is not retried" in page
    run_schedule(now=ballot.opens_at)
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert "Opens automatically" not in page and "Closes automatically at" in page
    run_schedule(now=ballot.closes_at)
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert "automatically" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_open_and_close_each_ballot_once():
    world = World()
    ballots = [world.ballot("irv"), world.ballot("fptp", candidates=("Yes", "No"))]
    barrier = threading.Barrier(2)

    def one_pass(now: dt.datetime | None) -> list[tuple[int, str]]:
        try:
            barrier.wait()
            return [(d.ballot_id, d.outcome) for d in run_schedule(now=now)]
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = [x for done in pool.map(one_pass, [None, None]) for x in done]
    assert sorted(outcomes) == sorted((b.pk, "opened") for b in ballots)
    assert Voter.objects.count() == 24
    assert AuditEntry.objects.filter(action="ballot.open").count() == 2
    assert Job.objects.filter(kind="open-ballot").count() == 2

    later = max(b.closes_at for b in ballots) + dt.timedelta(seconds=1)
    with ThreadPoolExecutor(2) as pool:
        outcomes = [x for done in pool.map(one_pass, [later, later]) for x in done]
    assert sorted(outcomes) == sorted((b.pk, "closed") for b in ballots)
    assert AuditEntry.objects.filter(action="ballot.close", actor=SCHEDULER).count() == 2
    assert set(Ballot.objects.values_list("state", flat=True)) == {S.CLOSED}
    assert verify_audit_chain().ok


def _counting_when_closed(world: World) -> Ballot:
    ballot = world.ballot("irv", ready=False)
    bs.update_ballot(ballot=ballot, actor=world.officer, count_when_closed=True)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    return ballot


def test_a_ballot_set_to_count_when_closed_is_counted_by_the_scheduler_and_left_for_the_officer_to_publish(world):
    ballot = _counting_when_closed(world)
    for i, token in enumerate(open_and_issue(ballot, world.officer)):
        bs.cast(credential=token, paper=[1, 2] if i % 3 else [2])  # Ann 8, Bob 4
    done = run_schedule(now=ballot.closes_at)
    assert [(d.outcome, d.detail.endswith("; count queued")) for d in done] == [("closed", True)]
    ballot.refresh_from_db()
    assert ballot.state == S.COUNTED and ballot.result.elected == ["Ann"] and ballot.result.papers == 12
    assert [e.actor for e in _trail(ballot, "ballot.count.queued")] == [SCHEDULER]
    assert [e.actor for e in _trail(ballot, "ballot.count")] == [f"{SCHEDULER} (job)"]
    job = Job.objects.get(kind="count", subject=f"ballot:{ballot.pk}")
    assert job.state == Job.State.SUCCEEDED and job.result == {"elected": ["Ann"]}
    assert not _trail(ballot, "ballot.publish")  # publishing stays the officer's decision
    assert verify_audit_chain().ok


def test_closing_by_hand_counts_too_and_a_ballot_not_so_set_waits_for_the_count_button(world):
    counted = _counting_when_closed(world)
    plain = world.ballot("irv", candidates=("Dee", "Eve"))
    client = Client()
    client.force_login(world.officer)
    for ballot in (counted, plain):
        bs.open_ballot(ballot=ballot, actor=world.officer)
        client.post(f"/ballots/{ballot.pk}/officer/close/", {"confirm": "yes", "early": "yes"})
        ballot.refresh_from_db()
    assert (counted.state, plain.state) == (S.COUNTED, S.CLOSED)
    assert 'id="officer-publish"' in client.get(f"/ballots/{counted.pk}/").content.decode()
    assert 'id="officer-count"' in client.get(f"/ballots/{plain.pk}/").content.decode()


def test_no_second_count_button_while_a_count_job_is_under_way(world):
    from omov.audit.services import create_job

    ballot = world.ballot("irv")
    bs.open_ballot(ballot=ballot, actor=world.officer)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    job = create_job(kind="count", subject=f"ballot:{ballot.pk}", created_by=world.officer)  # queued for a worker
    client = Client()
    client.force_login(world.officer)
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert 'id="officer-count"' not in page and 'id="officer-waiting"' in page and "Counting:" in page
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, error="the worker died")
    page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert 'id="officer-count"' in page and 'id="officer-waiting"' not in page  # a failed count can be re-run
