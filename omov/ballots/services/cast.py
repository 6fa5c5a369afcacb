"""Casting: the one function that writes papers (a credential spent and a paper stored, in one transaction)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from omov.audit.chain import link_hash
from omov.audit.models import ChainHead
from omov.audit.services import lock_chain
from omov.ballots.errors import (
    CredentialError,
    InvalidPaper,
    NotOpen,
)
from omov.ballots.models import (
    Ballot,
    Credential,
    Paper,
    Voter,
)
from omov.ballots.papers import (
    credential_hash,
    paper_bytes,
    paper_chain_name,
    tracker_code,
    validate_paper,
)
from omov.ballots.selectors import max_choices_for
from omov.ballots.services._common import S


@dataclass(frozen=True)
class Receipt:
    """What a voter keeps: the tracker code (SHA-256 of the stored paper bytes), to find on the published list."""

    ballot_id: int
    tracker: str

    def __str__(self) -> str:
        return self.tracker


_NAMES: dict[tuple[int, str], list[str]] = {}


def _candidate_names(ballot: Ballot) -> list[str]:
    """The candidates' names in paper order. Cached per process: once a ballot is open its paper is fixed
    (names and numbers never change; a withdrawal changes neither)."""
    key = (ballot.pk, str(ballot.public_id))
    names = _NAMES.get(key)
    if names is None:
        names = list(ballot.candidates.order_by("number").values_list("name", flat=True))
        if len(_NAMES) > 1000:
            _NAMES.clear()
        _NAMES[key] = names
    return names


def cast(*, credential: str, paper: Sequence[int], ballot_id: int | None = None) -> Receipt:
    """Cast a paper with a one-time credential: the ONE function that writes papers.

    In one transaction: the ballot must be open (and within its timetable); the paper must be valid; the
    credential is spent by a conditional UPDATE (so of many concurrent casts with one credential exactly one
    stores a paper); the paper is stored as canonical bytes with a random id and appended to the ballot's
    hash-chained list. Nothing links the paper to the voter. Raises CredentialError, NotOpen or InvalidPaper,
    and then changes nothing. `ballot_id`, if given, is the ballot the voter means: a credential of another
    ballot is then refused.
    """
    token_hash = credential_hash(credential)
    # On PostgreSQL, casts hold the chain head's lock only while they append, not while the disk syncs: the
    # transaction commits asynchronously and the receipt waits for a flush that covers it (see _make_durable).
    # Inside a caller's transaction (an atomic block, or autocommit turned off), that caller's commit is the
    # durable point, so nothing changes there.
    group_commit = (
        db_connection.vendor == "postgresql" and not db_connection.in_atomic_block and db_connection.get_autocommit()
    )
    sql = _cast_sql()
    with transaction.atomic(), db_connection.cursor() as cursor:
        # The statements of a cast are written out (not built by the ORM for every cast): casting is the one
        # hot path, and building its queries cost more processor time than running them.
        if group_commit:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(sql["credential"], [token_hash])
        found = cursor.fetchone()
        if found is None:
            raise CredentialError("this credential is not valid: check that you typed it as written")
        cred_id, cred_ballot_id, voter_id = found
        if ballot_id is not None and cred_ballot_id != ballot_id:
            raise CredentialError("this credential is for a different ballot")
        ballot = _lock_for_cast(cred_ballot_id)
        now = timezone.now()
        if ballot.state != S.OPEN:
            raise NotOpen(f"{ballot.title!r} is not open for voting (it is {ballot.state})")
        if ballot.opens_at and now < ballot.opens_at:
            raise NotOpen(f"voting in {ballot.title!r} opens at {ballot.opens_at:%Y-%m-%d %H:%M} UTC")
        if ballot.closes_at and now >= ballot.closes_at:
            raise NotOpen(f"voting in {ballot.title!r} closed at {ballot.closes_at:%Y-%m-%d %H:%M} UTC")
        if ballot.verifiable:
            raise InvalidPaper(
                f"{ballot.title!r} is a verifiable ballot: papers are encrypted on the voter's device and cast "
                "with cast_encrypted (the booth does this)"
            )
        names = _candidate_names(ballot)
        choices = validate_paper(
            paper,
            names=names,
            ranked=ballot.ranked,
            max_choices=max_choices_for(ballot, len(names)),
            allow_empty=ballot.allow_empty,
        )
        cursor.execute(sql["spend"], [True, cred_id, False])
        if cursor.rowcount != 1:
            raise CredentialError("this credential has already been used to vote; each can be used once")
        cursor.execute(sql["voted"], [True, voter_id])
        nonce = secrets.token_hex(16)
        content = paper_bytes(
            ballot_public_id=str(ballot.public_id), nonce=nonce, choices=choices, ranked=ballot.ranked
        )
        tracker = tracker_code(content)
        chain = paper_chain_name(ballot.pk)
        cursor.execute(sql["head"], [chain])
        row = cursor.fetchone()
        if row is None:  # a ballot opened before chain heads were created at opening
            created = lock_chain(name=chain)
            row = (created.position, created.head_hash)
        previous, position = row[1], row[0] + 1
        entry = link_hash(chain, previous, position, tracker.encode("ascii"))
        cursor.execute(sql["paper"], [nonce, ballot.pk, position, content, tracker, previous, entry])
        cursor.execute(sql["advance"], [position, entry, chain])
    if group_commit:
        _make_durable()
    return Receipt(ballot_id=ballot.pk, tracker=tracker)


_CAST_SQL: dict[str, str] = {}


def _cast_sql() -> dict[str, str]:
    """The statements of `cast`, for this database (the same ones the ORM would build)."""
    if not _CAST_SQL:
        q = db_connection.ops.quote_name
        cred, voter, paper = (q(m._meta.db_table) for m in (Credential, Voter, Paper))
        head = q(ChainHead._meta.db_table)
        for_update = " FOR UPDATE" if db_connection.features.has_select_for_update else ""
        _CAST_SQL.update(
            credential=f"SELECT id, ballot_id, voter_id FROM {cred} WHERE token_hash = %s",
            spend=f"UPDATE {cred} SET spent = %s WHERE id = %s AND spent = %s",
            voted=f"UPDATE {voter} SET voted = %s WHERE id = %s",
            head=f"SELECT position, head_hash FROM {head} WHERE name = %s{for_update}",
            paper=f"INSERT INTO {paper} (id, ballot_id, position, content, tracker, previous_hash, entry_hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            advance=f"UPDATE {head} SET position = %s, head_hash = %s WHERE name = %s",
        )
    return _CAST_SQL


def _lock_for_cast(ballot_id: int) -> Ballot:
    """The ballot, locked against change for the rest of the cast.

    On PostgreSQL a shared row lock: casts take it side by side (the chain head alone orders them), while
    close_ballot and every other service that takes the ballot's row lock (FOR UPDATE) waits for the casts in
    flight and keeps new ones out until it commits. SQLite has no row locks (its writers queue for the file).
    """
    if db_connection.vendor == "postgresql":
        table = db_connection.ops.quote_name(Ballot._meta.db_table)
        return Ballot.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [ballot_id])[0]
    return Ballot.objects.select_for_update().get(pk=ballot_id)


def _make_durable() -> None:
    """Return once the cast just committed (asynchronously) is on disk, so a receipt always names a stored paper.

    A transaction that has an id and commits synchronously flushes the write-ahead log up to its own commit
    record, which lies after the cast's; concurrent casts share one flush of the disk instead of queueing for
    one each behind the chain head's lock. If the server crashes first, the cast is lost whole (its paper,
    its spent credential and its chain link together) and no receipt was given: the voter can cast again.
    """
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
