"""Background jobs of the nominations app: the notice of a timetable change.

Thin wrappers over services that record progress and outcome on the omov.audit Job row; registered by name in
NominationsConfig.ready, enqueued by name (omov.core.jobs.enqueue) so services never import this module.
"""

from __future__ import annotations

from celery import shared_task

from omov.audit.models import Job
from omov.audit.services import fail_job, finish_job, start_job
from omov.core.actors import job_actor

NOTICE_RETRIES = 3


@shared_task(name="omov.nominations.send_timetable_notice", bind=True, max_retries=NOTICE_RETRIES,
             default_retry_delay=60)
def send_timetable_notice_task(self, job_id: str, entry_id: int, actor: str) -> None:  # type: ignore[no-untyped-def]
    """Tell those affected that a deadline moved; retried with back-off if the mail server fails."""
    from omov.nominations.services import send_timetable_notice

    job = Job.objects.get(pk=job_id)
    start_job(job=job, message="sending the notice of a timetable change")
    try:
        sent = send_timetable_notice(entry_id=entry_id, actor=job_actor(actor))
    except Exception as exc:  # SMTP and socket errors alike: reported on the job, retried
        error = f"{type(exc).__name__}: {exc}"
        if self.request.retries < NOTICE_RETRIES:
            fail_job(job=job, error=f"{error} (retry {self.request.retries + 1} of {NOTICE_RETRIES})", retrying=True)
            raise self.retry(countdown=60 * 2**self.request.retries) from None
        fail_job(job=job, error=f"{error}. The change stands; tell those affected another way.")
        return
    finish_job(job=job, message=f"notice sent to {sent} {'person' if sent == 1 else 'people'}",
               result={"sent": sent})
