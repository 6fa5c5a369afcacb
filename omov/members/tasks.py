"""Background jobs of the members app."""

from __future__ import annotations

from celery import shared_task

from omov.audit.models import Job
from omov.audit.services import fail_job, finish_job, report_progress, start_job
from omov.core.actors import SYSTEM


@shared_task(name="omov.members.import_members")
def import_members_task(
    job_id: str, organisation_id: int, path: str, update: bool, dry_run: bool, skip_bad: bool
) -> None:
    """Run a members CSV import, recording progress and the report on the Job."""
    from omov.members.models import Organisation
    from omov.members.services import import_members

    job = Job.objects.get(pk=job_id)
    start_job(job=job, message=f"importing {path}")
    last = [0]

    def progress(phase: str, done: int, total: int) -> None:
        if done - last[0] >= 20000 or done == total:
            last[0] = done
            report_progress(job=job, done=done, total=total, message=phase)

    try:
        report = import_members(
            organisation=Organisation.objects.get(pk=organisation_id),
            path=path,
            update=update,
            dry_run=dry_run,
            skip_bad=skip_bad,
            actor=SYSTEM,
            progress=progress,
        )
    except Exception as exc:  # recorded for the officer, then re-raised for the worker's log
        fail_job(job=job, error=f"{type(exc).__name__}: {exc}")
        raise
    result = {**report.summary(), "errors": [str(e) for e in report.errors[:200]], "file_error": report.file_error}
    if report.ok or (report.written and report.file_error == ""):
        finish_job(job=job, message=report.describe().splitlines()[0], result=result)
    else:
        fail_job(job=job, error=report.describe(), result=result)
