"""Ballots open and close themselves at their set times.

`run_schedule` is one pass: every `ready` ballot whose `opens_at` has come is opened and every `open` ballot
whose `closes_at` has come is closed, through the services the officer's buttons call (`start_opening`, which
queues the opening job, and `close_ballot`), acting as the system actor "scheduler" in the audit log. Celery
beat runs it every minute (`omov.core.celery`); `omov schedule [--every SECONDS]` runs it without beat.

Safe to run twice at once: each ballot is handled in its own transaction under its row lock (SELECT ... FOR
UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions queue the writers), and its state and the audit log are
re-read under the lock, so a ballot opened or closed by one scheduler is skipped by the other.

Tried once, reported once: the scheduler queues at most one opening of a ballot each time it is marked ready
(its own `ballot.open.queued` entry after the latest `ballot.ready` entry is the mark of that attempt). If the
opening fails (nobody eligible, a guard refusing), the failure is reported and audited once as
`ballot.schedule.refused`, and the ballot waits, ready, for its officer: the failed job is on the ballot's page,
and the officer opens it by hand, or returns it to draft, fixes it and marks it ready again (which arms the
scheduler again). A ready ballot found only after its closing time has passed is not opened at all (voters
would have no time to vote): that is reported and audited once as `ballot.schedule.missed`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from omov.audit.models import AuditEntry, Job
from omov.audit.services import record
from omov.ballots import services
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot
from omov.core.actors import SCHEDULER

S = Ballot.State
log = logging.getLogger(__name__)

# The scheduler's own marks in a ballot's audit trail: any of these after the latest `ballot.ready` entry
# means the scheduler has already had its one attempt at opening the ballot.
_ATTEMPTS = ("ballot.open.queued", "ballot.schedule.refused", "ballot.schedule.missed")


@dataclass(frozen=True)
class Done:
    """One thing a pass of the scheduler did to one ballot.

    outcome: "opened" (the opening job ran to the end, as it does when jobs run eagerly), "opening" (the job
    is queued for a worker), "closed", "refused" (the opening failed; `detail` says why), "missed" (ready,
    but its closing time had passed before it could be opened) or "error" (an unexpected failure, logged; the
    next pass tries again).
    """

    ballot_id: int
    title: str
    outcome: str
    detail: str = ""
    job_id: str = ""

    def __str__(self) -> str:
        text = f"{self.outcome}: ballot {self.ballot_id} ({self.title})"
        return f"{text}: {self.detail}" if self.detail else text


def run_schedule(*, now: dt.datetime | None = None) -> list[Done]:
    """One pass: close the open ballots whose closing time has come, then open the ready ballots whose opening
    time has come. Returns what it did; an empty list when nothing was due (or all was done already)."""
    now = now or timezone.now()
    done: list[Done] = []
    due_to_close = Ballot.objects.filter(state=S.OPEN, closes_at__lte=now).order_by("closes_at", "pk")
    due_to_open = Ballot.objects.filter(state=S.READY, opens_at__lte=now).order_by("opens_at", "pk")
    for step, due in ((_close_if_due, due_to_close), (_open_if_due, due_to_open)):
        for ballot_id in list(due.values_list("pk", flat=True)):
            try:
                outcome = step(ballot_id, now)
            except Exception as exc:  # not a refusal (those are BallotErrors, handled): a bug or the database
                log.exception("the schedule could not handle ballot %s", ballot_id)
                title = Ballot.objects.filter(pk=ballot_id).values_list("title", flat=True).first() or "?"
                outcome = Done(ballot_id, title, "error", f"{type(exc).__name__}: {exc}")
            if outcome is not None:
                done.append(outcome)
    return done


def _locked(ballot_id: int) -> Ballot | None:
    """The ballot under its row lock for the rest of the transaction (None if it has gone)."""
    return Ballot.objects.select_for_update().filter(pk=ballot_id).first()


def _close_if_due(ballot_id: int, now: dt.datetime) -> Done | None:
    with transaction.atomic():
        ballot = _locked(ballot_id)
        if ballot is None or ballot.state != S.OPEN or ballot.closes_at is None or ballot.closes_at > now:
            return None  # closed (or changed) by someone else meanwhile
        services.close_ballot(ballot=ballot, actor=SCHEDULER, now=now)  # its closing time has come: not early
        detail = f"closing time {_when(ballot.closes_at)}"
        return Done(ballot.pk, ballot.title, "closed", detail + ("; count queued" if ballot.count_when_closed else ""))


def _open_if_due(ballot_id: int, now: dt.datetime) -> Done | None:
    with transaction.atomic():
        ballot = _locked(ballot_id)
        if ballot is None or ballot.state != S.READY or ballot.opens_at is None or ballot.opens_at > now:
            return None
        attempts = _attempts_since_ready(ballot)
        if attempts:
            return _report_failure_once(ballot, attempts)
        if Job.under_way(kind="open-ballot", subject=f"ballot:{ballot.pk}"):
            return None  # the officer's own opening is queued or running
        if ballot.closes_at is not None and ballot.closes_at <= now:
            detail = (
                f"not opened: its closing time {_when(ballot.closes_at)} had passed before the scheduler reached it "
                f"(opening time {_when(ballot.opens_at)}); change the timetable and mark it ready again"
            )
            _audit(ballot, "ballot.schedule.missed", opens_at=ballot.opens_at, closes_at=ballot.closes_at)
            return Done(ballot.pk, ballot.title, "missed", detail)
        try:
            with transaction.atomic():
                job = services.start_opening(ballot=ballot, actor=SCHEDULER, now=now)  # never opens early
        except BallotError as exc:
            _audit(ballot, "ballot.schedule.refused", error=str(exc))
            return Done(ballot.pk, ballot.title, "refused", str(exc))
        job.refresh_from_db()
        if job.state == Job.State.FAILED:
            _audit(ballot, "ballot.schedule.refused", job=str(job.pk), error=job.error)
            return Done(ballot.pk, ballot.title, "refused", job.error, str(job.pk))
        if job.state == Job.State.SUCCEEDED:
            return Done(ballot.pk, ballot.title, "opened", job.message, str(job.pk))
        return Done(ballot.pk, ballot.title, "opening", "opening job queued for a worker", str(job.pk))


def _attempts_since_ready(ballot: Ballot) -> list[AuditEntry]:
    """The scheduler's marks on this ballot since it was last marked ready, newest first."""
    trail = AuditEntry.objects.filter(subject=f"ballot:{ballot.pk}")
    ready = trail.filter(action="ballot.ready").order_by("-position").values_list("position", flat=True).first()
    return list(trail.filter(position__gt=ready or 0, actor=SCHEDULER.name, action__in=_ATTEMPTS).order_by("-position"))


def _report_failure_once(ballot: Ballot, attempts: list[AuditEntry]) -> Done | None:
    """An opening the scheduler queued earlier (for a worker) that has since failed: reported and audited the
    first time it is seen failed, then left alone."""
    if any(a.action != "ballot.open.queued" for a in attempts):
        return None  # already reported
    job_id = str(attempts[0].details.get("job", ""))
    job = Job.objects.filter(pk=job_id).first() if job_id else None
    if job is None or job.state != Job.State.FAILED:
        return None  # still queued or running (or done: then the ballot would not be ready)
    _audit(ballot, "ballot.schedule.refused", job=job_id, error=job.error)
    return Done(ballot.pk, ballot.title, "refused", job.error, job_id)


def _audit(ballot: Ballot, action: str, **details: Any) -> None:
    record(actor=SCHEDULER, action=action, subject=f"ballot:{ballot.pk}", details=details)


def _when(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z") if at else "-"


@shared_task(name="omov.ballots.run_schedule", ignore_result=True)
def run_schedule_task() -> list[str]:
    """The periodic task (Celery beat, every minute): one pass of `run_schedule`."""
    return [str(done) for done in run_schedule()]
