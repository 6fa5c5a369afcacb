"""Background jobs of the ballots app: opening (roll + credentials), sending credentials, reminders, counting,
and telling the voters that a ballot is cancelled.

Each records progress and outcome on its omov.audit Job row; sending retries failed emails and reports those
that still fail, by membership number, on the Job.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from omov.audit.models import Job
from omov.audit.services import create_job, fail_job, finish_job, start_job
from omov.core.actors import job_actor
from omov.core.jobs import enqueue

SEND_RETRIES = 3


@shared_task(name="omov.ballots.open_ballot")
def open_ballot_task(job_id: str, ballot_id: int, actor: str) -> None:
    """Freeze the roll and create credentials; then queue the sending of credentials as its own job."""
    from omov.ballots.errors import BallotError
    from omov.ballots.models import Ballot
    from omov.ballots.services import open_ballot

    job = Job.objects.get(pk=job_id)
    start_job(job=job, message="opening")
    ballot = Ballot.objects.get(pk=ballot_id)
    try:
        roll = open_ballot(ballot=ballot, actor=job_actor(actor), job=job)
    except BallotError as exc:
        fail_job(job=job, error=str(exc))
        return
    except Exception as exc:
        fail_job(job=job, error=f"{type(exc).__name__}: {exc}")
        raise
    finish_job(job=job, message=f"open: {roll} voters on the roll", result={"roll": roll})
    send = create_job(kind="send-credentials", subject=f"ballot:{ballot_id}", created_by=job.created_by)
    enqueue("omov.ballots.send_credentials", str(send.pk), ballot_id, actor)


@shared_task(name="omov.ballots.send_credentials", bind=True, max_retries=SEND_RETRIES, default_retry_delay=60)
def send_credentials_task(self, job_id: str, ballot_id: int, actor: str) -> None:  # type: ignore[no-untyped-def]
    """Email credentials; retry the failures (with back-off), then report any that still fail."""
    from omov.ballots.errors import BallotError
    from omov.ballots.models import Ballot
    from omov.ballots.services import send_credentials

    job = Job.objects.get(pk=job_id)
    start_job(job=job, message="sending credentials")
    try:
        delivery = send_credentials(ballot=Ballot.objects.get(pk=ballot_id), actor=job_actor(actor), job=job)
    except BallotError as exc:
        fail_job(job=job, error=str(exc))
        return
    result = {"sent": delivery.sent, "failed": delivery.failed}
    if delivery.ok:
        finish_job(job=job, message=f"{delivery.sent} credentials sent", result=result)
        return
    report = f"{len(delivery.failed)} credential emails failed: " + "; ".join(
        f"{number}: {error}" for number, error in list(delivery.failed.items())[:50]
    )
    if self.request.retries < SEND_RETRIES:
        fail_job(job=job, error=report + f" (retry {self.request.retries + 1} of {SEND_RETRIES})", retrying=True)
        raise self.retry(countdown=60 * 2**self.request.retries)
    fail_job(job=job, error=report + ". Resend them (admin action) or print letters for them.", result=result)


def run_ballot_step(
    job_id: str, ballot_id: int, actor: str, step: Any, *, starting: str, total: int | None = None
) -> tuple[Job, Any] | None:
    """Run one service step on a ballot as a job: the job marked running, then `step(ballot=, actor=, job=)`.
    Returns the job and the step's outcome, for the caller to finish the job; None when the step refused (a
    BallotError, recorded on the job). Any other exception is recorded too, then raised (a bug, for the logs)."""
    from omov.ballots.errors import BallotError
    from omov.ballots.models import Ballot

    job = Job.objects.get(pk=job_id)
    start_job(job=job, message=starting, total=total)
    try:
        outcome = step(ballot=Ballot.objects.get(pk=ballot_id), actor=job_actor(actor), job=job)
    except BallotError as exc:
        fail_job(job=job, error=str(exc))
        return None
    except Exception as exc:
        fail_job(job=job, error=f"{type(exc).__name__}: {exc}")
        raise
    return job, outcome


@shared_task(name="omov.ballots.count_ballot")
def count_ballot_task(job_id: str, ballot_id: int, actor: str) -> None:
    """Count a closed ballot and store its result."""
    from omov.ballots.services import count_ballot

    ran = run_ballot_step(job_id, ballot_id, actor, count_ballot, starting="counting", total=1)
    if ran is not None:
        job, result = ran
        finish_job(job=job, message="elected: " + ", ".join(result.elected), result={"elected": result.elected})


def _run_mailing(job_id: str, ballot_id: int, actor: str, *, send: Any, starting: str, sent: str, failed: str) -> None:
    """Run a one-off mailing to a ballot's roll as a job (reminders, cancellation notices): not retried, since a
    second message to those it did reach is worse than a listed failure; the failures are reported on the job."""
    ran = run_ballot_step(job_id, ballot_id, actor, send, starting=starting)
    if ran is None:
        return
    job, delivery = ran
    result = {"sent": delivery.sent, "failed": delivery.failed}
    if delivery.ok:
        finish_job(job=job, message=sent.format(n=delivery.sent), result=result)
        return
    report = failed.format(n=delivery.sent, f=len(delivery.failed)) + "; ".join(
        f"{number}: {error}" for number, error in list(delivery.failed.items())[:50]
    )
    fail_job(job=job, error=report, result=result)


@shared_task(name="omov.ballots.send_reminders")
def send_reminders_task(job_id: str, ballot_id: int, actor: str) -> None:
    """Email a reminder to the voters who have not voted yet; report how many were sent and which failed."""
    from omov.ballots.services import send_reminders

    _run_mailing(job_id, ballot_id, actor, send=send_reminders, starting="sending reminders",
                 sent="{n} reminders sent", failed="{n} reminders sent; {f} failed: ")


@shared_task(name="omov.ballots.send_cancellation_notices")
def send_cancellation_notices_task(job_id: str, ballot_id: int, actor: str) -> None:
    """Email every voter on a cancelled ballot's roll that it is cancelled and why; report failures on the job.
    Those it did not reach must be told another way (by post or by phone), which the failure says."""
    from omov.ballots.services import send_cancellation_notices

    _run_mailing(job_id, ballot_id, actor, send=send_cancellation_notices, starting="telling the voters",
                 sent="{n} voters told", failed="{f} notices failed (tell them another way, by post or by phone): ")
