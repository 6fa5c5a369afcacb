"""Credentials, paper validation and the canonical bytes of a stored paper.

Canonical paper bytes (version 1) are UTF-8 JSON with keys sorted and no spaces:
    {"ballot":"<ballot public uuid>","nonce":"<paper id: 32 hex digits>","ranking":[3,1,2],"v":1}
for ranked ballots (candidate numbers, most preferred first), or with "marks":[1,4] (ascending) for mark
ballots. The nonce makes every stored paper unique, so each receipt's tracker code is unique.
tracker code = SHA-256 of those bytes, in lower-case hex.

A credential is 160 random bits written as 32 base-32 letters/digits in groups of four
(e.g. "K3QZ-7M2A-..."); dashes, spaces and case are ignored when cast. Stored: SHA-256 of
b"omov-credential-v1:" + the 32 characters, upper case.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from omov.ballots.errors import CredentialError, InvalidPaper

_CRED = re.compile(r"^[A-Z2-7]{32}$")
MAX_PAPER_BYTES = 16_384  # the JSON API refuses larger request bodies outright


def new_credential() -> str:
    """A fresh credential: 160 random bits in base 32, grouped for reading aloud or typing from a letter."""
    raw = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, 32, 4))


def normalise_credential(credential: str) -> str:
    """The 32 significant characters of a credential, or CredentialError if it cannot be one."""
    if not isinstance(credential, str) or len(credential) > 100:
        raise CredentialError("that is not a ballot credential: it should be 32 letters and digits")
    text = re.sub(r"[\s-]", "", credential).upper()
    if not _CRED.match(text):
        raise CredentialError("that is not a ballot credential: it should be 32 letters and digits (A-Z, 2-7)")
    return text


def credential_hash(credential: str) -> str:
    """What is stored for a credential: SHA-256 of the normalised text with a domain prefix."""
    return hashlib.sha256(b"omov-credential-v1:" + normalise_credential(credential).encode("ascii")).hexdigest()


def validate_paper(
    paper: Any,
    *,
    names: Sequence[str],
    ranked: bool,
    max_choices: int,
    allow_empty: bool,
) -> tuple[int, ...]:
    """Check a paper (candidate numbers from 1) and return it in canonical order, or raise InvalidPaper."""
    if isinstance(paper, dict | str | bytes) or not isinstance(paper, Sequence):
        raise InvalidPaper("a paper is a list of candidate numbers, e.g. [2, 1, 3]")
    n = len(names)
    if len(paper) > n:
        raise InvalidPaper(f"this paper is too large: it has {len(paper)} entries but there are only {n} candidates")
    seen: set[int] = set()
    out: list[int] = []
    for position, choice in enumerate(paper, start=1):
        if isinstance(choice, bool) or not isinstance(choice, int):
            raise InvalidPaper(f"entry {position} of the paper ({choice!r}) is not a candidate number")
        if not 1 <= choice <= n:
            raise InvalidPaper(f"there is no candidate number {choice} on this ballot (they are numbered 1 to {n})")
        if choice in seen:
            what = "ranked" if ranked else "marked"
            raise InvalidPaper(f"candidate {choice} ({names[choice - 1]}) is {what} twice; {what} each one once")
        seen.add(choice)
        out.append(choice)
    if not out and not allow_empty:
        raise InvalidPaper("the paper is empty: " + ("rank at least one candidate" if ranked else "mark a candidate"))
    if len(out) > max_choices:
        if ranked:
            raise InvalidPaper(f"you may rank at most {max_choices} candidates; this paper ranks {len(out)}")
        raise InvalidPaper(f"too many marks: you may mark at most {max_choices}; this paper marks {len(out)}")
    return tuple(out) if ranked else tuple(sorted(out))


def paper_bytes(*, ballot_public_id: str, nonce: str, choices: tuple[int, ...], ranked: bool) -> bytes:
    """The canonical bytes of a paper (see the module docstring)."""
    body = {"ballot": ballot_public_id, "nonce": nonce, ("ranking" if ranked else "marks"): list(choices), "v": 1}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def read_paper(content: bytes) -> tuple[int, ...]:
    """The candidate numbers in a stored paper's bytes."""
    body = json.loads(bytes(content).decode("utf-8"))
    return tuple(body["ranking"] if "ranking" in body else body["marks"])


def tracker_code(content: bytes) -> str:
    """A receipt's tracker code: SHA-256 of the stored paper's bytes."""
    return hashlib.sha256(bytes(content)).hexdigest()


