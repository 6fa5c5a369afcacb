"""Opening a verifiable ballot: the ceremony must be complete and check; then the list of credential keys and the
parameters (with their fingerprint F) are fixed, before any paper can be cast (docs/record.md §2.2, §9).

Credential keys (docs/crypto.md §11), stored in `CredentialKey` with nothing that points at a voter:
- server mode: opening mints every voter's voting token now (not at delivery, as for other ballots), because
  the published list must be complete before voting starts; the token is the credential code, its key is
  derived and listed, and the token is kept on the credential row only until it is delivered (then erased);
- offline mode: the list was uploaded (`upload_credentials`, from `omov credentials generate`) and its length
  must equal the roll's.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from omov.audit.services import record
from omov.ballots.errors import BallotError, IllegalTransition, NotReady
from omov.ballots.models import Ballot, Credential, CredentialKey, Election, Voter
from omov.ballots.papers import credential_hash, new_credential
from omov.ballots.services._common import S, _lock, _require_officer
from omov.ballots.verifiable.election import count_rule_parts, dump, parameters_for, sha256_hex
from omov.ballots.verifiable.services.ceremony import check_complete_ceremony, read_upload
from omov.crypto.credentials import credentials_list, derive_credential
from omov.crypto.errors import CryptoError


def opening_problems(ballot: Ballot) -> list[str]:
    """What stops a verifiable ballot from opening (empty when nothing does, or when it is not verifiable)."""
    if not ballot.verifiable:
        return []
    problems = []
    try:
        check_complete_ceremony(ballot)
    except BallotError as exc:
        problems.append(str(exc))
    from omov.count import CountError

    try:  # the rule's option changes and balance rules go into parameters.json: they must fit its form
        count_rule_parts(ballot)
    except (CryptoError, CountError) as exc:
        problems.append(f"its counting rule cannot be published in the election record: {exc}")
    if ballot.candidates.filter(withdrawn=True).exists():
        problems.append("a verifiable ballot cannot open with a withdrawn candidate (its paper and parameters are "
                        "fixed at the opening): remove them instead; candidates withdrawn after it opens are "
                        "recorded with the result")  # fmt: skip
    if ballot.credential_mode == "offline" and not CredentialKey.objects.filter(ballot=ballot).exists():
        problems.append("upload the credentials' public list (credentials.json, from `omov credentials generate`)")
    return problems


@transaction.atomic
def upload_credentials(*, ballot: Ballot, actor: Any, data: Any) -> int:
    """Offline mode: store the public list of credential keys (credentials.json of `omov credentials generate
    --election E`), replacing an earlier upload, while the ballot is a draft or ready. Its length is checked
    against the roll when the ballot opens. Returns the number of keys."""
    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if not locked.verifiable or locked.credential_mode != "offline":
        raise BallotError(f"{locked.title!r} does not take an uploaded list of credentials (not offline mode)")
    if locked.state not in (S.DRAFT, S.READY):
        raise IllegalTransition(f"the credentials of {locked.title!r} were fixed when it opened")
    obj = read_upload(data, "credentials.json")
    if "codes" in obj or any(k for k in obj if k not in ("election", "keys")):
        raise BallotError("credentials.json: only the public list {\"election\", \"keys\"} is uploaded; the codes "
                          "stay with the credential authority")  # fmt: skip
    if obj.get("election") != locked.election_id:
        raise BallotError(f"credentials.json: the list is for election {obj.get('election')!r}, not "
                          f"{locked.election_id!r} (generate it with --election {locked.election_id})")  # fmt: skip
    keys = obj.get("keys")
    if not isinstance(keys, list) or not keys:
        raise BallotError("credentials.json: 'keys' must be a non-empty list of public keys")
    try:
        listed = credentials_list(locked.election_id, keys)
    except CryptoError as exc:
        raise BallotError(f"credentials.json: {exc}") from None
    if listed["keys"] != keys:
        raise BallotError("credentials.json: the keys must be in strictly increasing order")
    CredentialKey.objects.filter(ballot=locked).delete()
    CredentialKey.objects.bulk_create([CredentialKey(ballot=locked, key=k) for k in keys], batch_size=2000)
    record(actor=actor, action="ballot.credentials.uploaded", subject=f"ballot:{locked.pk}",
           details={"keys": len(keys), "sha256": sha256_hex(dump(listed))})  # fmt: skip
    return len(keys)


def fix_election(*, ballot: Ballot, actor: Any) -> Election:
    """At the opening (inside open_ballot's transaction, the roll frozen): check the ceremony, fix the credential
    keys and the parameters. NotReady naming the problem otherwise (and the opening rolls back)."""
    problems = opening_problems(ballot)
    if problems:
        raise NotReady(f"cannot open {ballot.title!r}: " + "; ".join(problems))
    pk = check_complete_ceremony(ballot)
    election_id = ballot.election_id
    roll = Voter.objects.filter(ballot=ballot).count()
    if ballot.credential_mode == "server":
        keys = _mint_server_codes(ballot)
    else:
        keys = list(CredentialKey.objects.filter(ballot=ballot).values_list("key", flat=True))
        if len(keys) != roll:
            raise NotReady(f"cannot open {ballot.title!r}: the uploaded list has {len(keys)} credentials but the "
                           f"roll has {roll} voters; generate a list of {roll}")  # fmt: skip
    listed = credentials_list(election_id, keys)
    credentials = dump(listed)
    seed = ballot.seed or secrets.token_hex(8)
    if not ballot.seed:
        Ballot.objects.filter(pk=ballot.pk).update(seed=seed)
        ballot.seed = seed
    parameters = dump(parameters_for(ballot, public_key=pk.data.hex(), credentials=listed, count_seed=seed))
    election = Election.objects.create(
        ballot=ballot,
        election_id=election_id,
        parameters=parameters.decode("utf-8"),
        fingerprint=sha256_hex(parameters),
        public_key=pk.data.hex(),
        credentials=credentials.decode("utf-8"),
    )
    record(
        actor=actor,
        action="ballot.verifiable.fixed",
        subject=f"ballot:{ballot.pk}",
        details={"election": election_id, "fingerprint": election.fingerprint, "public_key": election.public_key,
                 "credentials": len(keys), "credentials_sha256": sha256_hex(credentials)},
    )
    return election


def _mint_server_codes(ballot: Ballot) -> list[str]:
    """Server mode: a voting token for every voter on the roll, its hash on the credential row (to spend it), the
    token kept until delivered, its public key listed apart. The keys are stored in sorted order, so not even
    the rows' ids follow the roll's order."""
    creds = list(Credential.objects.filter(ballot=ballot).order_by("?"))
    keys = []
    for cred in creds:
        token = new_credential()
        cred.token_hash = credential_hash(token)
        cred.pending_code = token
        keys.append(derive_credential(ballot.election_id, token).public_hex)
    Credential.objects.bulk_update(creds, ["token_hash", "pending_code"], batch_size=500)
    keys.sort()
    CredentialKey.objects.filter(ballot=ballot).delete()
    CredentialKey.objects.bulk_create([CredentialKey(ballot=ballot, key=k) for k in keys], batch_size=2000)
    return keys
