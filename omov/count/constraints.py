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
        # each candidate's groups, worked out once: a count asks about every continuing candidate at every stage
        self._signatures = [tuple(c in m for m in self.members) for c in range(self.n)]

    def __bool__(self) -> bool:
        return bool(self.constraints)

    def signature(self, c: int) -> tuple[bool, ...]:
        """Which groups candidate c belongs to."""
        return self._signatures[c]

    def feasible(self, elected: Iterable[int], continuing: Iterable[int]) -> bool:
        """Can the remaining seats be filled from `continuing` so that every constraint holds?"""
        if not self.constraints:
            return True
        return self._fits(list(elected), Counter(self._signatures[c] for c in continuing))

    def _fits(
        self, elected: Sequence[int], pool: Counter[tuple[bool, ...]], plus: tuple[bool, ...] | None = None
    ) -> bool:
        """`feasible` for a pool of candidates counted by signature, with one more elected of signature `plus`."""
        have = [sum(1 for c in elected if c in m) for m in self.members]
        if plus is not None:
            have = [h + s for h, s in zip(have, plus, strict=True)]
        free = max(0, self.seats - len(elected) - (plus is not None))
        to_fill = min(free, sum(pool.values()))
        mins = tuple(con.minimum for con in self.constraints)
        maxs = tuple(con.maximum if con.maximum is not None else self.seats for con in self.constraints)
        return _search(tuple(sorted((sig, k) for sig, k in pool.items() if k)), to_fill, tuple(have), mins, maxs)

    def _by_signature(self, elected: Iterable[int], continuing: Iterable[int], *, elect: bool) -> list[int]:
        """The continuing candidates who can be elected (`elect`) or excluded with the constraints still
        satisfiable. Candidates with the same groups are interchangeable here, so there is one check per
        signature, not per candidate: with a thousand candidates, per candidate was cubic over a count."""
        cont = list(continuing)
        if not self.constraints:
            return cont
        chosen = list(elected)
        pool = Counter(self._signatures[c] for c in cont)
        verdict: dict[tuple[bool, ...], bool] = {}
        for sig in pool:
            pool[sig] -= 1
            verdict[sig] = self._fits(chosen, pool, sig if elect else None)
            pool[sig] += 1
        return [c for c in cont if verdict[self._signatures[c]]]

    def electable(self, elected: Iterable[int], continuing: Iterable[int]) -> list[int]:
        """The candidates of `continuing` whose election leaves the constraints satisfiable (`can_elect` for all)."""
        return self._by_signature(elected, continuing, elect=True)

    def excludable(self, elected: Iterable[int], continuing: Iterable[int]) -> list[int]:
        """The candidates of `continuing` whose exclusion leaves them satisfiable (`can_exclude` for all)."""
        return self._by_signature(elected, continuing, elect=False)

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
