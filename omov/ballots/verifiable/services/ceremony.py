"""Setting a verifiable ballot up while it is a draft, and its trustees' key ceremony (docs/crypto.md §6).

The server takes only the public files of the ceremony (init, shares, combine), checks each as it arrives and
refuses a bad one naming what failed. It never receives a secret: a file whose type is a trustee's secret (or
that carries a secret's fields) is refused without being stored, with a message telling the trustee to keep it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from omov.audit.services import record
from omov.ballots.errors import BallotError, CeremonyError, IllegalTransition, NotAllowed
from omov.ballots.models import Ballot, CredentialKey, Trustee
from omov.ballots.permissions import is_officer
from omov.ballots.services._common import S, _lock, _require_officer
from omov.core.actors import is_system
from omov.crypto import trustees as tr
from omov.crypto.encoding import canonical_json, length_prefixed, sha256_hex, text, u32
from omov.crypto.errors import CryptoError
from omov.crypto.group import Point
from omov.crypto.proofs import DlogProof, verify_dlog

SECRET_FIELDS = {"coefficients", "transport_key_secret", "share", "secret"}
CEREMONY_STATES = (S.DRAFT, S.READY)


@transaction.atomic
def set_verifiable(
    *,
    ballot: Ballot,
    actor: Any,
    verifiable: bool,
    trustees: Sequence[str | tuple[str, Any]] = (),
    threshold: int | None = None,
    credential_mode: str = "server",
    mix_count: int = 2,
) -> Ballot:
    """Make a draft ballot verifiable (or not), naming its trustees (names, or (name, user) pairs: trustee 1
    first) and the threshold t of them needed to decrypt; the credential mode ("server" or "offline") and, for a
    ranked ballot, the mixes (2: the server's then a trustee's; 1: the server's only).

    Changing the trustees, their number or the threshold starts the key ceremony again: files already uploaded
    are discarded (they were made for the old n and t), which the audit entry says."""
    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.DRAFT:
        raise IllegalTransition(f"cannot change how {locked.title!r} is verified: it is {locked.state}, not a draft")
    if credential_mode not in ("server", "offline"):
        raise BallotError("the credential mode is 'server' or 'offline'")
    if mix_count not in (1, 2):
        raise BallotError("a verifiable ranked ballot has one mix (the server's) or two (the server's, a trustee's)")
    named = [(t, None) if isinstance(t, str) else (str(t[0]), t[1]) for t in trustees]
    named = [(name.strip(), user) for name, user in named]
    discarded = 0
    if verifiable:
        n = len(named)
        if n < 1:
            raise BallotError("name at least one trustee (three, any two of whom can decrypt, is usual)")
        if any(not name for name, _ in named):
            raise BallotError("every trustee needs a name")
        if len({name for name, _ in named}) != n:
            raise BallotError("two trustees have the same name: give each a name the others can tell apart")
        t = threshold if threshold is not None else (n // 2 + 1)
        if not 1 <= t <= n:
            raise BallotError(f"the threshold must be between 1 and the number of trustees ({n}), not {t}")
        current = list(locked.trustees.order_by("number").values_list("name", "user_id"))
        wanted = [(name, getattr(user, "pk", None)) for name, user in named]
        if current != wanted or (locked.trustee_count, locked.trustee_threshold) != (n, t):
            discarded = sum(1 for tr_ in locked.trustees.all() if tr_.init or tr_.shares or tr_.combine)
            locked.trustees.all().delete()
            Trustee.objects.bulk_create(
                [Trustee(ballot=locked, number=i, name=name, user=user) for i, (name, user) in enumerate(named, 1)]
            )
        locked.trustee_count, locked.trustee_threshold = n, t
    else:
        discarded = sum(1 for tr_ in locked.trustees.all() if tr_.init or tr_.shares or tr_.combine)
        locked.trustees.all().delete()
        CredentialKey.objects.filter(ballot=locked).delete()
    locked.verifiable = verifiable
    locked.credential_mode = credential_mode
    locked.mix_count = mix_count
    locked.save(update_fields=["verifiable", "credential_mode", "mix_count", "trustee_count", "trustee_threshold"])
    for key in ("verifiable", "credential_mode", "mix_count", "trustee_count", "trustee_threshold"):
        setattr(ballot, key, getattr(locked, key))
    record(
        actor=actor,
        action="ballot.verifiable.set",
        subject=f"ballot:{locked.pk}",
        details={
            "verifiable": verifiable,
            "trustees": [name for name, _ in named] if verifiable else [],
            "threshold": locked.trustee_threshold if verifiable else None,
            "credential_mode": credential_mode,
            "mix_count": mix_count,
            "ceremony_files_discarded": discarded,
        },
    )
    return locked


def _may_upload(actor: Any, trustee: Trustee) -> bool:
    """The trustee themself (their account), a returning officer of the ballot (passing on a CLI trustee's
    files), or a trusted system caller."""
    if is_system(actor):
        return True
    if trustee.user_id is not None and getattr(actor, "pk", None) == trustee.user_id:
        return True
    return is_officer(actor=actor, ballot=trustee.ballot)


def read_upload(data: Any, what: str) -> dict[str, Any]:
    """An uploaded JSON file as a dict (bytes, text or an already-parsed object), refusing anything else."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise CeremonyError(f"{what}: the file is not UTF-8 text (is it the right file?)") from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise CeremonyError(f"{what}: the file is not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise CeremonyError(f"{what}: the file is not a JSON object")
    return data


def refuse_secrets(obj: dict[str, Any], what: str) -> None:
    """Refuse, without storing it, any file that is (or holds) a trustee's secret."""
    kind = obj.get("type")
    if kind == tr.SECRET_TYPE or (isinstance(kind, str) and "secret" in kind) or SECRET_FIELDS & set(obj):
        raise CeremonyError(
            f"{what}: this is your SECRET file ({kind or 'it holds secret fields'}). It was not stored and must "
            "never be uploaded: keep it on your own device. Upload the public file instead "
            "(trustee-N.init.json, trustee-N.shares.json or trustee-N.combine.json)"
        )


def _inits(ballot: Ballot) -> list[dict[str, Any]]:
    return [t.init for t in ballot.trustees.order_by("number") if t.init is not None]


@transaction.atomic
def upload_trustee_file(*, ballot: Ballot, trustee: Trustee, actor: Any, data: Any) -> Trustee:
    """Store one of a trustee's public ceremony files, after checking it: the init file (first), the shares file
    (once every trustee's init is in), the combine file (once every shares file is in). The file's type says
    which. Refused, naming what failed, if it is a secret, for another ballot, trustee, n or t, out of order,
    already uploaded, or if a proof does not verify."""
    locked = _lock(ballot)
    if trustee.ballot_id != locked.pk:
        raise NotAllowed("that trustee is not one of this ballot's")
    if not _may_upload(actor, trustee):
        raise NotAllowed(f"only {trustee.name} (or a returning officer for them) can upload trustee {trustee.number}'s "
                         f"files")  # fmt: skip
    if not locked.verifiable:
        raise CeremonyError(f"{locked.title!r} is not a verifiable ballot: it has no trustees")
    if locked.state not in CEREMONY_STATES:
        raise IllegalTransition(f"the key ceremony of {locked.title!r} is over: it is {locked.state}")
    trustee = Trustee.objects.select_for_update().get(pk=trustee.pk)
    what = f"trustee {trustee.number} ({trustee.name})"
    obj = read_upload(data, what)
    refuse_secrets(obj, what)
    kind = obj.get("type")
    election = locked.election_id
    if obj.get("election") != election:
        raise CeremonyError(f"{what}: the file is for election {obj.get('election')!r}, not this ballot's "
                            f"{election!r}: start with `--election {election}`")  # fmt: skip
    if kind == tr.INIT_TYPE:
        _check_init(locked, trustee, obj, what)
        field, state = "init", Trustee.State.INIT
    elif kind == tr.SHARES_TYPE:
        _check_shares(locked, trustee, obj, what)
        field, state = "shares", Trustee.State.SHARES
    elif kind == tr.COMBINE_TYPE:
        _check_combine(locked, trustee, obj, what)
        field, state = "combine", Trustee.State.COMBINED
    else:
        raise CeremonyError(f"{what}: a file of type {kind!r} is not part of the key ceremony (expected "
                            f"{tr.INIT_TYPE}, {tr.SHARES_TYPE} or {tr.COMBINE_TYPE})")  # fmt: skip
    if getattr(trustee, field) is not None:
        raise CeremonyError(f"{what}: the {field} file is already in; it cannot be replaced")
    setattr(trustee, field, obj)
    trustee.state = state
    trustee.save(update_fields=[field, "state"])
    record(
        actor=actor,
        action=f"ballot.trustee.{field}",
        subject=f"ballot:{locked.pk}",
        details={"trustee": trustee.number, "name": trustee.name, "sha256": sha256_hex(canonical_json(obj))},
    )
    return trustee


def _check_init(ballot: Ballot, trustee: Trustee, obj: dict[str, Any], what: str) -> None:
    try:
        parsed = tr.check_init(obj)
    except CryptoError as exc:
        raise CeremonyError(f"{what}: the init file is refused: {exc}") from None
    if parsed.id != trustee.number:
        raise CeremonyError(f"{what}: the init file is trustee {parsed.id}'s (use --id {trustee.number})")
    if (parsed.n, parsed.t) != (ballot.trustee_count, ballot.trustee_threshold):
        raise CeremonyError(f"{what}: the init file is for {parsed.t} of {parsed.n} trustees; this ballot has "
                            f"{ballot.trustee_threshold} of {ballot.trustee_count} (--n {ballot.trustee_count} "
                            f"--t {ballot.trustee_threshold})")  # fmt: skip


def _check_shares(ballot: Ballot, trustee: Trustee, obj: dict[str, Any], what: str) -> None:
    if trustee.init is None:
        raise CeremonyError(f"{what}: upload the init file first")
    missing = [t.number for t in ballot.trustees.order_by("number") if t.init is None]
    if missing:
        raise CeremonyError(f"{what}: shares come after every trustee's init file; waiting for trustee(s) "
                            f"{', '.join(map(str, missing))}")  # fmt: skip
    n = ballot.trustee_count
    try:
        if obj["from"] != trustee.number or type(obj["from"]) is not int:
            raise CeremonyError(f"{what}: the shares file is from trustee {obj['from']!r}, not {trustee.number}")
        shares = obj["shares"]
        if set(obj) != {"type", "election", "from", "shares"} or not isinstance(shares, list):
            raise CeremonyError(f"{what}: the shares file has the wrong fields")
        to = []
        for item in shares:
            if set(item) != {"to", "ephemeral", "box"}:
                raise CeremonyError(f"{what}: a share has the wrong fields")
            Point.decode(bytes.fromhex(item["ephemeral"]))
            bytes.fromhex(item["box"])
            to.append(item["to"])
    except CeremonyError:
        raise
    except (KeyError, TypeError, ValueError, CryptoError) as exc:
        raise CeremonyError(f"{what}: the shares file is malformed ({exc})") from None
    expected = [j for j in range(1, n + 1) if j != trustee.number]
    if sorted(to) != expected:
        raise CeremonyError(f"{what}: the shares file must hold one share for each of trustees "
                            f"{', '.join(map(str, expected))}; it has {sorted(to)}")  # fmt: skip


def _check_combine(ballot: Ballot, trustee: Trustee, obj: dict[str, Any], what: str) -> None:
    if trustee.shares is None:
        raise CeremonyError(f"{what}: upload the shares file first")
    missing = [t.number for t in ballot.trustees.order_by("number") if t.shares is None]
    if missing:
        raise CeremonyError(f"{what}: the combine step comes after every trustee's shares; waiting for trustee(s) "
                            f"{', '.join(map(str, missing))}")  # fmt: skip
    inits = _inits(ballot)
    try:
        j = obj["id"]
        if type(j) is not int or j != trustee.number:
            raise CeremonyError(f"{what}: the combine file is trustee {j!r}'s, not {trustee.number}'s")
        pk = tr.joint_public_key(inits)
        announced = Point.decode(bytes.fromhex(obj["public_key"]))
        vk = Point.decode(bytes.fromhex(obj["verification_key"]))
        proof = DlogProof.from_json(obj["proof"])
        inputs = obj["inputs"]
    except CeremonyError:
        raise
    except (KeyError, TypeError, ValueError, CryptoError) as exc:
        raise CeremonyError(f"{what}: the combine file is malformed ({exc})") from None
    if announced != pk:
        raise CeremonyError(f"{what}: the combine file announces another public key than the init files give")
    if vk != tr.verification_key(inits, j):
        raise CeremonyError(f"{what}: the verification key does not match the init files' commitments")
    context = length_prefixed(b"omov/v1/trustee/verification-key", text(ballot.election_id), u32(j), pk.data)
    if not verify_dlog(vk, proof, context):
        raise CeremonyError(f"{what}: the proof of knowledge of the key share does not verify")
    if inputs != sorted(sha256_hex(canonical_json(i)) for i in inits):
        raise CeremonyError(f"{what}: the combine file was made from other init files than this ballot's")


def check_complete_ceremony(ballot: Ballot) -> Point:
    """The joint public key of a complete ceremony that checks (crypto.md §6 step 4), or CeremonyError."""
    trustees = list(ballot.trustees.order_by("number"))
    if len(trustees) != ballot.trustee_count or not trustees:
        raise CeremonyError(f"{ballot.title!r} has {len(trustees)} trustees named, not {ballot.trustee_count}")
    waiting = [f"{t.number} ({t.name})" for t in trustees if t.combine is None]
    if waiting:
        raise CeremonyError(f"the key ceremony of {ballot.title!r} is not complete: waiting for trustee(s) "
                            f"{', '.join(waiting)}")  # fmt: skip
    try:
        pk = tr.check_ceremony([t.init for t in trustees], [t.combine for t in trustees])
    except CryptoError as exc:
        raise CeremonyError(f"the key ceremony of {ballot.title!r} does not check: {exc}") from None
    if pk.is_identity():
        raise CeremonyError("the trustees' joint public key is the identity: run the ceremony again")
    return pk
