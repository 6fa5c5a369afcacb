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
import hashlib
import json
import re
import secrets
from collections.abc import Sequence
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


def paper_chain_name(ballot_id: int) -> str:
    """The name of a ballot's hash chain of papers (omov.audit.models.ChainHead)."""
    return f"papers:{ballot_id}"
