"""One-time credentials: sending them by email, printing letters, reissuing a lost one."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F

from omov.audit.models import Job
from omov.audit.services import record
from omov.ballots.errors import (
    CredentialError,
    NotOpen,
)
from omov.ballots.models import (
    Ballot,
    Credential,
    Voter,
)
from omov.ballots.papers import (
    credential_hash,
    new_credential,
)
from omov.ballots.services._common import S, _lock, _require_officer
from omov.ballots.when import when
from omov.members.models import Member


@dataclass(frozen=True)
class Delivery:
    """The outcome of a round of sending credentials."""

    sent: int
    failed: dict[str, str]  # membership number -> error

    @property
    def ok(self) -> bool:
        return not self.failed


def _voting_link(ballot: Ballot, token: str) -> str:
    base = settings.SITE_URL or "http://127.0.0.1:8000"
    # The credential travels in the fragment, which browsers never send to the server (nor to its logs).
    return f"{base}/ballots/{ballot.pk}/vote/#credential={token}"


def _keeps_codes(ballot: Ballot) -> bool:
    """A verifiable ballot in server mode minted every token when it opened (its credential keys are published
    then): delivering one sends that token, never a fresh one (omov.ballots.verifiable.services.opening)."""
    return bool(ballot.verifiable and ballot.credential_mode == "server")


def _mint(credentials: list[Credential], *, ballot: Ballot | None = None) -> dict[int, str]:
    """Fresh tokens for these credentials; their hashes stored (and committed by the caller's transaction).
    For a verifiable ballot in server mode, the tokens minted at the opening instead (see _keeps_codes)."""
    if ballot is not None and _keeps_codes(ballot):
        missing = [c.pk for c in credentials if not c.pending_code]
        if missing:
            raise CredentialError("these credentials were delivered already and cannot be minted again "
                                  "(a verifiable ballot's list of credentials is fixed when it opens)")
        return {c.pk: c.pending_code for c in credentials}
    tokens = {}
    for cred in credentials:
        token = new_credential()
        cred.token_hash = credential_hash(token)
        tokens[cred.pk] = token
    # In batches: one UPDATE ... CASE over thousands of rows costs time quadratic in its length.
    Credential.objects.bulk_update(credentials, ["token_hash"], batch_size=500)
    return tokens


def send_credentials(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Delivery:
    """Email a fresh credential to every email voter not yet sent one (pending or failed), in batches.

    A credential is minted just before its message is sent and replaced if the sending fails, so a token that
    never reached its voter never works. Failures are recorded on the credential (attempts, last_error) and
    returned; the background job retries them and reports any that still fail.
    """
    from omov.audit.services import report_progress

    _require_officer(actor, ballot)
    ballot.refresh_from_db()
    if ballot.state != S.OPEN:
        raise NotOpen(f"credentials are sent only while {ballot.title!r} is open (it is {ballot.state})")
    todo = Credential.objects.filter(
        ballot=ballot,
        spent=False,
        voter__channel=Voter.Channel.EMAIL,
        delivery__in=[Credential.Delivery.PENDING, Credential.Delivery.FAILED],
    ).select_related("voter__member")
    total = todo.count()
    if job is not None:
        report_progress(job=job, done=0, total=total, message="sending credentials")
    sent, failed, done = 0, {}, 0
    ids = list(todo.order_by("pk").values_list("pk", flat=True))
    # On PostgreSQL a batch's rows stay locked from their minting to their outcome, and are re-read under the
    # lock: a second sending at the same moment (the job and an officer's admin action, say) waits for the
    # batch and then finds its credentials sent, instead of minting and mailing each voter a second code that
    # would void the first. (SQLite serialises whole transactions; there each batch is minted, then sent.)
    hold = db_connection.features.has_select_for_update
    step = 200 if hold else 500
    for i in range(0, len(ids), step):
        if not Ballot.objects.filter(pk=ballot.pk, state=S.OPEN).exists():
            break  # closed or cancelled meanwhile: a credential sent now could not be used
        batch = transaction.atomic() if hold else nullcontext()
        with batch:
            creds = list(
                Credential.objects.filter(
                    pk__in=ids[i : i + step],
                    spent=False,
                    delivery__in=[Credential.Delivery.PENDING, Credential.Delivery.FAILED],
                )
                .select_related("voter__member")
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            sent_now, failed_now = _send_batch(ballot, creds, hold=hold)
        sent += sent_now
        failed.update(failed_now)
        done += min(step, len(ids) - i)
        if job is not None:
            report_progress(job=job, done=done)
    record(
        actor=actor,
        action="ballot.credentials.sent",
        subject=f"ballot:{ballot.pk}",
        details={"sent": sent, "failed": len(failed)},
    )
    return Delivery(sent=sent, failed=failed)


def _send_batch(ballot: Ballot, creds: list[Credential], *, hold: bool) -> tuple[int, dict[str, str]]:
    """Mint, mail and record one batch of credentials; (how many were sent, membership number -> error)."""
    failed: dict[str, str] = {}
    if not creds:
        return 0, failed
    if hold:
        tokens = _mint(creds, ballot=ballot)
    else:
        with transaction.atomic():
            tokens = _mint(creds, ballot=ballot)
    ok_ids, bad = [], []
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as exc:  # the mail server is down: every message of the batch fails
        for cred in creds:
            bad.append((cred, f"cannot connect to the mail server: {exc}"))
    else:
        for cred in creds:
            member = cred.voter.member
            message = mail.EmailMessage(
                subject=f"Your ballot: {ballot.title}",
                body=_credential_text(ballot, member, tokens[cred.pk]),
                to=[member.email],
                connection=connection,
            )
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # SMTP and socket errors alike; recorded, retried, reported
                bad.append((cred, f"{type(exc).__name__}: {exc}"))
            else:
                ok_ids.append(cred.pk)
        connection.close()
    with transaction.atomic():
        if ok_ids:
            Credential.objects.filter(pk__in=ok_ids).update(
                delivery=Credential.Delivery.SENT, last_error="", pending_code=""
            )
        for cred, error in bad:
            Credential.objects.filter(pk=cred.pk).update(
                delivery=Credential.Delivery.FAILED, attempts=cred.attempts + 1, last_error=error[:1000]
            )
            failed[cred.voter.member.membership_number] = error
        # successes count as attempts too, so the officer can see how many tries a voter's message took
        Credential.objects.filter(pk__in=ok_ids).update(attempts=F("attempts") + 1)
    return len(ok_ids), failed


def _timetable_text(ballot: Ballot) -> str:
    """When voting opened and when it closes, in the organisation's time zone: a voter reading the email (or
    the letter, days later) knows how long they have, and that the ballot is open now."""
    if ballot.closes_at is None:
        until = "until the returning officer closes it"
    else:
        until = f"until {when(ballot.closes_at)}"
    if ballot.opens_at is None:
        return f"Voting is open now, {until}."
    return f"Voting opened on {when(ballot.opens_at)} and is open {until}."


def _credential_text(ballot: Ballot, member: Member, token: str) -> str:
    return (
        f"Dear {member.name},\n\n"
        f"You are on the roll for the ballot: {ballot.title}.\n\n"
        f"{_timetable_text(ballot)}\n\n"
        f"Your one-time voting credential is:\n\n    {token}\n\n"
        f"Vote at: {_voting_link(ballot, token)}\n\n"
        f"The credential can be used once; keep it private. Nobody, not even the "
        f"returning officer, can link your vote to you: the credential is stored only as a hash and your vote is "
        f"stored without it.\n"
    )


@dataclass(frozen=True)
class Letter:
    """A postal credential letter: the addressee and the text to print (the token appears only here)."""

    membership_number: str
    name: str
    text: str
    address: tuple[str, ...] = ()  # the member's postal address lines, postcode last; () when none is on record


@transaction.atomic
def print_letters(*, ballot: Ballot, actor: Any, reprint_failed_email: bool = False) -> list[Letter]:
    """Mint credentials for postal voters not yet printed and return their letters (shown once, never stored)."""
    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.OPEN:
        raise NotOpen(f"letters are printed only while {locked.title!r} is open (it is {locked.state})")
    channels = [Voter.Channel.POST, Voter.Channel.EMAIL] if reprint_failed_email else [Voter.Channel.POST]
    creds = list(
        Credential.objects.filter(ballot=locked, spent=False, voter__channel__in=channels)
        .exclude(delivery__in=[Credential.Delivery.PRINTED, Credential.Delivery.SENT])
        .select_related("voter__member")
        .order_by("voter__member__membership_number")
    )
    tokens = _mint(creds, ballot=locked)
    Credential.objects.filter(pk__in=[c.pk for c in creds]).update(
        delivery=Credential.Delivery.PRINTED, pending_code=""
    )
    record(actor=actor, action="ballot.letters.printed", subject=f"ballot:{locked.pk}", details={"letters": len(creds)})
    return [
        Letter(
            c.voter.member.membership_number,
            c.voter.member.name,
            _credential_text(locked, c.voter.member, tokens[c.pk]),
            tuple(c.voter.member.address_lines),
        )
        for c in creds
    ]


@transaction.atomic
def reissue_credential(*, voter: Voter, actor: Any, reason: str = "") -> str:
    """Replace a voter's unspent credential (lost or never received) and return the new one to deliver.

    The old credential stops working at once. The caller shows or sends the returned token exactly once.
    """
    _require_officer(actor, voter.ballot)
    locked = _lock(voter.ballot)
    if locked.state != S.OPEN:
        raise NotOpen(f"credentials are reissued only while {locked.title!r} is open")
    if _keeps_codes(locked):
        raise CredentialError(
            f"{locked.title!r} is verifiable: its list of credentials was published when it opened, so a lost "
            "credential cannot be replaced (a new one would not be on the list)"
        )
    cred = Credential.objects.select_for_update().get(voter=voter)
    if cred.spent:
        raise CredentialError("this voter has already voted; their credential cannot be reissued")
    token = _mint([cred])[cred.pk]
    Credential.objects.filter(pk=cred.pk).update(delivery=Credential.Delivery.PRINTED)
    record(
        actor=actor,
        action="ballot.credential.reissued",
        subject=f"ballot:{locked.pk}",
        details={"membership_number": voter.member.membership_number, "reason": reason},
    )
    return token
