"""Casting an encrypted paper (docs/crypto.md §11): the one writer of a verifiable ballot's papers, and the
Benaloh spoil.

`cast_encrypted` is atomic like `cast`: the voting token spent, the credential key marked used, the paper stored
and chained, or nothing at all. Every refusal of the ballot box (omov.crypto.credentials.check_cast) raises
PaperRefused naming the reason, and then nothing is spent or stored. The paper is stored as the canonical bytes
of the cast JSON (`Paper.content`), its tracker the v4 tracker, chained under "record:" + E + ":papers"; as for
every ballot, no column of the paper points at a voter. The plaintext never reaches the server: it holds only
ciphertexts, which the trustees decrypt after the mix.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.utils import timezone

from omov.audit.chain import link_hash
from omov.audit.models import ChainHead
from omov.audit.services import lock_chain, record
from omov.ballots.errors import BallotError, CredentialError, NotOpen, PaperRefused
from omov.ballots.models import (
    Ballot,
    BoardComponent,
    Credential,
    CredentialKey,
    Election,
    Paper,
    SpoiledTracker,
    Voter,
)
from omov.ballots.papers import chain_name, credential_hash
from omov.ballots.services._common import S
from omov.ballots.services.cast import _make_durable
from omov.ballots.verifiable.election import parameters_of
from omov.core.actors import Untrusted
from omov.crypto import credentials as cr
from omov.crypto.encoding import canonical_json
from omov.crypto.errors import CryptoError
from omov.crypto.group import Point
from omov.crypto.marks import QuestionSpec

MAX_CAST_BYTES = 1_000_000  # a ranked paper of 100 candidates is ~20 kB of hex; a mark paper a little more


@dataclass(frozen=True)
class EncryptedReceipt:
    """What the voter keeps: the tracker (their paper's v4 tracker, crypto.md §11) and where the paper stands on
    the board (its chain position and entry hash), to find it there and in the published record."""

    ballot_id: int
    tracker: str
    position: int
    entry_hash: str

    def __str__(self) -> str:
        return self.tracker


@dataclass(frozen=True)
class _Fixed:
    election: str
    fingerprint: bytes
    public_key: Point
    width: int | None
    question: QuestionSpec | None


_FIXED: dict[str, _Fixed] = {}


def fixed_for(election: Election) -> _Fixed:
    """What casting needs from the parameters, the public key decoded (parsed once per process: a fingerprint
    names them for good)."""
    key = election.fingerprint
    fixed = _FIXED.get(key)
    if fixed is None:
        params = parameters_of(election)
        marks = params["kind"] == "marks"
        fixed = _Fixed(
            params["election"],
            bytes.fromhex(election.fingerprint),
            Point.decode(bytes.fromhex(params["public_key"])),
            None if marks else int(params["width"]),
            QuestionSpec.from_json(params["question"]) if marks else None,
        )
        if len(_FIXED) > 1000:
            _FIXED.clear()
        _FIXED[key] = fixed
    return fixed


def _read_cast(cast: Any) -> Any:
    if isinstance(cast, bytes | bytearray):
        if len(cast) > MAX_CAST_BYTES:
            raise PaperRefused("malformed", "the cast paper is too large")
        try:
            cast = bytes(cast).decode("utf-8")
        except UnicodeDecodeError:
            raise PaperRefused("malformed", "the cast paper is not UTF-8 JSON") from None
    if isinstance(cast, str):
        if len(cast) > MAX_CAST_BYTES:
            raise PaperRefused("malformed", "the cast paper is too large")
        try:
            cast = json.loads(cast)
        except json.JSONDecodeError as exc:
            raise PaperRefused("malformed", f"the cast paper is not JSON ({exc.msg})") from None
    return cast


def _open_ballot(ballot_id: int) -> tuple[Ballot, str | None]:
    """The ballot, locked against change for the rest of the cast (shared on PostgreSQL, as `cast` does), and the
    fingerprint of its parameters (None before they are fixed), read in the same statement."""
    table = db_connection.ops.quote_name(Ballot._meta.db_table)
    election = db_connection.ops.quote_name(Election._meta.db_table)
    share = " FOR SHARE OF b" if db_connection.vendor == "postgresql" else ""
    ballot = Ballot.objects.raw(
        f"SELECT b.*, e.fingerprint AS fixed_fingerprint FROM {table} b LEFT JOIN {election} e ON e.ballot_id = b.id "
        f"WHERE b.id = %s{share}",
        [ballot_id],
    )[0]
    now = timezone.now()
    if ballot.state != S.OPEN:
        raise NotOpen(f"{ballot.title!r} is not open for voting (it is {ballot.state})")
    if ballot.opens_at and now < ballot.opens_at:
        raise NotOpen(f"voting in {ballot.title!r} opens at {ballot.opens_at:%Y-%m-%d %H:%M} UTC")
    if ballot.closes_at and now >= ballot.closes_at:
        raise NotOpen(f"voting in {ballot.title!r} closed at {ballot.closes_at:%Y-%m-%d %H:%M} UTC")
    if not ballot.verifiable:
        raise BallotError(f"{ballot.title!r} is not a verifiable ballot: cast its paper with `cast`")
    return ballot, ballot.fixed_fingerprint


def cast_encrypted(*, credential: str, cast: Any, ballot_id: int | None = None) -> EncryptedReceipt:
    """Cast an encrypted, signed paper (the omov/cast-paper/v1 JSON the booth made) with the voter's one-time
    voting token `credential`. In one transaction: the token is checked (and in server mode must be the code of
    the key that signed the paper); every rule of the ballot box is checked; the token is spent, the key marked
    used, the paper stored and chained. Raises CredentialError, NotOpen or PaperRefused (with `.reason`), and
    then nothing is spent or stored."""
    token_hash = credential_hash(credential)
    cast = _read_cast(cast)
    # As `cast` does (omov/ballots/services/cast.py, _make_durable): on PostgreSQL the transaction commits
    # asynchronously, so the chain head's lock goes as soon as the commit is written, and the receipt waits for
    # a flush of the log that covers it (shared by concurrent casts). Inside a caller's transaction, that
    # caller's commit is the durable point.
    group_commit = (
        db_connection.vendor == "postgresql" and not db_connection.in_atomic_block and db_connection.get_autocommit()
    )
    try:
        with transaction.atomic(), db_connection.cursor() as cursor:
            if group_commit:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            receipt = _cast(cursor, token_hash, credential, cast, ballot_id)
    except IntegrityError:
        # Another cast stored one of these ciphertexts at the same moment (the unique board components): the
        # transaction rolled back whole, so this one stored and spent nothing.
        raise PaperRefused("copied", "this encryption (or part of it) is already on the board") from None
    if group_commit:
        _make_durable()
    return receipt


_SQL: dict[str, str] = {}


def _sql() -> dict[str, str]:
    """The statements of a cast, written out once (casting is the hot path: building them with the ORM for every
    cast cost more processor time than running them), in standard SQL for both databases."""
    if not _SQL:
        q = db_connection.ops.quote_name
        cred, voter, paper, key, board, spoiled, head = (q(m._meta.db_table) for m in (
            Credential, Voter, Paper, CredentialKey, BoardComponent, SpoiledTracker, ChainHead))  # fmt: skip
        for_update = " FOR UPDATE" if db_connection.features.has_select_for_update else ""
        _SQL.update(
            credential=f"SELECT id, ballot_id, voter_id FROM {cred} WHERE token_hash = %s",
            key=f"SELECT used FROM {key} WHERE ballot_id = %s AND {q('key')} = %s",
            board=f"SELECT EXISTS (SELECT 1 FROM {board} WHERE ballot_id = %s AND value IN ({{}})), "
            f"EXISTS (SELECT 1 FROM {spoiled} WHERE ballot_id = %s AND tracker = %s)",
            use_key=f"UPDATE {key} SET used = %s WHERE ballot_id = %s AND {q('key')} = %s AND used = %s",
            spend=f"UPDATE {cred} SET spent = %s WHERE id = %s AND spent = %s",
            voted=f"UPDATE {voter} SET voted = %s WHERE id = %s",
            components=f"INSERT INTO {board} (ballot_id, value) VALUES {{}}",
            head=f"SELECT position, head_hash FROM {head} WHERE name = %s{for_update}",
            paper=f"INSERT INTO {paper} (id, ballot_id, position, content, tracker, previous_hash, entry_hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            advance=f"UPDATE {head} SET position = %s, head_hash = %s WHERE name = %s",
        )
    return _SQL


def _cast(cursor: Any, token_hash: str, token: str, cast: Any, ballot_id: int | None) -> EncryptedReceipt:
    sql = _sql()
    cursor.execute(sql["credential"], [token_hash])
    found = cursor.fetchone()
    if found is None:
        raise CredentialError("this credential is not valid: check that you typed it as written")
    cred_id, cred_ballot_id, voter_id = found
    if ballot_id is not None and cred_ballot_id != ballot_id:
        raise CredentialError("this credential is for a different ballot")
    ballot, fingerprint = _open_ballot(cred_ballot_id)
    fixed = _FIXED.get(fingerprint or "") or fixed_for(Election.objects.get(ballot=ballot))
    if ballot.credential_mode == "server" and isinstance(cast, dict):
        mine = cr.derive_credential(fixed.election, token).public_hex
        if cast.get("credential") != mine:
            raise PaperRefused("wrong-credential", "this paper is signed under another credential than the one in "
                               "your voting link: encrypt it again in the booth opened from your link")  # fmt: skip
    # The stateful rules of the ballot box, in the order check_cast asks them, one statement for each pair: the
    # key's row answers both "listed" and "used"; the board and the spoiled trackers are asked together, once the
    # tracker has been recomputed from the paper (check_cast asks `on_board` only after that check).
    key_row: dict[str, tuple[Any, ...] | None] = {}

    def key_state(k: str) -> tuple[Any, ...] | None:
        if k not in key_row:
            cursor.execute(sql["key"], [ballot.pk, k])
            key_row[k] = cursor.fetchone()
        return key_row[k]

    seen: dict[str, bool] = {}

    def on_board(_paper: bytes, parts: list[bytes]) -> bool:
        values = [a.hex() for a in parts]
        statement = sql["board"].format(", ".join(["%s"] * len(values)))
        cursor.execute(statement, [ballot.pk, *values, ballot.pk, cast["tracker"]])
        copied, spoiled = cursor.fetchone()
        seen[cast["tracker"]] = bool(spoiled)
        return bool(copied)

    def is_spoiled(t: str) -> bool:
        if t not in seen:  # pragma: no cover - check_cast asks about the tracker it checked, after on_board
            return SpoiledTracker.objects.filter(ballot=ballot, tracker=t).exists()
        return seen[t]

    try:
        paper = cr.check_cast(
            cast,
            election=fixed.election,
            fingerprint=fixed.fingerprint,
            public_key=fixed.public_key,
            width=fixed.width,
            question=fixed.question,
            listed=lambda k: key_state(k) is not None,
            used=lambda k: bool((key_state(k) or (False,))[0]),
            on_board=on_board,
            spoiled=is_spoiled,
        )
    except cr.CastRefused as exc:
        raise PaperRefused(exc.code, str(exc)) from None
    except CryptoError as exc:
        raise PaperRefused("malformed", str(exc)) from None
    cursor.execute(sql["use_key"], [True, ballot.pk, paper.credential, False])
    if cursor.rowcount != 1:
        raise PaperRefused("credential-used", "this credential has already cast a paper")
    cursor.execute(sql["spend"], [True, cred_id, False])
    if cursor.rowcount != 1:
        raise CredentialError("this credential has already been used to vote; each can be used once")
    cursor.execute(sql["voted"], [True, voter_id])
    parts = [a.hex() for a in paper.a_components]
    cursor.execute(sql["components"].format(", ".join(["(%s, %s)"] * len(parts))),
                   [x for a in parts for x in (ballot.pk, a)])  # fmt: skip
    position, entry = _append(cursor, ballot, paper.tracker, canonical_json(cast))
    return EncryptedReceipt(ballot.pk, paper.tracker, position, entry)


def _append(cursor: Any, ballot: Ballot, tracker: str, content: bytes) -> tuple[int, str]:
    """Store the paper at the end of the ballot's chain ("record:" + E + ":papers"). The chain head's lock is
    taken last, so casts queue for it only while they append."""
    sql = _sql()
    chain = chain_name(ballot)
    cursor.execute(sql["head"], [chain])
    row = cursor.fetchone()
    if row is None:  # a chain not created at the opening
        created = lock_chain(name=chain)
        row = (created.position, created.head_hash)
    previous, position = row[1], row[0] + 1
    entry = link_hash(chain, previous, position, tracker.encode("ascii"))
    cursor.execute(sql["paper"], [secrets.token_hex(16), ballot.pk, position, content, tracker, previous, entry])
    cursor.execute(sql["advance"], [position, entry, chain])
    return position, entry


@transaction.atomic
def spoil_tracker(*, ballot: Ballot, tracker: str) -> str:
    """Record a tracker whose paper was opened by a Benaloh challenge on the voter's device: that paper's randomness
    is known, so it must never be cast (a dishonest device could otherwise show an opening and cast the same paper).

    Only the tracker is sent, never the opening: the opening holds the voter's choices, which must not reach the
    server. Anyone's device may send a tracker (a tracker is a hash of fresh ciphertexts, so nobody can name
    another voter's paper before it is cast); a tracker already cast is refused. Returns the tracker."""
    tracker = tracker.strip().lower() if isinstance(tracker, str) else ""
    if not re.fullmatch(r"[0-9a-f]{64}", tracker):
        raise PaperRefused("malformed", "a tracker is 64 hexadecimal digits")
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if not locked.verifiable or locked.state != S.OPEN:
        raise NotOpen(f"{locked.title!r} is not taking papers (it is {locked.state})")
    if Paper.objects.filter(ballot=locked, tracker=tracker).exists():
        raise PaperRefused("spoiled", "this tracker was cast: a cast paper cannot be opened")
    SpoiledTracker.objects.get_or_create(ballot=locked, tracker=tracker)
    record(actor=Untrusted("voter's device"), action="ballot.paper.spoiled", subject=f"ballot:{locked.pk}",
           details={"tracker": tracker})  # fmt: skip
    return tracker
