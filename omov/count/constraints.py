"""Group constraints ("at least k women elected") applied inside a count.

The rule every method follows: a candidate is elected only if, after electing them, the remaining seats can
still be filled from the continuing candidates so that every group's minimum and maximum is met; otherwise
they are excluded (passed over) instead. A candidate may be excluded only if the constraints remain
satisfiable without them; when the continuing members of a group are exactly what its minimum still needs,
they are elected ("deemed elected to meet the constraint"). This is the "constrained count" approach, written
down in docs/constraints.md; how the Labour Party itself applies its NEC gender minimum is not confirmed from a
rule book (docs/rules/labour-nec.md). For the bloc vote the two readings elect the same people
(tests/count/test_labour_nec.py); under STV they can differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from omov.count.errors import CountError
from omov.count.rules import Constraint


class Constraints:
    """The constraints of a count, resolved to candidate indices."""

    def __init__(self, constraints: Sequence[Constraint], names: Sequence[str], seats: int) -> None:
        self.constraints = tuple(constraints)
        self.seats = seats
        index = {n: i for i, n in enumerate(names)}
        folded = {" ".join(n.split()).casefold(): i for i, n in enumerate(names)}
        self.members: list[frozenset[int]] = []
        for con in self.constraints:
            idx = set()
            for name in con.members:
                i = index.get(name, folded.get(" ".join(name.split()).casefold()))
                if i is None:
                    raise CountError(f"group {con.group!r} names {name!r}, who is not a candidate")
                idx.add(i)
            self.members.append(frozenset(idx))
        self.n = len(names)

    def __bool__(self) -> bool:
        return bool(self.constraints)

    def signature(self, c: int) -> tuple[bool, ...]:
        """Which groups candidate c belongs to."""
        return tuple(c in m for m in self.members)

    def feasible(self, elected: Iterable[int], continuing: Iterable[int]) -> bool:
        """Can the remaining seats be filled from `continuing` so that every constraint holds?"""
        if not self.constraints:
            return True
        elected = list(elected)
        have = tuple(sum(1 for c in elected if c in m) for m in self.members)
        pool = Counter(self.signature(c) for c in continuing)
        free = max(0, self.seats - len(elected))
        to_fill = min(free, sum(pool.values()))
        mins = tuple(con.minimum for con in self.constraints)
        maxs = tuple(con.maximum if con.maximum is not None else self.seats for con in self.constraints)
        return _search(tuple(sorted(pool.items())), to_fill, have, mins, maxs)

    def can_elect(self, c: int, elected: Iterable[int], continuing: Iterable[int]) -> bool:
        """Would electing c leave the constraints satisfiable?"""
        elected = list(elected)
        return self.feasible([*elected, c], [x for x in continuing if x != c])

    def can_exclude(self, c: int, elected: Iterable[int], continuing: Iterable[int]) -> bool:
        """Would excluding c leave the constraints satisfiable?"""
        return self.feasible(elected, [x for x in continuing if x != c])

    def describe(self, names: Sequence[str]) -> list[str]:
        """One line per constraint, for the count sheet."""
        out = []
        for con, members in zip(self.constraints, self.members, strict=True):
            limit = f"at least {con.minimum}"
            if con.maximum is not None:
                limit += f" and at most {con.maximum}"
            who = ", ".join(names[i] for i in sorted(members))
            out.append(f"{limit} elected from {con.group} ({who})")
        return out


@lru_cache(maxsize=4096)
def _search(
    pool: tuple[tuple[tuple[bool, ...], int], ...],
    to_fill: int,
    have: tuple[int, ...],
    mins: tuple[int, ...],
    maxs: tuple[int, ...],
) -> bool:
    if any(h > mx for h, mx in zip(have, maxs, strict=True)):
        return False
    if not pool:
        return to_fill == 0 and all(h >= mn for h, mn in zip(have, mins, strict=True))
    (sig, avail), rest = pool[0], pool[1:]
    left_after = sum(a for _, a in rest)
    for take in range(min(avail, to_fill), -1, -1):
        if to_fill - take > left_after:
            break
        nxt = tuple(h + (take if s else 0) for h, s in zip(have, sig, strict=True))
        if _search(rest, to_fill - take, nxt, mins, maxs):
            return True
    return False
