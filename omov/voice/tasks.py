"""Background jobs of member voice: retraining an organisation's spam model on its officers' decisions (on an
officer's request, and daily for every organisation with new decisions, run by beat)."""

from __future__ import annotations

from celery import shared_task

from omov.core.actors import SCHEDULER


@shared_task(name="omov.voice.retrain_spam_model")
def retrain_spam_model_task(job_id: str, organisation_id: int, actor: str) -> None:
    """Retrain one organisation's spam model, recording progress and the outcome on the Job."""
    from omov.audit.models import Job
    from omov.audit.services import fail_job, finish_job, start_job
    from omov.core.actors import job_actor
    from omov.members.models import Organisation
    from omov.voice.errors import VoiceError
    from omov.voice.services import retrain_spam_model

    job = Job.objects.get(pk=job_id)
    start_job(job=job, total=4, message="retraining the spam model")
    try:
        row = retrain_spam_model(
            organisation=Organisation.objects.get(pk=organisation_id), actor=job_actor(actor), job=job
        )
    except VoiceError as exc:
        fail_job(job=job, error=str(exc))
        return
    except Exception as exc:
        fail_job(job=job, error=f"{type(exc).__name__}: {exc}")
        raise
    finish_job(job=job, message=f"version {row.version}: {row.message}",
               result={"version": row.version, "accepted": row.accepted, "held_out": row.metrics.get("held_out")})


@shared_task(name="omov.voice.retrain_spam_models")
def retrain_spam_models_task() -> int:
    """Queue a retraining for every organisation with enough decisions and some new since its last one (run
    daily by beat). Returns how many were queued."""
    from omov.voice.services import retrain_due_spam_models

    return retrain_due_spam_models(actor=SCHEDULER)
