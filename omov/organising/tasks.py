"""Background jobs of the organising app: RSVP confirmations, reminders, and the erasure of expired lists."""

from __future__ import annotations

from celery import shared_task

from omov.core.actors import SCHEDULER

SEND_RETRIES = 3


@shared_task(name="omov.organising.send_confirmation", bind=True, max_retries=SEND_RETRIES, default_retry_delay=60)
def send_confirmation_task(self, rsvp_id: int) -> None:  # type: ignore[no-untyped-def]
    """Email one RSVP's confirmation with its calendar file; retry with back-off if the mail server fails."""
    from omov.organising.services import send_confirmation

    try:
        send_confirmation(rsvp_id=rsvp_id)
    except Exception as exc:  # SMTP and socket errors: tried again, then left for the reminder
        if self.request.retries < SEND_RETRIES:
            raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="omov.organising.send_submission_mail", bind=True, max_retries=SEND_RETRIES, default_retry_delay=60)
def send_submission_mail_task(self, submission_id: int) -> None:  # type: ignore[no-untyped-def]
    """Email a petition signer their confirmation link (or a volunteer their thanks); retry if the mail fails."""
    from omov.organising.services import send_submission_mail

    try:
        send_submission_mail(submission_id=submission_id)
    except Exception as exc:  # SMTP and socket errors: tried again with back-off
        if self.request.retries < SEND_RETRIES:
            raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="omov.organising.send_reminders")
def send_reminders_task() -> int:
    """Remind everyone going to an event in the next day (run hourly by beat)."""
    from omov.organising.services import send_reminders

    return send_reminders(actor=SCHEDULER)


@shared_task(name="omov.organising.erase_expired_lists")
def erase_expired_lists_task() -> int:
    """Erase the personal data of elector lists past their retention date (run daily by beat)."""
    from omov.organising.services import erase_expired_lists

    return erase_expired_lists(actor=SCHEDULER)
