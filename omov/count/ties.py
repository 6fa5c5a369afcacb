"""Breaking ties: by earlier stages (backwards or forwards), then by lot from a published seed.

The lot is reproducible by anyone: for the k-th draw of a count (k = 1, 2, ...), each tied candidate's lot
number is the SHA-256 of the UTF-8 bytes of "<seed>:<k>:<candidate name>", read as a big-endian integer;
the candidate with the *smallest* lot number is the one the draw picks.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from fractions import Fraction

from omov.count.errors import CountError


def new_seed() -> str:
    """A fresh random seed for a count that did not get one (it is printed on the sheet)."""
    return secrets.token_hex(8)


class Lot:
    """Draws by lot from a seed, keeping a note of every draw for the count sheet."""

    def __init__(self, seed: str | int | None) -> None:
        self.seed = new_seed() if seed is None else str(seed)
        self.draws = 0

    def lot_number(self, draw: int, name: str) -> int:
        """The lot number of `name` in draw `draw` (see the module docstring)."""
        digest = hashlib.sha256(f"{self.seed}:{draw}:{name}".encode()).digest()
        return int.from_bytes(digest, "big")

    def pick(self, tied: Sequence[int], names: Sequence[str]) -> int:
        """Draw one of `tied` by lot."""
        if not tied:
            raise CountError("internal: a lot among no candidates")
        self.draws += 1
        return min(tied, key=lambda c: (self.lot_number(self.draws, names[c]), c))


def break_tie(
    tied: Sequence[int],
    *,
    history: Sequence[Sequence[Fraction]],
    names: Sequence[str],
    lot: Lot,
    methods: Sequence[str] = ("backwards", "lot"),
    lowest: bool = True,
) -> tuple[int, str]:
    """Pick one of `tied` (the lowest when `lowest`, else the highest) and say how on the sheet.

    `history` holds each earlier stage's totals, oldest first. "backwards" looks at the most recent earlier
    stage at which the tied candidates did not all have equal votes and keeps those lowest (highest) there,
    repeating for what is left; "forwards" does the same from the first stage; "lot" draws by lot.
    """
    pool = sorted(tied)
    if len(pool) == 1:
        return pool[0], ""
    label = ", ".join(names[c] for c in pool)
    for method in methods:
        if method in {"backwards", "forwards"}:
            stages = list(reversed(history)) if method == "backwards" else list(history)
            for totals in stages:
                values = {c: totals[c] for c in pool}
                if len(set(values.values())) > 1:
                    target = min(values.values()) if lowest else max(values.values())
                    pool = [c for c in pool if values[c] == target]
                    if len(pool) == 1:
                        break
            if len(pool) == 1:
                return pool[0], f"tie between {label} broken by looking {method} at earlier stages"
        elif method == "lot":
            chosen = lot.pick(pool, names)
            return chosen, f"tie between {label} broken by lot (seed {lot.seed}, draw {lot.draws})"
        else:
            raise CountError(f"unknown tie-break method {method!r}")
    chosen = lot.pick(pool, names)
    return chosen, f"tie between {label} broken by lot (seed {lot.seed}, draw {lot.draws})"
