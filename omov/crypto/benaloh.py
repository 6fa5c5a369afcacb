"""Benaloh challenge ("cast or audit"): the voter's device encrypts a paper and shows its tracker; the voter then
either casts it or asks to open it. Opening reveals the marks and every ciphertext's randomness, so any other
device can re-encrypt and compare — catching a device that encrypts something else than the voter chose.
An opened paper is spoiled: the device refuses to cast it, and the bulletin board refuses its tracker forever
(openings are published, so anyone can check no opened paper was counted). The voter then starts again with
fresh randomness.

Opening file (JSON, docs/crypto.md):
    {"type": "omov/benaloh-opening/v1", "election": E, "spec": {...}, "binding": hex, "tracker": hex,
     "paper": <mark paper>, "marks": [0/1 per option], "randomness": [scalar hex per option]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from omov.crypto.elgamal import encrypt
from omov.crypto.encoding import scalar_from_hex, scalar_hex
from omov.crypto.errors import CryptoError
from omov.crypto.group import Point
from omov.crypto.marks import MarkPaper, QuestionSpec, encrypt_paper, verify_paper

__all__ = ["OPENING_TYPE", "VotingDevice", "check_opening", "BallotBox"]

OPENING_TYPE = "omov/benaloh-opening/v1"


class VotingDevice:
    """One encryption on the voter's device, which is either cast once or opened (never both)."""

    def __init__(
        self,
        pk: Point,
        election_id: str,
        spec: QuestionSpec,
        marks: Sequence[int],
        binding: bytes = b"",
        rng: Any = None,
    ) -> None:
        self.pk, self.election_id, self.spec, self.binding = pk, election_id, spec, binding
        self.marks = list(marks)
        self.paper, self._randomness = encrypt_paper(pk, election_id, spec, self.marks, binding, rng)
        self.state = "encrypted"

    @property
    def tracker(self) -> str:
        return self.paper.tracker()

    def open(self) -> dict[str, Any]:
        """Spoil this encryption and reveal it for checking."""
        if self.state == "cast":
            raise CryptoError("this paper has been cast: it cannot be opened")
        self.state = "opened"
        return {
            "type": OPENING_TYPE,
            "election": self.election_id,
            "spec": self.spec.to_json(),
            "binding": self.binding.hex(),
            "tracker": self.tracker,
            "paper": self.paper.to_json(),
            "marks": list(self.marks),
            "randomness": [scalar_hex(r) for r in self._randomness],
        }

    def cast(self) -> MarkPaper:
        """The paper to send to the ballot box; the randomness is forgotten. Refused once opened."""
        if self.state == "opened":
            raise CryptoError("this paper has been opened (audited): it can never be cast; encrypt again")
        if self.state == "cast":
            raise CryptoError("this paper has already been cast")
        self.state = "cast"
        self._randomness = []
        return self.paper


def check_opening(pk: Point, opening: Any) -> list[int]:
    """Check an opened paper on an independent device: re-encrypt each mark with the revealed randomness and
    compare with the paper's ciphertexts, check the tracker and the paper's proofs. Returns the marks (for the
    voter to compare with what they chose); CryptoError if anything differs."""
    try:
        if opening["type"] != OPENING_TYPE:
            raise CryptoError("not a Benaloh opening")
        election = str(opening["election"])
        spec = QuestionSpec.from_json(opening["spec"])
        binding = bytes.fromhex(opening["binding"])
        paper = MarkPaper.from_json(opening["paper"])
        marks = [int(m) for m in opening["marks"]]
        randomness = [scalar_from_hex(r) for r in opening["randomness"]]
        tracker = str(opening["tracker"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CryptoError("malformed Benaloh opening") from exc
    if paper.tracker() != tracker:
        raise CryptoError("the tracker is not the hash of the paper")
    if len(marks) != spec.options or len(randomness) != spec.options or len(paper.ciphertexts) != spec.options:
        raise CryptoError("the opening does not have one mark and one randomness per option")
    for i, (m, r, c) in enumerate(zip(marks, randomness, paper.ciphertexts, strict=True)):
        if encrypt(pk, m, r)[0] != c:
            raise CryptoError(f"option {i}: the ciphertext does not encrypt the revealed mark")
    if not verify_paper(pk, election, spec, paper, binding):
        raise CryptoError("the paper's proofs do not verify")
    return marks


class BallotBox:
    """The casting side's rule: a tracker that has been opened is refused forever, and so is a second copy."""

    def __init__(self) -> None:
        self.opened: set[str] = set()
        self.cast_trackers: set[str] = set()

    def spoil(self, opening: Any) -> None:
        """Record (and, in a real election, publish) an opening."""
        tracker = str(opening["tracker"])
        if tracker in self.cast_trackers:
            raise CryptoError("this paper was cast: it cannot be opened")
        self.opened.add(tracker)

    def cast(self, paper: MarkPaper) -> str:
        tracker = paper.tracker()
        if tracker in self.opened:
            raise CryptoError("this paper was opened (audited): it can never be cast")
        if tracker in self.cast_trackers:
            raise CryptoError("this paper has already been cast")
        self.cast_trackers.add(tracker)
        return tracker
