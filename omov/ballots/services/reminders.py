"""Reminders: one email a day at most to the voters who have not voted yet, as a background job.

A reminder carries no credential (credentials are stored only as hashes): it tells the voter that voting is
still open and how to get a new credential if theirs is lost. It goes to voters whose credential reached them
(emailed, or printed and handed over) and is still unused, and who have an email address; a voter whose
credential is still pending or bounced needs the credential itself, not a reminder. Who was reminded is not
stored: only how many, and the addresses that failed, on the job (as the sending of credentials reports them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from omov.audit.models import Job
from omov.audit.services import actor_name, create_job, record
from omov.ballots.errors import NotOpen, TooSoon
from omov.ballots.models import Ballot, Credential
from omov.ballots.selectors import REMINDER_INTERVAL, last_reminder
from omov.ballots.services._common import S, _lock, _require_officer
from omov.ballots.services.credentials import Delivery
from omov.core.jobs import enqueue
from omov.members.models import Member

REMINDER_JOB = "send-reminders"
BATCH = 200


def _when(moment: dt.datetime) -> str:
    """`15:59 UTC on 7 December 2026`, in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M %Z} on {local.day} {local:%B %Y}"


@transaction.atomic
def start_reminders(*, ballot: Ballot, actor: Any) -> Job:
    """Queue a reminder to every voter who has not voted yet; refused within a day of the last one.

    Under the ballot's row lock, so two officers pressing at once queue one job and the second is told when.
    """
    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.OPEN:
        raise NotOpen(f"reminders are sent only while {locked.title!r} is open (it is {locked.state})")
    last = last_reminder(ballot=locked)
    if last is not None:
        raise TooSoon(
            f"a reminder for {locked.title!r} was already sent at {_when(last.created_at)}; members get at most "
            f"one a day, so the next can be sent from {_when(last.created_at + REMINDER_INTERVAL)}"
        )
    job = create_job(kind=REMINDER_JOB, subject=f"ballot:{locked.pk}", created_by=actor)
    record(actor=actor, action="ballot.reminders.queued", subject=f"ballot:{locked.pk}", details={"job": str(job.pk)})
    enqueue("omov.ballots.send_reminders", str(job.pk), locked.pk, actor_name(actor))
    return job


def send_reminders(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Delivery:
    """Email the reminder to each voter with a delivered, unused credential and an email address (the job's work).

    Progress goes on the job; the outcome (how many sent, which membership numbers failed and why) is returned
    for the job to record, and the counts are written to the audit log.
    """
    from omov.audit.services import report_progress

    _require_officer(actor, ballot)
    ballot.refresh_from_db()
    if ballot.state != S.OPEN:
        raise NotOpen(f"reminders are sent only while {ballot.title!r} is open (it is {ballot.state})")
    members = list(
        Member.objects.filter(
            pk__in=Credential.objects.filter(
                ballot=ballot,
                spent=False,
                delivery__in=[Credential.Delivery.SENT, Credential.Delivery.PRINTED],
            ).values("voter__member_id")
        )
        .exclude(email="")
        .order_by("pk")
    )
    if job is not None:
        report_progress(job=job, done=0, total=len(members), message="sending reminders")
    sent, failed = 0, {}
    for i in range(0, len(members), BATCH):
        batch = members[i : i + BATCH]
        ok, bad = _send_batch(ballot, batch)
        sent += ok
        failed.update(bad)
        if job is not None:
            report_progress(job=job, done=i + len(batch))
    record(
        actor=actor,
        action="ballot.reminders.sent",
        subject=f"ballot:{ballot.pk}",
        details={"sent": sent, "failed": len(failed)},
    )
    return Delivery(sent=sent, failed=failed)


def _send_batch(ballot: Ballot, members: list[Member]) -> tuple[int, dict[str, str]]:
    """Mail one batch over one connection; (how many were sent, membership number -> error)."""
    failed: dict[str, str] = {}
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as exc:  # the mail server is down: every message of the batch fails
        return 0, {m.membership_number: f"cannot connect to the mail server: {exc}" for m in members}
    sent = 0
    try:
        for member in members:
            message = mail.EmailMessage(
                subject=f"Reminder: you have not voted yet in {ballot.title}",
                body=reminder_text(ballot, member),
                to=[member.email],
                connection=connection,
            )
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # SMTP and socket errors alike; reported on the job
                failed[member.membership_number] = f"{type(exc).__name__}: {exc}"
            else:
                sent += 1
    finally:
        connection.close()
    return sent, failed


def reminder_text(ballot: Ballot, member: Member) -> str:
    """The reminder's words: no credential in it, nothing about anyone's vote."""
    base = settings.SITE_URL or "http://127.0.0.1:8000"
    closes = timezone.localtime(ballot.closes_at).strftime("%d %B %Y at %H:%M %Z") if ballot.closes_at else "-"
    return (
        f"Dear {member.name},\n\n"
        f"Voting in the ballot {ballot.title} is open until {closes}, and you have not voted yet.\n\n"
        f"Vote at {base}/ballots/{ballot.pk}/vote/ with the one-time credential we sent you (by email or letter).\n"
        f"If you cannot find it, ask the returning officer for a new one (your membership number is "
        f"{member.membership_number}); the old one then stops working.\n\n"
        f"We know only whether you have voted, never how: your vote is stored without your name or credential. "
        f"Reminders are sent at most once a day, and only to members who have not voted.\n"
    )
