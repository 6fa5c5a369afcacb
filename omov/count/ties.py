"""Breaking ties: by earlier stages (backwards or forwards), then by lot from a published seed.

The lot is reproducible by anyone: for the k-th draw of a count (k = 1, 2, ...), each tied candidate's lot
number is the SHA-256 of the UTF-8 bytes of "<seed>:<k>:<candidate name>", read as a big-endian integer;
the candidate with the *smallest* lot number is the one the draw picks.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import overload

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
        # the same numbers as lot_number(), the "<seed>:<draw>:" prefix hashed once per draw (a draw among
        # hundreds of candidates on no votes is common in a count of a thousand)
        prefix = hashlib.sha256(f"{self.seed}:{self.draws}:".encode())

        def number(c: int) -> tuple[int, int]:
            h = prefix.copy()
            h.update(names[c].encode())
            return int.from_bytes(h.digest(), "big"), c

        return min(tied, key=number)


class History(Sequence[tuple[Fraction, ...]]):
    """Each stage's totals, oldest first (what `break_tie` looks back or forwards at), kept so that a tie among
    candidates who were level at *every* stage is seen at once.

    Looking back costs stages x tied candidates; with a thousand candidates on no votes, each excluded in turn
    from a tie of hundreds, that made a count cubic in the candidates. So beside the totals a class number is
    kept per candidate, shared by exactly the candidates whose totals have been equal at every stage so far
    (refined stage by stage, work only for the candidates whose total changed); a tie within one class skips
    the look-back and goes straight to the next method (a lot), as the look-back would have found nothing.
    """

    def __init__(self, stages: Iterable[Sequence[Fraction]] = ()) -> None:
        self._stages: list[tuple[Fraction, ...]] = []
        self._classes: list[int] = []
        self._next = 0  # the next unused class number
        for totals in stages:
            self.append(totals)

    def append(self, totals: Sequence[Fraction]) -> None:
        """Record one more stage's totals."""
        row = tuple(totals)
        if not self._stages:
            first: dict[Fraction, int] = {}
            self._classes = [first.setdefault(v, len(first)) for v in row]
            self._next = len(first)
        else:
            # A class's members had equal totals at the last stage, so those whose total did not change stay
            # together under the old number, and those whose total changed split off by their new total.
            old = self._classes
            new = list(old)
            split: dict[tuple[int, Fraction], int] = {}
            for c, (before, now) in enumerate(zip(self._stages[-1], row, strict=True)):
                if before is now or before == now:
                    continue
                key = (old[c], now)
                number = split.get(key)
                if number is None:
                    number = split[key] = self._next
                    self._next += 1
                new[c] = number
            self._classes = new
        self._stages.append(row)

    def level_throughout(self, candidates: Iterable[int]) -> bool:
        """Were these candidates' totals equal to one another at every stage recorded?"""
        return len({self._classes[c] for c in candidates}) <= 1 if self._stages else True

    @overload
    def __getitem__(self, index: int) -> tuple[Fraction, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[Fraction, ...]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Fraction, ...] | Sequence[tuple[Fraction, ...]]:
        return self._stages[index]

    def __len__(self) -> int:
        return len(self._stages)


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
            if isinstance(history, History) and history.level_throughout(pool):
                continue  # equal at every stage: looking back or forwards would find no difference
            stages = reversed(range(len(history))) if method == "backwards" else range(len(history))
            for k in stages:
                totals = history[k]
                first = totals[pool[0]]
                if all(totals[c] == first for c in pool):
                    continue
                target = (min if lowest else max)(totals[c] for c in pool)
                pool = [c for c in pool if totals[c] == target]
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
