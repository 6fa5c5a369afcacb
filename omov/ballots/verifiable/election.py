"""What a verifiable ballot's election is, in record terms (docs/record.md §2.2 and §9): E, the kind, the width or
the question, the parameters, the contexts of its decryption proofs. Reads only; no writes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from omov.ballots.models import Ballot, Election
from omov.ballots.selectors import max_choices_for
from omov.crypto.encoding import length_prefixed, u32
from omov.crypto.marks import QuestionSpec

GROUP = "ristretto255"
SHUFFLE_PROOF = "omov/shuffle/v1"
SERVER_MIXER = "server"
TRUSTEE_MIXER = "trustee"
TALLY_DOMAIN = b"omov/record/v4/tally"
DECRYPTION_DOMAIN = b"omov/record/v3/decryption"
INPUT_TYPE = "omov/record-decryption-input/v1"
PARTIALS_TYPE = "omov/record-partials/v1"
MIX_INPUT_TYPE = "omov/mix-input/v1"
MIX_TYPE = "omov/mix/v1"


def dump(value: Any) -> bytes:
    """A record file's exact bytes: canonical JSON (docs/record.md §2) and one final newline."""
    return (json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kind_of(ballot: Ballot) -> str:
    """"ranked" (AV/STV: mixed, then decrypted paper by paper) or "marks" (summed under encryption)."""
    return "ranked" if ballot.ranked else "marks"


def candidate_names(ballot: Ballot) -> list[str]:
    return list(ballot.candidates.order_by("number").values_list("name", flat=True))


def question_for(ballot: Ballot) -> QuestionSpec:
    """The mark question of a FPTP, bloc or approval ballot (crypto.md §5): one option per candidate."""
    n = ballot.candidates.count()
    most = max_choices_for(ballot, n)
    kind = {"fptp": "bloc", "bloc": "bloc", "approval": "approval"}.get(ballot.method, "bloc")
    return QuestionSpec(f"ballot-{ballot.public_id}", n, 0 if ballot.allow_empty else 1, most, kind)


def mixers_for(ballot: Ballot) -> list[str]:
    if not ballot.ranked:
        return []
    return [SERVER_MIXER] if ballot.mix_count == 1 else [SERVER_MIXER, TRUSTEE_MIXER]


def count_rule_parts(ballot: Ballot) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ballot's rule option changes and balance rules in the record's form (record.md §9): what the plain
    count applies (omov.ballots.selectors.rule_for), with gender groups resolved to the candidates standing now.
    CryptoError (from omov.crypto.record4) naming the option or constraint the record cannot hold."""
    from omov.ballots.selectors import rule_for
    from omov.crypto import record4 as r4

    options = r4.rule_options(ballot.options or {})
    return options, r4.constraints_json(rule_for(ballot).constraints, candidate_names(ballot))


def parameters_for(ballot: Ballot, *, public_key: str, credentials: dict[str, Any], count_seed: str) -> dict[str, Any]:
    """parameters.json of a verifiable ballot (record.md §2.2 with §9's kind, credentials and question), made by
    omov.crypto.record4 from the ballot's candidates, seats, method, option changes and balance rules, and the
    opening's key, list and seed."""
    from omov.crypto import record4 as r4

    options, constraints = count_rule_parts(ballot)
    common = {"election": ballot.election_id, "title": ballot.title, "public_key": public_key,
              "candidates": candidate_names(ballot), "seats": ballot.seats, "rule": ballot.method,
              "count_seed": count_seed, "credentials": credentials, "options": options,
              "constraints": constraints}
    if ballot.ranked:
        return r4.ranked_parameters(mixers=mixers_for(ballot), **common)
    return r4.marks_parameters(question=question_for(ballot), **common)


def parameters_of(election: Election) -> dict[str, Any]:
    return json.loads(election.parameters)


def fingerprint_bytes(election: Election) -> bytes:
    return bytes.fromhex(election.fingerprint)


def paper_context(fingerprint: bytes, index: int) -> bytes:
    """The decryption context of the index-th (0-based) paper of the last mix (record.md §4)."""
    return length_prefixed(DECRYPTION_DOMAIN, fingerprint, index.to_bytes(8, "big"))


def tally_context(fingerprint: bytes) -> bytes:
    """h of the marks' tally decryption (record.md §9)."""
    return length_prefixed(TALLY_DOMAIN, fingerprint)


def partial_context(election: str, trustee: int, h: bytes, index: int) -> bytes:
    """crypto.md §6 step 5's context: length_prefixed("omov/v1/partial-decryption", UTF8(E), u32 T, h, u32 j)."""
    return length_prefixed(b"omov/v1/partial-decryption", election.encode("utf-8"), u32(trustee), h, u32(index))
