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

import re

import json
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
from omov.ballots.verifiable.election import parameters_of
from omov.core.actors import Untrusted
from omov.crypto import credentials as cr
from omov.crypto.encoding import canonical_json
from omov.crypto.errors import CryptoError
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
    public_key: str
    width: int | None
    question: QuestionSpec | None


_FIXED: dict[str, _Fixed] = {}


def fixed_for(election: Election) -> _Fixed:
    """What casting needs from the parameters (parsed once per process: a fingerprint names them for good)."""
    fixed = _FIXED.get(election.fingerprint)
    if fixed is None:
        params = parameters_of(election)
        marks = params["kind"] == "marks"
        fixed = _Fixed(
            params["election"],
            bytes.fromhex(election.fingerprint),
            params["public_key"],
            None if marks else int(params["width"]),
            QuestionSpec.from_json(params["question"]) if marks else None,
        )
        if len(_FIXED) > 1000:
            _FIXED.clear()
        _FIXED[election.fingerprint] = fixed
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


def _open_ballot(ballot_id: int) -> Ballot:
    """The ballot, locked against change for the rest of the cast (shared on PostgreSQL, as `cast` does)."""
    if db_connection.vendor == "postgresql":
        table = db_connection.ops.quote_name(Ballot._meta.db_table)
        ballot = Ballot.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [ballot_id])[0]
    else:
        ballot = Ballot.objects.select_for_update().get(pk=ballot_id)
    now = timezone.now()
    if ballot.state != S.OPEN:
        raise NotOpen(f"{ballot.title!r} is not open for voting (it is {ballot.state})")
    if ballot.opens_at and now < ballot.opens_at:
        raise NotOpen(f"voting in {ballot.title!r} opens at {ballot.opens_at:%Y-%m-%d %H:%M} UTC")
    if ballot.closes_at and now >= ballot.closes_at:
        raise NotOpen(f"voting in {ballot.title!r} closed at {ballot.closes_at:%Y-%m-%d %H:%M} UTC")
    if not ballot.verifiable:
        raise BallotError(f"{ballot.title!r} is not a verifiable ballot: cast its paper with `cast`")
    return ballot


def cast_encrypted(*, credential: str, cast: Any, ballot_id: int | None = None) -> EncryptedReceipt:
    """Cast an encrypted, signed paper (the omov/cast-paper/v1 JSON the booth made) with the voter's one-time
    voting token `credential`. In one transaction: the token is checked (and in server mode must be the code of
    the key that signed the paper); every rule of the ballot box is checked; the token is spent, the key marked
    used, the paper stored and chained. Raises CredentialError, NotOpen or PaperRefused (with `.reason`), and
    then nothing is spent or stored."""
    token_hash = credential_hash(credential)
    cast = _read_cast(cast)
    try:
        with transaction.atomic():
            return _cast(token_hash, credential, cast, ballot_id)
    except IntegrityError:
        # Another cast stored one of these ciphertexts at the same moment (the unique board components): the
        # transaction rolled back whole, so this one stored and spent nothing.
        raise PaperRefused("copied", "this encryption (or part of it) is already on the board") from None


def _cast(token_hash: str, token: str, cast: Any, ballot_id: int | None) -> EncryptedReceipt:
    found = Credential.objects.filter(token_hash=token_hash).values_list("pk", "ballot_id", "voter_id").first()
    if found is None:
        raise CredentialError("this credential is not valid: check that you typed it as written")
    cred_id, cred_ballot_id, voter_id = found
    if ballot_id is not None and cred_ballot_id != ballot_id:
        raise CredentialError("this credential is for a different ballot")
    ballot = _open_ballot(cred_ballot_id)
    election = Election.objects.get(ballot=ballot)
    fixed = fixed_for(election)
    if ballot.credential_mode == "server" and isinstance(cast, dict):
        mine = cr.derive_credential(fixed.election, token).public_hex
        if cast.get("credential") != mine:
            raise PaperRefused("wrong-credential", "this paper is signed under another credential than the one in "
                               "your voting link: encrypt it again in the booth opened from your link")  # fmt: skip
    keys = CredentialKey.objects.filter(ballot=ballot)
    try:
        paper = cr.check_cast(
            cast,
            election=fixed.election,
            fingerprint=fixed.fingerprint,
            public_key=fixed.public_key,
            width=fixed.width,
            question=fixed.question,
            listed=lambda k: keys.filter(key=k).exists(),
            used=lambda k: keys.filter(key=k, used=True).exists(),
            on_board=lambda _p, parts: BoardComponent.objects.filter(
                ballot=ballot, value__in=[a.hex() for a in parts]
            ).exists(),
            spoiled=lambda t: SpoiledTracker.objects.filter(ballot=ballot, tracker=t).exists(),
        )
    except cr.CastRefused as exc:
        raise PaperRefused(exc.code, str(exc)) from None
    except CryptoError as exc:
        raise PaperRefused("malformed", str(exc)) from None
    if keys.filter(key=paper.credential, used=False).update(used=True) != 1:
        raise PaperRefused("credential-used", "this credential has already cast a paper")
    if Credential.objects.filter(pk=cred_id, spent=False).update(spent=True) != 1:
        raise CredentialError("this credential has already been used to vote; each can be used once")
    Voter.objects.filter(pk=voter_id).update(voted=True)
    BoardComponent.objects.bulk_create([BoardComponent(ballot=ballot, value=a.hex()) for a in paper.a_components])
    position, entry = _append(ballot, paper.tracker, canonical_json(cast))
    return EncryptedReceipt(ballot.pk, paper.tracker, position, entry)


def _append(ballot: Ballot, tracker: str, content: bytes) -> tuple[int, str]:
    """Store the paper at the end of the ballot's chain ("record:" + E + ":papers")."""
    chain = chain_name(ballot)
    head = ChainHead.objects.select_for_update().filter(name=chain).first() or lock_chain(name=chain)
    previous, position = head.head_hash, head.position + 1
    entry = link_hash(chain, previous, position, tracker.encode("ascii"))
    Paper.objects.create(id=secrets.token_hex(16), ballot=ballot, position=position, content=content,
                         tracker=tracker, previous_hash=previous, entry_hash=entry)  # fmt: skip
    ChainHead.objects.filter(name=chain).update(position=position, head_hash=entry)
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
