"""Python crypto playing the parts the browser and the trustees' CLI play in a verifiable ballot: trustees'
ceremony, a voter's booth, a trustee's mix and partial decryptions (for tests/ballots/test_verifiable_*.py)."""

from __future__ import annotations

import json
from typing import Any

from omov.ballots.models import Ballot, Trustee
from omov.ballots.verifiable.services.ceremony import upload_trustee_file
from omov.crypto import credentials as cr
from omov.crypto import record4 as r4
from omov.crypto import trustees as tr
from omov.crypto.encoding import canonical_json


def run_ceremony(ballot: Ballot, actor: Any) -> dict[int, tr.TrusteeSecret]:
    """Every trustee's init, shares and combine, uploaded in turn (as browsers and `omov trustee` would);
    returns the secrets, which stay with the trustees (here: the test)."""
    E, n, t = ballot.election_id, ballot.trustee_count, ballot.trustee_threshold
    trustees = {x.number: x for x in Trustee.objects.filter(ballot=ballot)}
    started = {i: tr.init_trustee(E, i, n, t) for i in range(1, n + 1)}
    for i, (_, init) in started.items():
        upload_trustee_file(ballot=ballot, trustee=trustees[i], actor=actor, data=json.dumps(init))
    inits = [init for _, init in started.values()]
    shares = {i: tr.make_shares(secret, inits) for i, (secret, _) in started.items()}
    for i, s in shares.items():
        upload_trustee_file(ballot=ballot, trustee=trustees[i], actor=actor, data=s)
    for i, (secret, _) in started.items():
        combine = tr.combine(secret, inits, list(shares.values()))
        upload_trustee_file(ballot=ballot, trustee=trustees[i], actor=actor, data=canonical_json(combine))
    return {i: secret for i, (secret, _) in started.items()}


def booth_ranked(params: dict[str, Any], code: str, ranking: list[int]) -> cr.Sealed:
    """A voter's device: encrypt a ranking (0-based candidate indices) under the booth's parameters."""
    return cr.encrypt_ranked(election=params["election"], fingerprint=params["fingerprint"],
                             public_key=params["publicKey"], candidates=params["candidates"], ranking=ranking,
                             code=code)


def booth_marks(params: dict[str, Any], code: str, marks: list[int]) -> cr.Sealed:
    return cr.encrypt_marks(election=params["election"], fingerprint=params["fingerprint"],
                            public_key=params["publicKey"], question=params["question"], marks=marks, code=code)


def trustee_mix(mix_input: dict[str, Any], name: str = "trustee") -> dict[str, Any]:
    """What `omov mix --input IN --out OUT --name NAME` writes: the trustee's re-mix with its proof."""
    return r4.run_mix(mix_input, name)


def trustee_partials(secret: tr.TrusteeSecret, source: dict[str, Any]) -> dict[str, Any]:
    """What `omov trustee decrypt-record` writes for the platform's decryption input."""
    return r4.trustee_partials(secret, source)
