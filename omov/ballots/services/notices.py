"""Telling the voters on a ballot's roll that it has been cancelled, and why (a background job's work)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import mail

from omov.audit.models import Job
from omov.audit.services import record
from omov.ballots.errors import IllegalTransition
from omov.ballots.models import Ballot, Voter
from omov.ballots.services._common import S, _require_officer
from omov.ballots.services.credentials import Delivery
from omov.ballots.when import when
from omov.members.models import Member

BATCH = 200


def cancellation_text(ballot: Ballot, member: Member) -> str:
    """The notice a voter on the roll gets when the ballot is cancelled."""
    base = settings.SITE_URL or "http://127.0.0.1:8000"
    return (
        f"Dear {member.name},\n\n"
        f'The ballot "{ballot.title}" ({ballot.organisation.name}) has been cancelled by its returning officer.\n\n'
        f"The reason given:\n\n    {ballot.cancelled_reason}\n\n"
        f"No result of this ballot will be declared, and any vote already cast in it will not be counted. Your "
        f"voting credential for it no longer works; you do not need to do anything.\n\n"
        f"It was to close on {when(ballot.closes_at)}. If a new ballot is held, you will be sent a new credential.\n"
        f"More: {base}/\n"
    )


def send_cancellation_notices(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Delivery:
    """Email every voter on the roll of a cancelled ballot that it is cancelled and why.

    Voters without an email address (postal voters) are counted in the audit entry, for the officer to write
    to. Failures are returned by membership number (and shown on the job), not retried: a second notice is
    worse than a report the officer can act on.
    """
    from omov.audit.services import report_progress

    _require_officer(actor, ballot)
    ballot = Ballot.objects.select_related("organisation").get(pk=ballot.pk)
    if ballot.state != S.CANCELLED:
        raise IllegalTransition(
            f"notices of cancellation are sent only for a cancelled ballot ({ballot.title!r} is {ballot.state})"
        )
    voters = Voter.objects.filter(ballot=ballot).select_related("member").order_by("pk")
    to_email = voters.exclude(member__email="")
    total = to_email.count()
    without_email = voters.count() - total
    if job is not None:
        report_progress(job=job, done=0, total=total, message="telling the voters on the roll")
    sent, failed, done = 0, {}, 0
    ids = list(to_email.values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        batch = list(Voter.objects.filter(pk__in=ids[i : i + BATCH]).select_related("member").order_by("pk"))
        connection = mail.get_connection()
        try:
            connection.open()
        except Exception as exc:  # the mail server is down: the whole batch fails, and is reported
            failed.update({v.member.membership_number: f"cannot connect to the mail server: {exc}" for v in batch})
        else:
            for voter in batch:
                message = mail.EmailMessage(
                    subject=f"Cancelled: {ballot.title}",
                    body=cancellation_text(ballot, voter.member),
                    to=[voter.member.email],
                    connection=connection,
                )
                try:
                    message.send(fail_silently=False)
                except Exception as exc:  # SMTP and socket errors alike: reported by membership number
                    failed[voter.member.membership_number] = f"{type(exc).__name__}: {exc}"
                else:
                    sent += 1
            connection.close()
        done += len(batch)
        if job is not None:
            report_progress(job=job, done=done)
    record(
        actor=actor,
        action="ballot.cancel.notices.sent",
        subject=f"ballot:{ballot.pk}",
        details={"sent": sent, "failed": len(failed), "without_email": without_email},
    )
    return Delivery(sent=sent, failed=failed)
