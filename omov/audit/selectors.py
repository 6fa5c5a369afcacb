"""Reads of the audit log: verifying its hash chain."""

from __future__ import annotations

from dataclasses import dataclass

from omov.audit.chain import GENESIS, canonical_json, link_hash
from omov.audit.models import AuditEntry, ChainHead
from omov.audit.services import AUDIT_CHAIN


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking a hash chain: how many entries, and the first problem found (if any)."""

    ok: bool
    entries: int
    head_hash: str
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.entries} entries, chain intact, head {self.head_hash}"
        return f"BROKEN after checking {self.entries} entries: {self.problem}"


def verify_audit_chain() -> ChainReport:
    """Recompute every audit entry's hash in order; report the first entry that does not match."""
    previous, n = GENESIS, 0
    for entry in AuditEntry.objects.order_by("position").iterator(chunk_size=2000):
        n += 1
        if entry.position != n:
            return ChainReport(False, n - 1, previous, f"entry #{n} is missing (found #{entry.position} next)")
        if entry.previous_hash != previous:
            return ChainReport(False, n - 1, previous, f"entry #{n} does not point at entry #{n - 1}")
        expected = link_hash(AUDIT_CHAIN, previous, entry.position, canonical_json(entry.payload()))
        if expected != entry.entry_hash:
            return ChainReport(False, n - 1, previous, f"entry #{n} was altered (its hash does not match)")
        previous = entry.entry_hash
    head = ChainHead.objects.filter(name=AUDIT_CHAIN).first()
    if head is not None and (head.position != n or head.head_hash != previous):
        return ChainReport(False, n, previous, f"the log ends at #{n} but its head says #{head.position}")
    return ChainReport(True, n, previous)
