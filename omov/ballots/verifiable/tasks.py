"""Background jobs of verifiable ballots (registered by omov.ballots' AppConfig.ready): the step after the close
(the server's mix, or the marks' encrypted tally) and the count once t trustees have decrypted. Each records its
progress and outcome on its omov.audit Job row."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from omov.audit.services import finish_job


def _run(job_id: str, ballot_id: int, actor: str, step: Any, starting: str, done: Any) -> None:
    from omov.ballots.tasks import run_ballot_step

    ran = run_ballot_step(job_id, ballot_id, actor, step, starting=starting)
    if ran is not None:
        job, outcome = ran
        message, result = done(outcome)
        finish_job(job=job, message=message, result=result)


@shared_task(name="omov.ballots.verifiable.prepare")
def prepare_task(job_id: str, ballot_id: int, actor: str) -> None:
    """Mix a ranked ballot's papers (the server's mix) or sum a marks ballot's; offer the next step."""
    from omov.ballots.verifiable.services.pipeline import prepare_decryption

    def done(stage: str) -> tuple[str, dict[str, Any]]:
        if stage == "trustee-mix":
            return "mixed by the server; waiting for a trustee's mix", {"stage": stage}
        return "ready for the trustees to decrypt", {"stage": stage}

    _run(job_id, ballot_id, actor, prepare_decryption, "mixing or summing the papers", done)


@shared_task(name="omov.ballots.verifiable.count")
def count_task(job_id: str, ballot_id: int, actor: str) -> None:
    """Combine the trustees' partial decryptions and count."""
    from omov.ballots.verifiable.services.pipeline import count_verifiable

    _run(job_id, ballot_id, actor, count_verifiable, "decrypting and counting",
         lambda result: ("elected: " + ", ".join(result.elected), {"elected": result.elected}))