# The published list's commitment: a Merkle tree over the trackers in ascending order -----------------------
#
# The list of papers is published sorted by tracker code, so it says nothing about when each paper was cast.
# What voting closed on is fixed by the root of a Merkle tree over that sorted list (docs/checking.md): the
# tree shape and hashes of RFC 9162 section 2.1.1 (Certificate Transparency), with SHA-256,
#     leaf hash = SHA-256(0x00 || the tracker's 32 bytes)        node hash = SHA-256(0x01 || left || right),
# a list of n > 1 split into its first k leaves and the rest, k the largest power of two below n; the empty
# list's root is SHA-256 of nothing. Built bottom-up that is: pair the nodes of each level from the left and
# carry a level's odd last node up unchanged (never paired with itself, so no two lists share a root). A
# voter's inclusion proof is the RFC's audit path: the sibling hashes from their leaf up to the root.

MERKLE_TREE = "rfc9162-sha256"  # names the tree in the manifest and the proof documents


def merkle_leaf(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256 of 0x00 and the leaf's bytes (the prefix keeps leaves and nodes apart)."""
    return hashlib.sha256(b"\x00" + data).digest()


def merkle_node(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256 of 0x01, the left child's hash and the right child's."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level of the tree, leaves first, root level last (one node; none for an empty list)."""
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        above = [merkle_node(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
        if len(below) % 2:
            above.append(below[-1])  # the odd last node is carried up as it is
        levels.append(above)
    return levels


def sorted_trackers(trackers: Iterable[str]) -> list[str]:
    """The trackers in the published list's order: ascending (as lower-case hex, which is byte order)."""
    return sorted(t.lower() for t in trackers)


def merkle_root(leaves: list[bytes]) -> bytes:
    """The RFC 9162 tree hash of a list of leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    return _levels(leaves)[-1][0]


def papers_root(trackers: Iterable[str]) -> str:
    """The root of the tree over a ballot's trackers, sorted ascending, in lower-case hex."""
    return merkle_root([merkle_leaf(bytes.fromhex(t)) for t in sorted_trackers(trackers)]).hex()


@dataclass(frozen=True)
class InclusionProof:
    """A tracker's place in the sorted list (from 0) and its audit path (leaf's sibling first), as hex."""

    tracker: str
    leaf_index: int
    tree_size: int
    audit_path: tuple[str, ...]
    root: str


def audit_path(leaves: list[bytes], index: int) -> list[bytes]:
    """RFC 9162 audit path of leaf `index` (from 0): the hashes needed to go from that leaf up to the root."""
    path, i = [], index
    for level in _levels(leaves)[:-1]:
        sibling = i ^ 1
        if sibling < len(level):  # a carried node has no sibling on this level
            path.append(level[sibling])
        i //= 2
    return path


def inclusion_proof(trackers: Sequence[str], tracker: str) -> InclusionProof | None:
    """The audit path that proves `tracker` is in the tree over `trackers` (already in ascending order), or
    None if it is not one of them."""
    index = bisect.bisect_left(trackers, tracker)
    if index == len(trackers) or trackers[index] != tracker:
        return None
    leaves = [merkle_leaf(bytes.fromhex(t)) for t in trackers]
    path = tuple(h.hex() for h in audit_path(leaves, index))
    return InclusionProof(tracker, index, len(trackers), path, merkle_root(leaves).hex())


def close_commitment(trackers: Iterable[str]) -> dict[str, str]:
    """What the close writes into the audit log beside the private chain head (docs/checking.md):
    `papers_root`, the root of the tree over the sorted trackers, which the published list is checked against;
    and `papers_seal`, 128 random bits withheld from the public with the chain head, so that the close entry's
    public hash cannot be used to test guessed orders of casting (a handful of papers has few orders)."""
    return {"papers_root": papers_root(trackers), "papers_seal": secrets.token_hex(16)}


def paper_chain_name(ballot_id: int) -> str:
    """The name of a ballot's hash chain of papers (omov.audit.models.ChainHead)."""
    return f"papers:{ballot_id}"


def chain_name(ballot: Any) -> str:
    """The name of this ballot's chain of papers: a verifiable ballot's is the record's, "record:" + E +
    ":papers" (docs/record.md §2.4), so that the chain the server keeps is the one the record publishes."""
    if getattr(ballot, "verifiable", False):
        return f"record:{ballot.election_id}:papers"
    return paper_chain_name(ballot.pk)
