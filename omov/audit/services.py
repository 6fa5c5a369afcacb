"""Writes to the audit log, chain heads and job records. Every other app's services call `record`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from omov.audit.chain import GENESIS, canonical_json, link_hash
from omov.audit.models import AuditEntry, ChainHead, Job
from omov.core.actors import actor_label

AUDIT_CHAIN = "audit"


def actor_name(actor: Any) -> str:
    """How an actor is written in the log: a user's username, a system actor's name, or "anonymous"."""
    return actor_label(actor)


def lock_chain(*, name: str) -> ChainHead:
    """The head of chain `name`, locked for this transaction (created at the genesis if new)."""
    ChainHead.objects.get_or_create(name=name, defaults={"position": 0, "head_hash": GENESIS})
    return ChainHead.objects.select_for_update().get(name=name)


@transaction.atomic
def record(*, actor: Any, action: str, subject: str, details: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry to the audit log, chained to the entry before it."""
    head = lock_chain(name=AUDIT_CHAIN)
    entry = AuditEntry(
        position=head.position + 1,
        at=timezone.now(),
        actor=actor_name(actor),
        action=action,
        subject=subject,
        details=details or {},
        previous_hash=head.head_hash,
    )
    # Hash what the database will give back (JSON round trip), so verification recomputes the same bytes.
    entry.details = _roundtrip(entry.details)
    entry.entry_hash = link_hash(AUDIT_CHAIN, entry.previous_hash, entry.position, canonical_json(entry.payload()))
    entry.save()
    ChainHead.objects.filter(name=AUDIT_CHAIN).update(position=entry.position, head_hash=entry.entry_hash)
    return entry


def _roundtrip(value: dict[str, Any]) -> dict[str, Any]:
    import json

    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result


# Jobs -------------------------------------------------------------------------------------------------------


def create_job(*, kind: str, subject: str = "", created_by: Any = None, total: int = 0) -> Job:
    """A new queued job record."""
    user = created_by if getattr(created_by, "pk", None) else None
    return Job.objects.create(kind=kind, subject=subject, created_by=user, total=total)


def start_job(*, job: Job, total: int | None = None, message: str = "") -> Job:
    """Mark a job running (one more attempt)."""
    job.state = Job.State.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or timezone.now()
    if total is not None:
        job.total = total
    job.message = message or job.message
    job.save(update_fields=["state", "attempts", "started_at", "total", "message"])
    return job


def report_progress(*, job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    """Record how far a running job has got."""
    job.done = done
    fields = ["done"]
    if total is not None:
        job.total = total
        fields.append("total")
    if message is not None:
        job.message = message
        fields.append("message")
    job.save(update_fields=fields)


def finish_job(*, job: Job, message: str = "", result: dict[str, Any] | None = None) -> Job:
    """Mark a job succeeded."""
    job.state = Job.State.SUCCEEDED
    job.done = max(job.done, job.total)
    job.message = message or job.message
    job.error = ""
    job.result = _roundtrip(result or {})
    job.finished_at = timezone.now()
    job.save()
    return job


def fail_job(*, job: Job, error: str, retrying: bool = False, result: dict[str, Any] | None = None) -> Job:
    """Mark a job failed (or waiting for a retry), keeping the error for the officer to read."""
    job.state = Job.State.RETRYING if retrying else Job.State.FAILED
    job.error = error
    if result is not None:
        job.result = _roundtrip(result)
    if not retrying:
        job.finished_at = timezone.now()
    job.save()
    return job
