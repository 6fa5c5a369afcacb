"""Freezing the voter roll when a ballot opens: the electorate rule resolved into Voter rows with credentials."""

from __future__ import annotations

from typing import Any

from django.db import connection as db_connection
from django.db.models import Max, Min

from omov.audit.models import Job
from omov.ballots.models import (
    Ballot,
    Credential,
    Voter,
)
from omov.ballots.services._common import BATCH


def _freeze_roll(*, ballot: Ballot, members: Any, job: Job | None) -> None:
    """One roll line and one (unminted) credential per eligible member, in batches, in member order."""
    from omov.audit.services import report_progress

    locked = ballot
    done = 0
    rows = members.order_by("pk").values_list("pk", "postal", "email").iterator(chunk_size=BATCH)
    batch: list[tuple[int, bool, str]] = []

    def flush() -> None:
        nonlocal done
        voters = Voter.objects.bulk_create(
            [
                Voter(ballot=locked, member_id=pk, channel=Voter.Channel.POST if (postal or not email) else "email")
                for pk, postal, email in batch
            ]
        )
        if any(v.pk is None for v in voters):  # a database that cannot return ids: read them back
            ids = dict(
                Voter.objects.filter(ballot=locked, member_id__in=[b[0] for b in batch]).values_list("member_id", "pk")
            )
            for v in voters:
                v.pk = ids[v.member_id]
        Credential.objects.bulk_create([Credential(ballot=locked, voter_id=v.pk) for v in voters])
        done += len(batch)
        batch.clear()
        if job is not None:
            report_progress(job=job, done=done)

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


ROLL_CHUNK = 50_000


def _freeze_roll_in_database(*, ballot: Ballot, members: Any, job: Job | None) -> None:
    """PostgreSQL: the same rows as _freeze_roll, written by the database itself, one statement per chunk of
    members (no row passes through Python; a 500,000-member roll is seconds, not minutes)."""
    from omov.audit.services import report_progress

    quote = db_connection.ops.quote_name
    bounds = members.aggregate(first=Min("pk"), last=Max("pk"))
    done = 0
    # Chunks are ranges of member ids: an index range each (no sort of the whole table, whatever its statistics).
    for start in range(bounds["first"], bounds["last"] + 1, ROLL_CHUNK):
        chunk = members.filter(pk__gte=start, pk__lt=start + ROLL_CHUNK).order_by("pk")
        sql, params = chunk.values_list("pk", "postal", "email").query.sql_with_params()
        with db_connection.cursor() as cursor:
            cursor.execute(
                f"WITH m (member_id, postal, email) AS ({sql}), "
                f"v AS (INSERT INTO {quote(Voter._meta.db_table)} (ballot_id, member_id, channel, voted) "
                f"SELECT %s, member_id, CASE WHEN postal OR email = '' THEN %s ELSE %s END, FALSE FROM m "
                f"RETURNING id), "
                f"c AS (INSERT INTO {quote(Credential._meta.db_table)} "
                f"(ballot_id, voter_id, token_hash, spent, delivery, attempts, last_error) "
                f"SELECT %s, id, NULL, FALSE, %s, 0, '' FROM v) "
                f"SELECT count(*) FROM v",
                [*params, ballot.pk, Voter.Channel.POST, Voter.Channel.EMAIL, ballot.pk, Credential.Delivery.PENDING],
            )
            done += cursor.fetchone()[0]
        if job is not None:
            report_progress(job=job, done=done)
